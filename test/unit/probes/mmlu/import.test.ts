// The pure readers of MMLU-format imports: JSON-lines rows, CSV records (RFC 4180, fed in pieces),
// a CSV file's subject and split from its name, and the few-shot pool of each subject.
import { describe, expect, it } from "vitest";
import {
  assembleMcDataset,
  assignFewShot,
  csvFileSource,
  CsvRecordReader,
  FIRST_ITEMS_SHOTS,
  parseMcCsvRecord,
  parseMcJsonLine,
  type CsvRecord,
  type McRow,
} from "../../../../src/probes/mmlu/import";

const good = { question: "What is 2 + 2?", subject: "elementary_mathematics", choices: ["3", "4", "5", "22"], answer: 1 };
const line = (fields: Record<string, unknown>) => JSON.stringify({ ...good, ...fields });
const detailOf = (text: string) => {
  const verdict = parseMcJsonLine(text);
  if (verdict.ok) throw new Error("expected a refusal");
  return verdict.detail;
};

describe("a JSON-lines row", () => {
  it("reads a cais/mmlu row (answer an int) as an asked question", () => {
    expect(parseMcJsonLine(line({}))).toEqual({ ok: true, row: { subject: "elementary_mathematics", split: "test", question: "What is 2 + 2?", choices: ["3", "4", "5", "22"], answer: 1 } });
  });

  it('takes answer letters, marks split "dev" rows as few-shot and any other split as asked, ignores other members', () => {
    const dev = parseMcJsonLine(line({ answer: "D", split: "dev", extra: [1, 2] }));
    expect(dev).toMatchObject({ ok: true, row: { answer: 3, split: "dev" } });
    for (const split of ["test", "validation", "auxiliary_train", null]) expect(parseMcJsonLine(line({ split }))).toMatchObject({ ok: true, row: { split: "test" } });
    expect(parseMcJsonLine(line({ subject: "  astronomy " }))).toMatchObject({ ok: true, row: { subject: "astronomy" } });
  });

  it.each([
    ["three choices", line({ choices: ["a", "b", "c"] }), "exactly 4 are needed, got 3"],
    ["five choices", line({ choices: ["a", "b", "c", "d", "e"] }), "exactly 4 are needed, got 5"],
    ["choices not an array", line({ choices: "abcd" }), "choices: must be an array of 4 strings, got string"],
    ["a non-string choice", line({ choices: ["a", "b", 3, "d"] }), "choices[2]: must be a string, got number"],
    ["answer 4", line({ answer: 4 }), "answer: must be 0–3 or one of A, B, C, D, got 4"],
    ["answer -1", line({ answer: -1 }), "got -1"],
    ["answer 1.5", line({ answer: 1.5 }), "got 1.5"],
    ["answer E", line({ answer: "E" }), 'got "E"'],
    ["answer lower-case a", line({ answer: "a" }), 'got "a"'],
    ["no answer", JSON.stringify({ ...good, answer: undefined }), "got nothing"],
    ["no subject", JSON.stringify({ ...good, subject: undefined }), "subject: missing or empty"],
    ["an empty subject", line({ subject: "  " }), "subject: missing or empty"],
    ["a numeric subject", line({ subject: 7 }), "subject: missing or empty"],
    ["no question", JSON.stringify({ ...good, question: undefined }), "question: missing or empty"],
    ["an empty question", line({ question: "" }), "question: missing or empty"],
    ["a numeric split", line({ split: 1 }), "split: must be a string"],
    ["malformed JSON", '{"question": "x",', "not valid JSON"],
    ["an array", "[1, 2]", "must be a JSON object"],
    ["a string", '"hello"', "must be a JSON object"],
  ])("refuses %s", (_, text, detail) => {
    expect(detailOf(text)).toContain(detail);
  });
});

