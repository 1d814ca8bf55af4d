// Reading MMLU-format multiple-choice files, pure (no I/O): one JSON-lines row or one CSV record
// checked into a question, MMLU's CSV records split out of streamed text (RFC 4180), a CSV file's
// subject and split from its name, and which questions become each subject's few-shot pool.
import { CHOICE_LETTERS, type McItem } from "./types";

/** "dev": a few-shot example of its subject; "test": a question asked. */
export type McSplit = "dev" | "test";

/** One question as a file gives it. */
export interface McRow {
  subject: string;
  split: McSplit;
  question: string;
  choices: [string, string, string, string];
  answer: 0 | 1 | 2 | 3;
}

export type RowVerdict = { ok: true; row: McRow } | { ok: false; detail: string };

/** A subject without dev rows lends its first questions as shots: as many as MMLU's 5-shot prompt takes. */
export const FIRST_ITEMS_SHOTS = 5;
const MAX_SUBJECT_CHARS = 200;

const fail = (detail: string): RowVerdict => ({ ok: false, detail });
const kind = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "an array" : typeof value);

function parseAnswer(answer: unknown): McRow["answer"] | null {
  if (typeof answer === "number" && Number.isInteger(answer) && answer >= 0 && answer <= 3) return answer as McRow["answer"];
  const letter = typeof answer === "string" ? (CHOICE_LETTERS as readonly string[]).indexOf(answer.trim()) : -1;
  return letter === -1 ? null : (letter as McRow["answer"]);
}

/** The checks a row passes whatever its file format. */
function checkQuestion(subject: string, split: McSplit, question: unknown, choices: unknown, answer: unknown): RowVerdict {
  if (typeof question !== "string" || question.trim() === "") return fail("question: missing or empty");
  if (!Array.isArray(choices)) return fail(`choices: must be an array of 4 strings, got ${kind(choices)}`);
  if (choices.length !== 4) return fail(`choices: exactly 4 are needed, got ${choices.length}`);
  const nonString = choices.findIndex((c) => typeof c !== "string");
  if (nonString !== -1) return fail(`choices[${nonString}]: must be a string, got ${kind(choices[nonString])}`);
  const index = parseAnswer(answer);
  if (index === null) return fail(`answer: must be 0–3 or one of A, B, C, D, got ${JSON.stringify(answer) ?? "nothing"}`);
  return { ok: true, row: { subject, split, question, choices: choices as McRow["choices"], answer: index } };
}

/**
 * One JSON line `{question, subject, choices: [4 strings], answer: 0–3 | "A"–"D", split?}` (HF
 * `cais/mmlu` rows as exported); `split: "dev"` marks a few-shot example, any other split is asked.
 * Other members are ignored.
 */
export function parseMcJsonLine(text: string): RowVerdict {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail(`a line must be a JSON object {question, subject, choices, answer}, got ${kind(value)}`);
  const row = value as Record<string, unknown>;
  const subject = typeof row.subject === "string" ? row.subject.trim() : "";
  if (subject === "") return fail("subject: missing or empty");
  if (subject.length > MAX_SUBJECT_CHARS) return fail(`subject: at most ${MAX_SUBJECT_CHARS} characters`);
  if (row.split !== undefined && row.split !== null && typeof row.split !== "string") return fail(`split: must be a string ("dev" marks a few-shot example), got ${kind(row.split)}`);
  return checkQuestion(subject, row.split === "dev" ? "dev" : "test", row.question, row.choices, row.answer);
}

/** What a CSV file's name says about all its records. */
export interface CsvFileSource {
  subject: string;
  split: McSplit;
}

/**
 * MMLU's file names: `<subject>_<dev|val|test>.csv` (e.g. `abstract_algebra_test.csv`); any folder is
 * ignored. `_dev` files are few-shot pools; `_val`, `_test` and names without a suffix are asked.
 */
export function csvFileSource(fileName: string): { ok: true; source: CsvFileSource } | { ok: false; detail: string } {
  const stem = (fileName.split(/[\\/]/).pop() ?? "").replace(/\.csv$/i, "");
  const match = /^(.*)_(dev|val|test)$/.exec(stem);
  const subject = (match ? match[1]! : stem).trim();
  if (subject === "") return { ok: false, detail: `"${fileName}" names no subject; MMLU's files are named <subject>_<dev|val|test>.csv, e.g. abstract_algebra_test.csv` };
  if (subject.length > MAX_SUBJECT_CHARS) return { ok: false, detail: `the subject in the file name is longer than ${MAX_SUBJECT_CHARS} characters` };
  return { ok: true, source: { subject, split: match?.[2] === "dev" ? "dev" : "test" } };
}

