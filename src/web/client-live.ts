// The run page script's live part (browser JavaScript, as a string; ./client.ts assembles the script).
// Over SSE (GET /runs/{id}/events?metric=…, ./events.ts): the counters and the outcome bar on
// `progress`, heatmap cells on `cells` (fill, <title>, data-score, data-status), pace, retries and the
// endpoint's throttle state on `live`; on `done`, the page's content is fetched again and swapped in
// (status badge, suite tables, curves: the final state without a reload).
// Uses from the script around it: root, runId, runPath, h, bindPage.
export const LIVE_SCRIPT = String.raw`
function setLiveText(id, text) {
  const el = document.getElementById(id);
  if (!el) return;
  el.textContent = text;
  el.hidden = !text;
}
function drawBar(p) {
  const counts = { scored: p.done - p.failed - p.unscorable - p.truncated - p.incomplete, truncated: p.truncated, incomplete: p.incomplete, unscorable: p.unscorable, failed: p.failed, cancelled: 0 };
  const bar = document.getElementById("run-progress");
  if (bar) { bar.setAttribute("aria-valuemax", String(p.total)); bar.setAttribute("aria-valuenow", String(p.done)); }
  for (const seg of document.querySelectorAll("#run-progress [data-segment]")) {
    const n = Math.max(0, counts[seg.dataset.segment] || 0);
    seg.style.width = (100 * n / Math.max(1, p.total)).toFixed(2) + "%";
    seg.title = seg.title.replace(/^\d+/, String(n));
  }
  for (const el of document.querySelectorAll("[data-outcome-count]")) {
    const outcome = el.dataset.outcomeCount, n = Math.max(0, counts[outcome] || 0);
    el.textContent = String(n);
    el.closest("li").hidden = n === 0 && outcome !== "scored";
  }
}
function drawCell(cell) {
  const svg = document.getElementById(cell.heatmap);
  const rect = svg && svg.querySelector('rect.cell[data-depth="' + Number(cell.depth) + '"][data-length="' + Number(cell.length) + '"]');
  if (!rect) return;
  rect.setAttribute("fill", cell.fill);
  rect.dataset.score = cell.score === null ? "" : String(cell.score);
  rect.dataset.status = cell.status;
  const title = rect.parentNode.querySelector("title");
  if (title) title.textContent = cell.title;
  if (rect.hasAttribute("aria-label")) rect.setAttribute("aria-label", cell.title + ". Show details");
}
async function refreshPage() {
  try {
    const res = await fetch(location.href, { headers: { accept: "text/html" } });
    if (!res.ok) throw new Error("HTTP " + res.status);
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    const next = doc.querySelector("[data-run-id]");
    if (!next || next.dataset.runId !== runId) throw new Error("not this run's page");
    // Our own server-rendered page (its text escaped by the server), not data from the API.
    root.replaceWith(document.adoptNode(next));
    root = next;
    document.title = doc.title;
    bindPage();
  } catch (error) {
    location.reload();
  }
}
function followLive() {
  if (root.dataset.live !== "true" || !("EventSource" in window)) return;
  const metric = root.dataset.metric;
  const source = new EventSource("/runs/" + runPath + "/events" + (metric ? "?metric=" + encodeURIComponent(metric) : ""));
  source.addEventListener("progress", (event) => {
    const data = JSON.parse(event.data);
    for (const key of ["done", "total", "failed", "unscorable", "truncated", "incomplete"]) {
      for (const el of document.querySelectorAll('[data-progress="' + key + '"]')) el.textContent = String(data.progress[key]);
    }
    drawBar(data.progress);
    for (const el of document.querySelectorAll("[data-run-status]")) { el.textContent = data.status; el.className = "badge status-" + data.status; }
  });
  source.addEventListener("cells", (event) => { for (const cell of JSON.parse(event.data).cells) drawCell(cell); });
  source.addEventListener("live", (event) => {
    const data = JSON.parse(event.data);
    setLiveText("run-pace", data.text.pace);
    setLiveText("retrying", data.text.retries);
    setLiveText("endpoint-limit", data.text.endpoint);
  });
  source.addEventListener("done", () => { source.close(); refreshPage(); });
}
`;
