// The compare page's tables: each length's difference with its test, every shared suite metric
// with intervals and deltas, and the effective lengths side by side.
import type { FC } from "hono/jsx";
import type { Comparison, LengthDifference } from "../contract/compare";
import { formatK, formatUnitScore } from "./format";

export interface RunLabel {
  letter: string;
  name: string;
}

const p3 = (p: number | null) => (p === null ? "—" : p < 0.001 ? p.toExponential(0) : p.toFixed(3));
const signed = (x: number | null, digits: number) => (x === null ? "—" : `${x > 0 ? "+" : x < 0 ? "−" : "±"}${Math.abs(x).toFixed(digits)}`);
const tokens = (x: number | null) => (x === null ? "none" : formatK(x));
const signedTokens = (x: number | null) => (x === null ? "—" : `${x > 0 ? "+" : x < 0 ? "−" : "±"}${formatK(Math.abs(x))}`);

export const Verdict: FC<{ beyond: boolean | null }> = ({ beyond }) =>
  beyond === null ? <span class="muted">no interval</span> : beyond ? <strong class="beyond-noise">beyond noise</strong> : <span class="muted">within noise</span>;

export const LengthTable: FC<{ id: string; a: RunLabel; b: RunLabel; rows: LengthDifference[] }> = ({ id, a, b, rows }) => (
  <table id={id} class="length-differences compact">
    <caption>
      {b.letter} − {a.letter} per context length (every common depth pooled; scores 0–1)
    </caption>
    <thead>
      <tr>
        <th scope="col">Length</th>
        <th scope="col" class="num">
          {a.letter}
        </th>
        <th scope="col" class="num">
          {b.letter}
        </th>
        <th scope="col" class="num">
          {b.letter} − {a.letter}
        </th>
        <th scope="col">Test</th>
        <th scope="col" class="num">p</th>
        <th scope="col" class="num">q</th>
        <th scope="col">Noise</th>
      </tr>
    </thead>
    <tbody>
      {rows.map((r) => (
        <tr data-length={r.context_length} data-beyond-noise={String(r.beyond_noise)}>
          <th scope="row">{formatK(r.context_length)}</th>
          <td class="num">{formatUnitScore(r.a)}</td>
          <td class="num">{formatUnitScore(r.b)}</td>
          <td class="num">{signed(r.difference, 2)}</td>
          <td>{r.test ?? "—"}</td>
          <td class="num">{p3(r.p_value)}</td>
          <td class="num">{p3(r.q_value)}</td>
          <td>{r.difference === null ? <span class="muted">not comparable</span> : <Verdict beyond={r.beyond_noise} />}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

export const SuiteTable: FC<{ comparison: Comparison; labels: RunLabel[] }> = ({ comparison, labels }) => {
  const [base, ...others] = labels;
  return (
    <div class="table-scroll">
      <table id="compare-suites">
        <caption>Suite scores with 95 % intervals, and each run's delta from {base!.letter} (scores 0–100; loss in nats)</caption>
        <thead>
          <tr>
            <th scope="col">Suite · metric</th>
            {labels.map((l) => (
              <th scope="col" class="num">
                {l.letter} · {l.name}
              </th>
            ))}
            {others.map((l) => (
              <th scope="col" class="num">
                {l.letter} − {base!.letter}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {comparison.suites.map((row) => {
            const digits = row.unit === "nats" ? 3 : 1;
            const interval = (low: number | null, high: number | null) => (low === null || high === null ? "" : ` (${low.toFixed(digits)} – ${high.toFixed(digits)})`);
            return (
              <tr data-suite={row.suite_type} data-metric={row.metric}>
                <th scope="row">
                  {row.suite_type} · {row.metric}
                  {row.common_cells ? <span class="muted"> (common cells)</span> : null}
                </th>
                {row.values.map((v) => (
                  <td class="num">
                    {v.value === null ? "—" : v.value.toFixed(digits)}
                    <span class="muted">{interval(v.low, v.high)}</span>
                  </td>
                ))}
                {row.deltas.map((d) => (
                  <td class="num" data-beyond-noise={String(d.beyond_noise)}>
                    {signed(d.delta, digits)}
                    <span class="muted">{interval(d.low, d.high)}</span> <Verdict beyond={d.beyond_noise} />
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
};

export const EffectiveLengthTable: FC<{ comparison: Comparison; labels: RunLabel[] }> = ({ comparison, labels }) => (
  <table id="compare-effective-lengths">
    <caption>Effective context length (needle, contains), 95 % intervals</caption>
    <thead>
      <tr>
        <th scope="col">Run</th>
        <th scope="col" class="num">As reported (its whole grid)</th>
        <th scope="col" class="num">On the common lengths</th>
        <th scope="col" class="num">Minus {labels[0]!.letter}'s, common lengths</th>
      </tr>
    </thead>
    <tbody>
      {comparison.effective_lengths.map((e, i) => (
        <tr data-run-id={e.run_id}>
          <th scope="row">
            {labels[i]!.letter} · {labels[i]!.name}
          </th>
          <td class="num">
            {tokens(e.length)} <span class="muted">({tokens(e.low)} – {tokens(e.high)})</span>
          </td>
          <td class="num">{e.common ? <>{tokens(e.common.length)} <span class="muted">({tokens(e.common.low)} – {tokens(e.common.high)})</span></> : "—"}</td>
          <td class="num">
            {e.difference ? (
              <>
                {signedTokens(e.difference.length)} <span class="muted">({signedTokens(e.difference.low)} – {signedTokens(e.difference.high)})</span>{" "}
                <Verdict beyond={e.difference.low === null || e.difference.high === null ? null : e.difference.low > 0 || e.difference.high < 0} />
              </>
            ) : (
              "—"
            )}
          </td>
        </tr>
      ))}
    </tbody>
  </table>
);
