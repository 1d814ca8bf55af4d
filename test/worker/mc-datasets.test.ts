// Importing MMLU-format multiple-choice datasets inside workerd: JSON lines (HF cais/mmlu rows) and
// MMLU's CSV files, streamed and hashed; the few-shot pool (dev rows, or a subject's first 5);
// all-or-nothing refusals with /lines/<n> pointers; privacy; listing; and loadMcDataset.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadMcDataset } from "../../src/catalog/datasets";
import { SMOKE_SET_ID } from "../../src/probes/mmlu/smoke-set";
import { ADMIN_TOKEN, api } from "./helpers";
import { chunkedStream, sha256Hex } from "./bookqa-fixture";

interface Dataset {
  id: string;
  name: string;
  task: string;
  questions: number;
  books: number;
  builtin: boolean;
  revision: string;
  bytes: number | null;
  public: boolean;
  subjects?: number;
  shots_from?: string;
}

interface Problem {
  detail: string;
  errors: { pointer: string; detail: string; in: string }[];
}

const ADMIN = { accountId: "admin", admin: true, tokenId: null };

interface UploadOptions {
  contentType?: string;
  token?: string | null;
  /** Sent whole (for requests refused before the body is read), else as a stream of small chunks. */
  stream?: boolean;
}

function upload(body: string, query: string, { contentType = "application/x-ndjson", token = ADMIN_TOKEN, stream = true }: UploadOptions = {}): Promise<Response> {
  const bytes = new TextEncoder().encode(body);
  return api(`/v1/datasets?task=mmlu&${query}`, { method: "POST", headers: { "content-type": contentType }, body: stream ? chunkedStream(bytes, 61) : bytes, token });
}

async function imported(body: string, query: string, options: UploadOptions = {}): Promise<Dataset> {
  const res = await upload(body, query, options);
  expect(res.status, await res.clone().text()).toBe(201);
  const dataset = (await res.json()) as Dataset;
  expect(res.headers.get("location")).toBe(`/v1/datasets/${dataset.id}`);
  return dataset;
}

async function refused(body: string, query: string, options: UploadOptions = {}): Promise<Problem> {
  const res = await upload(body, query, options);
  expect(res.status, await res.clone().text()).toBe(422);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json()) as Problem;
}

/** [datasets, multiple-choice questions] stored: a refused import adds to neither. */
const storedRows = async () => Promise.all(["bookqa_datasets", "mc_questions"].map(async (table) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n));

const row = (subject: string, n: number, fields: Record<string, unknown> = {}) => ({
  question: `${subject} question ${n}?`,
  subject,
  choices: [`${n}a`, `${n}b`, `${n}c`, `${n}d`],
  answer: n % 4,
  ...fields,
});
const jsonLines = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

/** Two subjects as cais/mmlu exports them: 2 dev rows each, then test rows. */
const withDev = jsonLines([
  row("astronomy", 0, { split: "dev" }),
  row("astronomy", 1, { split: "dev", answer: "B" }),
  row("anatomy", 0, { split: "dev" }),
  row("anatomy", 1, { split: "dev" }),
  ...Array.from({ length: 6 }, (_, i) => row(i % 2 ? "anatomy" : "astronomy", 10 + i, { split: "test" })),
  row("astronomy", 20, { split: "validation" }),
]);

