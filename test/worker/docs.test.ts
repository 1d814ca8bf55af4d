// /docs: the site's layout, every schema linked and expanded (no bare {"$ref": …}, no link without
// its section), and example bodies the API itself accepts.
import { describe, expect, it } from "vitest";
import { api } from "./helpers";

const unescape = (html: string) => html.replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&#39;", "'").replaceAll("&amp;", "&");

async function docs(): Promise<string> {
  const res = await api("/docs", { token: null });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  return res.text();
}

describe("the docs page", () => {
  it("has the header and navigation of the other pages", async () => {
    const html = await docs();
    expect(html).toContain('<header class="site-header">');
    expect(html).toMatch(/<a href="\/"[^>]*>Leaderboard<\/a>/);
    expect(html).toContain("<title>API docs · ctxprobe</title>");
  });

  it("links every schema it names to its expanded section, and shows no raw $ref", async () => {
    const html = await docs();
    expect(html).not.toContain("$ref");
    const links = new Set([...html.matchAll(/href="#schema-([A-Za-z0-9_]+)"/g)].map((m) => m[1]!));
    const sections = new Set([...html.matchAll(/<section id="schema-([A-Za-z0-9_]+)"/g)].map((m) => m[1]!));
    expect(links.has("CreateRunRequest")).toBe(true);
    for (const name of links) expect(sections.has(name), `#schema-${name}`).toBe(true);
    // The request body of POST /v1/runs is expanded in place: its fields, each with its type.
    const post = html.slice(html.indexOf('<section id="post-/v1/runs"'), html.indexOf("</section>", html.indexOf('<section id="post-/v1/runs"')));
    expect(post).toContain('<a href="#schema-CreateRunRequest" class="schema-link">');
    expect(post).toMatch(/<code>suites<\/code><\/td><td>array of <a href="#schema-SuiteSpec"/);
  });

  it("gives every operation with a body an example, and the run example is a valid submission", async () => {
    const doc = (await (await api("/openapi.json")).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
    const html = await docs();
    let withJson = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op.requestBody?.content["application/json"]) continue;
        withJson += 1;
        expect(html, `${method} ${path}`).toContain(`id="${method}-${path}-request-example"`);
      }
    }
    expect(withJson).toBeGreaterThanOrEqual(5);
    // A file upload names its media types instead.
    expect(html).toContain("<code>application/x-ndjson</code>: JSON lines");
    const example = /id="post-\/v1\/runs-request-example"[^>]*>([\s\S]*?)<\/pre>/.exec(html)![1]!;
    const body = JSON.parse(unescape(example)) as { model: { name: string }; suites: unknown[] };
    expect(body.model.name).toBeTruthy();
    const planned = await api("/v1/runs?dry_run=true", { method: "POST", json: body });
    expect(planned.status, await planned.clone().text()).toBe(200);
    const account = JSON.parse(unescape(/id="post-\/v1\/accounts-request-example"[^>]*>([\s\S]*?)<\/pre>/.exec(html)![1]!));
    expect((await api("/v1/accounts", { method: "POST", json: account })).status).toBe(201);
  });

  it("shows a response example for a successful answer", async () => {
    const html = await docs();
    const example = /id="get-\/v1\/leaderboard-200-example"[^>]*>([\s\S]*?)<\/pre>/.exec(html)![1]!;
    const board = JSON.parse(unescape(example)) as { data: { protocol: string }[]; protocols: unknown[] };
    expect(board.data[0]!.protocol).toBe("needle:paper:sotu:llama2"); // the field's own example
    expect(Array.isArray(board.protocols)).toBe(true);
  });
});
