/** A spec problem found while resolving, with the offending field as a path relative to the suite. */
export class SuiteSpecError extends Error {
  constructor(
    readonly path: (string | number)[],
    detail: string,
  ) {
    super(detail);
  }
}
