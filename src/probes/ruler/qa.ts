// qa_1 / qa_2 (qa.py): the question's own documents, then (SQuAD) the other paragraphs of its article,
// then other documents of the dataset, as many as fit, shuffled and numbered "Document i:"; the
// template asks the question and string_match_part scores the reply against its answers. Sample i
// asks the dataset's question i, as RULER asks its first `num_samples`; the seed draws the
// distractors and their order. Documents are whole, as RULER's. RULER stops at the last document
// that fits, which can leave a whole document's worth of the budget unused; we then take, as the
// last one, the first later document of the seeded order that lands the prompt within 1 % of its
// budget (fillLastDocument), so every length is what it says.
import type { Piece } from "./count";
import { shuffle } from "./draws";
import { fill, qaDocument, splitTemplate, TEMPLATES } from "./protocol";
import type { QaItem, RulerQaDataset } from "./qa-data";
import { fitLayout, streamOf, type GenContext, type TaskPrompt } from "./task";

/** A prefix-stable seeded order of `ids` (drawn as needed). */
function lazyPermutation(ids: readonly number[], random: () => number): (n: number) => number[] {
  const pool = [...ids];
  let drawn = 0;
  return (n) => {
    for (; drawn < Math.min(n, pool.length); drawn++) {
      const j = drawn + Math.floor(random() * (pool.length - drawn));
      [pool[drawn], pool[j]] = [pool[j]!, pool[drawn]!];
    }
    return pool.slice(0, Math.min(n, pool.length));
  };
}

/** Each size's documents: the question's own, then its article's others, then any others. */
function documentStream(ctx: GenContext, dataset: RulerQaDataset, item: QaItem): (n: number) => number[] {
  const own = new Set([...item.context, ...item.more]);
  const more = lazyPermutation(item.more, streamOf(ctx.key, "more"));
  let others: ((n: number) => number[]) | null = null;
  return (n) => {
    const wanted = Math.max(0, n - item.context.length);
    if (wanted <= item.more.length) return [...item.context, ...more(wanted)];
    others ??= lazyPermutation(
      dataset.docs.map((_, i) => i).filter((i) => !own.has(i)),
      streamOf(ctx.key, "others"),
    );
    return [...item.context, ...more(item.more.length), ...others(wanted - item.more.length)];
  };
}

const labels: string[] = [];
const label = (i: number) => (labels[i] ??= (i === 0 ? "" : "\n\n") + qaDocument(i + 1, ""));

export function qaQuestion(dataset: RulerQaDataset, sample: number): QaItem {
  const item = dataset.qas[sample];
  if (!item) throw new RangeError(`the dataset has ${dataset.qas.length} questions; sample ${sample} asks for question ${sample + 1}`);
  return item;
}

/** Later documents of the seeded order tried as the last one, and how many of them are counted exactly. */
const FILLER_CANDIDATES = 512;
const FILLER_EXACT_COUNTS = 8;

type Filled = { docs: number[]; tokens: number };

/**
 * When the whole documents that fit leave more than 1 % of the budget, the first later document of
 * the seeded order that fills it to within 1 % joins them (each candidate estimated by its own
 * tokens, then the whole prompt counted exactly). Null when none does.
 */
function fillLastDocument(ctx: GenContext, fitted: Filled, candidates: readonly number[], count: (docs: number[]) => number, docTokens: (doc: number, position: number) => number): Filled | null {
  const floor = Math.ceil(0.99 * ctx.budget);
  if (fitted.tokens >= floor) return null;
  let exact = 0;
  for (const doc of candidates) {
    const estimate = fitted.tokens + docTokens(doc, fitted.docs.length);
    if (estimate < floor || estimate > ctx.budget) continue;
    const docs = [...fitted.docs, doc];
    const tokens = count(docs);
    if (tokens >= floor && tokens <= ctx.budget) return { docs, tokens };
    if (++exact >= FILLER_EXACT_COUNTS) break;
  }
  return null;
}

export function generateQa(ctx: GenContext, dataset: RulerQaDataset): TaskPrompt {
  const item = qaQuestion(dataset, ctx.key.sample);
  const { head, tail } = splitTemplate(TEMPLATES.qa.template + TEMPLATES.qa.answer_prefix);
  const [h, t] = [fill(head, { query: item.query }), fill(tail, { query: item.query })];
  const documents = documentStream(ctx, dataset, item);
  const piecesOf = (docs: number[], order: string | number) => [h, ...shuffle(docs, streamOf(ctx.key, "order", order)).flatMap((doc, i) => [label(i), dataset.docs[doc]!]), t];
  const piecesAt = (n: number): Piece[] => piecesOf(documents(n), n);
  const perDoc = Math.max(1, ctx.counter.total([label(1), dataset.docs[item.context[0]!]!]));
  const frame = ctx.counter.total([h, t]);
  const fitted = fitLayout(ctx, {
    piecesAt,
    countAt: (n) => ctx.counter.total(piecesAt(n)),
    budget: ctx.budget,
    guess: { start: (ctx.budget - frame) / perDoc, slope: perDoc, min: item.context.length, max: dataset.docs.length },
  });
  const chosen = documents(fitted.size);
  const filled = fillLastDocument(
    ctx,
    { docs: chosen, tokens: fitted.tokens },
    documents(fitted.size + FILLER_CANDIDATES).slice(fitted.size),
    (docs) => ctx.counter.total(piecesOf(docs, `filled-${docs.length}`)),
    (doc, position) => ctx.counter.total([label(position), dataset.docs[doc]!]),
  );
  if (!filled) return { pieces: piecesAt(fitted.size), tokens: fitted.tokens, answers: item.outputs, query: item.query, size: fitted.size };
  const pieces = piecesOf(filled.docs, `filled-${filled.docs.length}`);
  return { pieces, tokens: filled.tokens, answers: item.outputs, query: item.query, size: filled.docs.length };
}
