// The ctxprobe command line for real: `node src/cli/bin.mjs` as a child process against the local
// service (wrangler dev) and its built-in reference models.
import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService } from "./support";

let service: Awaited<ReturnType<typeof startService>>;

beforeAll(async () => {
  service = await startService();
});

afterAll(() => service?.cleanup());

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function ctxprobe(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    // No CTXPROBE_* from the developer's shell leaks into the test; the token is the service's.
    const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("CTXPROBE_"))), CTXPROBE_TOKEN: service.adminToken ?? "" };
    execFile(process.execPath, ["src/cli/bin.mjs", ...args], { env, timeout: 240_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const evalArgs = (model: string, lengths: string) => [
  "eval", "--url", service.url, "--base-url", `${service.url}/reference/v1`, "--model", model, "--name", "ref", "--lengths", lengths, "--depths", "0,100",
];

describe("ctxprobe eval against the real service", () => {
  it("passes the CI gate for the 128K reference model and draws the heatmap", async () => {
    const result = await ctxprobe([...evalArgs("extractive-128k", "1000,4000"), "--wait", "--fail-under", "90"]);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toMatch(/submitted run_\w+ \(4 probes\)/);
    expect(result.stdout).toContain("paper 91.67");
    expect(result.stdout).toContain("heatmap of suite 0, metric paper:");
    expect(result.stdout).toContain("   0% │███ ███│");
    expect(result.stdout).toContain(" 100% │███ ███│");
    expect(result.stdout).toContain("PASS: headline needle paper 91.67 ≥ 90");
  });

  it("fails the gate (exit 1) for the 4K model on a 16K haystack, by the contains metric", async () => {
    const result = await ctxprobe([...evalArgs("extractive-4k", "1000,16000"), "--wait", "--fail-under", "90", "--metric", "contains"]);
    expect(result.code, result.stderr + result.stdout).toBe(1);
    expect(result.stdout).toContain("heatmap of suite 0, metric contains:");
    expect(result.stdout).toMatch(/FAIL: headline needle contains \d+\.\d\d is below --fail-under 90/);
  });

  it("--dry-run --json prints the plan as JSON and creates no run", async () => {
    const result = await ctxprobe([...evalArgs("extractive-128k", "1000,4000"), "--dry-run", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan).toMatchObject({ dry_run: true, probes: 4, suites: [{ index: 0, type: "needle", probes: 4 }] });
    expect(plan.prompt_tokens).toBeGreaterThan(4000);
  });

  it("shows the service's validation problem with its field pointers (exit 1)", async () => {
    const result = await ctxprobe(["eval", "--url", service.url, "--base-url", `${service.url}/reference/v1`, "--model", "extractive-128k", "--lengths", "1000,400000", "--depths", "0", "--dry-run"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error 422 \(validation-failed\): .*\/suites\/0\/context_lengths\/1/);
  });

  it("lists and shows runs", async () => {
    const list = await ctxprobe(["runs", "list", "--url", service.url, "--json"]);
    expect(list.code, list.stderr).toBe(0);
    const { data } = JSON.parse(list.stdout) as { data: { id: string }[] };
    expect(data.length).toBeGreaterThanOrEqual(2);
    const show = await ctxprobe(["runs", "show", data[0]!.id, "--url", service.url]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`run ${data[0]!.id}`);
    expect(show.stdout).toContain("depth  context length");
  });
});
