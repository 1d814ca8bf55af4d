import { describe, expect, it } from "vitest";
import { callLogprobForm, NO_PROMPT_LOGPROBS, promptLogprobs } from "../../../../src/lifecycle/endpoint/prompt-logprobs";
import { forbidNetwork } from "../../no-network";
import { bytesOf, splitAt, streamOfBytes } from "./streams";

forbidNetwork();

const target = { baseUrl: "http://gpu-1.example:8000/v1", model: "m", apiKey: "sk-test", timeoutMs: 5000, maxReplyBytes: 1 << 20, maxLogprobBytes: 1 << 20 };
const PROMPT_LOGPROBS = [null, -1.5, -0.25, -3];

/** A server that answers each form as vLLM / TGI do, or refuses the forms it lacks; records the requests. */
function server(speaks: ("echo" | "prompt_logprobs" | "tgi")[], options: { bos?: boolean } = {}) {
  const seen: { url: string; body: Record<string, unknown>; auth: string | null }[] = [];
  const values = options.bos ? [null, ...PROMPT_LOGPROBS.slice(0)] : PROMPT_LOGPROBS;
  const fetcher = async (request: Request) => {
    const body = (await request.json()) as Record<string, unknown>;
    seen.push({ url: request.url, body, auth: request.headers.get("authorization") });
    const json = (value: unknown, status = 200) => new Response(streamOfBytes(splitAt(bytesOf(JSON.stringify(value)), 5, 17, 40)), { status, headers: { "content-type": "application/json" } });
    if (request.url.endsWith("/generate")) {
      return speaks.includes("tgi") ? json({ generated_text: "x", details: { prefill: values.map((logprob, id) => ({ id, text: "t", logprob })) } }) : new Response("not found", { status: 404 });
    }
    if (body.echo && speaks.includes("echo")) {
      return json({ choices: [{ text: "…", logprobs: { tokens: [...values.map(() => "t"), "g"], token_logprobs: [...values, -0.7], top_logprobs: null } }], usage: { prompt_tokens: values.length, completion_tokens: 1 } });
    }
    if (body.prompt_logprobs !== undefined && speaks.includes("prompt_logprobs")) {
      return json({ choices: [{ text: "g", prompt_logprobs: values.map((logprob, id) => (logprob === null ? null : { [String(id + 100)]: { logprob, rank: 1, decoded_token: "t" } })) }] });
    }
    if (body.echo || body.prompt_logprobs !== undefined) return json({ error: { message: "unsupported parameter" } }, 400);
    return json({ choices: [{ text: "g" }] });
  };
  return { fetcher, seen };
}

describe("prompt log-probabilities, discovered", () => {
  it("reads the echo form, cutting the generated token's entry off, and sends what vLLM expects", async () => {
    const { fetcher, seen } = server(["echo"]);
    const outcome = await promptLogprobs(null, target, "four token text", fetcher);
    expect(outcome).toMatchObject({ kind: "ok", form: "echo", logprobs: PROMPT_LOGPROBS, promptTokens: 4 });
    expect(seen).toEqual([{ url: "http://gpu-1.example:8000/v1/completions", auth: "Bearer sk-test", body: { model: "m", prompt: "four token text", max_tokens: 1, temperature: 0, echo: true, logprobs: 0 } }]);
  });

  it("falls back to vLLM's prompt_logprobs, then TGI's /generate at the server's root, in that order", async () => {
    const vllm = server(["prompt_logprobs"]);
    expect(await promptLogprobs(null, target, "p", vllm.fetcher)).toMatchObject({ kind: "ok", form: "prompt_logprobs", logprobs: PROMPT_LOGPROBS });
    expect(vllm.seen.map((s) => Object.keys(s.body).includes("echo"))).toEqual([true, false]);
    const tgi = server(["tgi"], { bos: true });
    const outcome = await promptLogprobs(null, target, "p", tgi.fetcher);
    expect(outcome).toMatchObject({ kind: "ok", form: "tgi", logprobs: [null, ...PROMPT_LOGPROBS] });
    expect(tgi.seen.at(-1)).toMatchObject({ url: "http://gpu-1.example:8000/generate", body: { inputs: "p", parameters: { max_new_tokens: 1, details: true, decoder_input_details: true } } });
  });

  it("asks only the run's known form once one is found", async () => {
    const { fetcher, seen } = server(["echo", "tgi"]);
    await promptLogprobs("tgi", target, "p", fetcher);
    expect(seen.map((s) => s.url)).toEqual(["http://gpu-1.example:8000/generate"]);
  });

  it("fails, naming every form tried and why, when the server has none — never a zero loss", async () => {
    const { fetcher } = server([]);
    const outcome = await promptLogprobs(null, target, "p", fetcher);
    expect(outcome.kind).toBe("fail");
    const reason = (outcome as { reason: string }).reason;
    expect(reason.startsWith(NO_PROMPT_LOGPROBS)).toBe(true);
    for (const tried of ["echo + logprobs: HTTP 400: unsupported parameter", "prompt_logprobs: HTTP 400", "/generate with decoder_input_details: HTTP 404"]) expect(reason).toContain(tried);
  });

  it("treats a server that ignores echo (a reply without log-probabilities) as not speaking the form", async () => {
    const ignoring = async () => new Response(JSON.stringify({ choices: [{ text: "g", logprobs: null }] }), { status: 200 });
    expect(await callLogprobForm("echo", target, "p", ignoring)).toEqual({ kind: "unsupported", reason: "the reply has no choices[0].logprobs.token_logprobs (echo ignored)" });
  });

  it("retries throttling and server errors instead of trying the next form; stops reading past the cap", async () => {
    const throttled = async () => new Response(JSON.stringify({ error: { message: "slow down" } }), { status: 429, headers: { "retry-after": "7" } });
    expect(await promptLogprobs(null, target, "p", throttled)).toMatchObject({ kind: "retry", retryAfterS: 7, throttled: true });
    const huge = async () => new Response(streamOfBytes([bytesOf('{"choices":[{"logprobs":{"token_logprobs":[null'), bytesOf(",-1".repeat(400_000))]), { status: 200 });
    expect(await callLogprobForm("echo", { ...target, maxLogprobBytes: 100_000 }, "p", huge)).toMatchObject({ kind: "fail", unscorable: true, reason: expect.stringContaining("exceeded 100000 bytes") });
  });
});
