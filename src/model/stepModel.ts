// What a step of a compiled network is made of, derived once for both engines: which rule selects
// the spikes, which synapse kinds, noise, refractoriness and self-terms each population has, which
// channels and readouts it sources, and the two host-side sums every backend starts from (the
// command input of MODEL.md §3 phase 1, and y[0] = D·r0). The CPU engine shapes its generated
// kernels from these facts (spikingTrial.ts, populationKernel.ts), the WebGPU engine its WGSL
// override constants and population parameters (gpuNetwork.ts): one derivation, so the two
// cannot disagree about what a network needs.

import { SYNAPSE_DELTA, SYNAPSE_PULSE, type CompiledNetwork } from './compile.ts';
import type { SpikeRule } from './spec.ts';

/** The rule of a step: the spiking model's spike rule, or the rate model. */
export type StepRule = SpikeRule | 'rate';

export type SynapseName = 'delta' | 'pulse' | 'exponential';

export interface PopulationFeatures {
  synapse: SynapseName;
  /** σ_V ≠ 0: the population draws voltage noise. */
  noisy: boolean;
  recurrence: boolean;
  /** Fast self-reset (MODEL.md §3): the neuron's own kick is taken out of the drive. */
  fastReset: boolean;
  clampAtThreshold: boolean;
  /** Steps from a spike to the first step the neuron may spike again: max(trsteps, 1). */
  waitSteps: number;
  /** 1/pwsteps for pulse synapses (the ĝ of one open pulse), else 0. */
  invPulse: number;
  /** Channels and report-only readouts whose source is this population, in order. */
  channels: number[];
  readouts: number[];
  /**
   * Every neuron has the same encoder row, in float64 and after rounding to f32: the drive
   * Σ_l e_l·u_l is then one number per step (the same expression in the same order, so the same
   * bits). Uniform in float64 implies uniform in f32.
   */
  uniformEncoders: { f64: boolean; f32: boolean };
  /** Rank of the population's priority among the network's distinct priorities, 0 first. */
  classRank: number;
}

export interface NetworkFeatures {
  rule: StepRule;
  populations: PopulationFeatures[];
  /** Whether some population has a synapse of this kind. */
  synapses: Record<SynapseName, boolean>;
  /** Some population draws voltage noise. */
  noise: boolean;
  /** Some population without recurrence (it feels only its own synapse: selfW·ĝ). */
  selfInput: boolean;
  /** Some population reads its self weight every step (fast reset or no recurrence). */
  selfWeights: boolean;
  /**
   * Steps a pulse stays open, at most the run's length (0 without pulse synapses): a pulse still
   * open at the last step never needs its start again, so the spike history is this deep plus one.
   */
  pulseDepth: number;
  /** Population indices by priority class, the highest priority (lowest number) first. */
  priorityClasses: number[][];
  /** nextAllowed at t = 0: nobody spikes at step 1 under the `all` spike rule (the reference's quirk), else 1. */
  firstSpikeStep: number;
}

const SYNAPSE_NAMES: Record<number, SynapseName> = {
  [SYNAPSE_DELTA]: 'delta',
  [SYNAPSE_PULSE]: 'pulse',
};

const features = new WeakMap<CompiledNetwork, NetworkFeatures>();

/** The features of `net`, derived on first request and kept with the network object. */
export function networkFeatures(net: CompiledNetwork): NetworkFeatures {
  let f = features.get(net);
  if (!f) {
    f = deriveFeatures(net);
    features.set(net, f);
  }
  return f;
}

