// Large networks of the paper's construction without large JSON: the base network (m = 1) goes
// through the run-file parser, so it is validated like any run file; then every per-neuron array
// is repeated m times into Float64Arrays (construct/redundancy.ts: decoders divided by m, so the
// boundaries and the latent fixed point stay where they were) and the NetworkSpec is assembled
// directly. Repetition keeps what the parser checked (signs, Dale's law, rule/synapse pairing);
// checkScaleSpec re-checks the shapes, which are all that changed.
//
// Threshold jitter: m identical copies would cross threshold in the same step and fire in
// lockstep, which is one neuron with m times the decoder. Copy c of base neuron i (c = 0 … m−1)
// instead gets T_i + j·w_i/m·((c + ½)/m − ½), where w_i/m = |E_self,i·D_i|/m is the copy's own
// voltage jump per spike: with j = 1 the copies' thresholds tile exactly the interval one of their
// spikes moves them, evenly (stratified, not random, so the mean shift is exactly zero), and the
// boundary is displaced by at most half a spike's jump, a blur that vanishes as 1/m.

import { eiGeometry, eiRun } from '../networks.ts';
import { boundaryIntersection } from '../../construct/eiBoundary.ts';
import { redundant, repeatCopies } from '../../construct/redundancy.ts';
import { parseRunFile } from '../../model/parse.ts';
import { DEFAULTS } from '../../model/defaults.ts';
import type { NetworkSpec, PopulationSpec } from '../../model/spec.ts';
import type { RunFileJson } from '../../model/runFile.ts';
import { baseSize, type ScaleFunction } from './functions.ts';

/**
 * fig12a's recipe for the `all` rule (EXPERIMENTS.md): E pulses (2.5 ms) slower than I pulses
 * (1 ms) so inhibition wins the race, and a spike cost μ that makes a copy step back after its
 * spike. μ is the same at every size on purpose: scaled down with m (tried: μ/m), the E copies,
 * which excite each other, fire in synchronous bursts and RMSE rises from ~0.95 to ~2.5 (fig5).
 */
export const STUDY_SYNAPSES = {
  E: { mu: 0.25, synapse: { kind: 'pulse', widthMs: 2.5 }, selfReset: 'synaptic' },
  I: { mu: 0.05, synapse: { kind: 'pulse', widthMs: 1 }, selfReset: 'fast' },
} as const;

export interface ScaleNetworkOptions {
  fn: ScaleFunction;
  /** Requested size; the network has (base size)·m neurons, m = round(neurons / base size) ≥ 1. */
  neurons: number;
  dt: number;
  steps: number;
  /** σ_V of every neuron. */
  sigma: number;
  /** Threshold spread in units of a copy's own spike jump (see the file comment); 0 = none. */
  jitter: number;
  seed: number;
  /** Latents are recorded every `every` steps. */
  every: number;
  recordSpikes: boolean;
}

export interface ScaleNetwork {
  spec: NetworkSpec;
  m: number;
  /** The m = 1 network as a run file (small): what was validated, and an equivalent fig5-style run. */
  baseRun: RunFileJson;
}

export function copiesFor(fn: ScaleFunction, neurons: number): number {
  return Math.max(1, Math.round(neurons / baseSize(fn)));
}

/** Steps before the first metric sample: the 50 ms init cut. */
export function initCutSteps(dt: number): number {
  return Math.ceil(DEFAULTS.initCutSeconds / dt - 1e-9);
}

/**
 * x held at the start of the range through the init cut (the network settles on the boundary
 * intersection it starts from), then one linear ramp across the range: whatever the number of
 * steps, the metric window sweeps the whole target.
 */
export function scaleInput(fn: ScaleFunction, dt: number, steps: number): number[] {
  const [x0, x1] = fn.xRange;
  const hold = Math.min(initCutSteps(dt), steps - 2);
  const ramp = steps - 1 - hold;
  return Array.from({ length: steps }, (_, k) => (k <= hold ? x0 : x0 + ((x1 - x0) * (k - hold)) / ramp));
}

export function scaleBaseRun(o: Omit<ScaleNetworkOptions, 'neurons' | 'jitter'>): RunFileJson {
  const { fn, dt, steps, sigma, seed } = o;
  const input = scaleInput(fn, dt, steps);
  const start = boundaryIntersection(eiGeometry(fn.E, fn.I), input[0]);
  if (!start) throw new Error(`scale: ${fn.name} has no stable boundary intersection at x = ${input[0]}`);
  const run = eiRun(
    { dt, steps, input, seed, spikeRule: 'all', meta: { scale: fn.name } },
    { ...fn.E, ...STUDY_SYNAPSES.E, sigmaV: sigma },
    { ...fn.I, ...STUDY_SYNAPSES.I, sigmaV: sigma },
  );
  return {
    ...run,
    initialLatent: { yE: start.yE, yI: start.yI },
    record: { spikes: o.recordSpikes, latents: true, every: o.every },
  };
}

export function buildScaleNetwork(o: ScaleNetworkOptions): ScaleNetwork {
  const baseRun = scaleBaseRun(o);
  const m = copiesFor(o.fn, o.neurons);
  const spec = redundantSpec(parseRunFile(baseRun), m, o.jitter);
  checkScaleSpec(spec);
  return { spec, m, baseRun };
}