/** One record of MMLU's CSV files: `question,A,B,C,D,answer-letter`, no header. */
export function parseMcCsvRecord(fields: readonly string[], source: CsvFileSource): RowVerdict {
  if (fields.length !== 6) return fail(`expected 6 fields (question,A,B,C,D,answer), got ${fields.length}`);
  const [question, a, b, c, d, answer] = fields as [string, string, string, string, string, string];
  const letter = answer.trim();
  if (!(CHOICE_LETTERS as readonly string[]).includes(letter)) return fail(`answer: must be one of A, B, C, D, got ${JSON.stringify(answer)}`);
  return checkQuestion(source.subject, source.split, question, [a, b, c, d], letter);
}

/** A record with its first line's number (1-based), or why it could not be read. */
export type CsvRecord = { line: number; fields: string[] } | { line: number; problem: string };

type CsvState = "fieldStart" | "unquoted" | "quoted" | "quoteInQuoted" | "crAfterQuote" | "skipToLineEnd";

/**
 * Splits CSV text fed in pieces (any boundaries) into records, RFC 4180: fields separated by commas,
 * records by LF or CRLF, quoted fields may hold commas, doubled quotes and line breaks. Blank lines
 * are skipped. After a malformed record, reading resumes on the next line.
 */
export class CsvRecordReader {
  private state: CsvState = "fieldStart";
  private fields: string[] = [];
  private field = "";
  private fieldQuoted = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private recordChars = 0;
  private problem: string | null = null;
  private out: CsvRecord[] = [];

  constructor(private readonly maxRecordChars = 1024 * 1024) {}

  /** The line being read (1-based). */
  get lineNumber(): number {
    return this.line;
  }

  /** The records completed by this piece of text. */
  push(text: string): CsvRecord[] {
    for (let i = 0; i < text.length; ) i = this.step(text, i);
    return this.take();
  }

  /** The last record, at the end of the text. */
  end(): CsvRecord[] {
    if (this.state === "quoted") this.failRecord(`a quoted field opened on line ${this.quoteLine} is never closed`);
    if (this.state === "skipToLineEnd") this.endRecord();
    else if (this.fields.length > 0 || this.field !== "" || this.fieldQuoted) {
      this.endField();
      this.endRecord();
    }
    return this.take();
  }

  private take(): CsvRecord[] {
    const records = this.out;
    this.out = [];
    return records;
  }

  /** Consumes text from `i` on (a run of plain characters, or one special one); returns where to go on. */
  private step(text: string, i: number): number {
    switch (this.state) {
      case "quoted": {
        const quote = text.indexOf('"', i);
        const end = quote === -1 ? text.length : quote;
        this.append(text.slice(i, end));
        for (let n = text.indexOf("\n", i); n !== -1 && n < end; n = text.indexOf("\n", n + 1)) this.line++;
        if (quote !== -1) this.state = "quoteInQuoted";
        return quote === -1 ? end : end + 1;
      }
      case "skipToLineEnd": {
        const newline = text.indexOf("\n", i);
        if (newline === -1) return text.length;
        this.endRecord();
        return newline + 1;
      }
      case "unquoted": {
        let end = i;
        while (end < text.length && !isSpecial(text.charCodeAt(end))) end++;
        this.append(text.slice(i, end));
        // An over-long field switches to skipping the line: the special character is skipped with it.
        return end < text.length && this.state === "unquoted" ? this.special(text[end]!, end) : end;
      }
      default:
        return this.special(text[i]!, i);
    }
  }

  /** One character outside a run of plain ones. */
  private special(char: string, i: number): number {
    const next = i + 1;
    const endsRecord = char === "\n";
    if (this.state === "fieldStart") {
      if (char === '"') {
        this.state = "quoted";
        this.fieldQuoted = true;
        this.quoteLine = this.line;
      } else if (char === "," || endsRecord) this.endField(endsRecord);
      else this.state = "unquoted";
      return char === '"' || char === "," || endsRecord ? next : i;
    }
    if (this.state === "unquoted") {
      if (char === '"') this.failRecord('a quote (") inside an unquoted field; quote the whole field and double its quotes');
      else {
        if (endsRecord && this.field.endsWith("\r")) this.field = this.field.slice(0, -1);
        this.endField(endsRecord);
      }
      return next;
    }
    if (this.state === "quoteInQuoted" && char === '"') {
      this.append('"');
      this.state = "quoted";
    } else if (this.state === "quoteInQuoted" && char === "\r") this.state = "crAfterQuote";
    else if ((this.state === "quoteInQuoted" && char === ",") || endsRecord) this.endField(endsRecord);
    else this.failRecord("after a closing quote a field must end (a comma or the end of the line)");
    return next;
  }

