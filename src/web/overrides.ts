// The app's knobs as edits of a run file (any preset's, a formula network's): redundancy, noise,
// drive, spike rule, time step, length and input. Edits happen on the JSON, before validation, so
// parseRunFile judges the result exactly as it judges a file from disk.

import { type PopulationJson, type RunFileJson, type ScalarOrArray, linspace } from '../browser.ts';
import type { AppState, InputKind } from './appState.ts';

export interface Overrides {
  m?: number;
  sigma?: number;
  mu?: number;
  rule?: NonNullable<RunFileJson['spikeRule']>;
  /** Pulse width (ms) for delta synapses turned into pulses by rule `all`. */
  pulseMs?: number;
  dt?: number;
  steps?: number;
  input?: Exclude<InputKind, ''>;
  x0?: number;
  x1?: number;
}

const RULES = ['one-per-step', 'all', 'sequential'] as const;

/** A number field of the form: empty means "keep", anything else must satisfy `ok`. */
function numberField(
  name: string,
  text: string,
  ok: (v: number) => boolean,
  want: string,
): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || !ok(value)) throw new Error(`${name}: must be ${want} (got '${text}')`);
  return value;
}

/** The overrides the form asks for; throws naming the field when one is not a valid number. */
export function overridesFromState(s: AppState): Overrides {
  const positive = (v: number) => v > 0;
  const rule = s.rule === '' ? undefined : RULES.find((r) => r === s.rule);
  if (s.rule !== '' && rule === undefined) throw new Error(`spike rule: unknown rule '${s.rule}'`);
  return {
    m: numberField('redundancy m', s.m, (v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1'),
    sigma: numberField('noise σ', s.sigma, (v) => v >= 0, '≥ 0'),
    mu: numberField('drive μ', s.mu, () => true, 'a number'),
    rule,
    pulseMs: numberField('pulse width', s.pulse, positive, '> 0 ms'),
    dt: numberField('dt', s.dt, positive, '> 0 s'),
    steps: numberField('steps', s.steps, (v) => Number.isInteger(v) && v >= 2, 'an integer ≥ 2'),
    input: s.input === '' ? undefined : s.input,
    x0: numberField('input from', s.x0, () => true, 'a number'),
    x1: numberField('input to', s.x1, () => true, 'a number'),
  };
}

const repeatEach = <T>(values: T[], m: number): T[] => values.flatMap((v) => new Array<T>(m).fill(v));

const repeatVec = (v: ScalarOrArray, m: number): ScalarOrArray =>
  typeof v === 'number' ? v : repeatEach(v, m);

/** Per-neuron arrays repeated m times, copies adjacent; per-neuron weights of the source divided by m. */
function withRedundancy(run: RunFileJson, m: number): RunFileJson {
  const scaled = (v: ScalarOrArray): ScalarOrArray =>
    typeof v === 'number' ? v / m : repeatEach(v, m).map((d) => d / m);
  const population = (p: PopulationJson): PopulationJson => ({
    ...p,
    size: p.size * m,
    threshold: repeatVec(p.threshold, m),
    ...(Array.isArray(p.inputWeights)
      ? { inputWeights: repeatEach<number | number[]>(p.inputWeights, m) as number[] | number[][] }
      : {}),
    ...(p.initial
      ? {
          initial: Object.fromEntries(
            Object.entries(p.initial).map(([k, v]) => [k, repeatVec(v as ScalarOrArray, m)]),
          ),
        }
      : {}),
  });
  return {
    ...run,
    populations: run.populations.map(population),
    latents: run.latents.map((l) => ({ ...l, decoder: scaled(l.decoder) })),
    ...(run.encoders
      ? {
          encoders: Object.fromEntries(
            Object.entries(run.encoders).map(([pop, channels]) => [
              pop,
              Object.fromEntries(Object.entries(channels).map(([c, v]) => [c, repeatVec(v, m)])),
            ]),
          ),
        }
      : {}),
    ...(run.readouts ? { readouts: run.readouts.map((r) => ({ ...r, weights: scaled(r.weights) })) } : {}),
  };
}

/** The spike rule with synapses it accepts: pulses under `all`, delta under the others. */
function withRule(run: RunFileJson, rule: Overrides['rule'] & string, pulseMs: number): RunFileJson {
  return {
    ...run,
    spikeRule: rule,
    populations: run.populations.map((p) => {
      const kind = p.synapse?.kind ?? 'delta';
      const { clampAtThreshold, ...rest } = p;
      const synapse =
        rule === 'all'
          ? kind === 'delta'
            ? { kind: 'pulse' as const, widthMs: pulseMs }
            : p.synapse
          : { kind: 'delta' as const };
      return {
        ...rest,
        synapse,
        ...(rule === 'one-per-step' && clampAtThreshold ? { clampAtThreshold } : {}),
      };
    }),
  };
}

/** Linear resampling of one input track to n samples (the run's length changed, its shape kept). */
function resample(track: number[], n: number): number[] {
  return Array.from({ length: n }, (_, k) => {
    const pos = (k * (track.length - 1)) / Math.max(1, n - 1);
    const i = Math.min(track.length - 2, Math.floor(pos));
    return i < 0 ? track[0] : track[i] + (pos - i) * (track[i + 1] - track[i]);
  });
}

function inputSamples(kind: NonNullable<Overrides['input']>, S: number, x0: number, x1: number): number[] {
  switch (kind) {
    case 'ramp':
      return Array.from(linspace(x0, x1, S));
    case 'step':
      return Array.from({ length: S }, (_, k) => (k < S / 4 ? x0 : x1));
    case 'constant':
      return new Array<number>(S).fill(x1);
    case 'sine':
      // Two periods over the run, between x0 and x1.
      return Array.from(
        { length: S },
        (_, k) => (x0 + x1) / 2 + ((x1 - x0) / 2) * Math.sin((4 * Math.PI * k) / Math.max(1, S - 1)),
      );
  }
}

/**
 * `run` with the sizes and steps applyOverrides(run, o) gives it and nothing per-neuron or per-step
 * built: what admission needs to refuse a redundancy or a length too large before it is allocated.
 */
export function overriddenSize(run: RunFileJson, o: Overrides): RunFileJson {
  const m = o.m ?? 1;
  return {
    ...run,
    steps: o.steps ?? run.steps,
    populations: run.populations.map((p) => ({ ...p, size: p.size * m })),
  };
}

/** `run` with every given override applied (the argument is not modified). */
export function applyOverrides(run: RunFileJson, o: Overrides): RunFileJson {
  let out: RunFileJson = structuredClone(run);
  const spiking = (out.model ?? 'spiking') === 'spiking';
  const needSpiking = (what: string) => {
    if (!spiking) throw new Error(`${what} applies to spiking networks; this run file is a rate model`);
  };
  if (o.m !== undefined && o.m !== 1) out = withRedundancy(out, o.m);
  if (o.sigma !== undefined || o.mu !== undefined) {
    needSpiking(o.sigma !== undefined ? 'noise σ' : 'drive μ');
    out.populations = out.populations.map((p) => ({
      ...p,
      ...(o.sigma !== undefined ? { sigmaV: o.sigma } : {}),
      ...(o.mu !== undefined ? { mu: o.mu } : {}),
    }));
  }
  if (o.rule !== undefined) {
    needSpiking('a spike rule');
    out = withRule(out, o.rule, o.pulseMs ?? 1);
  }
  if (o.dt !== undefined) out.dt = o.dt;
  const S = o.steps ?? out.steps;
  if (o.input !== undefined) {
    if ((out.input.dims ?? 1) !== 1)
      throw new Error('the input presets drive 1-D inputs; this network has more');
    out.input = { dims: 1, samples: [inputSamples(o.input, S, o.x0 ?? -2.5, o.x1 ?? 10)] };
  } else if (S !== out.steps && out.input.samples) {
    out.input = { ...out.input, samples: out.input.samples.map((track) => resample(track, S)) };
  }
  out.steps = S;
  return out;
}
