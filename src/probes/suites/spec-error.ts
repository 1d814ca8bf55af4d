/** A spec problem found while resolving: one or more offending fields, as paths relative to the suite. */
export interface SpecIssue {
  path: (string | number)[];
  detail: string;
}

export class SuiteSpecError extends Error {
  readonly issues: readonly SpecIssue[];
  constructor(path: (string | number)[], detail: string, more: readonly SpecIssue[] = []) {
    super(detail);
    this.issues = [{ path, detail }, ...more];
  }
  get path(): (string | number)[] {
    return this.issues[0]!.path;
  }
  static of(issues: readonly SpecIssue[]): SuiteSpecError {
    return new SuiteSpecError(issues[0]!.path, issues[0]!.detail, issues.slice(1));
  }
}
