// Book QA inside workerd: importing InfiniteBench-format files (streamed, hashed, books deduplicated
// in R2, all-or-nothing), listing datasets, and bookqa runs against the reference model.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DatasetTooLargeError, importDataset } from "../../src/catalog/dataset-import";
import { api, createRun, probeRows, REFERENCE_URL, waitForStatus } from "./helpers";
import { bookText, BOOKS, chunkedStream, fixtureLines, sha256Hex, toJsonLines, type Task } from "./bookqa-fixture";

interface Dataset {
  id: string;
  name: string;
  task: string;
  questions: number;
  books: number;
  builtin: boolean;
  revision: string;
  bytes: number | null;
}

interface Problem {
  status: number;
  detail: string;
  errors: { pointer: string; detail: string }[];
}

/** Uploads `body` as a stream of small chunks (or in one piece, for requests refused before reading it). */
function upload(body: string | Uint8Array, query: string, { contentType = "application/x-ndjson", stream = true } = {}): Promise<Response> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  return api(`/v1/datasets?${query}`, { method: "POST", headers: { "content-type": contentType }, body: stream ? chunkedStream(bytes) : bytes });
}

async function importFixture(task: Task, name: string, fillerSentences = 400): Promise<Dataset> {
  const res = await upload(toJsonLines(fixtureLines(task, fillerSentences)), `task=${task}&name=${name}`);
  expect(res.status, await res.clone().text()).toBe(201);
  const dataset = (await res.json()) as Dataset;
  expect(res.headers.get("location")).toBe(`/v1/datasets/${dataset.id}`);
  return dataset;
}

async function bookObjects(): Promise<string[]> {
  const listed = await env.BLOBS.list({ prefix: "books/" });
  return listed.objects.map((o) => o.key).sort();
}

async function datasetRows(): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM bookqa_datasets").first<{ n: number }>())!.n;
}

async function questionRows(): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM bookqa_questions").first<{ n: number }>())!.n;
}

function bookqaRun(suite: Record<string, unknown>, model: Record<string, unknown> = {}) {
  return {
    model: { name: "ref-128k", base_url: REFERENCE_URL, model: "extractive-128k", tokenizer: "cl100k_base", context_window: 131072, max_concurrency: 4, ...model },
    suites: [{ type: "bookqa", ...suite }],
  };
}

