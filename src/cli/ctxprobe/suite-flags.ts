// `ctxprobe eval`'s suite flags → the suites of the POST /v1/runs body. Unset flags are left out so
// the service's defaults apply.
import { NEEDLE_KINDS } from "../../probes/nonliteral/types";
import { RULER_TASKS } from "../../probes/ruler/protocol";
import type { LossSuiteInput, MmluSuiteInput, NeedleSuiteInput, NonliteralSuiteInput, RulerSuiteInput, RunRequest } from "./api-types";
import { parseChoice, parseInteger, parseIntegerList } from "./args";
import { UsageError } from "./io";

export const SUITE_OPTIONS = {
  preset: { type: "string" },
  lengths: { type: "string" },
  depths: { type: "string" },
  corpus: { type: "string" },
  bookqa: { type: "string" },
  limit: { type: "string" },
  nonliteral: { type: "boolean" },
  "nonliteral-lengths": { type: "string" },
  kinds: { type: "string" },
  distractors: { type: "string" },
  shuffled: { type: "boolean" },
  pairs: { type: "string" },
  seed: { type: "string" },
  loss: { type: "boolean" },
  "loss-domains": { type: "string" },
  "loss-lengths": { type: "string" },
  documents: { type: "string" },
  mmlu: { type: "boolean" },
  "mmlu-dataset": { type: "string" },
  shots: { type: "string" },
  subjects: { type: "string" },
  "mmlu-limit": { type: "string" },
  scoring: { type: "string" },
  ruler: { type: "boolean" },
  "ruler-tasks": { type: "string" },
  "ruler-lengths": { type: "string" },
  samples: { type: "string" },
} as const;

export const SUITE_HELP = `Needle suite (default: --preset quick, unless only --bookqa, --nonliteral, --loss, --mmlu or --ruler is given)
  --preset paper|kamradt|quick
  --lengths 1000,8000       context lengths in the model's tokens
  --depths 0,50,100         needle depths in percent
  --corpus ID               haystack corpus: sotu (default), moby-dick or code
Long-book QA suite (datasets: GET /v1/datasets; built-in moby-dick-qa and moby-dick-mc)
  --bookqa DATASET          add {"type":"bookqa","dataset":DATASET}; --limit N caps the questions
Non-literal needle suite (needles a keyword search cannot find; the set: GET /v1/needle-sets)
  --nonliteral              add {"type":"nonliteral"}: lengths 1K–32K and on up to the window
  --nonliteral-lengths L    its context lengths, e.g. 1000,8000,32000
  --kinds literal,one_hop,two_hop   which kinds (default all three)
  --distractors 0|1|4       distractors per prompt (default 0)
  --shuffled                haystack sentences in a seeded random order
  --pairs N                 pairs per kind in each cell (default 2)
  --seed N                  draws pairs, names and distractor depths (default 0)
Loss by context length (needs prompt log-probabilities: vLLM, SGLang, TGI)
  --loss                    add {"type":"loss"}: Loss@L on moby-dick, sotu and code at 1K … 128K
  --loss-domains D,D        its domains (built-in or uploaded corpora)
  --loss-lengths L          its text lengths, e.g. 1000,16000,64000
  --documents N             texts per domain (default 4)
Short-context retention, MMLU format (datasets: GET /v1/datasets, task mmlu)
  --mmlu                    add {"type":"mmlu"}: the built-in smoke set (not MMLU) unless --mmlu-dataset
  --mmlu-dataset ID         an imported MMLU-format dataset
  --shots N                 few-shot examples per prompt (default 5)
  --subjects S,S            only these subjects
  --mmlu-limit N            only the first N questions
  --scoring auto|loglikelihood|generate   how answers are scored (default auto)
RULER (its 11 synthetic tasks, token-exact; qa_1/qa_2 need imported datasets)
  --ruler                   add {"type":"ruler"}: RULER's lengths 4K … 128K within the window
  --ruler-tasks T,T         which tasks, e.g. niah_single_1,vt,cwe (default the 11 synthetic ones)
  --ruler-lengths L         its lengths, e.g. 4096,16384
  --samples N               samples per task and length (default 25; RULER uses 500)
  --seed N                  also draws RULER's keys, values and words (default 0)
`;

type Values = Partial<Record<keyof typeof SUITE_OPTIONS, string | boolean>>;

const str = (v: string | boolean | undefined): string | undefined => (typeof v === "string" ? v : undefined);

function needleSuite(values: Values): NeedleSuiteInput {
  const [preset, lengths, depths, corpus] = [str(values.preset), str(values.lengths), str(values.depths), str(values.corpus)];
  const needle: NeedleSuiteInput = { type: "needle" };
  if (preset !== undefined) needle.preset = parseChoice("--preset", preset, ["paper", "kamradt", "quick"] as const);
  if (lengths !== undefined) needle.context_lengths = parseIntegerList("--lengths", lengths);
  if (depths !== undefined) needle.depth_percents = parseIntegerList("--depths", depths);
  if (corpus !== undefined) needle.corpus = corpus;
  // With no grid at all, the quick preset (6 × 5 inside the context window) is a sensible first look.
  if (!preset && !lengths && !depths) needle.preset = "quick";
  return needle;
}

