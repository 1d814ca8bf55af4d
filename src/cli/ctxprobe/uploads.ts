// `ctxprobe datasets import` and `ctxprobe corpora upload`: thin clients of endpoints the service
// may not have yet. They only send the request and show the service's answer, or its problem
// (a 404 while the endpoint is missing), so they work unchanged once the server side lands.
import { createReadStream } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { Readable } from "node:stream";
import { parseChoice, parseCommandArgs, requirePositional } from "./args";
import { ApiClient, DEFAULT_URL } from "./client";
import { CliError, EXIT, helpOrUsage, UsageError, writeLine, type CliIo } from "./io";
import { BOOKQA_TASKS } from "./predictions";

const SERVICE_OPTIONS = `  --url URL     ctxprobe service (default $CTXPROBE_URL or ${DEFAULT_URL}); $CTXPROBE_TOKEN is sent as a bearer token
  --json        print the service's answer as JSON
  -h, --help`;

const DATASET_TASKS = [...BOOKQA_TASKS, "mmlu"] as const;

export const DATASETS_HELP = `Usage: ctxprobe datasets import FILE --task ${DATASET_TASKS.join("|")} [--name NAME] [--public]

Sends POST /v1/datasets, streaming FILE, with the task in the query (?task=).
  book QA: InfiniteBench's JSON lines (fields input, context, answer, options);
           evaluate with ctxprobe eval --bookqa ID
  mmlu:    JSON lines {question, subject, choices: [4], answer: 0–3 or A–D, split?} (rows with
           split "dev" are the few-shot pool), or one of MMLU's CSV files (FILE ending in .csv:
           question,A,B,C,D,answer; subject and split from the file name, e.g.
           abstract_algebra_test.csv); evaluate with ctxprobe eval --mmlu --mmlu-dataset ID

  --name NAME   dataset name (default: the task)
  --public      let every account use it (default: only yours)

${SERVICE_OPTIONS}
`;

export const CORPORA_HELP = `Usage: ctxprobe corpora upload DIR [--name NAME]

Upload a haystack corpus: every .txt file directly in DIR, in name order, as JSON
{"name": NAME, "files": [{"name", "text"}, …]}; NAME defaults to DIR's name.
Select the stored corpus with: ctxprobe eval --corpus ID.

  --name NAME   corpus name (default: DIR's name)
${SERVICE_OPTIONS}
`;

const SERVICE = { url: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } } as const;
const DATASET_OPTIONS = { ...SERVICE, task: { type: "string" }, name: { type: "string" }, public: { type: "boolean" } } as const;
const CORPUS_OPTIONS = { ...SERVICE, name: { type: "string" } } as const;

function showAnswer(io: CliIo, answer: unknown, json: boolean | undefined): void {
  writeLine(io.stdout, json ? JSON.stringify(answer) : JSON.stringify(answer, null, 2));
}

async function requireFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new CliError(`${path}: no such file`, EXIT.usage);
}

export async function datasetsCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") return helpOrUsage(io, DATASETS_HELP, sub);
  if (sub !== "import") throw new UsageError(`unknown datasets command "${sub}"`, "datasets");
  const { values, positionals } = parseCommandArgs("datasets", rest, DATASET_OPTIONS, 1);
  if (values.help) return helpOrUsage(io, DATASETS_HELP, "--help");
  if (values.task === undefined) throw new UsageError("--task is required", "datasets");
  const task = parseChoice("--task", values.task, DATASET_TASKS);
  const path = requirePositional("datasets", positionals, 0, "dataset FILE");
  await requireFile(path);
  const csv = path.toLowerCase().endsWith(".csv");
  if (csv && task !== "mmlu") throw new UsageError("CSV files are for --task mmlu (MMLU's original files)", "datasets");

  const client = ApiClient.fromOptions(values.url, io);
  // Streamed: InfiniteBench files are hundreds of megabytes (every line carries a whole book).
  const body = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
  const query: Record<string, string> = { task, ...(values.name ? { name: values.name } : {}), ...(values.public ? { public: "true" } : {}), ...(csv ? { file_name: basename(path) } : {}) };
  const answer = await client.request<unknown>("POST", "/v1/datasets", { query, body, contentType: csv ? "text/csv" : "application/x-ndjson" });
  showAnswer(io, answer, values.json);
  return EXIT.ok;
}

/** The .txt files directly in `dir`, sorted by name so uploads are reproducible. */
export async function corpusFiles(dir: string): Promise<{ name: string; text: string }[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`${dir}: ${error.code === "ENOENT" ? "no such directory" : error.code === "ENOTDIR" ? "not a directory" : error.message}`, EXIT.usage);
  });
  const names = entries
    .filter((e) => e.isFile() && e.name.endsWith(".txt") && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
  if (names.length === 0) throw new CliError(`${dir}: no .txt files`, EXIT.usage);
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(join(dir, name), "utf8") })));
}

export async function corporaCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") return helpOrUsage(io, CORPORA_HELP, sub);
  if (sub !== "upload") throw new UsageError(`unknown corpora command "${sub}"`, "corpora");
  const { values, positionals } = parseCommandArgs("corpora", rest, CORPUS_OPTIONS, 1);
  if (values.help) return helpOrUsage(io, CORPORA_HELP, "--help");
  const dir = requirePositional("corpora", positionals, 0, "corpus DIR");
  const files = await corpusFiles(dir);
  const name = values.name ?? basename(dir.replace(/[\\/]+$/, ""));

  const client = ApiClient.fromOptions(values.url, io);
  const answer = await client.request<{ id?: unknown; characters?: unknown }>("POST", "/v1/corpora", { json: { name, files } });
  if (!values.json && typeof answer.id === "string") {
    writeLine(io.stdout, `stored corpus ${answer.id} (${files.length} files, ${String(answer.characters ?? "?")} characters); use it with: ctxprobe eval --corpus ${answer.id}`);
  } else {
    showAnswer(io, answer, values.json);
  }
  return EXIT.ok;
}
