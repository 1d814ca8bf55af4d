// qa_1 / qa_2 (qa.py): the question's own documents, then (SQuAD) the other paragraphs of its article,
// then other documents of the dataset, as many as fit, shuffled and numbered "Document i:"; the
// template asks the question and string_match_part scores the reply against its answers. Sample i
// asks the dataset's question i, as RULER asks its first `num_samples`; the seed draws the
// distractors and their order. Documents are whole, as RULER's: a prompt ends within one document
// of its budget (RULER's qa prompts do too), not necessarily within 1 % of it.
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

export function generateQa(ctx: GenContext, dataset: RulerQaDataset): TaskPrompt {
  const item = qaQuestion(dataset, ctx.key.sample);
  const { head, tail } = splitTemplate(TEMPLATES.qa.template + TEMPLATES.qa.answer_prefix);
  const [h, t] = [fill(head, { query: item.query }), fill(tail, { query: item.query })];
  const documents = documentStream(ctx, dataset, item);
  const piecesAt = (n: number): Piece[] => {
    const order = shuffle(documents(n), streamOf(ctx.key, "order", n));
    return [h, ...order.flatMap((doc, i) => [label(i), dataset.docs[doc]!]), t];
  };
  const perDoc = Math.max(1, ctx.counter.total([label(1), dataset.docs[item.context[0]!]!]));
  const frame = ctx.counter.total([h, t]);
  const fitted = fitLayout(ctx, {
    piecesAt,
    countAt: (n) => ctx.counter.total(piecesAt(n)),
    budget: ctx.budget,
    guess: { start: (ctx.budget - frame) / perDoc, slope: perDoc, min: item.context.length, max: dataset.docs.length },
  });
  return { pieces: piecesAt(fitted.size), tokens: fitted.tokens, answers: item.outputs, query: item.query, size: fitted.size };
}
