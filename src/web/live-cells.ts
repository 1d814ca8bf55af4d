// The run page's heatmap cells as the live stream sends them: each cell of each heatmap on the page
// (needle suites on the page's metric; non-literal suites one heatmap per kind, a cell the mean of
// its pairs), with the fill and <title> the page draws, so the script only copies them onto the SVG.
// CellDelta remembers what a stream sent and yields only the cells that changed since.
import type { ProbeRow } from "../db/schema";
import { kindOfItem } from "../probes/nonliteral/draw";
import type { SuiteRecipe } from "../probes/suites";
import { cellFill, cellLabel, heatCells, heatmapId, meanHeatCells, type CellProbe, type HeatCell } from "./heatmap";

export interface LiveCell {
  /** The id of the heatmap's <svg>. */
  heatmap: string;
  idx: number;
  length: number;
  depth: number;
  status: ProbeRow["status"];
  /** The metric's score, 0–1 (a non-literal cell: the mean of its scored pairs); null unless scored. */
  score: number | null;
  fill: string;
  title: string;
}

type Probe = CellProbe & { suiteIndex: number; item: number | null };

const live = (heatmap: string, cells: Map<string, HeatCell>): LiveCell[] =>
  [...cells.values()].map((c) => ({ heatmap, idx: c.idx, length: c.length, depth: c.depth, status: c.status, score: c.score, fill: cellFill(c, `${heatmap}-hatch`), title: cellLabel(c) }));

/** Every cell the given probes make on the page's heatmaps; `metric` is the needle heatmaps' metric. */
export function pageCells(recipes: readonly SuiteRecipe[], probes: readonly Probe[], metric: string): LiveCell[] {
  return recipes.flatMap((recipe) => {
    const own = probes.filter((p) => p.suiteIndex === recipe.index);
    if (recipe.type === "needle") return live(heatmapId(recipe.index), heatCells(own, metric));
    if (recipe.type !== "nonliteral") return [];
    return recipe.kinds.flatMap((kind) =>
      live(heatmapId(recipe.index, kind), meanHeatCells(own.filter((p) => p.item !== null && kindOfItem(recipe, p.item) === kind), kind)),
    );
  });
}

/** What one stream has sent: the next call answers only the cells whose drawing changed. */
export class CellDelta {
  private readonly sent = new Map<string, string>();

  changed(cells: readonly LiveCell[]): LiveCell[] {
    return cells.filter((cell) => {
      const key = `${cell.heatmap}|${cell.depth}:${cell.length}`;
      const drawn = `${cell.fill}|${cell.title}`;
      if (this.sent.get(key) === drawn) return false;
      this.sent.set(key, drawn);
      return true;
    });
  }
}