describe("a CSV record", () => {
  const source = { subject: "astronomy", split: "test" as const };

  it("reads question,A,B,C,D,answer-letter", () => {
    expect(parseMcCsvRecord(["Which planet?", "Mars", "Venus", "Earth", "Jupiter", "C"], source)).toEqual({
      ok: true,
      row: { subject: "astronomy", split: "test", question: "Which planet?", choices: ["Mars", "Venus", "Earth", "Jupiter"], answer: 2 },
    });
    expect(parseMcCsvRecord(["Q", "a", "", "c", "d", " A "], { subject: "x", split: "dev" })).toMatchObject({ ok: true, row: { answer: 0, split: "dev" } });
  });

  it.each([
    ["five fields", ["Q", "a", "b", "c", "A"], "expected 6 fields (question,A,B,C,D,answer), got 5"],
    ["seven fields", ["Q", "a", "b", "c", "d", "A", "x"], "got 7"],
    ["answer E", ["Q", "a", "b", "c", "d", "E"], 'answer: must be one of A, B, C, D, got "E"'],
    ["answer 1", ["Q", "a", "b", "c", "d", "1"], 'got "1"'],
    ["an empty question", [" ", "a", "b", "c", "d", "A"], "question: missing or empty"],
  ])("refuses %s", (_, fields, detail) => {
    const verdict = parseMcCsvRecord(fields, source);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.detail).toContain(detail);
  });
});

describe("a CSV file's name", () => {
  it.each([
    ["abstract_algebra_test.csv", "abstract_algebra", "test"],
    ["abstract_algebra_dev.csv", "abstract_algebra", "dev"],
    ["high_school_us_history_val.csv", "high_school_us_history", "test"],
    ["data/dev/anatomy_dev.csv", "anatomy", "dev"],
    ["C:\\mmlu\\test\\anatomy_test.CSV", "anatomy", "test"],
    ["my_quiz.csv", "my_quiz", "test"],
    ["my_quiz", "my_quiz", "test"],
  ])("%s → subject %s, split %s", (name, subject, split) => {
    expect(csvFileSource(name)).toEqual({ ok: true, source: { subject, split } });
  });

  it.each(["_test.csv", ".csv", "dir/", "  _dev.csv"])("%s names no subject", (name) => {
    const verdict = csvFileSource(name);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.detail).toContain("names no subject");
  });
});

/** Every record of `text` fed in pieces of `size` characters. */
function records(text: string, size = text.length, maxRecordChars?: number): CsvRecord[] {
  const reader = new CsvRecordReader(maxRecordChars);
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...reader.push(text.slice(i, i + size)));
  return [...out, ...reader.end()];
}

describe("CSV records (RFC 4180)", () => {
  const file = [
    'Plain question,a,b,c,d,A',
    '"Quoted, with a comma",a,"b, too",c,d,B',
    '"She said ""yes""",a,b,"""c""",d,C',
    '"Two lines:',
    'the second",a,b,c,"d',
    'also two",D',
    '',
    'Last,a,b,c,d,A',
  ].join("\n");
  const expected: CsvRecord[] = [
    { line: 1, fields: ["Plain question", "a", "b", "c", "d", "A"] },
    { line: 2, fields: ["Quoted, with a comma", "a", "b, too", "c", "d", "B"] },
    { line: 3, fields: ['She said "yes"', "a", "b", '"c"', "d", "C"] },
    { line: 4, fields: ["Two lines:\nthe second", "a", "b", "c", "d\nalso two", "D"] },
    { line: 8, fields: ["Last", "a", "b", "c", "d", "A"] },
  ];

  it("splits quoted commas, doubled quotes and line breaks, numbering records by their first line, skipping blank lines", () => {
    expect(records(file)).toEqual(expected);
  });

  it("gives the same records whatever the pieces the text arrives in", () => {
    for (const size of [1, 2, 3, 7, 64]) expect(records(file, size)).toEqual(expected);
  });

  it("reads CRLF line ends (and a last record without one), keeping a CRLF inside quotes", () => {
    const crlf = 'Q1,a,b,c,d,A\r\n"Q2\r\nmore",a,b,c,d,"B"\r\n\r\nQ3,a,b,c,d,C';
    expect(records(crlf, 1)).toEqual([
      { line: 1, fields: ["Q1", "a", "b", "c", "d", "A"] },
      { line: 2, fields: ["Q2\r\nmore", "a", "b", "c", "d", "B"] },
      { line: 5, fields: ["Q3", "a", "b", "c", "d", "C"] },
    ]);
    expect(records("Q,a,b,c,d,A\r\n")).toEqual([{ line: 1, fields: ["Q", "a", "b", "c", "d", "A"] }]);
  });

  it("keeps empty fields, and a quoted empty field alone on a line", () => {
    expect(records('Q,,b,c,,A\n""\n,\n')).toEqual([
      { line: 1, fields: ["Q", "", "b", "c", "", "A"] },
      { line: 2, fields: [""] },
      { line: 3, fields: ["", ""] },
    ]);
  });

  it("refuses a stray quote, text after a closing quote and an unclosed quote, then reads on from the next line", () => {
    expect(records('ab"c,a,b,c,d,A\n"q"x,a,b,c,d,A\nok,a,b,c,d,A\n"never closed,a\nb,c')).toEqual([
      { line: 1, problem: expect.stringContaining("inside an unquoted field") },
      { line: 2, problem: expect.stringContaining("after a closing quote") },
      { line: 3, fields: ["ok", "a", "b", "c", "d", "A"] },
      { line: 4, problem: "a quoted field opened on line 4 is never closed" },
    ]);
  });

  it("refuses a record longer than its cap without keeping it, and finds where it ends", () => {
    const long = `"${"x".repeat(50)}\n${"y".repeat(50)}",a,b,c,d,A\nnext,a,b,c,d,B`;
    expect(records(long, 8, 40)).toEqual([
      { line: 1, problem: "the record is longer than 40 characters" },
      { line: 3, fields: ["next", "a", "b", "c", "d", "B"] },
    ]);
  });
});

