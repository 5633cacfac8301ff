// What the app is showing, as plain strings so it round-trips through the URL query: a shared link
// reopens the same network with the same changes. An empty override means "as the preset has it".

export type Source = 'preset' | 'formula' | 'file';
export type InputKind = '' | 'ramp' | 'step' | 'constant' | 'sine';
export type BackendPreference = 'auto' | 'cpu';

export interface AppState {
  source: Source;
  preset: string;
  formula: string;
  /** Noise seed; empty keeps the preset's (or the file's). */
  seed: string;
  /** Redundancy: every neuron repeated m times with 1/m of its decoder. */
  m: string;
  sigma: string;
  mu: string;
  rule: string;
  /** Pulse width (ms) given to delta synapses when the rule becomes `all`. */
  pulse: string;
  dt: string;
  steps: string;
  input: InputKind;
  /** Input range: ramp from x0 to x1, step from x0 to x1, constant x1, sine between them. */
  x0: string;
  x1: string;
  /** Steps per chunk: what Step advances, and how often a run can pause; empty: ~1/100 of the run. */
  chunk: string;
  backend: BackendPreference;
}

export const DEFAULT_STATE: AppState = {
  source: 'preset',
  preset: 'fig5',
  formula: '3 + sin(1.1*x) + 0.6*sin(2.3*x + 0.5)',
  seed: '',
  m: '1',
  sigma: '',
  mu: '',
  rule: '',
  pulse: '1',
  dt: '',
  steps: '',
  input: '',
  x0: '-2.5',
  x1: '10',
  chunk: '',
  backend: 'auto',
};

/** Chunks a run is cut into when the chunk length is left empty. */
export const DEFAULT_CHUNKS = 100;

/**
 * The smallest of 1, 2, 5, 10, 20, 50, … at or above `n`: divisible by 250 from 1000 on, which keeps
 * the WebGPU batched kernel at 250 steps per dispatch (it needs a divisor of the chunk, ≤ 256).
 */
function roundChunk(n: number): number {
  for (let decade = 1; ; decade *= 10) {
    for (const m of [1, 2, 5]) if (m * decade >= n) return m * decade;
  }
}

/** Steps per chunk for a run of `steps` steps (after step 0) under `state.chunk`. */
export function chunkSteps(state: AppState, steps: number): number {
  if (state.chunk.trim() === '') return roundChunk(Math.max(1, Math.ceil(steps / DEFAULT_CHUNKS)));
  const chunk = Number(state.chunk);
  if (!Number.isInteger(chunk) || chunk < 1) {
    throw new Error(`steps per chunk: must be an integer ≥ 1 (got '${state.chunk}')`);
  }
  return chunk;
}

/**
 * The step a shared link opens paused at (its `pause` parameter: the run pauses at the first chunk
 * boundary at or after it), or null. Not a form control: it follows the Pause button.
 */
export function pauseFromQuery(query: string): number | null {
  const value = new URLSearchParams(query).get('pause');
  if (value === null || value.trim() === '') return null;
  const step = Number(value);
  return Number.isInteger(step) && step >= 0 ? step : null;
}

/** `query` (from queryFromState) with the pause step added, or as it is when not paused. */
export function withPause(query: string, step: number | null): string {
  if (step === null) return query;
  return `${query === '' ? '?' : `${query}&`}pause=${step}`;
}

const KEYS = Object.keys(DEFAULT_STATE) as (keyof AppState)[];

/** State from a query string; unknown keys are ignored, missing ones take their defaults. */
export function stateFromQuery(query: string): AppState {
  const params = new URLSearchParams(query);
  const state = { ...DEFAULT_STATE };
  for (const key of KEYS) {
    const value = params.get(key);
    if (value !== null) (state as Record<keyof AppState, string>)[key] = value;
  }
  // A loaded file cannot travel in a URL: a shared link falls back to the preset.
  if (state.source === 'file') state.source = 'preset';
  return state;
}

/** Values a link may give each choice (the form's selects and radio buttons). */
const CHOICES: Partial<Record<keyof AppState, readonly string[]>> = {
  source: ['preset', 'formula', 'file'],
  rule: ['', 'one-per-step', 'all', 'sequential'],
  input: ['', 'ramp', 'step', 'constant', 'sine'],
  backend: ['auto', 'cpu'],
};

/**
 * What is wrong with a link's parameters, one line each (empty: nothing). A value the form cannot
 * show — an unknown preset or choice, a redundancy that is not a whole number, a bad pause step —
 * would otherwise silently become the default; the numbers the form shows as typed are checked
 * when the run starts, like typed values.
 */
export function queryProblems(query: string, presets: readonly string[]): string[] {
  const params = new URLSearchParams(query);
  const problems: string[] = [];
  const show = (value: string) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  for (const [key, allowed] of Object.entries(CHOICES)) {
    const value = params.get(key);
    if (value !== null && !allowed.includes(value)) {
      const names = allowed.map((a) => (a === '' ? '(empty)' : a)).join(', ');
      problems.push(`${key}: unknown value ${show(value)}; allowed: ${names}`);
    }
  }
  const preset = params.get('preset');
  if (preset !== null && !presets.includes(preset)) {
    problems.push(`preset: unknown preset ${show(preset)}; allowed: ${presets.join(', ')}`);
  }
  // The redundancy's number field empties itself of anything but a plain number (HTML's "valid
  // floating-point number"); what remains is judged with the other fields.
  const m = params.get('m');
  if (m !== null && m !== '' && !/^-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?$/.test(m)) {
    problems.push(`m: the redundancy must be a whole number ≥ 1 (got ${show(m)})`);
  }
  const pause = params.get('pause');
  if (pause !== null && pause.trim() !== '' && pauseFromQuery(query) === null) {
    problems.push(`pause: must be a step ≥ 0 (got ${show(pause)})`);
  }
  return problems;
}

/** The query string of `state`, listing only what differs from the defaults (short links). */
export function queryFromState(state: AppState): string {
  const params = new URLSearchParams();
  for (const key of KEYS) {
    if (state[key] !== DEFAULT_STATE[key] && !(key === 'source' && state.source === 'file')) {
      params.set(key, state[key]);
    }
  }
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}
