// The control form as an AppState and back: every control is named after its state key, so the
// URL query, the form and the state stay one vocabulary.

import { DEFAULT_STATE, type AppState } from './appState.ts';

const KEYS = Object.keys(DEFAULT_STATE) as (keyof AppState)[];

export function readForm(form: HTMLFormElement): AppState {
  const data = new FormData(form);
  const state = { ...DEFAULT_STATE };
  for (const key of KEYS) {
    const value = data.get(key);
    if (typeof value === 'string') (state as Record<keyof AppState, string>)[key] = value;
  }
  return state;
}

export function writeForm(form: HTMLFormElement, state: AppState): void {
  for (const key of KEYS) {
    const control = form.elements.namedItem(key);
    if (control instanceof RadioNodeList) control.value = state[key];
    else if (control instanceof HTMLInputElement || control instanceof HTMLSelectElement) {
      control.value = state[key];
    }
  }
}