describe("importing InfiniteBench files", () => {
  it("streams a file in: revision = the file's SHA-256, one R2 object per distinct book, questions in D1", async () => {
    const text = toJsonLines(fixtureLines("longbook_qa_eng"));
    const bytes = new TextEncoder().encode(text);
    const res = await upload(bytes, "task=longbook_qa_eng&name=gull-and-brevik");
    expect(res.status, await res.clone().text()).toBe(201);
    const dataset = (await res.json()) as Dataset;
    expect(dataset).toMatchObject({ name: "gull-and-brevik", task: "longbook_qa_eng", questions: 6, books: 2, builtin: false, bytes: bytes.length });
    expect(dataset.revision).toBe(await sha256Hex(bytes));

    const keys = await Promise.all(BOOKS.map(async (book, i) => `books/${await sha256Hex(new TextEncoder().encode(bookText(book, i, 400)))}.txt`));
    expect(await bookObjects()).toEqual(expect.arrayContaining(keys));
    expect(await (await env.BLOBS.get(keys[0]!))!.text()).toBe(bookText(BOOKS[0]!, 0, 400));

    const { results } = await env.DB.prepare("SELECT position, question_id, answer_json, book_key FROM bookqa_questions WHERE dataset_id = ? ORDER BY position")
      .bind(dataset.id)
      .all<{ position: number; question_id: string; answer_json: string; book_key: string }>();
    expect(results.map((r) => r.question_id)).toEqual(["0", "1", "2", "3", "4", "5"]);
    expect(JSON.parse(results[1]!.answer_json)).toEqual(["the Heron", "Heron"]);
    expect(results.map((r) => r.book_key)).toEqual([keys[0], keys[0], keys[0], keys[1], keys[1], keys[1]]);

    expect((await (await api(`/v1/datasets/${dataset.id}`)).json()) as Dataset).toEqual(dataset);
  });

  it("normalises multiple-choice answers to [option text, letter] as InfiniteBench's get_answer does", async () => {
    const dataset = await importFixture("longbook_choice_eng", "mc");
    const row = await env.DB.prepare("SELECT answer_json, options_json FROM bookqa_questions WHERE dataset_id = ? AND position = 1").bind(dataset.id).first<{ answer_json: string; options_json: string }>();
    expect(JSON.parse(row!.answer_json)).toEqual(["the Heron", "B"]);
    expect(JSON.parse(row!.options_json)).toHaveLength(4);
  });

  it("refuses a file with malformed lines, names every line, and keeps nothing of it", async () => {
    const lines = fixtureLines("longbook_choice_eng", 37).map((l) => JSON.stringify({ ...l, context: `A fresh edition. ${l.context}` }));
    const file = [
      lines[0],
      lines[1],
      "",
      "{not json",
      JSON.stringify({ id: 9, context: "a book", input: "Which?", answer: ["none of them"], options: ["a", "b", "c", "d"] }),
      JSON.stringify({ id: 10, context: "a book", input: "Which?", answer: ["a"], options: ["a", "b"] }),
      lines[2],
      JSON.stringify({ id: 0, context: "a book", input: "Again?", answer: ["a"], options: ["a", "b", "c", "d"] }),
      "[1, 2]",
    ].join("\r\n");
    const [objectsBefore, datasetsBefore, questionsBefore] = [await bookObjects(), await datasetRows(), await questionRows()];

    const res = await upload(file, "task=longbook_choice_eng&name=broken");
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await res.json()) as Problem;
    expect(problem.errors.map((e) => e.pointer)).toEqual(["/lines/4", "/lines/5", "/lines/6", "/lines/8", "/lines/9"]);
    expect(problem.errors[0]!.detail).toContain("not valid JSON");
    expect(problem.errors[1]!.detail).toContain("one of the four options");
    expect(problem.errors[2]!.detail).toContain("exactly 4");
    expect(problem.errors[3]!.detail).toContain("already used on line 1");
    expect(problem.detail).toContain("nothing was imported");

    // The two books uploaded before the first bad line were taken back.
    expect(await bookObjects()).toEqual(objectsBefore);
    expect([await datasetRows(), await questionRows()]).toEqual([datasetsBefore, questionsBefore]);
  });

  it("keeps books that an earlier import stored when a later import of them fails", async () => {
    const good = await importFixture("longbook_qa_eng", "first", 21);
    const objects = await bookObjects();
    const lines = fixtureLines("longbook_qa_eng", 21).map((l) => JSON.stringify(l));
    const res = await upload([lines[0], lines[3], '{"id": 99}'].join("\n"), "task=longbook_qa_eng");
    expect(res.status).toBe(422);
    expect(((await res.json()) as Problem).errors).toEqual([{ pointer: "/lines/3", detail: expect.stringContaining("context"), in: "body" }]);
    expect(await bookObjects()).toEqual(objects);
    expect((await api(`/v1/datasets/${good.id}`)).status).toBe(200);
  });

  it("stops reading an upload past its byte cap (MAX_DATASET_BYTES) and keeps nothing of it", async () => {
    const lines = toJsonLines(fixtureLines("longbook_qa_eng", 21));
    const bytes = new TextEncoder().encode(lines);
    const [objectsBefore, datasetsBefore, questionsBefore] = [await bookObjects(), await datasetRows(), await questionRows()];
    const cap = Math.floor(bytes.length / 2);
    await expect(importDataset(env, { task: "longbook_qa_eng", name: "too-big", accountId: "admin", public: false, body: chunkedStream(bytes), maxBytes: cap })).rejects.toThrow(DatasetTooLargeError);
    expect(await bookObjects()).toEqual(objectsBefore);
    expect([await datasetRows(), await questionRows()]).toEqual([datasetsBefore, questionsBefore]);
    // The same file under a cap it fits.
    const row = await importDataset(env, { task: "longbook_qa_eng", name: "fits", accountId: "admin", public: false, body: chunkedStream(bytes), maxBytes: bytes.length });
    expect(row.bytes).toBe(bytes.length);
  });

  it("refuses other media types, an unknown task, an empty file and a short-answer file with options", async () => {
    const body = toJsonLines(fixtureLines("longbook_qa_eng", 5));
    // Refused before the body is read: sent whole, so no stream is left dangling.
    expect((await upload(body, "task=longbook_qa_eng", { contentType: "application/json", stream: false })).status).toBe(415);
    const badTask = await upload(body, "task=passkey", { stream: false });
    expect(badTask.status).toBe(422);
    expect(((await badTask.json()) as Problem).errors[0]!.pointer).toBe("/task");
    const empty = await upload("\n\n", "task=longbook_qa_eng");
    expect(empty.status).toBe(422);
    expect(((await empty.json()) as Problem).errors).toEqual([{ pointer: "/lines", detail: "the file holds no questions", in: "body" }]);
    const mcAsQa = await upload(toJsonLines(fixtureLines("longbook_choice_eng", 5)), "task=longbook_qa_eng");
    expect(((await mcAsQa.json()) as Problem).errors[0]!.detail).toContain("longbook_choice_eng");
  });

  it("documents the import and the suite in the OpenAPI document", async () => {
    const doc = (await (await api("/openapi.json")).json()) as { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/datasets", "/v1/datasets/{id}"]));
    expect(Object.keys(doc.paths["/v1/datasets"]!.post.requestBody.content)).toEqual(["application/x-ndjson", "text/csv"]);
    expect(doc.components.schemas).toHaveProperty("BookQaSuiteSpec");
    expect(doc.components.schemas).toHaveProperty("Dataset");
  });

  it("lists the built-in sets (one per task) and imports; 404s an unknown id", async () => {
    const imported = await importFixture("longbook_qa_eng", "listed", 5);
    const list = ((await (await api("/v1/datasets")).json()) as { data: Dataset[] }).data;
    expect(list.slice(0, 2)).toEqual([
      expect.objectContaining({ id: "moby-dick-qa", task: "longbook_qa_eng", builtin: true, questions: 29, books: 1 }),
      expect.objectContaining({ id: "moby-dick-mc", task: "longbook_choice_eng", builtin: true, questions: 29, books: 1 }),
    ]);
    expect(list.find((d) => d.id === imported.id)).toMatchObject({ name: "listed", questions: 6, builtin: false });
    expect((await api("/v1/datasets/moby-dick-mc")).status).toBe(200);
    expect((await api("/v1/datasets/ds_nope")).status).toBe(404);
  });
});

