// The page's two message boxes: a notice (the engine fell back to the CPU, a preset seen through
// its first run) and an error (a run file failing validation, a bad formula, a network too large
// for the adapter). A validation error names the field path apart from the reason; an internal
// error is reported as one, its text left to the console.

import { RunFileError } from '../browser.ts';

function box(id: 'notice' | 'error'): HTMLElement {
  return document.getElementById(id)!;
}

export function showNotice(text: string | null): void {
  box('notice').hidden = text === null;
  box('notice').textContent = text ?? '';
}

export function clearError(): void {
  box('error').hidden = true;
  box('error').replaceChildren();
}

/** `context` says what failed, e.g. "run file fig5.json". */
export function showError(context: string, error: unknown): void {
  const element = box('error');
  element.hidden = false;
  if (error instanceof RunFileError) {
    const path = document.createElement('code');
    path.className = 'path';
    path.textContent = error.path;
    const problem = document.createElement('span');
    problem.className = 'problem';
    problem.textContent = error.problem;
    element.replaceChildren(`${context} failed validation at field `, path, ': ', problem);
  } else if (isInternal(error)) {
    console.error(error);
    element.replaceChildren(
      `${context} failed: an internal error stopped it (the browser console has the details)`,
    );
  } else {
    element.replaceChildren(`${context}: ${(error as Error).message}`);
  }
}

/**
 * Whether an error is a fault of the code rather than a message for the user: the app and the
 * engines throw plain Errors (and RunFileErrors) that say what to change; a TypeError ("Cannot read
 * properties of undefined"), a RangeError or anything not an Error is a bug, whose text would mean
 * nothing on the page.
 */
function isInternal(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  return [TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError].some(
    (kind) => error instanceof kind,
  );
}
