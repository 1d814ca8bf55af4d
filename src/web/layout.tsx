// The shared page shell: header with navigation, main content, footer, and the one stylesheet
// (inline: the service must work offline and without a build step).
import type { Child, FC } from "hono/jsx";

const CSS = `
:root{--fg:#1d2330;--muted:#5b6475;--line:#d9dde5;--bg:#fff;--soft:#f4f6f9;--accent:#2450b2;--ok:#0a7d5c;--warn:#9a6700;--bad:#b3261e}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.site-header{border-bottom:1px solid var(--line);background:var(--soft)}
.site-header .bar{max-width:76rem;margin:0 auto;padding:.6rem 1rem;display:flex;gap:1.5rem;align-items:baseline;flex-wrap:wrap}
.brand{font-weight:700;font-size:1.15rem;text-decoration:none;color:var(--fg)}
.brand span{color:var(--muted);font-weight:400;font-size:.9rem;margin-left:.5rem}
.site-header nav ul{display:flex;gap:1rem;list-style:none;margin:0;padding:0}
.site-header nav a[aria-current=page]{font-weight:600;color:var(--fg);text-decoration:none}
main{max-width:76rem;margin:0 auto;padding:1rem 1rem 3rem}
h1{font-size:1.5rem;margin:.6rem 0 .4rem}
h2{font-size:1.2rem;margin:2rem 0 .6rem;padding-top:.6rem;border-top:1px solid var(--line)}
h3{font-size:1rem;margin:1.2rem 0 .4rem}
.lede{color:var(--muted);margin-top:0;max-width:48rem}
.site-footer{max-width:76rem;margin:0 auto;padding:1rem;color:var(--muted);font-size:.85rem;border-top:1px solid var(--line)}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:.3rem 0;color:var(--fg)}
th,td{padding:.4rem .6rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}
thead th{background:var(--soft);font-weight:600;white-space:nowrap}
th a{color:inherit;text-decoration:none}th a:hover{text-decoration:underline}
td.num,th.num{text-align:right}
table.compact{width:auto;min-width:18rem}
.table-scroll{overflow-x:auto}
tbody tr:hover{background:#fafbfd}
.badge{display:inline-block;font-size:.75rem;font-weight:600;padding:.05rem .45rem;border-radius:999px;border:1px solid;vertical-align:.1em;white-space:nowrap}
.badge.reference{color:#5a3c00;background:#fff4d6;border-color:#e2c16b}
.badge.status-succeeded{color:var(--ok);background:#e6f6f0;border-color:#9fd8c4}
.badge.status-running,.badge.status-queued{color:#1d4ea3;background:#e8effc;border-color:#a9c0ee}
.badge.status-failed{color:var(--bad);background:#fdecea;border-color:#f1aaa4}
.badge.status-cancelled{color:var(--muted);background:var(--soft);border-color:var(--line)}
.filters{display:flex;gap:1rem;align-items:end;flex-wrap:wrap;margin:1rem 0;padding:.75rem;background:var(--soft);border-radius:6px}
.filters div{display:flex;flex-direction:column;gap:.15rem}
.filters label{font-size:.85rem;color:var(--muted)}
td time{white-space:nowrap}
.filters input,.filters select,button{font:inherit;padding:.3rem .5rem;border:1px solid #b8bfcc;border-radius:4px;background:#fff}
button{cursor:pointer;background:var(--accent);color:#fff;border-color:var(--accent)}
.muted{color:var(--muted)}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.2rem 1.5rem;margin:.5rem 0}
.facts div{display:flex;gap:.5rem;border-bottom:1px dotted var(--line);padding:.2rem 0}
.facts dt{color:var(--muted);min-width:7rem}.facts dd{margin:0;font-variant-numeric:tabular-nums}
.progress-row{display:flex;gap:1rem;align-items:center;flex-wrap:wrap;margin:.75rem 0}
progress{width:16rem;height:.9rem}
.switch{display:flex;gap:.3rem;align-items:center;flex-wrap:wrap;margin:.5rem 0}
.switch a{padding:.15rem .6rem;border:1px solid var(--line);border-radius:4px;text-decoration:none}
.switch a[aria-current=true]{background:var(--fg);color:#fff;border-color:var(--fg)}
.suite-grid{display:grid;grid-template-columns:minmax(0,1fr);grid-template-areas:"map" "panel" "more";gap:1rem 1.5rem}
.area-map{grid-area:map}.area-panel{grid-area:panel}.area-more{grid-area:more}
/* Wide screens: the details panel sits beside the heatmap and stays in view while scrolling the curves. */
@media (min-width:1100px){.suite-grid{grid-template-columns:minmax(0,1fr) 22rem;grid-template-areas:"map panel" "more panel"}.area-panel{position:sticky;top:1rem;max-height:calc(100vh - 2rem);overflow:auto}}
figure{margin:0}
figcaption{font-size:.9rem;color:var(--muted);margin:.25rem 0}
svg text{font-family:system-ui,sans-serif;fill:var(--fg)}
svg a{cursor:pointer}
rect.cell:focus{outline:none;stroke:#111;stroke-width:3}
rect.cell.selected{stroke:#111;stroke-width:3}
.legend{display:flex;gap:1.25rem;align-items:center;flex-wrap:wrap;font-size:.85rem;color:var(--muted);margin:.4rem 0}
.legend .scale{display:inline-block;width:10rem;height:.8rem;border-radius:2px;vertical-align:middle;margin:0 .35rem}
.legend .swatch{display:inline-block;width:.9rem;height:.9rem;border:1px solid #bbb;vertical-align:middle;margin-right:.3rem}
.swatch.hatch{background:repeating-linear-gradient(45deg,#d4d4d4 0 3px,#8a8a8a 3px 4px)}
.swatch.cut{background:repeating-linear-gradient(-45deg,#fff6e5 0 3px,#c77700 3px 4px)}
.swatch.pending{background:#e6e6e6}
.swatch.training{border:0;border-left:2px dashed #222;width:.4rem;border-radius:0}
.swatch.served{border:0;border-left:2px dotted #7c2d12;width:.4rem;border-radius:0}
.curves{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem;margin-top:.5rem}
.area-more h3{margin-top:.5rem}
th.model{white-space:nowrap}
details{margin:.5rem 0}summary{cursor:pointer;color:var(--accent)}
.panel{border:1px solid var(--line);border-radius:6px;padding:.75rem 1rem;background:var(--soft);align-self:start;min-height:8rem}
.panel h3{margin-top:0}
.panel dl{display:grid;grid-template-columns:auto 1fr;gap:.15rem .75rem;margin:.4rem 0}
.panel dt{color:var(--muted)}.panel dd{margin:0;font-variant-numeric:tabular-nums;word-break:break-word}
pre{white-space:pre-wrap;word-break:break-word;background:#fff;border:1px solid var(--line);border-radius:4px;padding:.5rem;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;max-height:22rem;overflow:auto}
mark{background:#ffe28a;padding:0 .1rem}
.error{color:var(--bad)}
.warnings{list-style:none;padding:0;margin:.5rem 0}
.warning{border-left:4px solid #c77700;background:#fff6e5;padding:.35rem .6rem;margin:.35rem 0}
.badge.warn{background:#fff6e5;color:#8a5200;border:1px solid #c77700}
.spark{vertical-align:middle}
/* Leaderboard (src/web/leaderboard/): fits 1280 px without sideways scrolling, cards on a phone. */
body:has(#leaderboard) main{max-width:100rem;padding-left:.75rem;padding-right:.75rem}
.board{font-size:.85rem}
.board thead th{white-space:normal;vertical-align:bottom;line-height:1.2;font-size:.8rem}
.board th,.board td{padding:.3rem .3rem}
.board td.num{white-space:nowrap}
.board .sub{display:block;font-size:.75rem;color:var(--muted);white-space:normal}
.board .spark-line{margin-top:.15rem}
.board .spark{width:64px;height:18px}
.board th.board-model{min-width:11rem;max-width:17rem;font-weight:400;overflow-wrap:break-word}
.board th.board-model a.run-link,.board th.board-model a.series-link{color:var(--accent);text-decoration:underline;font-weight:600}
.board th.board-model a.series-link{font-weight:400}
.board .protocol{display:block;font-size:.75rem;color:var(--muted);margin-top:.1rem}
.board td.select,.board th.select{width:1.6rem;padding-right:0}
.board tr[data-reported]{background:#fbfaf5}
.badge.reported{color:#4a3b7a;background:#f0ecfb;border-color:#b9abe6}
.filters .wide-field{flex:1 1 22rem;min-width:0}
.filters .wide-field select{width:100%}
.filters .check{flex-direction:row;align-items:center;gap:.35rem}
.board-actions{display:flex;gap:1rem;align-items:center;flex-wrap:wrap;margin:.5rem 0}
.board-notes{max-width:60rem;font-size:.9rem}
/* API docs (src/api/docs.tsx). */
.docs .docs-op{border-top:1px solid var(--line);margin-top:1.5rem}
.docs .docs-op h2{border-top:0;margin-top:1rem}
.docs .method{display:inline-block;min-width:4.2rem;font-size:.85rem;font-weight:700;padding:.05rem .4rem;border-radius:4px;background:var(--soft);border:1px solid var(--line);text-align:center}
.docs .method-post{color:#0a6b4f}.docs .method-get{color:var(--accent)}.docs .method-delete{color:var(--bad)}.docs .method-put{color:var(--warn)}
.docs .schema-table{font-size:.88rem;margin:.4rem 0}
.docs .schema-table td{vertical-align:top}
.docs .schema-table .schema-table{margin:.4rem 0 0;background:#fbfcfe}
.docs pre.example{max-height:28rem}
.docs .responses{padding-left:1.2rem}
.docs .docs-schema{border-top:1px dotted var(--line);padding-top:.3rem}
.docs-toc ul{columns:2 28rem;font-size:.9rem}
@media (max-width:700px){
.board,.board tbody,.board tr,.board td,.board th{display:block;width:auto;max-width:none}
.board thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}
.board tr{border:1px solid var(--line);border-radius:6px;margin:0 0 .75rem;padding:.4rem .6rem;position:relative}
.board td,.board th{border:0;padding:.15rem 0;text-align:left}
.board td[data-label]{display:flex;justify-content:space-between;gap:1rem}
.board td[data-label]::before{content:attr(data-label);color:var(--muted)}
.board td .cell{text-align:right}
.board td.num{text-align:right}
.board td.empty,.board td.select:empty{display:none}
.board td.select,.board td.rank{display:inline-flex;width:auto;margin-right:.6rem}
.board td.select::before{content:none}
.board td.rank::before{content:"#";color:var(--muted)}
.board th.board-model{min-width:0;max-width:none;font-size:1rem;padding-bottom:.3rem;border-bottom:1px solid var(--line);margin-bottom:.3rem}
.board .sub{display:inline;margin-left:.4rem}
}
`;