describe("bookqa runs", () => {
  it("evaluates an imported short-answer set against extractive-128k, with both scores per probe", async () => {
    const dataset = await importFixture("longbook_qa_eng", "qa-run");
    const run = await createRun(bookqaRun({ dataset: dataset.id }));
    const done = (await waitForStatus(run.id, ["succeeded", "failed"], 60_000)) as { status: string; suites: Record<string, unknown>[] };
    expect(done.status).toBe("succeeded");
    const suite = done.suites[0]!;
    expect(suite).toMatchObject({ type: "bookqa", dataset: dataset.id, dataset_revision: dataset.revision, task: "longbook_qa_eng", window: 128000, no_context: false, probes: 6, scored: 6 });
    expect(suite.question_ids).toEqual(["0", "1", "2", "3", "4", "5"]);
    const scores = suite.scores as Record<string, number>;
    expect(Object.keys(scores)).toEqual(["infinitebench", "paper_recall"]);
    // The extractive model answers with the whole fact sentence: recall is high, F1 lower.
    expect(scores.paper_recall).toBeGreaterThan(50);
    expect(scores.infinitebench).toBeGreaterThan(10);

    const probes = await probeRows(run.id);
    expect(probes.map((p) => [p.context_length, p.depth_percent, p.item])).toEqual([0, 1, 2, 3, 4, 5].map((i) => [128000, null, i]));
    const first = probes[0]!;
    expect(first.response).toBe(BOOKS[0]!.facts[0].sentence);
    // F1 after SQuAD normalisation: 2 of the answer's 10 tokens (articles dropped) are the gold's 2.
    // The paper's recall splits on whitespace only: "Velde." is not "velde", so 1 of 2 gold words.
    expect(JSON.parse(first.scores_json as string)).toEqual({ infinitebench: expect.closeTo((2 * 0.2 * 1) / (0.2 + 1), 9), paper_recall: 0.5 });
    expect(first.token_mismatch).toBe(0);

    // The exact prompt is rebuilt from the recipe: the paper's completions template, with the book.
    const prompt = (await (await api(`/v1/runs/${run.id}/probes/0/prompt`)).json()) as { prompt: string; prompt_sha256: string; max_tokens: number };
    expect(prompt.prompt.startsWith("<|im_start|>Read the book below and answer a question.\n\nTHE KEEPER OF GULL ISLAND")).toBe(true);
    expect(prompt.prompt.endsWith("\n\nQuestion: Who kept the lighthouse on Gull Island?\n\nAnswer:")).toBe(true);
    expect(prompt.prompt_sha256).toBe(first.prompt_sha256);
    expect(prompt.max_tokens).toBe(40);
  });

  it("evaluates multiple choice through the chat API: the extractive model picks every right letter", async () => {
    const dataset = await importFixture("longbook_choice_eng", "mc-run");
    const run = await createRun(bookqaRun({ dataset: dataset.id }, { api: "chat" }));
    const done = (await waitForStatus(run.id, ["succeeded", "failed"], 60_000)) as { status: string; suites: { scores: Record<string, number> }[] };
    expect(done.status).toBe("succeeded");
    expect(done.suites[0]!.scores.infinitebench).toBe(100);
    const probes = await probeRows(run.id);
    expect(probes.map((p) => p.response)).toEqual(["A", "B", "C", "D", "A", "B"]);
    const prompt = (await (await api(`/v1/runs/${run.id}/probes/0/prompt`)).json()) as { messages: { role: string; content: string }[]; max_tokens: number };
    expect(prompt.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(prompt.messages[1]!.content).toContain("Don't say anything else.\nA. Marta Velde\nB. Anna Holm");
    expect(prompt.max_tokens).toBe(40);
  });

  it("cuts the book in the middle to the window: the middle fact is lost, head and tail kept", async () => {
    const dataset = await importFixture("longbook_qa_eng", "window", 2000);
    const run = await createRun(bookqaRun({ dataset: dataset.id, window: 2048, limit: 3 }));
    expect((await waitForStatus(run.id, ["succeeded"], 60_000)).status).toBe("succeeded");
    const probes = await probeRows(run.id);
    expect(probes).toHaveLength(3);
    expect(probes.every((p) => (p.expected_prompt_tokens as number) <= 2048 && (p.expected_prompt_tokens as number) >= 2040)).toBe(true);
    const prompt = ((await (await api(`/v1/runs/${run.id}/probes/1/prompt`)).json()) as { prompt: string }).prompt;
    expect(prompt).toContain(BOOKS[0]!.facts[0].sentence);
    expect(prompt).not.toContain(BOOKS[0]!.facts[1].sentence);
    expect(prompt).toContain(BOOKS[0]!.facts[2].sentence);
    const f1 = probes.map((p) => JSON.parse(p.scores_json as string).infinitebench as number);
    expect(f1[0]).toBeGreaterThan(0); // the head fact survived
    expect(f1[1]).toBe(0); // the middle fact was cut: "heron" is nowhere in the answer
  });

  it("no_context asks the question without the book", async () => {
    const dataset = await importFixture("longbook_qa_eng", "memorization", 50);
    const run = await createRun(bookqaRun({ dataset: dataset.id, no_context: true, limit: 2 }));
    const done = (await waitForStatus(run.id, ["succeeded"], 60_000)) as { suites: Record<string, unknown>[] };
    expect(done.suites[0]).toMatchObject({ no_context: true, probes: 2, scored: 2 });
    const probes = await probeRows(run.id);
    expect(probes.map((p) => [p.context_length, p.constructed_tokens])).toEqual([[0, 0], [0, 0]]);
    const prompt = ((await (await api(`/v1/runs/${run.id}/probes/0/prompt`)).json()) as { prompt: string }).prompt;
    expect(prompt).toBe("<|im_start|>Read the book below and answer a question.\n\n\n\nQuestion: Who kept the lighthouse on Gull Island?\n\nAnswer:");
  });

  it("runs the built-in set out of the box", async () => {
    const run = await createRun(bookqaRun({ dataset: "moby-dick-mc", limit: 3 }));
    const done = (await waitForStatus(run.id, ["succeeded", "failed"], 90_000)) as { status: string; suites: Record<string, unknown>[] };
    expect(done.status).toBe("succeeded");
    expect(done.suites[0]).toMatchObject({ dataset: "moby-dick-mc", task: "longbook_choice_eng", window: 128000, probes: 3, scored: 3 });
    const probes = await probeRows(run.id);
    // Moby-Dick is ~282K cl100k tokens: every prompt is cut to the 128K window.
    expect(probes.every((p) => p.expected_prompt_tokens === 128000)).toBe(true);
  });

  it("refuses a window that does not fit the model, an unknown dataset and a question too long for its window", async () => {
    const tooBig = await api("/v1/runs", { method: "POST", json: bookqaRun({ window: 131072 }) });
    expect(tooBig.status).toBe(422);
    const problem = (await tooBig.json()) as Problem;
    expect(problem.errors).toEqual([{ pointer: "/suites/0/window", detail: expect.stringContaining("context_window 131072"), in: "body" }]);

    const unknown = await api("/v1/runs", { method: "POST", json: bookqaRun({ dataset: "nope" }) });
    expect(((await unknown.json()) as Problem).errors[0]!.pointer).toBe("/suites/0/dataset");

    const longQuestion = `Of all the many things that happened, ${"and then some more, ".repeat(40)}who kept the light?`;
    const line = { id: "long", context: "A short book about a light.", input: longQuestion, answer: ["nobody"], options: [] };
    const res = await upload(toJsonLines([line]), "task=longbook_qa_eng");
    const dataset = (await res.json()) as Dataset;
    const tiny = await api("/v1/runs", { method: "POST", json: bookqaRun({ dataset: dataset.id, window: 256 }) });
    expect(tiny.status).toBe(422);
    const tooSmall = ((await tiny.json()) as Problem).errors[0]!;
    expect(tooSmall).toMatchObject({ pointer: "/suites/0/window", detail: expect.stringMatching(/^question long: .*the question and options take \d+ tokens; half the window is 128$/) });
  });

  it("dry runs plan one probe per question, in dataset order, with estimated tokens", async () => {
    const res = await api("/v1/runs?dry_run=true", { method: "POST", json: bookqaRun({ dataset: "moby-dick-qa", limit: 10 }) });
    expect(res.status).toBe(200);
    const plan = (await res.json()) as { probes: number; prompt_tokens: number; max_completion_tokens: number };
    expect(plan.probes).toBe(10);
    expect(plan.prompt_tokens).toBe(10 * 128000);
    expect(plan.max_completion_tokens).toBe(400);
  });
});
