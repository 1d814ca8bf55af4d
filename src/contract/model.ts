// The model under evaluation, as a run request names it: its endpoint, API shape, tokenizer and
// limits. The api_key is write-only: it is sealed at submission and never returned.
import { z } from "zod";
import { MODEL_TOKENIZERS } from "../probes/types";

export const ModelSpec = z
  .strictObject({
    name: z.string().trim().min(1).max(200).meta({
      description: "Display name of the checkpoint, e.g. my-7b-80k@step1250.",
      example: "my-7b-80k@step1250",
    }),
    base_url: z.url({ protocol: /^https?$/ }).max(2048).meta({
      description: "OpenAI-compatible base URL; /completions or /chat/completions is appended.",
      example: "http://127.0.0.1:8000/v1",
    }),
    api: z.enum(["completions", "chat"]).default("completions").meta({
      description: "completions: raw prompt (base checkpoints); chat: message list (instruction-tuned).",
    }),
    model: z.string().min(1).max(256).meta({ description: "Model name the server expects.", example: "served-name" }),
    api_key: z.string().min(1).max(4096).optional().meta({
      description: "Sent upstream as a bearer token. Write-only: never returned.",
      writeOnly: true,
    }),
    tokenizer: z.enum(MODEL_TOKENIZERS).default("cl100k_base").meta({
      description:
        "Tokenizer context lengths are counted in; choose the checkpoint's own. `endpoint` (needle and RULER suites): the server's own tokenizer through its " +
        "tokenize route (vLLM/SGLang, llama.cpp, TGI), else lengths calibrated against usage.prompt_tokens and marked `lengths_approximate`.",
    }),
    context_window: z.int().min(1024).max(4_194_304).default(131072).meta({
      description: "The endpoint's context window in tokens; longer probes are refused at submission.",
    }),
    max_concurrency: z.int().min(1).max(256).default(4).meta({
      description: "Calls in flight at most for this run.",
    }),
    request_timeout_s: z.int().min(1).max(900).default(600).meta({
      description: "Per-call timeout; a timed-out call is retried with backoff.",
    }),
    price_per_million_input: z.number().min(0).max(10_000).optional().meta({ description: "USD per million prompt tokens; enables cost figures." }),
    price_per_million_output: z.number().min(0).max(10_000).optional().meta({ description: "USD per million completion tokens." }),
    price_per_million_cached_input: z.number().min(0).max(10_000).optional().meta({
      description: "USD per million prompt tokens the endpoint served from its prefix cache (usage cached_tokens), as hosted APIs bill them; default price_per_million_input. Dry-run costs assume no cache hits.",
    }),
    stream: z.boolean().default(true).meta({
      description: "Ask for server-sent events (with usage) when the endpoint supports them: headers arrive early, time to first token is recorded, proxy timeouts on long prefills are avoided. Falls back to plain JSON.",
    }),
    discover_window: z.boolean().default(false).meta({
      description:
        "Before the first probe, find the longest prompt the server takes without cutting it (bisecting prompt lengths up to context_window with max_tokens 1; up to ~10 calls, the longest of context_window tokens). Lengths above it are marked on the run.",
    }),
    training_context_length: z.int().min(1).max(4_194_304).optional().meta({
      description: "Sequence length the checkpoint was trained at (e.g. 81920); marked on heatmaps.",
    }),
    reasoning: z.boolean().optional().meta({
      description:
        "A reasoning model: its reasoning is kept apart from the answer, and only the answer is scored. Absent: detected per reply (a reasoning_content or reasoning field " +
        "of the message or stream delta, a reply opening with <think>, or a closing </think> the chat template opened). true: always separated; a reply that ends with its " +
        "<think> still open, or is cut by max tokens before closing its reasoning, is `incomplete` (neither right nor wrong, left out of the means). false: the text is scored as it comes.",
    }),
    max_output_tokens: z.int().min(1).max(131072).optional().meta({
      description:
        "max_tokens of every call that generates an answer (needle, book QA, non-literal, multiple choice by generation), instead of the suites' own 50–300: " +
        "a reasoning model needs room to think first. Loss and log-likelihood calls keep max_tokens 1. Dry-run costs follow; book QA windows leave room for it, and needle and non-literal lengths must (length + max_output_tokens ≤ context_window).",
      example: 4096,
    }),
  })
  .meta({ id: "ModelSpec" });
export type ModelSpec = z.infer<typeof ModelSpec>;

/** The model as stored with a run and shown: everything but the key. */
export const PublicModel = ModelSpec.omit({ api_key: true }).meta({ id: "PublicModel" });
export type PublicModel = z.infer<typeof PublicModel>;
