// NetworkSpec → CompiledNetwork: flat per-neuron arrays (populations concatenated in file order)
// and every derived constant computed once, in float64, on the host (GeNN's rule). Both engines
// read only this structure, so they cannot disagree about what a parameter means.

import type { NetworkSpec, PopulationSpec, SpikeRule, ModelKind, Sign } from './spec.ts';

export const SYNAPSE_DELTA = 0;
export const SYNAPSE_PULSE = 1;
export const SYNAPSE_EXPONENTIAL = 2;

export interface CompiledPopulation {
  name: string;
  sign: Sign;
  /** First global neuron index; neurons start … start+size−1. */
  start: number;
  size: number;
  leak: number;
  /** λ·dt. */
  dtLeak: number;
  /** √(2·λ·dt)·σ: the s.d. of the voltage noise added per step. */
  noiseScale: number;
  mu: number;
  synapseKind: number;
  /** pwsteps = trunc(widthMs / (dt·1000)) for pulse synapses, else 0. */
  pulseSteps: number;
  /** λ_s for exponential synapses, else 0. */
  synapseRate: number;
  /** dt·λ_s. */
  synapseDecayDt: number;
  /** trsteps = trunc(tref / (dt·1000)). */
  refractorySteps: number;
  clampAtThreshold: boolean;
  recurrence: boolean;
  selfResetFast: boolean;
  priority: number;
  /** I_ext at every sample (length S), or null when the population has no current. */
  current: Float64Array | null;
}

export interface CompiledChannel {
  name: string;
  source: number;
  /** Global index of the first source neuron and the source population's size. */
  start: number;
  size: number;
  decoder: Float64Array;
}

export interface CompiledReadout {
  name: string;
  source: number;
  start: number;
  size: number;
  weights: Float64Array;
}

export interface CompiledNetwork {
  spec: NetworkSpec;
  model: ModelKind;
  spikeRule: SpikeRule;
  /** Neurons, input dimensions, latent channels, samples. */
  N: number;
  J: number;
  L: number;
  S: number;
  dt: number;
  trials: number;
  seed: number;
  beta: number;
  populations: CompiledPopulation[];
  /** Input samples, row-major [S][J]. */
  x: Float64Array;
  /** Spiking: b_i = 1 − T_i. Rate: T_i (paper units). */
  bias: Float64Array;
  /** F, row-major [N][J]. */
  inputWeights: Float64Array;
  /** Signed encoders, row-major [N][L]. */
  encoders: Float64Array;
  channels: CompiledChannel[];
  /** W_ii = Σ_l e_{i,l}·d_{l,i}: the neuron's own reset through its own synapse. */
  selfWeight: Float64Array;
  /** Voltage at t = 0 (unit-threshold form for spiking models, paper units for rate models). */
  V0: Float64Array;
  /** Initial filtered rates r0 (spiking) or initial rates r[0] (rate model); null means zeros. */
  r0: Float64Array | null;
  readouts: CompiledReadout[];
  /** exp(−λ_r·dt): one step of the readout filter. */
  readoutDecay: number;
  record: { spikes: boolean; latents: boolean; every: number };
}

/** Value at sample k of a piecewise-linear keyframe track, held constant outside the keys. */
function keyframeValue(tk: Float64Array, xk: Float64Array, time: number): number {
  const n = tk.length;
  if (time <= tk[0]) return xk[0];
  if (time >= tk[n - 1]) return xk[n - 1];
  let j = 1;
  while (tk[j] < time) j++;
  const a = (time - tk[j - 1]) / (tk[j] - tk[j - 1]);
  return xk[j - 1] + a * (xk[j] - xk[j - 1]);
}

export function sampleInput(spec: NetworkSpec): Float64Array {
  const { steps: S, dt, input } = spec;
  const J = input.dims;
  const x = new Float64Array(S * J);
  for (let j = 0; j < J; j++) {
    for (let t = 0; t < S; t++) {
      x[t * J + j] =
        input.kind === 'samples' ? input.samples[j][t] : keyframeValue(input.t, input.x[j], t * dt);
    }
  }
  return x;
}

