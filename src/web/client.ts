// The run page's only script (progressive enhancement: the page is complete without it).
// - live progress over SSE while the run is queued or running: counters, the outcome bar, heatmap
//   cells, pace, retries, throttle state; then the finished page swapped in (./client-live.ts);
// - heatmap cells become keyboard-focusable buttons that show the probe in the side panel,
//   from GET /v1/runs/{id}/probes/{idx} and …/prompt, instead of navigating to the probe page;
// - SVG and PNG downloads beside every heatmap and chart (./client-export.ts).
// Everything taken from the API is inserted as text (textContent), never as HTML.
import { EXPORT_SCRIPT } from "./client-export";
import { LIVE_SCRIPT } from "./client-live";
import { CONTEXT_CHARS, NEEDLE_START, TAIL_CHARS } from "./excerpt";

const constants = `const NEEDLE_START = ${JSON.stringify(NEEDLE_START)}, CONTEXT_CHARS = ${CONTEXT_CHARS}, TAIL_CHARS = ${TAIL_CHARS};`;

const body = String.raw`
let root = document.querySelector("[data-run-id]");
if (root) {
  const runId = root.dataset.runId;
  const runPath = encodeURIComponent(runId);

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
    for (const c of children) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
    return el;
  }
  const fmtK = (n) => n === null ? "\u2014" : n < 1000 ? String(n) : (Number.isInteger(n / 1000) || n >= 10000 ? Math.round(n / 1000) : (n / 1000).toFixed(1)) + "K";
  const fmt2 = (x) => typeof x === "number" ? x.toFixed(2) : "\u2014";
  const orDash = (x) => x === null || x === undefined ? "\u2014" : x;

  // Probe details.
  let ticket = 0;
  function excerpt(text, needle) {
    const parts = [];
    const start = text.indexOf(needle);
    if (start >= 0) {
      const stop = text.indexOf(".", start);
      const end = stop < 0 ? start + needle.length : stop + 1;
      parts.push(h("p", {}, "Around the needle (character " + start + " of " + text.length + "):"));
      const from = Math.max(0, start - CONTEXT_CHARS), to = Math.min(text.length, end + CONTEXT_CHARS);
      parts.push(h("pre", { "class": "needle-excerpt" }, (from > 0 ? "\u2026" : "") + text.slice(from, start), h("mark", {}, text.slice(start, end)), text.slice(end, to) + (to < text.length ? "\u2026" : "")));
    } else {
      parts.push(h("p", { "class": "muted" }, "The needle sentence is not in this prompt."));
    }
    parts.push(h("p", {}, "End of the prompt:"));
    parts.push(h("pre", { "class": "tail-excerpt" }, (text.length > TAIL_CHARS ? "\u2026" : "") + text.slice(-TAIL_CHARS)));
    return parts;
  }
  function probeDetails(p) {
    const scores = p.scores ? Object.entries(p.scores).map(([k, v]) => k + " " + fmt2(v)).join(" · ") : "\u2014";
    const rows = [
      ["Status", p.status], ["Scores", scores],
      ["Tokens", "constructed " + orDash(p.constructed_tokens) + ", prompt " + orDash(p.prompt_tokens) + ", completion " + orDash(p.completion_tokens)],
      ["Latency", p.latency_ms === null ? "\u2014" : p.latency_ms + " ms"], ["Attempts", p.attempts], ["Finish reason", orDash(p.finish_reason)],
    ];
    if (p.facts) {
      rows.push(["Needle", p.facts.kind + " pair " + p.facts.pair_id + ": " + p.facts.needle], ["Question", p.facts.question]);
      rows.push(["Distractors", p.facts.distractors.length ? p.facts.distractors.map((d) => d.entity + " at " + d.depth_percent + " %").join(", ") : "none"]);
    }
    if (p.error) rows.push(["Error", p.error]);
    const dl = h("dl", {});
    for (const [k, v] of rows) dl.append(h("dt", {}, k), h("dd", {}, v));
    return [dl, h("h4", {}, "Response"), h("pre", { "class": "probe-response" }, p.response === null ? "(no response)" : p.response)];
  }
  async function getJson(url) {
    const res = await fetch(url, { headers: { accept: "application/json" } });
    if (!res.ok) throw new Error("HTTP " + res.status + " for " + url);
    return res.json();
  }
  function showProbe(rect) {
    const panel = rect.closest("[data-suite]").querySelector(".panel");
    for (const r of document.querySelectorAll("rect.cell.selected")) r.classList.remove("selected");
    rect.classList.add("selected");
    const idx = rect.dataset.idx, mine = ++ticket, api = "/v1/runs/" + runPath + "/probes/" + idx;
    const promptBox = h("div", { "class": "prompt-excerpt" }, h("p", { "class": "muted" }, "Loading the prompt\u2026"));
    const detailsBox = h("div", {}, h("p", { "class": "muted" }, "Loading\u2026"));
    panel.replaceChildren(
      h("h3", {}, "Probe #" + idx + ": " + fmtK(Number(rect.dataset.length)) + " tokens, depth " + rect.dataset.depth + " %"),
      detailsBox, h("h4", {}, "Prompt excerpt"), promptBox,
      h("p", {}, h("a", { href: "/runs/" + runPath + "/probes/" + idx }, "Open the probe page")),
    );
    const probe = getJson(api);
    probe.then((p) => { if (mine === ticket) detailsBox.replaceChildren(...probeDetails(p)); })
      .catch((e) => { if (mine === ticket) detailsBox.replaceChildren(h("p", { "class": "error" }, String(e.message))); });
    Promise.all([getJson(api + "/prompt"), probe.catch(() => null)]).then(([pr, p]) => {
      const text = pr.prompt !== undefined ? pr.prompt : (pr.messages || []).map((m) => "[" + m.role + "]\n" + m.content).join("\n\n");
      // A non-literal probe's needle is in its facts; a needle probe's is the paper's.
      if (mine === ticket) promptBox.replaceChildren(...excerpt(text, p && p.facts ? p.facts.needle : NEEDLE_START));
    }).catch((e) => { if (mine === ticket) promptBox.replaceChildren(h("p", { "class": "error" }, String(e.message))); });
  }
  function bindCells(scope) {
    for (const link of scope.querySelectorAll("a.cell-link")) {
      const rect = link.querySelector("rect.cell");
      const title = link.querySelector("title");
      // The rect becomes the (single) tab stop and a button; the link stays for middle-click / new tab.
      link.setAttribute("tabindex", "-1");
      rect.setAttribute("tabindex", "0");
      rect.setAttribute("role", "button");
      rect.setAttribute("aria-label", (title ? title.textContent : "Probe " + rect.dataset.idx) + ". Show details");
      link.addEventListener("click", (event) => {
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        showProbe(rect);
      });
      rect.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); showProbe(rect); }
      });
    }
  }
${EXPORT_SCRIPT}
${LIVE_SCRIPT}
  /** Everything the script adds to the page's content (again after the finished page is swapped in). */
  function bindPage() {
    bindCells(root);
    addDownloads(root);
    followLive();
  }
  bindPage();
}
`;

/** The script, wrapped so its names stay local. */
export const RUN_PAGE_SCRIPT = `(() => {\n${constants}\n${body}\n})();`;
/** Where the pages load it from: our own origin, so the CSP allows scripts from 'self' only. */
export const RUN_PAGE_SCRIPT_PATH = "/assets/run-page.js";
