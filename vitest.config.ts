import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { answerStubDoh, TEST_DNS_RESOLVER_URL } from "./test/dns-stub";
import { SlowFilesFirst } from "./test/sequencer";

// The dependencies the Worker imports at start-up (the entry points it names).
const PREBUNDLED_FOR_WORKER_TESTS = [
  ...["zod", "@hono/zod-openapi", "@asteasolutions/zod-to-openapi", "@streamparser/json"],
  ...["drizzle-orm", "drizzle-orm/d1", "drizzle-orm/sqlite-core"],
  ...["hono", "hono/body-limit", "hono/http-exception", "hono/jsx", "hono/jsx/jsx-runtime", "hono/streaming", "hono/utils/http-status"],
  ...["gpt-tokenizer/BytePairEncodingCore", "gpt-tokenizer/bpeRanks/cl100k_base", "gpt-tokenizer/encoding/cl100k_base"],
];

// Three projects, run one after the other (sequence.groupOrder):
// - unit:   pure probe science and helpers, plain Node (fast, no Cloudflare runtime); CPU-bound and
//           independent, so its files run on every core.
// - worker: the Worker inside workerd with real local D1 / Queues / Durable Objects; three files at
//           a time, each in its own workerd (a file's set-up is mostly its module graph loading on
//           one core, its tests mostly wait on queues and timers).
// - e2e:    Node tests that start the real local service (wrangler) and their own endpoints; three at a time.
export default defineConfig({
  test: {
    // One line per test file, a summary and the reasons of skips (test/reporters/quiet.ts); the JSON
    // report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ["./test/reporters/quiet.ts", ["json", { outputFile: "test-artifacts/vitest.json" }]],
    // Console output (the Worker's JSON event logs included) is shown for failing tests only; all of it
    // goes to test-artifacts/logs/console.log. `--silent=false` shows it all.
    silent: "passed-only",
    // The few small files that run longest first in their project, also where vitest has no timings yet.
    sequence: { sequencer: SlowFilesFirst },
    projects: [
      {
        test: {
          name: "unit",
          environment: "node",
          include: ["test/unit/**/*.test.ts"],
          // Files share their workers' modules (a test that needs a fresh registry resets modules
          // itself): 69 → 42 s here, most of it files importing the tokenizers and corpora anew.
          isolate: false,
          sequence: { groupOrder: 0 },
          maxWorkers: 2,
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations("./migrations"),
                // Tests talk to endpoints they start themselves on loopback.
                ALLOW_LOOPBACK_ENDPOINTS: "true",
                // A fixed test key ring for sealing secrets at rest (never a production key).
                SECRETS_KEYS: "test:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                // The admin bearer token test/worker/helpers.ts api() sends by default.
                ADMIN_TOKEN: "ctp_test_admin_token",
                // Webhook retries in seconds rather than hours, so delivery tests can watch a schedule run out.
                WEBHOOK_RETRY_SCHEDULE_S: "0,1,1",
                // The SSRF guard resolves host names with this stub DoH resolver (test/dns-stub.ts).
                DNS_RESOLVER_URL: TEST_DNS_RESOLVER_URL,
              },
              // Safety net: no test may reach the network; tests stub the endpoints they call. The one
              // exception answered here is the stub DNS resolver, so a Worker-side lookup works even
              // where a test has not stubbed fetch.
              outboundService: (request: Request) => answerStubDoh(request) ?? new Response("outbound network is disabled in tests", { status: 502 }),
              // Deliver queued probes promptly; production waits up to max_batch_timeout.
              queueConsumers: { "ctxprobe-probes": { maxBatchTimeout: 0.05 }, "ctxprobe-probes-dlq": { maxBatchTimeout: 0.05 }, "ctxprobe-webhooks": { maxBatchTimeout: 0.05 } },
            },
          })),
        ],
        test: {
          name: "worker",
          sequence: { groupOrder: 1 },
          // Measured here (one run each): 276 s one file at a time, 230 s two at a time; later, with the
          // pre-bundled dependencies below, 134 s two and 121 s three at a time (a third of a file's
          // time is waiting on queues and timers).
          maxWorkers: 3,
          include: ["test/worker/**/*.test.ts"],
          // Each file's workerd loads the Worker's whole module graph, one module per round trip to
          // Vite: these dependencies (~300 modules) pre-bundled into a few files took the project
          // from 169 to 134 s here (one run each, same commit).
          deps: { optimizer: { ssr: { enabled: true, include: PREBUNDLED_FOR_WORKER_TESTS } } },
          setupFiles: ["./test/worker/apply-migrations.ts"],
        },
      },
      {
        test: {
          name: "e2e",
          sequence: { groupOrder: 2 },
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          // Migrates one state folder for the run; every service starts on a copy of it.
          globalSetup: ["./test/e2e/global-setup.ts"],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          // Three files at a time, each service on its own ports (chosen below the kernel's ephemeral
          // range, ./test/e2e/support.ts): 202 s one at a time, 118 s two, 104 s three here, one run
          // each. Their tests mostly wait on services and endpoints.
          fileParallelism: true,
          maxWorkers: 3,
        },
      },
    ],
  },
});
