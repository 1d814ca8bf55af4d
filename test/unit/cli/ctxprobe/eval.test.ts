import { describe, expect, it } from "vitest";
import { parseCommandArgs } from "../../../../src/cli/ctxprobe/args";
import { EVAL_OPTIONS, evalSettingsFrom, runRequestFrom } from "../../../../src/cli/ctxprobe/eval";
import { UsageError } from "../../../../src/cli/ctxprobe/io";

const BASE = ["--base-url", "http://127.0.0.1:8000/v1", "--model", "my-7b"];

function requestOf(argv: string[], env: Record<string, string> = {}) {
  return runRequestFrom(parseCommandArgs("eval", argv, EVAL_OPTIONS).values, env);
}

describe("eval flags → POST /v1/runs body", () => {
  it("maps every model flag onto the model spec", () => {
    const body = requestOf([
      ...BASE,
      "--name", "my-7b@step1250",
      "--api", "chat",
      "--tokenizer", "llama2",
      "--context-window", "131072",
      "--max-concurrency", "8",
      "--request-timeout", "120",
      "--training-length", "81920",
    ]);
    expect(body.model).toEqual({
      name: "my-7b@step1250",
      base_url: "http://127.0.0.1:8000/v1",
      model: "my-7b",
      api: "chat",
      tokenizer: "llama2",
      context_window: 131072,
      max_concurrency: 8,
      request_timeout_s: 120,
      training_context_length: 81920,
    });
    expect(body).not.toHaveProperty("public");
  });

  it("maps the serving-truth and reasoning flags", () => {
    const body = requestOf([...BASE, "--discover-window", "--reasoning", "on", "--max-output-tokens", "8192"]);
    expect(body.model).toMatchObject({ discover_window: true, reasoning: true, max_output_tokens: 8192 });
    expect(requestOf([...BASE, "--reasoning", "off"]).model.reasoning).toBe(false);
    expect(() => requestOf([...BASE, "--reasoning", "maybe"])).toThrow(UsageError);
  });

  it("takes --allow-mismatch into the gate's settings", () => {
    const values = parseCommandArgs("eval", [...BASE, "--wait", "--fail-under", "80", "--allow-mismatch"], EVAL_OPTIONS).values;
    expect(evalSettingsFrom(values)).toMatchObject({ failUnder: 80, allowMismatch: true });
  });

  it("leaves unset options to the service's defaults and names the run after the model", () => {
    const body = requestOf(BASE);
    expect(body.model).toEqual({ name: "my-7b", base_url: "http://127.0.0.1:8000/v1", model: "my-7b" });
    expect(body.suites).toEqual([{ type: "needle", preset: "quick" }]);
  });

  it("builds the needle suite from a preset or explicit lengths and depths", () => {
    expect(requestOf([...BASE, "--preset", "paper", "--corpus", "moby-dick"]).suites).toEqual([{ type: "needle", preset: "paper", corpus: "moby-dick" }]);
    expect(requestOf([...BASE, "--lengths", "1000, 8000", "--depths", "0,50,100"]).suites).toEqual([
      { type: "needle", context_lengths: [1000, 8000], depth_percents: [0, 50, 100] },
    ]);
  });

  it("adds a book QA suite, alone or after the needle suite", () => {
    expect(requestOf([...BASE, "--bookqa", "builtin-moby-dick", "--limit", "20"]).suites).toEqual([{ type: "bookqa", dataset: "builtin-moby-dick", limit: 20 }]);
    expect(requestOf([...BASE, "--preset", "quick", "--bookqa", "ds"]).suites).toEqual([{ type: "needle", preset: "quick" }, { type: "bookqa", dataset: "ds" }]);
  });

  it("adds a non-literal suite, alone or after the others, with only the flags given", () => {
    expect(requestOf([...BASE, "--nonliteral"]).suites).toEqual([{ type: "nonliteral" }]);
    expect(
      requestOf([...BASE, "--preset", "quick", "--nonliteral", "--nonliteral-lengths", "1000,32000", "--kinds", "literal, one_hop", "--distractors", "4", "--shuffled", "--pairs", "3", "--seed", "11"]).suites,
    ).toEqual([
      { type: "needle", preset: "quick" },
      { type: "nonliteral", context_lengths: [1000, 32000], kinds: ["literal", "one_hop"], distractors: 4, haystack_order: "shuffled", pairs: 3, seed: 11 },
    ]);
  });

  it("adds a loss suite, alone or after the others", () => {
    expect(requestOf([...BASE, "--loss"]).suites).toEqual([{ type: "loss" }]);
    expect(requestOf([...BASE, "--preset", "quick", "--loss", "--loss-domains", "code, sotu", "--loss-lengths", "1000,64000", "--documents", "2"]).suites).toEqual([
      { type: "needle", preset: "quick" },
      { type: "loss", domains: ["code", "sotu"], context_lengths: [1000, 64000], documents: 2 },
    ]);
  });

  it("adds a multiple-choice suite with only the flags given", () => {
    expect(requestOf([...BASE, "--mmlu"]).suites).toEqual([{ type: "mmlu" }]);
    expect(requestOf([...BASE, "--mmlu", "--mmlu-dataset", "ds_1", "--shots", "0", "--subjects", "astronomy,nutrition", "--mmlu-limit", "50", "--scoring", "generate"]).suites).toEqual([
      { type: "mmlu", dataset: "ds_1", shots: 0, subjects: ["astronomy", "nutrition"], limit: 50, scoring: "generate" },
    ]);
    expect(() => requestOf([...BASE, "--shots", "2"])).toThrow(/--shots applies to --mmlu/);
    expect(() => requestOf([...BASE, "--mmlu", "--scoring", "judge"])).toThrow(/--scoring must be one of auto, loglikelihood, generate/);
  });

  it("reads the API key from the named environment variable, never from argv", () => {
    expect(requestOf([...BASE, "--api-key-env", "MY_KEY"], { MY_KEY: "sk-secret" }).model.api_key).toBe("sk-secret");
    expect(() => requestOf([...BASE, "--api-key-env", "MY_KEY"])).toThrow(/MY_KEY is not set/);
    expect(() => requestOf([...BASE, "--api-key", "sk-x"])).toThrow(/Unknown option '--api-key'/);
  });

  it("sends public: false for --private", () => {
    expect(requestOf([...BASE, "--private"]).public).toBe(false);
  });

  it("refuses bad values with usage errors (exit 2)", () => {
    const cases: [string[], RegExp][] = [
      [["--model", "x"], /--base-url is required/],
      [["--base-url", "http://e/v1"], /--model is required/],
      [[...BASE, "--lengths", "1000,,2000"], /comma-separated/],
      [[...BASE, "--lengths", "1k"], /whole number/],
      [[...BASE, "--context-window", "12.5"], /--context-window must be a whole number/],
      [[...BASE, "--api", "responses"], /--api must be one of completions, chat/],
      [[...BASE, "--preset", "huge"], /--preset must be one of/],
      [[...BASE, "--tokenizer", "gpt2"], /--tokenizer must be one of/],
      [[...BASE, "--limit", "5"], /--limit applies to --bookqa/],
      [[...BASE, "--kinds", "literal"], /--kinds applies to --nonliteral/],
      [[...BASE, "--documents", "2"], /--documents applies to --loss/],
      [[...BASE, "--loss", "--documents", "0"], /--documents/],
      [[...BASE, "--nonliteral", "--kinds", "literal,three_hop"], /--kinds must be one of literal, one_hop, two_hop/],
      [[...BASE, "--nonliteral", "--distractors", "2"], /--distractors must be one of 0, 1, 4/],
      [[...BASE, "extra"], /unexpected argument "extra"/],
    ];
    for (const [argv, message] of cases) {
      let caught: unknown;
      try {
        requestOf(argv);
      } catch (error) {
        caught = error;
      }
      expect(caught, argv.join(" ")).toBeInstanceOf(UsageError);
      expect((caught as Error).message).toMatch(message);
    }
  });
});

