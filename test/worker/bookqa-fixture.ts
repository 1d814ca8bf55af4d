// Generated InfiniteBench-format long-book files for tests: a few small "books" of filler prose with
// facts planted at the start, middle and end, and questions about those facts, as
// longbook_qa_eng (short answer) or longbook_choice_eng (multiple choice) lines.

export type Task = "longbook_qa_eng" | "longbook_choice_eng";

interface Fact {
  sentence: string;
  question: string;
  answers: string[];
  /** Four options, the right one first (shuffled per question when written). */
  options: [string, string, string, string];
}

export interface BookSpec {
  title: string;
  /** Facts planted at the start, in the middle and at the end of the book, in that order. */
  facts: [Fact, Fact, Fact];
}

export const BOOKS: BookSpec[] = [
  {
    title: "The Keeper of Gull Island",
    facts: [
      {
        sentence: "The lighthouse keeper of Gull Island was a woman named Marta Velde.",
        question: "Who kept the lighthouse on Gull Island?",
        answers: ["Marta Velde"],
        options: ["Marta Velde", "Anna Holm", "Greta Lind", "Ida Berg"],
      },
      {
        sentence: "Every winter the supply boat Heron brought coal and lamp oil to the island.",
        question: "Which supply boat brought coal and lamp oil every winter?",
        answers: ["the Heron", "Heron"],
        options: ["the Gannet", "the Heron", "the Osprey", "the Plover"],
      },
      {
        sentence: "Her only companion on the island was a grey cat called Pilot.",
        question: "What was the keeper's grey cat called?",
        answers: ["Pilot"],
        options: ["Anchor", "Biscuit", "Pilot", "Smoke"],
      },
    ],
  },
  {
    title: "The Clockmaker of Brevik",
    facts: [
      {
        sentence: "The clockmaker Anselm Roth lived on Tanner Street in the town of Brevik.",
        question: "On which street did the clockmaker Anselm Roth live?",
        answers: ["Tanner Street"],
        options: ["Mill Lane", "Harbour Road", "Chapel Row", "Tanner Street"],
      },
      {
        sentence: "In the spring of the great flood he repaired the cathedral clock for nothing.",
        question: "What did the clockmaker repair in the spring of the great flood?",
        answers: ["the cathedral clock"],
        options: ["the cathedral clock", "the harbour bell", "the mayor's watch", "the mill wheel"],
      },
      {
        sentence: "His apprentice, a quiet boy named Jonas, later sailed to Lisbon.",
        question: "To which city did the apprentice Jonas later sail?",
        answers: ["Lisbon"],
        options: ["Bergen", "Lisbon", "Riga", "Danzig"],
      },
    ],
  },
];

const SUBJECTS = ["The old ferryman", "A tired merchant", "The baker's daughter", "A travelling tinker", "The harbour master", "Two fishermen"];
const VERBS = ["walked slowly", "talked quietly", "waited patiently", "sang softly", "worked steadily", "argued loudly"];
const PLACES = ["along the muddy quay", "beside the chapel wall", "under the bare elms", "near the salt sheds", "past the rope walk", "behind the market"];
const TIMES = ["before the evening tide.", "until the lamps were lit.", "through the grey morning.", "while the gulls circled.", "after the noon bell.", "as the fog rolled in."];

/** Deterministic filler: `sentences` sentences of plain prose that mention none of the facts. */
export function filler(seed: number, sentences: number): string {
  let state = seed >>> 0;
  const next = (n: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) {
    out.push(`${SUBJECTS[next(6)]} ${VERBS[next(6)]} ${PLACES[next(6)]} ${TIMES[next(6)]}`);
  }
  return out.join(" ");
}

/** The book: title, then filler with the three facts at the start, middle and end. */
export function bookText(book: BookSpec, index: number, fillerSentences: number): string {
  const half = Math.floor(fillerSentences / 2);
  const [start, middle, end] = book.facts;
  return [
    book.title.toUpperCase(),
    "",
    `${start.sentence} ${filler(index * 2 + 1, half)}`,
    "",
    `${middle.sentence} ${filler(index * 2 + 2, fillerSentences - half)}`,
    "",
    end.sentence,
    "",
  ].join("\n");
}

export interface FixtureLine {
  id: number;
  context: string;
  input: string;
  answer: string[];
  options: string[];
}

/** One line per fact of every book, in book order; multiple choice rotates the right option to A–D. */
export function fixtureLines(task: Task, fillerSentences = 400): FixtureLine[] {
  const lines: FixtureLine[] = [];
  BOOKS.forEach((book, b) => {
    const context = bookText(book, b, fillerSentences);
    book.facts.forEach((fact) => {
      const id = lines.length;
      if (task === "longbook_qa_eng") {
        lines.push({ id, context, input: fact.question, answer: fact.answers, options: [] });
      } else {
        lines.push({ id, context, input: fact.question, answer: [fact.options.find((o) => fact.answers.includes(o))!], options: [...fact.options] });
      }
    });
  });
  return lines;
}

export function toJsonLines(lines: readonly unknown[]): string {
  return lines.map((line) => JSON.stringify(line)).join("\n") + "\n";
}

/** A body that arrives in small, unaligned chunks, as a network upload does. */
export function chunkedStream(bytes: Uint8Array, chunkSize = 997): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** ~1 MB of filler per book, so prompts are cut to the window as InfiniteBench's ~190K-token books are. */
export const LARGE_FILLER_SENTENCES = 18_000;
/** The six questions repeated (with new ids): every line carries its whole book, as in InfiniteBench. */
export const LARGE_REPEATS = 5;

/** The large generated En.QA file the end-to-end test imports (and `npm run bench` times). */
export function largeFixtureLines(): FixtureLine[] {
  const base = fixtureLines("longbook_qa_eng", LARGE_FILLER_SENTENCES);
  return Array.from({ length: LARGE_REPEATS }, (_, r) => base.map((line) => ({ ...line, id: r * base.length + line.id }))).flat();
}

/** Streams JSON lines one by one (never the whole file in memory), handing each line's bytes to `onBytes`. */
export function lineStream(lines: readonly FixtureLine[], onBytes: (bytes: Uint8Array) => void): ReadableStream<Uint8Array> {
  let next = 0;
  const encoder = new TextEncoder();
  return new ReadableStream({
    pull(controller) {
      if (next >= lines.length) return controller.close();
      const bytes = encoder.encode(JSON.stringify(lines[next++]) + "\n");
      onBytes(bytes);
      controller.enqueue(bytes);
    },
  });
}
