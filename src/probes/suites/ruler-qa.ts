// The RULER suite's qa tasks: each names an imported dataset (qa_1 a SQuAD file, qa_2 a HotpotQA
// file, as RULER reads them); the recipe pins its revision and the answers of the questions asked
// (the first `samples`), so scoring needs no dataset and a changed dataset cannot change a rebuild.
import type { QaFormat, RulerQaDataset } from "../ruler/qa-data";
import type { QaTask, RulerTask } from "../ruler/protocol";
import type { SpecIssue } from "./spec-error";
import type { SuiteContext } from "./suite";

export const QA_FORMATS: Record<QaTask, QaFormat> = { qa_1: "squad", qa_2: "hotpotqa" };
export const QA_IMPORT_TASKS: Record<QaFormat, string> = { squad: "ruler_squad", hotpotqa: "ruler_hotpotqa" };

export interface QaPin {
  dataset: string;
  revision: string;
  /** Per sample: the expected answers (string_match_part). */
  answers: string[][];
}

export type QaPins = Partial<Record<QaTask, QaPin>>;

export const isQaTask = (task: RulerTask): task is QaTask => task === "qa_1" || task === "qa_2";

/** Loads and checks the dataset of every qa task; issues name the bad fields. */
export async function resolveQa(tasks: readonly RulerTask[], datasets: Partial<Record<QaTask, string>> | undefined, samples: number, context: SuiteContext, issues: SpecIssue[]): Promise<QaPins> {
  const pins: QaPins = {};
  for (const task of tasks.filter(isQaTask)) {
    const id = datasets?.[task];
    if (!id) continue; // reported with the task
    const loaded = context.loadRulerQaDataset ? await context.loadRulerQaDataset(id) : null;
    const want = QA_FORMATS[task];
    if (!loaded) issues.push({ path: ["qa_datasets", task], detail: `unknown dataset "${id}"; import one with POST /v1/datasets?task=${QA_IMPORT_TASKS[want]}` });
    else if (loaded.dataset.format !== want) issues.push({ path: ["qa_datasets", task], detail: `dataset "${id}" is ${loaded.dataset.format}; ${task} reads a ${want} file (task=${QA_IMPORT_TASKS[want]})` });
    else if (loaded.dataset.qas.length < samples) issues.push({ path: ["samples"], detail: `dataset "${id}" has ${loaded.dataset.qas.length} questions; ${samples} samples ask for more` });
    else pins[task] = { dataset: id, revision: loaded.revision, answers: loaded.dataset.qas.slice(0, samples).map((q) => q.outputs) };
  }
  return pins;
}

/** The pinned dataset of a qa task, as loaded for a build; throws when it changed or is gone. */
export async function pinnedQaDataset(pin: QaPin | undefined, context: SuiteContext): Promise<RulerQaDataset> {
  if (!pin) throw new Error("this RULER suite has no dataset for its qa task");
  const loaded = context.loadRulerQaDataset ? await context.loadRulerQaDataset(pin.dataset) : null;
  if (!loaded) throw new Error(`dataset ${pin.dataset} of this run no longer exists`);
  if (loaded.revision !== pin.revision) throw new Error(`dataset ${pin.dataset} changed since the run was planned (${pin.revision} → ${loaded.revision})`);
  return loaded.dataset;
}