  private append(part: string): void {
    this.recordChars += part.length;
    if (this.recordChars > this.maxRecordChars) this.failRecord(`the record is longer than ${this.maxRecordChars} characters`);
    else if (this.problem === null) this.field += part;
  }

  private failRecord(detail: string): void {
    this.problem ??= detail;
    // An over-long record keeps being parsed (to find where it really ends); other faults skip the line.
    if (this.state !== "quoted") this.state = "skipToLineEnd";
  }

  private endField(endsRecord = false): void {
    this.fields.push(this.field);
    this.field = "";
    this.state = "fieldStart";
    if (endsRecord) this.endRecord();
    else this.fieldQuoted = false;
  }

  private endRecord(): void {
    const blank = this.fields.length === 1 && this.fields[0] === "" && !this.fieldQuoted;
    if (this.problem !== null) this.out.push({ line: this.recordLine, problem: this.problem });
    else if (!blank) this.out.push({ line: this.recordLine, fields: this.fields });
    this.fields = [];
    this.field = "";
    this.fieldQuoted = false;
    this.problem = null;
    this.recordChars = 0;
    this.state = "fieldStart";
    this.line++;
    this.recordLine = this.line;
  }
}

const isSpecial = (code: number) => code === 0x2c /* , */ || code === 0x0a /* \n */ || code === 0x22; /* " */

export interface FewShotAssignment {
  /** Each row's role, in file order: "dev" for the few-shot pool, "test" for the questions asked. */
  splits: McSplit[];
  /** "dev" when every subject has dev rows; "first_items" when some subject lends its first questions. */
  shotsFrom: "dev" | "first_items";
  subjects: number;
  /** Subjects without dev rows and with no more than FIRST_ITEMS_SHOTS questions: none would be left to ask. */
  tooSmall: { subject: string; firstRow: number; questions: number }[];
}

/** Which rows are each subject's few-shot pool: its dev rows, or else its first FIRST_ITEMS_SHOTS questions. */
export function assignFewShot(rows: readonly Pick<McRow, "subject" | "split">[]): FewShotAssignment {
  const subjects = new Map<string, { hasDev: boolean; firstRow: number; rows: number }>();
  rows.forEach((row, i) => {
    const seen = subjects.get(row.subject) ?? { hasDev: false, firstRow: i, rows: 0 };
    seen.hasDev ||= row.split === "dev";
    seen.rows++;
    subjects.set(row.subject, seen);
  });
  const lent = new Map<string, number>();
  const splits = rows.map((row): McSplit => {
    if (subjects.get(row.subject)!.hasDev) return row.split;
    const taken = lent.get(row.subject) ?? 0;
    if (taken >= FIRST_ITEMS_SHOTS) return "test";
    lent.set(row.subject, taken + 1);
    return "dev";
  });
  const withoutDev = [...subjects].filter(([, s]) => !s.hasDev);
  return {
    splits,
    shotsFrom: withoutDev.length > 0 ? "first_items" : "dev",
    subjects: subjects.size,
    tooSmall: withoutDev.filter(([, s]) => s.rows <= FIRST_ITEMS_SHOTS).map(([subject, s]) => ({ subject, firstRow: s.firstRow, questions: s.rows })),
  };
}

/**
 * A dataset's questions (rows with their roles, in dataset order) as a suite reads them: the asked
 * items, and each subject's few-shot pool. Ids are `<subject>-<split>-<n>`, n counting from 0 within
 * the subject and role (`astronomy-test-0007`).
 */
export function assembleMcDataset(rows: readonly McRow[]): { items: McItem[]; dev: Record<string, McItem[]> } {
  const items: McItem[] = [];
  const dev = new Map<string, McItem[]>();
  const counts = new Map<string, number>();
  for (const row of rows) {
    const key = `${row.split}:${row.subject}`;
    const n = counts.get(key) ?? 0;
    counts.set(key, n + 1);
    const item: McItem = { id: `${row.subject}-${row.split}-${String(n).padStart(4, "0")}`, subject: row.subject, question: row.question, choices: row.choices, answer: row.answer };
    if (row.split === "test") items.push(item);
    else if (dev.has(row.subject)) dev.get(row.subject)!.push(item);
    else dev.set(row.subject, [item]);
  }
  // fromEntries defines own properties, so even a subject named "__proto__" is kept as data.
  return { items, dev: Object.fromEntries(dev) };
}
