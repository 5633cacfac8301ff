// Paper-unit network descriptions → run files. The paper writes inhibitory decoders and latents
// with a negative sign; run files keep decoders ≥ 0 and put the sign in the encoders (MODEL.md §2):
// channel yE (source E, decoder D_E), channel yI (source I, decoder |D_I|); E neurons encode
// (+E_EE, −E_EI), I neurons (+E_IE, −E_II).

import type { PopulationJson, RunFileJson, SynapseJson } from '../model/runFile.ts';
import { RUN_FORMAT } from '../model/runFile.ts';
import type { EINetwork } from '../construct/eiBoundary.ts';

type Vec = number | number[];

export interface CommonRun {
  dt: number;
  steps: number;
  input: number[];
  seed?: number;
  trials?: number;
  spikeRule?: RunFileJson['spikeRule'];
  meta?: Record<string, unknown>;
}

export interface InhibitoryPopulation {
  size: number;
  /** Paper decoder, ≤ 0. */
  D: Vec;
  F: Vec;
  T: Vec;
  mu?: number;
  sigmaV?: number;
  synapse?: SynapseJson;
  clampAtThreshold?: boolean;
  recurrence?: boolean;
  initial?: PopulationJson['initial'];
}

const abs = (v: Vec): Vec => (typeof v === 'number' ? Math.abs(v) : v.map(Math.abs));
const neg = (v: Vec): Vec => (typeof v === 'number' ? -v : v.map((a) => -a));

/** The fields every preset run file shares: timing, seed, trials, rule, a 1-D input. */
function runHeader(common: CommonRun) {
  return {
    format: RUN_FORMAT,
    dt: common.dt,
    steps: common.steps,
    seed: common.seed ?? 0,
    trials: common.trials ?? 1,
    spikeRule: common.spikeRule ?? 'one-per-step',
    input: { dims: 1, samples: [common.input] },
  };
}

export function inhibitoryPopulationRun(common: CommonRun, p: InhibitoryPopulation): RunFileJson {
  return {
    ...runHeader(common),
    populations: [
      {
        name: 'I',
        size: p.size,
        sign: 'inhibitory',
        threshold: p.T,
        inputWeights: p.F,
        mu: p.mu ?? 0,
        sigmaV: p.sigmaV ?? 0,
        synapse: p.synapse ?? { kind: 'delta' },
        selfReset: 'fast',
        clampAtThreshold: p.clampAtThreshold ?? false,
        recurrence: p.recurrence ?? true,
        ...(p.initial ? { initial: p.initial } : {}),
      },
    ],
    latents: [{ name: 'y', source: 'I', decoder: abs(p.D) }],
    encoders: { I: { y: -1 } },
    ...(common.meta ? { meta: common.meta } : {}),
  };
}

export interface EIPopulation {
  size: number;
  /** Decoder magnitude (≥ 0). */
  D: Vec;
  /** Encoder on the own channel (E_EE for E, E_II for I), magnitude. */
  Eself: Vec;
  /** Encoder on the other channel (E_EI for E, E_IE for I), magnitude. */
  Ecross: Vec;
  F: Vec;
  T: Vec;
  mu?: number;
  sigmaV?: number;
  synapse?: SynapseJson;
  selfReset?: 'fast' | 'synaptic';
  current?: PopulationJson['current'];
  initial?: PopulationJson['initial'];
}

function eiPopulation(name: 'E' | 'I', p: EIPopulation): PopulationJson {
  const syn = p.synapse ?? { kind: 'delta' };
  // The reference: I always fast; E synaptic with delta/pulse synapses, fast with exponential ones.
  const selfReset = p.selfReset ?? (name === 'I' || syn.kind === 'exponential' ? 'fast' : 'synaptic');
  return {
    name,
    size: p.size,
    sign: name === 'E' ? 'excitatory' : 'inhibitory',
    threshold: p.T,
    inputWeights: p.F,
    mu: p.mu ?? 0,
    sigmaV: p.sigmaV ?? 0,
    synapse: syn,
    selfReset,
    ...(p.current ? { current: p.current } : {}),
    ...(p.initial ? { initial: p.initial } : {}),
  };
}

export function eiRun(common: CommonRun, E: EIPopulation, I: EIPopulation): RunFileJson {
  return {
    ...runHeader(common),
    populations: [eiPopulation('E', E), eiPopulation('I', I)],
    latents: [
      { name: 'yE', source: 'E', decoder: E.D },
      { name: 'yI', source: 'I', decoder: I.D },
    ],
    encoders: {
      E: { yE: E.Eself, yI: neg(E.Ecross) },
      I: { yE: I.Ecross, yI: neg(I.Eself) },
    },
    ...(common.meta ? { meta: common.meta } : {}),
  };
}

const expand = (v: Vec, n: number): number[] => (typeof v === 'number' ? new Array<number>(n).fill(v) : v);

/** Paper-unit boundary geometry of an E/I network (for intersections and plots). */
export function eiGeometry(E: EIPopulation, I: EIPopulation): EINetwork {
  return {
    E_EE: expand(E.Eself, E.size),
    E_EI: expand(E.Ecross, E.size),
    F_E: expand(E.F, E.size),
    T_E: expand(E.T, E.size),
    E_IE: expand(I.Ecross, I.size),
    E_II: expand(I.Eself, I.size),
    F_I: expand(I.F, I.size),
    T_I: expand(I.T, I.size),
  };
}
