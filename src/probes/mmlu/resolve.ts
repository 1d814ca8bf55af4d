// Checking a multiple-choice spec against the model and its dataset, every problem at once: the
// tokenizer, the dataset, the subjects asked for, and shots the dev split can supply.
import { SuiteSpecError, type SpecIssue } from "../suites/spec-error";
import type { ModelTraits, SuiteContext } from "../suites/suite";
import type { LoadedMcDataset, McItem } from "./types";

interface McSpec {
  dataset: string;
  shots: number;
  subjects?: string[];
  limit?: number;
}

function subjectIssues(spec: McSpec, dataset: LoadedMcDataset): SpecIssue[] {
  const known = new Set(dataset.items.map((i) => i.subject));
  const issues: SpecIssue[] = [];
  (spec.subjects ?? []).forEach((subject, i) => {
    if (!known.has(subject)) issues.push({ path: ["subjects", i], detail: `dataset ${dataset.id} has no subject "${subject}"` });
  });
  const asked = spec.subjects ?? [...known];
  const short = asked.filter((s) => known.has(s) && (dataset.dev[s]?.length ?? 0) < spec.shots);
  if (short.length) {
    const counts = short.map((s) => `${s}: ${dataset.dev[s]?.length ?? 0}`).join(", ");
    issues.push({ path: ["shots"], detail: `${spec.shots} shots asked, but the dev split holds fewer for ${short.length} subject(s) (${counts})` });
  }
  return issues;
}

/** The dataset and the questions to ask (with their dataset positions); SuiteSpecError naming every bad field otherwise. */
export async function resolveMcSpec(spec: McSpec, model: ModelTraits, context: SuiteContext): Promise<{ dataset: LoadedMcDataset; items: { position: number; item: McItem }[] }> {
  const issues: SpecIssue[] = [];
  if (model.tokenizer === "endpoint") issues.push({ path: [], detail: 'tokenizer "endpoint" is not supported for multiple-choice runs: give them a local tokenizer (cl100k_base, llama2, …)' });
  const dataset = await context.loadMcDataset(spec.dataset);
  if (!dataset) issues.push({ path: ["dataset"], detail: `unknown multiple-choice dataset "${spec.dataset}"; see GET /v1/datasets (task mmlu)` });
  else issues.push(...subjectIssues(spec, dataset));
  if (issues.length || !dataset) throw SuiteSpecError.of(issues);
  const wanted = spec.subjects ? new Set(spec.subjects) : null;
  const items = dataset.items.map((item, position) => ({ position, item })).filter(({ item }) => !wanted || wanted.has(item.subject));
  return { dataset, items: spec.limit ? items.slice(0, spec.limit) : items };
}