function nonliteralSuite(values: Values): NonliteralSuiteInput {
  const suite: NonliteralSuiteInput = { type: "nonliteral" };
  const lengths = str(values["nonliteral-lengths"]);
  if (lengths !== undefined) suite.context_lengths = parseIntegerList("--nonliteral-lengths", lengths);
  const kinds = str(values.kinds);
  if (kinds !== undefined) suite.kinds = kinds.split(",").map((k) => parseChoice("--kinds", k.trim(), NEEDLE_KINDS));
  const distractors = str(values.distractors);
  if (distractors !== undefined) suite.distractors = Number(parseChoice("--distractors", distractors, ["0", "1", "4"] as const)) as 0 | 1 | 4;
  if (values.shuffled) suite.haystack_order = "shuffled";
  const pairs = str(values.pairs);
  if (pairs !== undefined) suite.pairs = parseInteger("--pairs", pairs, { min: 1 });
  const seed = str(values.seed);
  if (seed !== undefined) suite.seed = parseInteger("--seed", seed, { min: 0 });
  return suite;
}

const NONLITERAL_ONLY = ["nonliteral-lengths", "kinds", "distractors", "shuffled", "pairs"] as const;
const RULER_ONLY = ["ruler-tasks", "ruler-lengths", "samples"] as const;

function rulerSuite(values: Values): RulerSuiteInput {
  const suite: RulerSuiteInput = { type: "ruler" };
  const tasks = str(values["ruler-tasks"]);
  if (tasks !== undefined) suite.tasks = tasks.split(",").map((t) => parseChoice("--ruler-tasks", t.trim(), RULER_TASKS));
  const lengths = str(values["ruler-lengths"]);
  if (lengths !== undefined) suite.context_lengths = parseIntegerList("--ruler-lengths", lengths);
  const samples = str(values.samples);
  if (samples !== undefined) suite.samples = parseInteger("--samples", samples, { min: 1 });
  const seed = str(values.seed);
  if (seed !== undefined) suite.seed = parseInteger("--seed", seed, { min: 0 });
  return suite;
}
const LOSS_ONLY = ["loss-domains", "loss-lengths", "documents"] as const;
const MMLU_ONLY = ["mmlu-dataset", "shots", "subjects", "mmlu-limit", "scoring"] as const;

function mmluSuite(values: Values): MmluSuiteInput {
  const suite: MmluSuiteInput = { type: "mmlu" };
  const dataset = str(values["mmlu-dataset"]);
  if (dataset !== undefined) suite.dataset = dataset;
  const shots = str(values.shots);
  if (shots !== undefined) suite.shots = parseInteger("--shots", shots, { min: 0 });
  const subjects = str(values.subjects);
  if (subjects !== undefined) suite.subjects = subjects.split(",").map((s) => s.trim()).filter(Boolean);
  const limit = str(values["mmlu-limit"]);
  if (limit !== undefined) suite.limit = parseInteger("--mmlu-limit", limit, { min: 1 });
  const scoring = str(values.scoring);
  if (scoring !== undefined) suite.scoring = parseChoice("--scoring", scoring, ["auto", "loglikelihood", "generate"] as const);
  return suite;
}

function lossSuite(values: Values): LossSuiteInput {
  const suite: LossSuiteInput = { type: "loss" };
  const domains = str(values["loss-domains"]);
  if (domains !== undefined) suite.domains = domains.split(",").map((d) => d.trim()).filter(Boolean);
  const lengths = str(values["loss-lengths"]);
  if (lengths !== undefined) suite.context_lengths = parseIntegerList("--loss-lengths", lengths);
  const documents = str(values.documents);
  if (documents !== undefined) suite.documents = parseInteger("--documents", documents, { min: 1 });
  return suite;
}

export function suitesFrom(values: Values): RunRequest["suites"] {
  const bookqa = str(values.bookqa);
  const nonliteral = values.nonliteral === true;
  const stray = NONLITERAL_ONLY.find((flag) => values[flag] !== undefined);
  if (stray && !nonliteral) throw new UsageError(`--${stray} applies to --nonliteral`, "eval");
  const loss = values.loss === true;
  const lossStray = LOSS_ONLY.find((flag) => values[flag] !== undefined);
  if (lossStray && !loss) throw new UsageError(`--${lossStray} applies to --loss`, "eval");
  const ruler = values.ruler === true;
  const rulerStray = RULER_ONLY.find((flag) => values[flag] !== undefined);
  if (rulerStray && !ruler) throw new UsageError(`--${rulerStray} applies to --ruler`, "eval");
  if (values.seed !== undefined && !nonliteral && !ruler) throw new UsageError("--seed applies to --nonliteral and --ruler", "eval");
  const mmlu = values.mmlu === true;
  const mmluStray = MMLU_ONLY.find((flag) => values[flag] !== undefined);
  if (mmluStray && !mmlu) throw new UsageError(`--${mmluStray} applies to --mmlu`, "eval");
  const wantsNeedle = ["preset", "lengths", "depths", "corpus"].some((flag) => values[flag as keyof Values] !== undefined);
  const suites: RunRequest["suites"] = [];
  if (wantsNeedle || (bookqa === undefined && !nonliteral && !loss && !mmlu && !ruler)) suites.push(needleSuite(values));
  const limitText = str(values.limit);
  if (limitText !== undefined && bookqa === undefined) throw new UsageError("--limit applies to --bookqa", "eval");
  const limit = limitText === undefined ? undefined : parseInteger("--limit", limitText);
  if (bookqa !== undefined) suites.push({ type: "bookqa", dataset: bookqa, ...(limit !== undefined ? { limit } : {}) });
  if (nonliteral) suites.push(nonliteralSuite(values));
  if (loss) suites.push(lossSuite(values));
  if (mmlu) suites.push(mmluSuite(values));
  if (ruler) suites.push(rulerSuite(values));
  return suites;
}