describe("importing MMLU-format JSON lines", () => {
  it("stores dev rows as each subject's few-shot pool and the rest as asked questions; revision = the file's SHA-256", async () => {
    const bytes = new TextEncoder().encode(withDev);
    const dataset = await imported(withDev, "name=two-subjects");
    expect(dataset).toMatchObject({ name: "two-subjects", task: "mmlu", questions: 7, books: 0, subjects: 2, shots_from: "dev", builtin: false, public: false, bytes: bytes.length });
    expect(dataset.revision).toBe(await sha256Hex(bytes));
    expect((await (await api(`/v1/datasets/${dataset.id}`)).json()) as Dataset).toEqual(dataset);

    const { results } = await env.DB.prepare("SELECT position, subject, split, question, choices_json, answer FROM mc_questions WHERE dataset_id = ? ORDER BY position")
      .bind(dataset.id)
      .all<{ position: number; subject: string; split: string; question: string; choices_json: string; answer: number }>();
    expect(results).toHaveLength(11);
    expect(results.map((r) => r.split)).toEqual(["dev", "dev", "dev", "dev", "test", "test", "test", "test", "test", "test", "test"]);
    expect(results[1]).toEqual({ position: 1, subject: "astronomy", split: "dev", question: "astronomy question 1?", choices_json: '["1a","1b","1c","1d"]', answer: 1 });

    const loaded = (await loadMcDataset(env, dataset.id, ADMIN))!;
    expect(loaded).toMatchObject({ id: dataset.id, name: "two-subjects", revision: dataset.revision, shots_from: "dev" });
    expect(loaded.items.map((i) => i.id)).toEqual(["astronomy-test-0000", "anatomy-test-0000", "astronomy-test-0001", "anatomy-test-0001", "astronomy-test-0002", "anatomy-test-0002", "astronomy-test-0003"]);
    expect(loaded.items[1]).toEqual({ id: "anatomy-test-0000", subject: "anatomy", question: "anatomy question 11?", choices: ["11a", "11b", "11c", "11d"], answer: 3 });
    expect(Object.keys(loaded.dev)).toEqual(["astronomy", "anatomy"]);
    expect(loaded.dev.astronomy!.map((i) => [i.id, i.question, i.answer])).toEqual([
      ["astronomy-dev-0000", "astronomy question 0?", 0],
      ["astronomy-dev-0001", "astronomy question 1?", 1],
    ]);
  });

  it("holds out a subject's first 5 questions as its few-shot pool when it has no dev rows (shots_from: first_items)", async () => {
    const rows = [row("arc_challenge", 0, { split: "dev" }), ...Array.from({ length: 8 }, (_, i) => row("hellaswag", i, { answer: ["A", "B", "C", "D"][i % 4] })), row("arc_challenge", 1)];
    const dataset = await imported(jsonLines(rows), "name=no-dev");
    expect(dataset).toMatchObject({ questions: 4, subjects: 2, shots_from: "first_items" });
    const loaded = (await loadMcDataset(env, dataset.id, ADMIN))!;
    expect(loaded.shots_from).toBe("first_items");
    expect(loaded.dev.hellaswag!.map((i) => i.question)).toEqual([0, 1, 2, 3, 4].map((n) => `hellaswag question ${n}?`));
    expect(loaded.items.map((i) => [i.id, i.question])).toEqual([
      ["hellaswag-test-0000", "hellaswag question 5?"],
      ["hellaswag-test-0001", "hellaswag question 6?"],
      ["hellaswag-test-0002", "hellaswag question 7?"],
      ["arc_challenge-test-0000", "arc_challenge question 1?"],
    ]);
    expect(loaded.dev.arc_challenge!.map((i) => i.id)).toEqual(["arc_challenge-dev-0000"]);
  });

  it("accepts the other JSON-lines media types", async () => {
    expect((await imported(withDev, "name=jsonl", { contentType: "application/jsonl; charset=utf-8" })).questions).toBe(7);
  });
});

