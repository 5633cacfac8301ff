// The one error a run file can raise. It carries the JSON path of the offending field separately
// from the text, so the command line, the app and tests can point at the field without parsing
// the message.

/** Exit status of the command line when a run file cannot be used (RUN_FORMAT.md). */
export const EXIT_BAD_INPUT = 2;

export class RunFileError extends Error {
  /** JSON path of the offending field, e.g. `populations[1].threshold[3]`, `dt` or `(file)`. */
  readonly path: string;
  /** What is wrong with it, and what is allowed instead. */
  readonly problem: string;

  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'RunFileError';
    this.path = path;
    this.problem = problem;
  }
}
