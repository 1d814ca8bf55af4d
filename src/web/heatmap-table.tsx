// What goes with a heatmap on a page: its legend, and its numbers as a table (the text alternative),
// with the table head the other per-length tables share.
import type { FC } from "hono/jsx";
import { SCALE_GRADIENT } from "./colors";
import { formatInt, formatK, formatUnitScore } from "./format";
import { servedWindowOf, type HeatmapData } from "./heatmap";

export const HeatmapLegend: FC<{ training?: number; served?: boolean }> = ({ training, served }) => (
  <div class="legend" aria-hidden="true">
    <span>
      0<span class="scale" style={`background:${SCALE_GRADIENT}`} />1
    </span>
    <span>
      <span class="swatch hatch" />
      unscorable or failed
    </span>
    <span>
      <span class="swatch cut" />
      truncated by the server, or reasoning without an answer
    </span>
    <span>
      <span class="swatch pending" />
      not scored yet
    </span>
    {training ? (
      <span>
        <span class="swatch training" />
        training length
      </span>
    ) : null}
    {served ? (
      <span>
        <span class="swatch served" />
        longest prompt the server took whole (window discovery)
      </span>
    ) : null}
  </div>
);

/** A table head: one first column, then a column per context length (labelled "4K" by default). */
export const LengthsHead: FC<{ first: string; lengths: readonly number[]; label?: (length: number) => string }> = ({ first, lengths, label = formatK }) => (
  <thead>
    <tr>
      <th scope="col">{first}</th>
      {lengths.map((l) => (
        <th scope="col" class="num">
          {label(l)}
        </th>
      ))}
    </tr>
  </thead>
);

/** The same numbers as a table, with links to each probe: the heatmap's text alternative. */
export const HeatmapTable: FC<{ data: HeatmapData }> = ({ data }) => (
  <details>
    <summary>Heatmap as a table</summary>
    <table>
      <caption>
        Needle scores ({data.metric} metric, 0–1): rows are depths, columns context lengths
        {data.trainingLength ? `; training length ${formatK(data.trainingLength)} tokens` : ""}
        {servedWindowOf(data) !== null ? `; the server takes prompts up to ≈ ${formatInt(data.servedWindow!)} tokens whole (window discovery)` : ""}
      </caption>
      <LengthsHead first="Depth" lengths={data.lengths} />
      <tbody>
        {data.depths.map((d) => (
          <tr>
            <th scope="row">{d} %</th>
            {data.lengths.map((l) => {
              const cell = data.cells.get(`${d}:${l}`);
              return (
                <td class="num">
                  {cell ? <a href={`/runs/${data.runId}/probes/${cell.idx}`}>{cell.score !== null ? formatUnitScore(cell.score) : cell.status}</a> : "—"}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  </details>
);
