// The run page's multiple-choice section: micro and macro accuracy with their intervals, how the
// answers were scored, and the accuracy per MMLU group and per subject.
import type { FC } from "hono/jsx";
import type { SuiteResult } from "../contract/run";
import type { Accuracy, McFigures } from "../probes/mmlu/figures";
import type { MmluRecipe } from "../probes/suites/mmlu";
import { formatScore } from "./format";

const acc = (a: Accuracy | null | undefined) => (a ? `${formatScore(a.acc)} (95 % ${formatScore(a.low)}–${formatScore(a.high)}, n = ${a.n})` : "—");

const SCORING_TEXT: Record<string, string> = {
  loglikelihood: "by log-likelihood: the option letter with the highest top log-probability as the first generated token",
  generate: "by generation: the letter read from a short reply (InfiniteBench's En.MC rules)",
};

const AccuracyRows: FC<{ rows: [string, Accuracy & { group?: string | null }][]; withGroup: boolean }> = ({ rows, withGroup }) => (
  <tbody>
    {rows.map(([name, a]) => (
      <tr data-subject={name}>
        <th scope="row">{name}</th>
        {withGroup ? <td>{a.group ?? "—"}</td> : null}
        <td class="num">{formatScore(a.acc)}</td>
        <td class="num">
          {formatScore(a.low)}–{formatScore(a.high)}
        </td>
        <td class="num">{a.n}</td>
      </tr>
    ))}
  </tbody>
);

const AccuracyTable: FC<{ id: string; caption: string; first: string; rows: [string, Accuracy & { group?: string | null }][]; withGroup?: boolean }> = ({ id, caption, first, rows, withGroup = false }) => (
  <table id={id} class="compact">
    <caption>{caption}</caption>
    <thead>
      <tr>
        <th scope="col">{first}</th>
        {withGroup ? <th scope="col">Group</th> : null}
        <th scope="col" class="num">
          Accuracy
        </th>
        <th scope="col" class="num">
          95 % interval
        </th>
        <th scope="col" class="num">
          Questions
        </th>
      </tr>
    </thead>
    <AccuracyRows rows={rows} withGroup={withGroup} />
  </table>
);

export const MmluSection: FC<{ recipe: MmluRecipe; suite: SuiteResult | undefined }> = ({ recipe, suite }) => {
  const figures: McFigures | undefined = suite?.mmlu;
  const id = `suite-${recipe.index}-mmlu`;
  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Short-context retention (multiple choice)</h2>
      <p>
        Dataset <code>{recipe.dataset}</code> ({recipe.item_positions.length} questions, {recipe.subjects.length} subjects), {recipe.shots}-shot MMLU prompt
        {recipe.shots_from === "first_items" ? "; shots are each subject's first 5 questions (the file has no dev split)" : ""}. Scored{" "}
        {figures?.scoring ? SCORING_TEXT[figures.scoring] : "as the endpoint allows (not decided yet)"}.
      </p>
      {figures?.micro ? (
        <>
          <p id={`${id}-headline`}>
            Accuracy: <strong>{acc(figures.micro)}</strong> over questions; macro (mean of subjects) {acc(figures.macro)}.
          </p>
          {Object.keys(figures.by_group).length ? <AccuracyTable id={`${id}-groups`} caption="Accuracy per MMLU group (each over its questions)" first="Group" rows={Object.entries(figures.by_group)} /> : null}
          <AccuracyTable id={`${id}-subjects`} caption="Accuracy per subject" first="Subject" rows={Object.entries(figures.by_subject)} withGroup />
        </>
      ) : (
        <p class="muted">No question is scored yet.</p>
      )}
    </section>
  );
};