/** Sample k takes the value of the last key with t_key ≤ k·dt (+1e-9·dt); 0 before the first key. */
export function sampleCurrent(pop: PopulationSpec, S: number, dt: number): Float64Array | null {
  if (!pop.current) return null;
  const { t, value } = pop.current;
  const out = new Float64Array(S);
  let key = -1;
  for (let k = 0; k < S; k++) {
    const time = k * dt + 1e-9 * dt;
    while (key + 1 < t.length && t[key + 1] <= time) key++;
    out[k] = key < 0 ? 0 : value[key];
  }
  return out;
}

/** pwsteps: the steps a pulse of `widthMs` lasts at time step dt (MODEL.md §6). */
export function pulseStepsOf(widthMs: number, dt: number): number {
  return Math.trunc(widthMs / (dt * 1000));
}

function compilePopulation(p: PopulationSpec, start: number, spec: NetworkSpec): CompiledPopulation {
  const dt = spec.dt;
  const syn = p.synapse;
  return {
    name: p.name,
    sign: p.sign,
    start,
    size: p.size,
    leak: p.leak,
    dtLeak: dt * p.leak,
    noiseScale: Math.sqrt(2 * dt * p.leak) * p.sigmaV,
    mu: p.mu,
    synapseKind:
      syn.kind === 'delta' ? SYNAPSE_DELTA : syn.kind === 'pulse' ? SYNAPSE_PULSE : SYNAPSE_EXPONENTIAL,
    pulseSteps: syn.kind === 'pulse' ? pulseStepsOf(syn.widthMs, dt) : 0,
    synapseRate: syn.kind === 'exponential' ? syn.rate : 0,
    synapseDecayDt: syn.kind === 'exponential' ? dt * syn.rate : 0,
    refractorySteps: Math.trunc(p.refractoryMs / (dt * 1000)),
    clampAtThreshold: p.clampAtThreshold,
    recurrence: p.recurrence,
    selfResetFast: p.selfReset === 'fast',
    priority: p.priority,
    current: sampleCurrent(p, spec.steps, dt),
  };
}

export function compileNetwork(spec: NetworkSpec): CompiledNetwork {
  const J = spec.input.dims;
  const L = spec.latents.length;
  const S = spec.steps;
  const populations: CompiledPopulation[] = [];
  let N = 0;
  for (const p of spec.populations) {
    populations.push(compilePopulation(p, N, spec));
    N += p.size;
  }

  const bias = new Float64Array(N);
  const inputWeights = new Float64Array(N * J);
  const encoders = new Float64Array(N * L);
  spec.populations.forEach((p, pi) => {
    const start = populations[pi].start;
    for (let i = 0; i < p.size; i++) {
      bias[start + i] = spec.model === 'spiking' ? 1 - p.threshold[i] : p.threshold[i];
      for (let j = 0; j < J; j++) inputWeights[(start + i) * J + j] = p.inputWeights[i * J + j];
      for (let l = 0; l < L; l++) encoders[(start + i) * L + l] = spec.encoders[pi][l][i];
    }
  });

  const channels: CompiledChannel[] = spec.latents.map((c) => ({
    name: c.name,
    source: c.source,
    start: populations[c.source].start,
    size: populations[c.source].size,
    decoder: c.decoder,
  }));

  const selfWeight = new Float64Array(N);
  channels.forEach((c, l) => {
    for (let k = 0; k < c.size; k++)
      selfWeight[c.start + k] += encoders[(c.start + k) * L + l] * c.decoder[k];
  });

  const x = sampleInput(spec);
  const { V0, r0 } =
    spec.model === 'spiking'
      ? initialSpikingState(spec, populations, channels, {
          x,
          bias,
          inputWeights,
          encoders,
          selfWeight,
          N,
          J,
          L,
        })
      : initialRateState(spec, populations, N);

  return {
    spec,
    model: spec.model,
    spikeRule: spec.spikeRule,
    N,
    J,
    L,
    S,
    dt: spec.dt,
    trials: spec.trials,
    seed: spec.seed,
    beta: spec.beta,
    populations,
    x,
    bias,
    inputWeights,
    encoders,
    channels,
    selfWeight,
    V0,
    r0,
    readouts: spec.readouts.map((r) => ({
      name: r.name,
      source: r.source,
      start: populations[r.source].start,
      size: populations[r.source].size,
      weights: r.weights,
    })),
    readoutDecay: Math.exp(-spec.readoutLeak * spec.dt),
    record: spec.record,
  };
}