function deriveFeatures(net: CompiledNetwork): NetworkFeatures {
  const { populations, channels, readouts, encoders, L } = net;
  const priorities = [...new Set(populations.map((p) => p.priority))].sort((a, b) => a - b);
  const pops: PopulationFeatures[] = populations.map((p, pi) => {
    const f64 = uniformRows(encoders, L, p.start, p.start + p.size);
    return {
      synapse: SYNAPSE_NAMES[p.synapseKind] ?? 'exponential',
      noisy: p.noiseScale !== 0,
      recurrence: p.recurrence,
      fastReset: p.selfResetFast,
      clampAtThreshold: p.clampAtThreshold,
      waitSteps: Math.max(p.refractorySteps, 1),
      invPulse: p.pulseSteps > 0 ? 1 / p.pulseSteps : 0,
      channels: channels.flatMap((ch, l) => (ch.source === pi ? [l] : [])),
      readouts: readouts.flatMap((ro, r) => (ro.source === pi ? [r] : [])),
      uniformEncoders: {
        f64,
        f32: f64 || uniformRows(encoders, L, p.start, p.start + p.size, Math.fround),
      },
      classRank: priorities.indexOf(p.priority),
    };
  });
  const has = (kind: SynapseName) => pops.some((p) => p.synapse === kind);
  const maxPulse = Math.max(
    0,
    ...populations.map((p) => (p.synapseKind === SYNAPSE_PULSE ? p.pulseSteps : 0)),
  );
  const rule: StepRule = net.model === 'rate' ? 'rate' : net.spikeRule;
  return {
    rule,
    populations: pops,
    synapses: { delta: has('delta'), pulse: has('pulse'), exponential: has('exponential') },
    noise: pops.some((p) => p.noisy),
    selfInput: pops.some((p) => !p.recurrence),
    selfWeights: pops.some((p) => p.fastReset || !p.recurrence),
    pulseDepth: Math.min(maxPulse, net.S),
    priorityClasses: priorities.map((_, rank) => pops.flatMap((p, pi) => (p.classRank === rank ? [pi] : []))),
    firstSpikeStep: net.spikeRule === 'all' ? 2 : 1,
  };
}

/**
 * Whether rows start … end − 1 of a row-major matrix with `width` columns are all the same
 * (after `round`): a population whose neurons share their encoders.
 */
export function uniformRows(
  a: ArrayLike<number>,
  width: number,
  start: number,
  end: number,
  round: (v: number) => number = (v) => v,
): boolean {
  for (let i = start + 1; i < end; i++) {
    for (let l = 0; l < width; l++) {
      if (!Object.is(round(a[i * width + l]), round(a[start * width + l]))) return false;
    }
  }
  return true;
}

/**
 * MODEL.md §3 phase 1: the command input c_j[t] = x_j[t−1] + (x_j[t] − x_j[t−1])/(λ·dt) of a
 * population whose λ·dt is `dtl` (already rounded), with every operation rounded by `fr`
 * (identity in float64, Math.fround in f32). The rate model reads x[t−1] itself (MODEL.md §8).
 */
export function commandInput(
  net: CompiledNetwork,
  t: number,
  j: number,
  dtl: number,
  fr: (v: number) => number,
): number {
  const xPrev = fr(net.x[(t - 1) * net.J + j]);
  if (net.model === 'rate') return xPrev;
  return fr(fr(fr(fr(net.x[t * net.J + j]) - xPrev) / dtl) + xPrev);
}

/**
 * y[0] = D·r0, channels then readouts, summed in neuron order with every operation rounded by
 * `fr`: the spiking model multiplies the rounded decoders by r0, the rate model the decoders by
 * rounded rates (its first projection of r[0]). Null without r0 (y[0] = 0).
 */
export function initialReadout(net: CompiledNetwork, fr: (v: number) => number): Float64Array | null {
  const r0 = net.r0;
  if (!r0) return null;
  const rate = net.model === 'rate';
  const sources = [
    ...net.channels.map((c) => ({ start: c.start, size: c.size, w: c.decoder })),
    ...net.readouts.map((r) => ({ start: r.start, size: r.size, w: r.weights })),
  ];
  return Float64Array.from(sources, (src) => {
    let s = 0;
    for (let i = 0; i < src.size; i++) {
      const r = r0[src.start + i];
      s = fr(s + (rate ? fr(src.w[i] * fr(r)) : fr(fr(src.w[i]) * r)));
    }
    return s;
  });
}