export interface LayoutProps {
  title: string;
  /** Which nav entry is the current page. */
  section?: "leaderboard" | "run";
  /** Seconds: reload the page this often when scripts are off (live runs). */
  refreshWithoutJs?: number;
  children?: Child;
}

export const Layout: FC<LayoutProps> = ({ title, section, refreshWithoutJs, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{title} · ctxprobe</title>
      {/* Inside <noscript>, the refresh only applies when scripts are off; with scripts, live updates come over SSE. */}
      {refreshWithoutJs ? (
        <noscript>
          <meta http-equiv="refresh" content={String(refreshWithoutJs)} />
        </noscript>
      ) : null}
      <style dangerouslySetInnerHTML={{ __html: CSS }} />
    </head>
    <body>
      <a class="sr-only" href="#main">
        Skip to content
      </a>
      <header class="site-header">
        <div class="bar">
          <a class="brand" href="/">
            ctxprobe<span>long-context evaluation</span>
          </a>
          <nav aria-label="Site">
            <ul>
              <li>
                <a href="/" aria-current={section === "leaderboard" ? "page" : undefined}>
                  Leaderboard
                </a>
              </li>
              <li>
                <a href="/docs">API docs</a>
              </li>
              <li>
                <a href="/openapi.json">OpenAPI</a>
              </li>
            </ul>
          </nav>
        </div>
      </header>
      <main id="main">{children}</main>
      <footer class="site-footer">
        Needle-in-a-Haystack probes after Fu et al. 2024, <cite>Data Engineering for Scaling Language Models to 128K Context</cite>. Scores
        are 0–100; the paper's metric gives a perfect answer 91.67.
      </footer>
    </body>
  </html>
);

export const NotFoundPage: FC<{ what: string }> = ({ what }) => (
  <Layout title="Not found">
    <h1>Not found</h1>
    <p>{what}</p>
    <p>
      <a href="/">Back to the leaderboard</a>
    </p>
  </Layout>
);
