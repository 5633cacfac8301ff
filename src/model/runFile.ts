// The run file as it appears on disk (`latentspike/run@1`, RUN_FORMAT.md). Every field a user may
// omit is optional here; `parseRunFile` turns this into a fully-populated `NetworkSpec`.

export const RUN_FORMAT = 'latentspike/run@1';
export const RESULT_FORMAT = 'latentspike/result@1';

export type ScalarOrArray = number | number[];

export interface SynapseJson {
  kind: 'delta' | 'pulse' | 'exponential';
  widthMs?: number;
  rate?: number;
}

export interface PopulationJson {
  name: string;
  size: number;
  sign: 'excitatory' | 'inhibitory';
  leak?: number;
  threshold: ScalarOrArray;
  /** One row of J weights per neuron, or one number for every neuron and dimension. */
  inputWeights?: number | number[] | number[][];
  mu?: number;
  sigmaV?: number;
  synapse?: SynapseJson;
  refractoryMs?: number;
  selfReset?: 'fast' | 'synaptic';
  clampAtThreshold?: boolean;
  recurrence?: boolean;
  priority?: number;
  current?: { t: number[]; value: number[] };
  initial?: { V?: ScalarOrArray; rates?: ScalarOrArray };
}

export interface RunFileJson {
  /** Where editors find the JSON Schema (schemas/run.schema.json); ignored. */
  $schema?: string;
  format: string;
  model?: 'spiking' | 'rate';
  dt: number;
  steps: number;
  seed?: number;
  trials?: number;
  spikeRule?: 'one-per-step' | 'all' | 'sequential';
  beta?: number;
  allowDaleViolation?: boolean;
  input: {
    dims?: number;
    samples?: number[][];
    keyframes?: { t: number[]; x: number[][] };
  };
  populations: PopulationJson[];
  initialLatent?: Record<string, number>;
  latents: { name: string; source: string; decoder: ScalarOrArray }[];
  encoders?: Record<string, Record<string, ScalarOrArray>>;
  readouts?: { name: string; source: string; weights: ScalarOrArray }[];
  readout?: { leak?: number };
  record?: { spikes?: boolean; latents?: boolean; every?: number };
  /** Free-form provenance (preset name, parameters); ignored by the engines. */
  meta?: Record<string, unknown>;
}