describe("importing MMLU's CSV files", () => {
  const csv = [
    "Find the degree of the extension Q(sqrt(2)) over Q.,0,2,4,6,C",
    '"Which is true?\r\nStatement 1 | ""a"", b.",True,False,"True, True","False, False",D',
    "Third,a,b,c,d,A",
    "",
    "Fourth,a,b,c,d,B",
    "Fifth,a,b,c,d,C",
    "Sixth,a,b,c,d,D",
    "Seventh,a,b,c,d,A",
  ].join("\r\n");

  it("reads quoted fields with commas, quotes and line breaks; the subject comes from file_name; no dev file → first_items", async () => {
    const bytes = new TextEncoder().encode(csv);
    const dataset = await imported(csv, "file_name=abstract_algebra_test.csv", { contentType: "text/csv" });
    expect(dataset).toMatchObject({ name: "mmlu", task: "mmlu", questions: 2, subjects: 1, shots_from: "first_items", bytes: bytes.length, revision: await sha256Hex(bytes) });
    const loaded = (await loadMcDataset(env, dataset.id, ADMIN))!;
    expect(loaded.dev.abstract_algebra!.map((i) => i.question)).toEqual([
      "Find the degree of the extension Q(sqrt(2)) over Q.",
      'Which is true?\r\nStatement 1 | "a", b.',
      "Third",
      "Fourth",
      "Fifth",
    ]);
    expect(loaded.dev.abstract_algebra![1]!.choices).toEqual(["True", "False", "True, True", "False, False"]);
    expect(loaded.items).toEqual([
      { id: "abstract_algebra-test-0000", subject: "abstract_algebra", question: "Sixth", choices: ["a", "b", "c", "d"], answer: 3 },
      { id: "abstract_algebra-test-0001", subject: "abstract_algebra", question: "Seventh", choices: ["a", "b", "c", "d"], answer: 0 },
    ]);
  });

  it("refuses a CSV without file_name, or with one that names no subject, before reading it; a dev file alone asks nothing", async () => {
    const before = await storedRows();
    const missing = await refused(csv, "", { contentType: "text/csv", stream: false });
    expect(missing.errors).toEqual([{ pointer: "/file_name", detail: expect.stringContaining("required for a CSV file"), in: "query" }]);
    const nameless = await refused(csv, "file_name=_test.csv", { contentType: "text/csv", stream: false });
    expect(nameless.errors[0]).toMatchObject({ pointer: "/file_name", detail: expect.stringContaining("names no subject") });
    const devOnly = await refused(csv, "file_name=abstract_algebra_dev.csv", { contentType: "text/csv" });
    expect(devOnly.errors).toEqual([{ pointer: "/lines", detail: expect.stringContaining("no questions to ask"), in: "body" }]);
    expect(await storedRows()).toEqual(before);
  });

  it("points malformed records at their first line and stores nothing", async () => {
    const before = await storedRows();
    const bad = ["Good,a,b,c,d,A", '"Spans\ntwo lines",a,b,c,d', "Bad answer,a,b,c,d,E", 'Stray "quote",a,b,c,d,A', '"never closed,a,b,c,d,A'].join("\n");
    const problem = await refused(bad, "file_name=anatomy_test.csv", { contentType: "text/csv" });
    expect(problem.errors.map((e) => [e.pointer, e.detail])).toEqual([
      ["/lines/2", expect.stringContaining("expected 6 fields")],
      ["/lines/4", expect.stringContaining("A, B, C, D")],
      ["/lines/5", expect.stringContaining("inside an unquoted field")],
      ["/lines/6", expect.stringContaining("never closed")],
    ]);
    expect(problem.detail).toContain("nothing was imported");
    expect(await storedRows()).toEqual(before);
  });

  it("drops a byte-order mark and points bytes that are not UTF-8 at their line", async () => {
    const bom = await imported(`\uFEFF${csv}`, "file_name=anatomy_test.csv", { contentType: "text/csv" });
    expect((await loadMcDataset(env, bom.id, ADMIN))!.dev.anatomy![0]!.question).toBe("Find the degree of the extension Q(sqrt(2)) over Q.");
    const encoded = new TextEncoder().encode("One,a,b,c,d,A\nTwo,a,b,c,d,B\nThr\u00ffee,a,b,c,d,C\n");
    const broken = encoded.map((byte, i) => (i > 0 && encoded[i - 1] === 0xc3 ? 0x28 : byte));
    const before = await storedRows();
    const res = await api("/v1/datasets?task=mmlu&file_name=anatomy_test.csv", { method: "POST", headers: { "content-type": "text/csv" }, body: broken });
    expect(res.status).toBe(422);
    expect(((await res.json()) as Problem).errors).toEqual([{ pointer: "/lines/3", detail: "the line is not valid UTF-8", in: "body" }]);
    expect(await storedRows()).toEqual(before);
  });

  it("is refused as 415 for a book QA task", async () => {
    expect((await api("/v1/datasets?task=longbook_qa_eng&file_name=x_test.csv", { method: "POST", headers: { "content-type": "text/csv" }, body: csv })).status).toBe(415);
  });
});

describe("refusing bad MMLU-format JSON lines", () => {
  it("names every bad line (/lines/<n>) and stores nothing", async () => {
    const before = await storedRows();
    const file = [
      JSON.stringify(row("astronomy", 0, { split: "dev" })),
      JSON.stringify(row("astronomy", 1, { choices: ["a", "b", "c"] })),
      JSON.stringify(row("astronomy", 2, { answer: 4 })),
      "",
      JSON.stringify(row("astronomy", 3, { answer: "E" })),
      JSON.stringify(row("", 4)),
      JSON.stringify({ ...row("astronomy", 5), subject: undefined }),
      JSON.stringify(row("astronomy", 6, { question: "" })),
      JSON.stringify(row("astronomy", 7, { choices: ["a", "b", null, "d"] })),
      '{"question": "broken',
      JSON.stringify(row("astronomy", 8)),
    ].join("\r\n");
    const problem = await refused(file, "name=broken");
    expect(problem.errors.map((e) => e.pointer)).toEqual(["/lines/2", "/lines/3", "/lines/5", "/lines/6", "/lines/7", "/lines/8", "/lines/9", "/lines/10"]);
    expect(problem.errors.map((e) => e.detail)).toEqual([
      expect.stringContaining("exactly 4"),
      expect.stringContaining("answer"),
      expect.stringContaining("answer"),
      expect.stringContaining("subject"),
      expect.stringContaining("subject"),
      expect.stringContaining("question"),
      expect.stringContaining("choices[2]"),
      expect.stringContaining("not valid JSON"),
    ]);
    expect(problem.detail).toMatch(/^8 lines are invalid/);
    expect(await storedRows()).toEqual(before);
  });

  it("refuses an empty file, a subject too small to lend 5 shots, and more questions than the cap", async () => {
    const before = await storedRows();
    expect((await refused("\n\n", "")).errors).toEqual([{ pointer: "/lines", detail: "the file holds no questions", in: "body" }]);
    const small = jsonLines([row("a", 0, { split: "dev" }), row("a", 1), row("b", 0), row("b", 1), row("b", 2)]);
    expect((await refused(small, "")).errors).toEqual([{ pointer: "/lines/3", detail: expect.stringContaining('subject "b" has no dev rows and only 3'), in: "body" }]);
    // 20,001 asked questions (plus a dev row): small rows, so the file stays under the byte cap.
    const many = ['{"question":"q","subject":"s","choices":["a","b","c","d"],"answer":0,"split":"dev"}'];
    for (let i = 0; i < 20_001; i++) many.push('{"question":"q","subject":"s","choices":["a","b","c","d"],"answer":1}');
    const capped = await refused(many.join("\n"), "", { stream: false });
    expect(capped.errors).toEqual([{ pointer: "/lines/20002", detail: expect.stringContaining("at most 20000 questions"), in: "body" }]);
    expect(await storedRows()).toEqual(before);
  });

  it("refuses other media types for mmlu", async () => {
    const res = await upload(withDev, "", { contentType: "application/json", stream: false });
    expect(res.status).toBe(415);
    expect(((await res.json()) as Problem).detail).toContain("text/csv");
  });
});

