// RULER's QA data (qa.py's read_squad / read_hotpotqa), collected item by item as an import streams:
// SQuAD (qa_1): every paragraph a document; each answerable question with its answers, its paragraph
// and the other paragraphs of its article. HotpotQA (qa_2): every "title\nsentences" paragraph a
// document; each question with its answer and its ten paragraphs. Documents are sorted and
// deduplicated as RULER does. We keep the first MAX_QA_QUESTIONS questions of a file (RULER asks the
// first `samples` of them) and, for HotpotQA, only the paragraphs those questions carry — RULER's
// distractors come from every paragraph of the 45 MB dev file; ours from this smaller pool.

export type QaFormat = "squad" | "hotpotqa";

export interface QaItem {
  query: string;
  outputs: string[];
  /** The documents that answer it (indexes into `docs`). */
  context: number[];
  /** SQuAD: the other paragraphs of its article, preferred as distractors. */
  more: number[];
}

export interface RulerQaDataset {
  format: QaFormat;
  docs: string[];
  qas: QaItem[];
}

export const MAX_QA_QUESTIONS = 2000;
const MAX_DOC_CHARS = 64 * 1024;

type Verdict = { ok: true } | { ok: false; detail: string };

const isString = (x: unknown): x is string => typeof x === "string";
const fail = (detail: string): Verdict => ({ ok: false, detail });

/** Questions and documents as a file's items arrive; `finish` gives RULER's sorted document list. */
export class QaCollector {
  private readonly docIds = new Map<string, number>();
  private readonly docs: string[] = [];
  private readonly qas: QaItem[] = [];
  items = 0;

  constructor(readonly format: QaFormat) {}

  private doc(text: string): number {
    let id = this.docIds.get(text);
    if (id === undefined) {
      id = this.docs.length;
      this.docs.push(text);
      this.docIds.set(text, id);
    }
    return id;
  }

  get questions(): number {
    return this.qas.length;
  }

  /** One SQuAD article ({title, paragraphs}) or one HotpotQA item ({question, answer, context}). */
  take(item: unknown): Verdict {
    this.items++;
    return this.format === "squad" ? this.takeArticle(item) : this.takeHotpot(item);
  }

  private takeArticle(article: unknown): Verdict {
    const paragraphs = (article as { paragraphs?: unknown })?.paragraphs;
    if (!Array.isArray(paragraphs)) return fail("a SQuAD article needs paragraphs: [...]");
    const valid = paragraphs.every((p) => isString(p?.context) && p.context.length <= MAX_DOC_CHARS && Array.isArray(p?.qas));
    if (!valid) return fail(`every paragraph needs a context string (at most ${MAX_DOC_CHARS} characters) and qas: [...]`);
    const ids = paragraphs.map((p: { context: string }) => this.doc(p.context));
    paragraphs.forEach((p: { qas: unknown[] }, i: number) => {
      for (const qa of p.qas as { question?: unknown; answers?: unknown; is_impossible?: unknown }[]) {
        if (qa?.is_impossible === true || this.qas.length >= MAX_QA_QUESTIONS) continue;
        const answers = Array.isArray(qa?.answers) ? qa.answers.map((a: { text?: unknown }) => a?.text).filter(isString) : [];
        if (!isString(qa?.question) || answers.length === 0) continue;
        this.qas.push({ query: qa.question, outputs: answers, context: [ids[i]!], more: ids.filter((id) => id !== ids[i]) });
      }
    });
    return { ok: true };
  }

  private takeHotpot(item: unknown): Verdict {
    const { question, answer, context } = (item ?? {}) as { question?: unknown; answer?: unknown; context?: unknown };
    if (!isString(question) || !isString(answer)) return fail("a HotpotQA item needs question and answer strings");
    const valid = Array.isArray(context) && context.every((c) => Array.isArray(c) && isString(c[0]) && Array.isArray(c[1]) && c[1].every(isString));
    if (!valid) return fail('a HotpotQA item needs context: [[title, [sentences…]], …]');
    if (this.qas.length >= MAX_QA_QUESTIONS) return { ok: true };
    const ids = (context as [string, string[]][]).map(([title, sentences]) => this.doc(`${title}\n${sentences.join("")}`));
    this.qas.push({ query: question, outputs: [answer], context: ids, more: [] });
    return { ok: true };
  }

  /** RULER's documents: sorted, deduplicated; the questions' indexes follow them. */
  finish(): RulerQaDataset {
    const order = this.docs.map((_, i) => i).sort((a, b) => (this.docs[a]! < this.docs[b]! ? -1 : this.docs[a]! > this.docs[b]! ? 1 : 0));
    const rank = new Array<number>(order.length);
    order.forEach((old, i) => (rank[old] = i));
    const remap = (ids: number[]) => ids.map((id) => rank[id]!);
    return { format: this.format, docs: order.map((i) => this.docs[i]!), qas: this.qas.map((q) => ({ ...q, context: remap(q.context), more: remap(q.more) })) };
  }
}
