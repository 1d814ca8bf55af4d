// The run page's loss section: Loss@L against context length per domain (log-x), each domain's
// position curve (where the model stops using context, it flattens), and the numbers as a table.
import type { FC } from "hono/jsx";
import type { SuiteResult } from "../contract/run";
import type { LossCell, LossFigures } from "../probes/loss/figures";
import type { LossRecipe } from "../probes/suites/loss";
import { LineChart, type YAxis } from "./charts";
import { formatK } from "./format";
import { LengthsHead } from "./heatmap-table";

const nats = (y: number | null) => (y === null ? "—" : y.toFixed(3));

/** One y axis for all of a section's charts, so domains compare at a glance. */
function lossAxis(figures: LossFigures, title: string): YAxis {
  const values = [
    ...Object.values(figures.by_domain).flatMap((cells) => Object.values(cells).map((c) => c.high ?? c.loss)),
    ...Object.values(figures.position_curve).flatMap((curve) => curve.buckets.map((b) => b.nll)),
  ];
  return { max: Math.max(1, Math.ceil(Math.max(0, ...values) * 2) / 2), title, format: nats };
}

const cellText = (cell: LossCell | undefined) =>
  cell ? `${cell.loss.toFixed(3)}${cell.low !== null ? ` (${cell.low.toFixed(3)}–${cell.high!.toFixed(3)})` : ""}` : "—";

const LossTable: FC<{ figures: LossFigures; lengths: number[]; id: string }> = ({ figures, lengths, id }) => (
  <table id={id} class="compact">
    <caption>Loss@L: mean NLL in nats of tokens 2…L over the documents (95 % interval over documents); perplexity = exp(loss). Lower is better.</caption>
    <LengthsHead first="Domain" lengths={lengths} />
    <tbody>
      {[...figures.domains.map((d) => [d, figures.by_domain[d]] as const), ["all domains", figures.loss_at] as const].map(([name, cells]) => (
        <tr data-domain={name}>
          <th scope="row">{name}</th>
          {lengths.map((l) => (
            <td class="num" data-length={l}>
              {cellText(cells?.[String(l)])}
            </td>
          ))}
        </tr>
      ))}
    </tbody>
  </table>
);

const DomainCharts: FC<{ id: string; domain: string; figures: LossFigures; lengths: number[]; axis: YAxis }> = ({ id, domain, figures, lengths, axis }) => {
  const byLength = lengths.map((l) => ({ x: l, label: formatK(l), y: figures.by_domain[domain]?.[String(l)]?.loss ?? null }));
  const curve = figures.position_curve[domain];
  const buckets = (curve?.buckets ?? []).map((b) => ({ x: b.to, label: formatK(b.to), y: b.nll }));
  return (
    <>
      <LineChart id={`${id}-length`} title={`${domain}: Loss@L by context length`} desc={byLength.map((p) => `${p.label}: ${nats(p.y)}`).join(", ")} xTitle="Context length (tokens)" points={byLength} xScale="log2" yAxis={axis} />
      {buckets.length > 1 ? (
        <LineChart
          id={`${id}-position`}
          title={`${domain}: NLL by position in ${formatK(curve!.length)}-token texts`}
          desc={buckets.map((p) => `to ${p.label}: ${nats(p.y)}`).join(", ")}
          xTitle="Position (end of bucket)"
          points={buckets}
          xScale="log2"
          yAxis={axis}
        />
      ) : null}
    </>
  );
};

export const LossSection: FC<{ recipe: LossRecipe; suite: SuiteResult | undefined; form: string | null }> = ({ recipe, suite, form }) => {
  const figures = suite?.loss;
  const id = `suite-${recipe.index}-loss`;
  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Loss by context length</h2>
      <p>
        Texts of exactly L tokens from {recipe.domains.join(", ")} ({recipe.documents} per domain; each shorter text is a prefix of its longest one), scored
        from the endpoint's prompt log-probabilities{form ? ` (${form} form)` : ""}. A model that uses its window keeps lowering its loss as the text
        grows; one that does not flattens after its training length.
      </p>
      {figures && Object.keys(figures.loss_at).length ? (
        <>
          <LossTable figures={figures} lengths={recipe.context_lengths} id={`${id}-table`} />
          <div class="charts">
            {figures.domains.map((domain, i) => (
              <DomainCharts id={`${id}-${i}`} domain={domain} figures={figures} lengths={recipe.context_lengths} axis={lossAxis(figures, "NLL (nats)")} />
            ))}
          </div>
        </>
      ) : (
        <p class="muted">No text is scored yet.</p>
      )}
    </section>
  );
};