async function newAccount(): Promise<{ token: string; accountId: string }> {
  const res = await api("/v1/accounts", { method: "POST", json: { name: `mc-tenant-${crypto.randomUUID()}` } });
  expect(res.status).toBe(201);
  const created = (await res.json()) as { account: { id: string }; token: { token: string } };
  return { token: created.token.token, accountId: created.account.id };
}

describe("imported multiple-choice datasets belong to their account", () => {
  it("are private by default: another account's token gets 404 and loadMcDataset gives it null", async () => {
    const [alice, bob] = [await newAccount(), await newAccount()];
    const dataset = await imported(withDev, "name=alices", { token: alice.token });
    expect(dataset.public).toBe(false);
    const ids = async (token: string | null) => ((await (await api("/v1/datasets", { token })).json()) as { data: Dataset[] }).data.map((d) => d.id);
    expect(await ids(alice.token)).toContain(dataset.id);
    expect(await ids(bob.token)).not.toContain(dataset.id);
    expect(await ids(null)).not.toContain(dataset.id);
    expect((await api(`/v1/datasets/${dataset.id}`, { token: bob.token })).status).toBe(404);
    expect((await api(`/v1/datasets/${dataset.id}`, { token: null })).status).toBe(404);
    expect((await api(`/v1/datasets/${dataset.id}`, { token: alice.token })).status).toBe(200);
    expect(await loadMcDataset(env, dataset.id, { accountId: bob.accountId, admin: false, tokenId: null })).toBeNull();
    expect(await loadMcDataset(env, dataset.id, null)).toBeNull();
    expect((await loadMcDataset(env, dataset.id, { accountId: alice.accountId, admin: false, tokenId: null }))?.items).toHaveLength(7);

    const shared = await imported(withDev, "name=shared&public=true", { token: alice.token });
    expect((await api(`/v1/datasets/${shared.id}`, { token: bob.token })).status).toBe(200);
    expect(await loadMcDataset(env, shared.id, null)).not.toBeNull();
  });
});

describe("listing", () => {
  it("lists the built-in smoke set and imports with subjects and shots_from; a book QA id is no multiple-choice set", async () => {
    const dataset = await imported(withDev, "name=listed");
    const list = ((await (await api("/v1/datasets")).json()) as { data: Dataset[] }).data;
    const smoke = list.find((d) => d.id === SMOKE_SET_ID);
    expect(smoke).toMatchObject({ task: "mmlu", builtin: true, public: true, books: 0, bytes: null, shots_from: "dev", subjects: 8, questions: 112 });
    expect(list.findIndex((d) => d.id === SMOKE_SET_ID)).toBeLessThan(list.findIndex((d) => !d.builtin));
    expect(list.find((d) => d.id === dataset.id)).toMatchObject({ name: "listed", task: "mmlu", questions: 7, subjects: 2, shots_from: "dev" });
    // Book QA entries keep their shape: no mmlu-only members.
    const bookQa = list.find((d) => d.id === "moby-dick-qa")!;
    expect(bookQa).not.toHaveProperty("subjects");
    expect(bookQa).not.toHaveProperty("shots_from");
    expect((await api(`/v1/datasets/${SMOKE_SET_ID}`)).status).toBe(200);
    expect((await loadMcDataset(env, SMOKE_SET_ID, null))?.items).toHaveLength(112);
    expect(await loadMcDataset(env, "moby-dick-mc", ADMIN)).toBeNull();
    expect(await loadMcDataset(env, "ds_nope", ADMIN)).toBeNull();
  });
});
