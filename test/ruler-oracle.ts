// A solver that reads a RULER prompt the way a perfect model would: it finds the needles, follows
// the variable chain, counts the words. Tests use it to check that every prompt holds its answers
// and, as a fake endpoint, that a run of correct answers scores 100.

function top(counts: Map<string, number>, k: number): string[] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, k).map(([w]) => w);
}

function solveNiah(text: string): string {
  const question = text.slice(text.lastIndexOf("\nWhat "));
  const asked = /special magic \w+ for (.+?) mentioned in the provided text\?/.exec(question)![1]!;
  const keys = asked.split(/, and |, /);
  const values: string[] = [];
  for (const match of text.matchAll(/One of the special magic \w+ for (\S+) is: (\S+)\./g)) if (keys.includes(match[1]!)) values.push(match[2]!);
  return values.join(", ");
}

function solveVt(text: string): string {
  const task = text.slice(text.lastIndexOf("Memorize and track"));
  const value = /assigned the value (\d+) in the text above\./.exec(task.slice(task.lastIndexOf("Question:")))![1]!;
  const holds = new Set<string>();
  const assignments = [...task.matchAll(/VAR (\w+) = (VAR (\w+)|\d+)/g)];
  for (const m of assignments) if (m[2] === value) holds.add(m[1]!);
  for (let changed = true; changed; ) {
    changed = false;
    for (const m of assignments) if (m[3] && holds.has(m[3]) && !holds.has(m[1]!)) changed = holds.add(m[1]!) !== undefined;
  }
  return [...holds].join(" ");
}

function solveCwe(text: string): string {
  const list = text.slice(text.lastIndexOf("Below is a numbered list"), text.lastIndexOf("\nQuestion:"));
  const counts = new Map<string, number>();
  for (const m of list.matchAll(/\d+\. (\S+)/g)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  return top(counts, 10).map((w, i) => `${i + 1}. ${w}`).join(" ");
}

function solveFwe(text: string): string {
  const coded = text.slice(text.indexOf("coded words. ") + "coded words. ".length, text.indexOf("\nQuestion:"));
  const counts = new Map<string, number>();
  for (const w of coded.split(" ")) if (w !== "...") counts.set(w, (counts.get(w) ?? 0) + 1);
  return top(counts, 3).join(", ");
}

function solveQa(text: string): string {
  const question = text.slice(text.lastIndexOf("Question: ") + "Question: ".length, text.lastIndexOf(" Answer:"));
  const hint = /\[answer: ([^\]]+)\]/.exec(question);
  return hint ? hint[1]! : "";
}

/** The reply a perfect model gives to a RULER prompt (completions prompt or the chat user message). */
export function solveRuler(text: string): string {
  if (text.includes("special magic")) return solveNiah(text);
  if (text.startsWith("Memorize and track")) return solveVt(text);
  if (text.startsWith("Below is a numbered list")) return solveCwe(text);
  if (text.startsWith("Read the following coded text")) return solveFwe(text);
  return solveQa(text);
}