describe("eval run settings", () => {
  const settingsOf = (argv: string[]) => evalSettingsFrom(parseCommandArgs("eval", argv, EVAL_OPTIONS).values);

  it("defaults to the paper metric and no gate", () => {
    expect(settingsOf([])).toEqual({ dryRun: false, wait: false, json: false, metric: "paper", failUnder: undefined, maxGap: undefined, maxLoss: undefined, minMmlu: undefined, allowMismatch: false });
    expect(settingsOf(["--wait", "--fail-under", "87.5", "--metric", "contains", "--json"])).toEqual({ dryRun: false, wait: true, json: true, metric: "contains", failUnder: 87.5, maxGap: undefined, maxLoss: undefined, minMmlu: undefined, allowMismatch: false });
    expect(settingsOf(["--wait", "--max-loss", "2.5"])).toMatchObject({ maxLoss: 2.5 });
    expect(settingsOf(["--wait", "--metric", "nonliteral.nonliteral", "--fail-under", "50", "--max-gap", "8000"])).toMatchObject({ metric: "nonliteral.nonliteral", failUnder: 50, maxGap: 8000 });
  });

  it("refuses a gate without --wait, a threshold outside 0–100 and unknown metrics", () => {
    expect(() => settingsOf(["--fail-under", "90"])).toThrow(/needs --wait/);
    expect(() => settingsOf(["--wait", "--fail-under", "120"])).toThrow(/between 0 and 100/);
    expect(() => settingsOf(["--wait", "--fail-under", "abc"])).toThrow(/must be a number/);
    expect(() => settingsOf(["--metric", "f1"])).toThrow(/--metric must be one of paper, rouge1, contains/);
    expect(() => settingsOf(["--max-gap", "8000"])).toThrow(/--max-gap needs --wait/);
    expect(() => settingsOf(["--wait", "--max-gap", "-1"])).toThrow(/--max-gap/);
    expect(() => settingsOf(["--max-loss", "2"])).toThrow(/--max-loss needs --wait/);
    expect(() => settingsOf(["--min-mmlu", "40"])).toThrow(/--min-mmlu needs --wait/);
    expect(() => settingsOf(["--wait", "--max-loss", "x"])).toThrow(/--max-loss must be a number/);
    expect(() => settingsOf(["--dry-run", "--wait"])).toThrow(/exclude each other/);
  });
});