const row = (subject: string, split: "dev" | "test", n: number): McRow => ({ subject, split, question: `${subject} ${split} ${n}?`, choices: ["a", "b", "c", "d"], answer: (n % 4) as McRow["answer"] });

describe("the few-shot pool", () => {
  it("is each subject's dev rows when every subject has them", () => {
    const rows = [row("a", "test", 0), row("a", "dev", 0), row("b", "dev", 0), row("b", "test", 0)];
    expect(assignFewShot(rows)).toEqual({ splits: ["test", "dev", "dev", "test"], shotsFrom: "dev", subjects: 2, tooSmall: [] });
  });

  it(`is a subject's first ${FIRST_ITEMS_SHOTS} questions when it has no dev rows (and then the dataset says first_items)`, () => {
    const rows = [row("a", "dev", 0), ...Array.from({ length: 7 }, (_, i) => row(i % 2 ? "a" : "b", "test", i)), row("b", "test", 9), row("b", "test", 10)];
    const { splits, shotsFrom } = assignFewShot(rows);
    expect(shotsFrom).toBe("first_items");
    // a keeps its dev row; b (rows 1, 3, 5, 7, 8, 9) lends its first five.
    expect(splits).toEqual(["dev", "dev", "test", "dev", "test", "dev", "test", "dev", "dev", "test"]);
  });

  it(`names a subject without dev rows and with no more than ${FIRST_ITEMS_SHOTS} questions`, () => {
    const rows = [row("a", "test", 0), row("b", "test", 0), ...Array.from({ length: 4 }, (_, i) => row("a", "test", i + 1))];
    expect(assignFewShot(rows).tooSmall).toEqual([
      { subject: "a", firstRow: 0, questions: 5 },
      { subject: "b", firstRow: 1, questions: 1 },
    ]);
  });

  it("assembles items in dataset order and dev per subject, with ids <subject>-<split>-<n>", () => {
    const rows = [row("a", "dev", 0), row("a", "test", 0), row("__proto__", "dev", 0), row("a", "test", 1), row("a", "dev", 1)];
    const { items, dev } = assembleMcDataset(rows);
    expect(items.map((i) => i.id)).toEqual(["a-test-0000", "a-test-0001"]);
    expect(items[1]).toEqual({ id: "a-test-0001", subject: "a", question: "a test 1?", choices: ["a", "b", "c", "d"], answer: 1 });
    expect(Object.keys(dev)).toEqual(["a", "__proto__"]);
    expect(dev.a!.map((i) => i.id)).toEqual(["a-dev-0000", "a-dev-0001"]);
    expect(dev["__proto__"]!.map((i) => i.id)).toEqual(["__proto__-dev-0000"]);
  });
});
