// Small SQuAD- and HotpotQA-format files for the RULER qa tasks' tests, made from the sotu corpus's
// sentences: each question's answer (a made-up code word) sits in its own paragraph only.
import { loadBuiltinCorpus } from "../src/probes/corpora";

const sotu = await loadBuiltinCorpus("sotu");
const sentences = () => sotu.text.replace(/\s+/g, " ").split(/(?<=\.) /).filter((s) => s.length > 40 && s.length < 400);

export const codeWord = (i: number) => `zq${(i * 7919).toString(36)}x`;

/** SQuAD v2 shape: articles of paragraphs, one answerable and one impossible question per paragraph. */
export function squadFixture(articles = 30, paragraphs = 5): { json: string; answers: Map<string, string> } {
  const pool = sentences();
  const answers = new Map<string, string>();
  let n = 0;
  const data = Array.from({ length: articles }, (_, a) => ({
    title: `Article ${a}`,
    paragraphs: Array.from({ length: paragraphs }, () => {
      const i = n++;
      const question = `What is the code word of paragraph ${i}?`;
      answers.set(question, codeWord(i));
      const context = `${pool[(3 * i) % pool.length]} The code word of paragraph ${i} is ${codeWord(i)}. ${pool[(3 * i + 1) % pool.length]}`;
      return { context, qas: [{ id: `q${i}`, question, answers: [{ text: codeWord(i), answer_start: 0 }], is_impossible: false }, { id: `x${i}`, question: "Unanswerable?", answers: [], is_impossible: true }] };
    }),
  }));
  return { json: JSON.stringify({ version: "v2.0", data }), answers };
}

/** HotpotQA distractor shape: each item with two gold paragraphs and eight others. */
export function hotpotFixture(items = 60): { json: string; answers: Map<string, string> } {
  const pool = sentences();
  const answers = new Map<string, string>();
  const data = Array.from({ length: items }, (_, i) => {
    const question = `Which code word links item ${i} to its bridge?`;
    answers.set(question, codeWord(1000 + i));
    const gold: [string, string[]] = [`Bridge ${i}`, [`The bridge of item ${i} is named ${codeWord(1000 + i)}. `, pool[(5 * i) % pool.length]!]];
    const others = Array.from({ length: 9 }, (_, k): [string, string[]] => [`Other ${i}-${k}`, [pool[(5 * i + k + 1) % pool.length]!]]);
    return { _id: `h${i}`, question, answer: codeWord(1000 + i), type: "bridge", level: "hard", supporting_facts: [], context: [gold, ...others] };
  });
  return { json: JSON.stringify(data), answers };
}