/**
 * Where in the interval of one spike jump copy c of a neuron puts its threshold: offset
 * jitter·jump·((c + phase)/m − ½). The default phase ½ centres the copies; a network of several
 * modules gives each its own phase so the modules' copies do not fire in lockstep either.
 */
export type CopyPhase = (population: number, neuron: number) => number;

/**
 * Every neuron of `base` repeated m times (copies adjacent), decoders divided by m, thresholds
 * jittered (the file comment). A neuron's spike jump is that of the latent it decodes into (the
 * one of its population's latents with a nonzero decoder); a neuron that decodes into none keeps
 * its threshold.
 */
export function redundantSpec(
  base: NetworkSpec,
  m: number,
  jitter: number,
  phase: CopyPhase = () => 0.5,
): NetworkSpec {
  if (base.readouts.length > 0) throw new Error('redundantSpec: readouts are not repeated');
  const J = base.input.dims;
  const latents = base.latents.map((l) => ({
    ...l,
    decoder: redundant({ decoder: l.decoder }, m, { decoder: 'decoder' }).decoder,
  }));
  const populations = base.populations.map((pop, pi): PopulationSpec => {
    if (pop.initial) throw new Error(`redundantSpec: population ${pop.name} has an initial state`);
    const own = base.latents.flatMap((l, li) => (l.source === pi ? [li] : []));
    if (own.length === 0) throw new Error(`redundantSpec: population ${pop.name} sources no latent`);
    const threshold = repeatCopies(pop.threshold, m);
    for (let i = 0; i < pop.size; i++) {
      const l = own.find((li) => base.latents[li].decoder[i] !== 0);
      if (l === undefined) continue;
      const jump = Math.abs(base.encoders[pi][l][i] * base.latents[l].decoder[i]) / m;
      const p = phase(pi, i);
      for (let c = 0; c < m; c++) threshold[i * m + c] += jitter * jump * ((c + p) / m - 0.5);
    }
    return { ...pop, size: pop.size * m, threshold, inputWeights: repeatCopies(pop.inputWeights, m, J) };
  });
  const encoders = base.encoders.map((row) => row.map((e) => repeatCopies(e, m)));
  return { ...base, populations, latents, encoders };
}

/**
 * A run file of `baseRun`'s network copied m times by redundantSpec, for what needs the network as
 * a file (another simulator, a run file on disk): each per-neuron array holds the copies' values;
 * a number the base gives for every neuron stays a number where every copy still has it.
 */
export function redundantRunFile(baseRun: RunFileJson, m: number, jitter: number): RunFileJson {
  const spec = redundantSpec(parseRunFile(baseRun), m, jitter);
  const J = spec.input.dims;
  const json = (given: unknown, copied: Float64Array): number | number[] =>
    typeof given === 'number' && copied.every((v) => v === copied[0]) ? copied[0] : Array.from(copied);
  const rows = (copied: Float64Array): number[][] =>
    Array.from({ length: copied.length / J }, (_, i) => Array.from(copied.subarray(i * J, (i + 1) * J)));
  const popIndex = new Map(baseRun.populations.map((p, pi) => [p.name, pi]));
  const latentIndex = new Map(baseRun.latents.map((l, li) => [l.name, li]));
  return {
    ...baseRun,
    populations: baseRun.populations.map((p, pi) => {
      const copied = spec.populations[pi];
      const weights = p.inputWeights;
      return {
        ...p,
        size: copied.size,
        threshold: json(p.threshold, copied.threshold),
        ...(weights === undefined
          ? {}
          : { inputWeights: J === 1 ? json(weights, copied.inputWeights) : rows(copied.inputWeights) }),
      };
    }),
    latents: baseRun.latents.map((l, li) => ({ ...l, decoder: json(l.decoder, spec.latents[li].decoder) })),
    ...(baseRun.encoders === undefined
      ? {}
      : {
          encoders: Object.fromEntries(
            Object.entries(baseRun.encoders).map(([pop, perLatent]) => [
              pop,
              Object.fromEntries(
                Object.entries(perLatent).map(([latent, value]) => [
                  latent,
                  json(value, spec.encoders[popIndex.get(pop)!][latentIndex.get(latent)!]),
                ]),
              ),
            ]),
          ),
        }),
  };
}

/** The shape invariants compileNetwork relies on, after repetition; throws naming the first breach. */
export function checkScaleSpec(spec: NetworkSpec): void {
  const J = spec.input.dims;
  const fail = (what: string) => {
    throw new Error(`scale network: ${what}`);
  };
  spec.populations.forEach((p, pi) => {
    if (p.threshold.length !== p.size) fail(`${p.name}.threshold has ${p.threshold.length} values`);
    if (p.inputWeights.length !== p.size * J) fail(`${p.name}.inputWeights has ${p.inputWeights.length}`);
    for (const e of spec.encoders[pi]) if (e.length !== p.size) fail(`${p.name} encoders have ${e.length}`);
    for (let i = 0; i < p.size; i++) if (!Number.isFinite(p.threshold[i])) fail(`${p.name}.threshold[${i}]`);
  });
  for (const l of spec.latents) {
    const size = spec.populations[l.source].size;
    if (l.decoder.length !== size) fail(`${l.name}.decoder has ${l.decoder.length} values, not ${size}`);
    for (let i = 0; i < size; i++)
      if (!(l.decoder[i] >= 0 && l.decoder[i] < Infinity)) fail(`${l.name}.decoder[${i}] = ${l.decoder[i]}`);
  }
}
