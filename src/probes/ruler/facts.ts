// What a RULER probe stores about itself (probes.facts_json, beside the non-literal suite's facts):
// which task, length and sample it is, what it asked and the answers it is scored against.
import { z } from "zod";
import { RULER_TASKS } from "./protocol";

export const RulerProbeFacts = z
  .object({
    suite: z.literal("ruler"),
    task: z.enum(RULER_TASKS),
    context_length: z.int(),
    sample: z.int().meta({ description: "The sample's index within its task and length (0 … samples − 1)." }),
    query: z.string().meta({ description: "What the question asks about: the key(s), the variable's value, or the QA question; empty for cwe and fwe." }),
    answers: z.array(z.string()).meta({ description: "The expected strings: string_match_all scores the share the reply contains (qa: any of them)." }),
    haystack_size: z.int().meta({ description: "The haystack's size in its own unit: noise or needle lines, essay tokens, list words, coded words or documents." }),
    prompt_tokens: z.int().meta({
      description:
        "The prompt's exact tokens in the run's tokenizer, answer prefix included: at most context_length − tokens_to_generate. Tokenizer \"endpoint\": counted by the server's tokenize route, or (calibrated runs) estimated.",
    }),
    tokens_to_generate: z.int(),
  })
  .meta({ id: "RulerProbeFacts" });
export type RulerProbeFacts = z.infer<typeof RulerProbeFacts>;
