// A validated, fully-populated network description: what `parseRunFile` returns. Scalars are
// broadcast, defaults filled in, keyframes still symbolic (sampled by `compileNetwork`).

export type ModelKind = 'spiking' | 'rate';
export type SpikeRule = 'one-per-step' | 'all' | 'sequential';
export type Sign = 'excitatory' | 'inhibitory';
export type SelfReset = 'fast' | 'synaptic';

export type Synapse =
  { kind: 'delta' } | { kind: 'pulse'; widthMs: number } | { kind: 'exponential'; rate: number };

export interface PopulationSpec {
  name: string;
  size: number;
  sign: Sign;
  leak: number;
  /** T_i: unit-threshold bias b_i = 1 − T_i for spiking models; paper-unit threshold for rate models. */
  threshold: Float64Array;
  /** F, row-major [size][dims]. */
  inputWeights: Float64Array;
  mu: number;
  sigmaV: number;
  synapse: Synapse;
  refractoryMs: number;
  selfReset: SelfReset;
  clampAtThreshold: boolean;
  recurrence: boolean;
  priority: number;
  /** Piecewise-constant external current, same for every neuron of the population. */
  current: { t: Float64Array; value: Float64Array } | null;
  initial: { V: Float64Array } | { rates: Float64Array } | null;
}

export interface LatentSpec {
  name: string;
  /** Index into `populations`. */
  source: number;
  /** Non-negative, one per source neuron. */
  decoder: Float64Array;
}

export interface ReadoutSpec {
  name: string;
  source: number;
  weights: Float64Array;
}

export type InputSpec =
  | { dims: number; kind: 'samples'; samples: Float64Array[] }
  | { dims: number; kind: 'keyframes'; t: Float64Array; x: Float64Array[] };

export interface NetworkSpec {
  model: ModelKind;
  dt: number;
  steps: number;
  seed: number;
  trials: number;
  spikeRule: SpikeRule;
  beta: number;
  allowDaleViolation: boolean;
  input: InputSpec;
  populations: PopulationSpec[];
  latents: LatentSpec[];
  /** encoders[p][l]: signed encoder of every neuron of population p for channel l (zeros if absent). */
  encoders: Float64Array[][];
  initialLatent: Float64Array | null;
  readouts: ReadoutSpec[];
  readoutLeak: number;
  record: { spikes: boolean; latents: boolean; every: number };
  meta: Record<string, unknown>;
}
