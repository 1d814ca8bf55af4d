// The forms in which a server returns a prompt's log-probabilities; which one a run's endpoint
// speaks is discovered by its first loss probe and kept on the run.
export const LOGPROB_FORMS = ["echo", "prompt_logprobs", "tgi"] as const;
export type LogprobForm = (typeof LOGPROB_FORMS)[number];

/** What a run found: the form its endpoint answers in, or why it has none (every form was tried). */
export type RunLogprobs = { form: LogprobForm } | { form: null; error: string };
