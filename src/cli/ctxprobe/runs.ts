// `ctxprobe runs list|show|cancel`: look at and stop runs.
import type { Run, RunPage } from "./api-types";
import { parseChoice, parseCommandArgs, parseInteger, requirePositional } from "./args";
import { ApiClient, DEFAULT_URL } from "./client";
import { GATE_METRICS } from "./gate";
import { EXIT, helpOrUsage, UsageError, writeLine, type CliIo } from "./io";
import { fetchHeatmap, runReport, runsTable } from "./report";

export const RUNS_HELP = `Usage: ctxprobe runs <list|show|cancel> [options]

  ctxprobe runs list [--limit N] [--json]       runs, newest first (default 20)
  ctxprobe runs show ID [--metric M] [--json]   status, progress, scores and the needle heatmap
  ctxprobe runs cancel ID [--json]              stop a queued or running run

Options
  --url URL       ctxprobe service (default $CTXPROBE_URL or ${DEFAULT_URL}); $CTXPROBE_TOKEN is sent as a bearer token
  --metric M      heatmap metric for show: paper (default), rouge1, contains, or SUITE.METRIC
                  (e.g. nonliteral.one_hop: that suite's heatmap)
  --json          print the API's JSON (a page of runs, or the run resource)
  -h, --help
`;

const OPTIONS = {
  url: { type: "string" },
  limit: { type: "string" },
  metric: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const runPath = (id: string) => `/v1/runs/${encodeURIComponent(id)}`;

export async function runsCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "help" || sub === "--help" || sub === "-h") return helpOrUsage(io, RUNS_HELP, sub);
  if (!["list", "show", "cancel"].includes(sub)) throw new UsageError(`unknown runs command "${sub}"`, "runs");
  const { values, positionals } = parseCommandArgs("runs", rest, OPTIONS, sub === "list" ? 0 : 1);
  if (values.help) {
    io.stdout.write(RUNS_HELP);
    return EXIT.ok;
  }
  const client = ApiClient.fromOptions(values.url, io);

  if (sub === "list") {
    const limit = values.limit === undefined ? 20 : parseInteger("--limit", values.limit, { min: 1 });
    const page = await client.request<RunPage>("GET", "/v1/runs", { query: { limit } });
    writeLine(io.stdout, values.json ? JSON.stringify(page) : page.data.length ? runsTable(page.data) : "no runs yet");
    return EXIT.ok;
  }

  const id = requirePositional("runs", positionals, 0, "run ID");
  if (sub === "show") {
    const run = await client.request<Run>("GET", runPath(id));
    if (values.json) {
      writeLine(io.stdout, JSON.stringify(run));
    } else {
      const metric = parseChoice("--metric", values.metric ?? "paper", GATE_METRICS);
      writeLine(io.stdout, runReport(run, await fetchHeatmap(client, run, metric), client.baseUrl));
    }
    return EXIT.ok;
  }

  const run = await client.request<Run>("POST", `${runPath(id)}/cancel`);
  writeLine(io.stdout, values.json ? JSON.stringify(run) : `cancelled ${run.id} (${run.progress.done}/${run.progress.total} probes had settled)`);
  return EXIT.ok;
}
