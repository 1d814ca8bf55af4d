// The leaderboard's controls, plain GET forms: which protocol, sort (every key, also on a phone
// where the headers are hidden), filters; and "Compare selected", whose checkboxes sit in the rows.
import type { FC } from "hono/jsx";
import type { ProtocolCount } from "../../lifecycle/protocol";
import { boardHref } from "./query";
import type { BoardQuery, Column } from "./types";

const runs = (n: number) => `${n} run${n === 1 ? "" : "s"}`;

const ProtocolSelect: FC<{ protocols: ProtocolCount[]; protocol: string | null; total: number }> = ({ protocols, protocol, total }) => (
  <div class="wide-field">
    <label for="protocol">Protocol (only runs of one protocol compare)</label>
    <select id="protocol" name="protocol">
      {protocols.map((p) => (
        <option value={p.id} selected={p.id === protocol}>
          {`${p.label} (${runs(p.runs)})`}
        </option>
      ))}
      <option value="all" selected={protocol === null}>
        {`All protocols, not comparable (${runs(total)})`}
      </option>
    </select>
  </div>
);

const SortSelect: FC<{ query: BoardQuery; columns: Column[] }> = ({ query, columns }) => (
  <>
    <div>
      <label for="sort">Sort by</label>
      <select id="sort" name="sort">
        {columns.map((c) => (
          <option value={c.key} selected={c.key === query.sort}>
            {c.label}
          </option>
        ))}
      </select>
    </div>
    <div>
      <label for="dir">Order</label>
      <select id="dir" name="dir">
        <option value="desc" selected={query.dir === "desc"}>
          high to low
        </option>
        <option value="asc" selected={query.dir === "asc"}>
          low to high
        </option>
      </select>
    </div>
  </>
);

const Checkbox: FC<{ id: string; name: string; value: string; checked: boolean; label: string }> = ({ id, name, value, checked, label }) => (
  <div class="check">
    <input id={id} type="checkbox" name={name} value={value} checked={checked} />
    <label for={id}>{label}</label>
  </div>
);

export const Filters: FC<{ query: BoardQuery; columns: Column[]; protocols: ProtocolCount[]; protocol: string | null; total: number }> = ({ query, columns, protocols, protocol, total }) => (
  <form class="filters" method="get" action="/" role="search" aria-label="Filter runs">
    <ProtocolSelect protocols={protocols} protocol={protocol} total={total} />
    <SortSelect query={query} columns={columns} />
    <div>
      <label for="q">Model name contains</label>
      <input id="q" name="q" type="search" value={query.q} placeholder="e.g. 7b-80k" />
    </div>
    <div>
      <label for="reference">Reference baselines</label>
      <select id="reference" name="reference">
        <option value="" selected={query.reference === ""}>
          show
        </option>
        <option value="only" selected={query.reference === "only"}>
          only
        </option>
        <option value="hide" selected={query.reference === "hide"}>
          hide
        </option>
      </select>
    </div>
    <Checkbox id="valid" name="valid" value="only" checked={query.validOnly} label="Hide runs whose lengths are not what they claim" />
    <Checkbox id="include" name="include" value="reported" checked={query.includeReported} label="Add the paper's reported rows" />
    <button type="submit">Apply</button>
    {query.q || query.reference || query.validOnly || query.includeReported ? (
      <a href={boardHref(query, { q: "", reference: "", validOnly: false, includeReported: false })}>Clear filters</a>
    ) : null}
  </form>
);

/**
 * The compare form: a GET to "/" (the rows' checkboxes join it with form="compare-form"), which
 * redirects to /compare?runs=A,B; the view's state rides along so a short selection comes back to it.
 */
export const CompareForm: FC<{ query: BoardQuery; selected: number }> = ({ query, selected }) => (
  <form id="compare-form" class="board-actions" method="get" action="/">
    {Object.entries({ protocol: query.protocol, sort: query.sort, dir: query.dir, q: query.q, reference: query.reference, valid: query.validOnly ? "only" : "", include: query.includeReported ? "reported" : "" })
      .filter(([, value]) => value !== "")
      .map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
    <button type="submit">Compare selected</button>
    <span class="muted">Tick two or more runs (checkpoints of a series, say) to see them side by side.</span>
    {selected > 0 ? (
      <span class="error" role="alert">
        Select at least two runs to compare ({selected} selected).
      </span>
    ) : null}
  </form>
);
