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

/**
 * `path.key` (or `key` at the root) when the key is a plain name — letters of any script, digits,
 * most punctuation — and `path["key"]` otherwise: an empty key, spaces, `.`, brackets, quotes or
 * invisible characters would make the path ambiguous or unreadable. `dots: true` keeps dots plain,
 * for names that are themselves paths (a study's axis `populations.0.mu`).
 */
export function fieldPath(path: string, key: string, { dots = false } = {}): string {
  const plain = dots ? /^[^\s[\]"'\p{C}]+$/u : /^[^\s.[\]"'\p{C}]+$/u;
  if (plain.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${quoted(key)}]`;
}

/** A string in double quotes, with control, format and unpaired surrogate characters escaped. */
export function quoted(text: string): string {
  const escape = (unit: number) => `\\u${unit.toString(16).padStart(4, '0')}`;
  return JSON.stringify(text).replace(/\p{C}/gu, (c) =>
    Array.from({ length: c.length }, (_, i) => escape(c.charCodeAt(i))).join(''),
  );
}

/** Exit status of the command line when a valid run does not fit the machine. */
export const EXIT_DOES_NOT_FIT = 3;

/** A valid run too large for this machine, refused before it allocates; the message names need and limit. */
export class DoesNotFitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DoesNotFitError';
  }
}