interface Flat {
  x: Float64Array;
  bias: Float64Array;
  inputWeights: Float64Array;
  encoders: Float64Array;
  selfWeight: Float64Array;
  N: number;
  J: number;
  L: number;
}

/**
 * MODEL.md §7. A population's own `initial.V` wins; otherwise, when any population starts from
 * rates, V follows from r0 (zero rates where none are given); otherwise from `initialLatent`;
 * otherwise V = 0. A population with `recurrence: false` feels only its own diagonal from r0, as
 * the reference (which zeroes W before the initial condition).
 */
function initialSpikingState(
  spec: NetworkSpec,
  pops: CompiledPopulation[],
  channels: CompiledChannel[],
  f: Flat,
): { V0: Float64Array; r0: Float64Array | null } {
  const { N, J, L } = f;
  const V0 = new Float64Array(N);
  const anyRates = spec.populations.some((p) => p.initial && 'rates' in p.initial);
  let r0: Float64Array | null = null;
  if (anyRates) {
    r0 = new Float64Array(N);
    spec.populations.forEach((p, pi) => {
      if (p.initial && 'rates' in p.initial) r0!.set(p.initial.rates, pops[pi].start);
    });
  }
  let y0: Float64Array | null = null;
  if (r0) {
    y0 = new Float64Array(L);
    channels.forEach((c, l) => {
      let s = 0;
      for (let k = 0; k < c.size; k++) s += c.decoder[k] * r0![c.start + k];
      y0![l] = s;
    });
  } else if (spec.initialLatent) {
    y0 = spec.initialLatent;
  }

  spec.populations.forEach((p, pi) => {
    const pop = pops[pi];
    for (let n = 0; n < pop.size; n++) {
      const i = pop.start + n;
      if (p.initial && 'V' in p.initial) {
        V0[i] = p.initial.V[n];
        continue;
      }
      if (!y0) continue;
      let v = 0;
      for (let j = 0; j < J; j++) v += f.inputWeights[i * J + j] * f.x[j];
      if (pop.recurrence || !r0) {
        for (let l = 0; l < L; l++) v += f.encoders[i * L + l] * y0[l];
      } else {
        v += f.selfWeight[i] * r0[i];
      }
      if (r0) v -= pop.mu * r0[i];
      V0[i] = v + f.bias[i];
    }
  });
  return { V0, r0 };
}

/** MODEL.md §8: r[0] = r0 (else 0); V[0] = T + logit(r0)/β with r0, else the given V, else 0. */
function initialRateState(
  spec: NetworkSpec,
  pops: CompiledPopulation[],
  N: number,
): { V0: Float64Array; r0: Float64Array | null } {
  const V0 = new Float64Array(N);
  let r0: Float64Array | null = null;
  spec.populations.forEach((p, pi) => {
    const start = pops[pi].start;
    if (!p.initial) return;
    if ('V' in p.initial) {
      V0.set(p.initial.V, start);
      return;
    }
    r0 ??= new Float64Array(N);
    for (let n = 0; n < p.size; n++) {
      const r = p.initial.rates[n];
      r0[start + n] = r;
      V0[start + n] = p.threshold[n] + Math.log(r / (1 - r)) / spec.beta;
    }
  });
  return { V0, r0 };
}
