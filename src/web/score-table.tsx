// A metric → score table, shared by the run page (suite means, 0–100) and the probe page (0–1).
import type { Child, FC } from "hono/jsx";

export const ScoreTable: FC<{
  caption: Child;
  scores: Record<string, number | null>;
  format: (score: number | null) => string;
  id?: string;
  class?: string;
}> = ({ caption, scores, format, id, class: className }) => (
  <table class={className ?? "compact"} id={id}>
    <caption>{caption}</caption>
    <thead>
      <tr>
        <th scope="col">Metric</th>
        <th scope="col" class="num">
          Score
        </th>
      </tr>
    </thead>
    <tbody>
      {Object.entries(scores).map(([metric, score]) => (
        <tr>
          <th scope="row">{metric}</th>
          <td class="num">{format(score)}</td>
        </tr>
      ))}
    </tbody>
  </table>
);
