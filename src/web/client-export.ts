// The run page script's downloads (browser JavaScript, as a string; ./client.ts assembles the script):
// an "SVG" and a "PNG" button beside every heatmap and chart. SVG: the inline <svg> as drawn now
// (live cells included), made standalone (namespace, size, its font and a white background, absolute
// links) and saved from a Blob. PNG: that SVG drawn on a canvas at twice its size. All in the page:
// no service is called, and the image loads from a data: URL, which the CSP's img-src allows.
// Uses from the script around it: runId, h.
export const EXPORT_SCRIPT = String.raw`
const SVG_NS = "http://www.w3.org/2000/svg";
const EXPORT_CSS = "text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;fill:#1d2330}";
function standaloneSvg(svg) {
  const copy = svg.cloneNode(true);
  const box = (svg.getAttribute("viewBox") || "").split(/[\s,]+/).map(Number);
  const width = box[2] || svg.clientWidth, height = box[3] || svg.clientHeight;
  copy.setAttribute("xmlns", SVG_NS);
  copy.setAttribute("width", String(width));
  copy.setAttribute("height", String(height));
  for (const el of copy.querySelectorAll("[tabindex]")) el.removeAttribute("tabindex");
  for (const el of copy.querySelectorAll(".selected")) el.classList.remove("selected");
  for (const a of copy.querySelectorAll("a[href]")) a.setAttribute("href", new URL(a.getAttribute("href"), location.href).href);
  const style = document.createElementNS(SVG_NS, "style");
  style.textContent = EXPORT_CSS;
  const background = document.createElementNS(SVG_NS, "rect");
  for (const [k, v] of [["width", "100%"], ["height", "100%"], ["fill", "#fff"]]) background.setAttribute(k, v);
  const after = copy.querySelector(":scope > desc") || copy.querySelector(":scope > title");
  const anchor = after ? after.nextSibling : copy.firstChild;
  copy.insertBefore(style, anchor);
  copy.insertBefore(background, anchor);
  return { text: '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy), width, height };
}
function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}
function downloadSvg(svg, name) {
  saveBlob(new Blob([standaloneSvg(svg).text], { type: "image/svg+xml" }), name + ".svg");
}
async function downloadPng(svg, name) {
  const { text, width, height } = standaloneSvg(svg);
  const image = new Image();
  image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
  await image.decode();
  const scale = 2, canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  if (!blob) throw new Error("the browser could not encode the PNG");
  saveBlob(blob, name + ".png");
}
function addDownloads(scope) {
  for (const svg of scope.querySelectorAll("svg.heatmap[id], figure.chart > svg[id]")) {
    const next = svg.nextElementSibling;
    if (next && next.classList.contains("export")) continue;
    const name = runId + "-" + svg.id;
    const titled = svg.querySelector("title");
    const what = titled ? titled.textContent : svg.id;
    const status = h("span", { "class": "muted", role: "status" });
    const button = (kind, save) => {
      const b = h("button", { type: "button", "data-download": kind, "aria-label": "Download " + what + " as " + kind.toUpperCase() }, kind.toUpperCase());
      b.addEventListener("click", () => {
        status.textContent = "";
        Promise.resolve().then(() => save(svg, name)).catch((e) => { status.textContent = " " + kind.toUpperCase() + " failed: " + e.message; });
      });
      return b;
    };
    svg.after(h("p", { "class": "export" }, "Download:", button("svg", downloadSvg), button("png", downloadPng), status));
  }
}
`;
