// The benchmark grid's networks: rank-K E/I networks of any size, built as typed arrays (no large
// JSON), browser-safe (no Node imports) so the in-page benchmark builds the same network.
//
// Rank K = the number of latent channels, i.e. the rank of W = E·D (MODEL.md §2):
//   K = 1        fig2's inhibitory population (10 tangent lines to −x² − 0.5, one channel y sourced
//                by I): a single excitatory channel has nothing to hold it, so rank 1 is inhibitory;
//   K = 2P ≥ 2   P modules, each a copy of fig5's 3 E + 3 I boundary network with its own channels
//                yE_j (sourced by E) and yI_j (sourced by I); K/2 channels per population. Every
//                neuron also reads every other module's channels with a small weight of the right
//                sign (in total `MIXING` of its own module's, spread over the P − 1 others), so W has
//                no zero block; decoders stay ≥ 0 and encoders of E channels ≥ 0, of I channels ≤ 0
//                (Dale's law, checked by the run-file parser on the base network).
// The base network (one neuron per tangent plane, 10 or 6P neurons) is a run file that goes
// through parseRunFile (every rule of the format is checked); every neuron is then repeated m times
// by the scaling study's redundantSpec (src/experiments/scale/network.ts: copies adjacent, decoders
// divided by m, MODEL.md §9, stratified threshold jitter of one spike jump), module j's copies at
// phase (j + ½)/P: copy c of module j's neuron i gets T_i + (|E_self·D_i|/m)·((c + (j + ½)/P)/m − ½),
// so neither copies nor modules fire in lockstep.
// Synapses and spike costs per kind (what each rule needs: one-per-step and sequential delta
// synapses, `all` pulse or exponential):
//   delta        fig5's (μ = 0);
//   pulse        fig12a's (E 2.5 ms, μ_E 0.25; I 1 ms, μ_I 0.05), the scaling study's recipe;
//   exponential  the CPU bench's (rate 200/s, μ = 0.01).
// Input: one dimension ramped across the target (fig5: 0 → 10, fig2: −0.9 → 0.9) at a fixed speed,
// the whole range in RAMP_SECONDS of simulated time, so a short benchmark run sees the network near
// its starting point, firing at its usual rates, whatever the number of steps.

import { eiRun, inhibitoryPopulationRun } from '../../experiments/networks.ts';
import { linspace } from '../../experiments/inputs.ts';
import { FIG5_DECODERS, FIG5_NEURONS, FIG5_TARGET } from '../../experiments/presets/fig5.ts';
import { quadraticTangents } from '../../experiments/presets/fig2.ts';
import { checkScaleSpec, redundantSpec } from '../../experiments/scale/network.ts';
import { parseRunFile } from '../../model/parse.ts';
import type { RunFileJson, SynapseJson } from '../../model/runFile.ts';
import type { NetworkSpec } from '../../model/spec.ts';

export type GridRule = 'all' | 'one-per-step' | 'sequential';
export type GridSynapse = 'delta' | 'pulse' | 'exponential';
export const GRID_RULES: readonly GridRule[] = ['all', 'one-per-step', 'sequential'];
export const GRID_SYNAPSES: readonly GridSynapse[] = ['delta', 'pulse', 'exponential'];

/** The spike rule/synapse pairs the format allows (MODEL.md §5). */
export function validPair(rule: GridRule, synapse: GridSynapse): boolean {
  return (rule === 'all') === (synapse !== 'delta');
}

/** Simulated seconds for the input to sweep its range. */
export const RAMP_SECONDS = 1;

function ramp(from: number, to: number, steps: number, dt: number): number[] {
  return Array.from({ length: steps }, (_, k) => from + (to - from) * Math.min(1, (k * dt) / RAMP_SECONDS));
}

/** Share of a neuron's own-module encoder that it reads from the other modules in total. */
export const MIXING = 0.1;

export interface GridNetworkOptions {
  /** Requested size; the network has (base size)·m neurons, m = max(1, round(neurons / base size)). */
  neurons: number;
  rank: number;
  rule: GridRule;
  synapse: GridSynapse;
  /** Samples S (S − 1 steps). */
  steps: number;
  dt: number;
  sigmaV: number;
  seed?: number;
}

export interface GridNetwork {
  spec: NetworkSpec;
  /** Copies per base neuron. */
  m: number;
  /** Modules (fig5 copies; 1 for rank 1). */
  modules: number;
  baseSize: number;
}

/** Neurons of the base network (m = 1) of rank K. */
export function baseSizeOf(rank: number): number {
  checkRank(rank);
  return rank === 1 ? 10 : 3 * rank;
}

/** The size the grid really simulates for a requested size. */
export function actualSize(rank: number, neurons: number): number {
  const base = baseSizeOf(rank);
  return base * Math.max(1, Math.round(neurons / base));
}

function checkRank(rank: number): void {
  if (!(Number.isInteger(rank) && (rank === 1 || (rank >= 2 && rank % 2 === 0)))) {
    throw new Error(`rank ${rank}: the grid builds rank 1 or an even rank ≥ 2 (K/2 E and K/2 I channels)`);
  }
}

const SYNAPSES: Record<
  GridSynapse,
  Record<'E' | 'I', { mu: number; synapse: SynapseJson; selfReset?: 'fast' | 'synaptic' }>
> = {
  delta: { E: { mu: 0, synapse: { kind: 'delta' } }, I: { mu: 0, synapse: { kind: 'delta' } } },
  pulse: {
    E: { mu: 0.25, synapse: { kind: 'pulse', widthMs: 2.5 }, selfReset: 'synaptic' },
    I: { mu: 0.05, synapse: { kind: 'pulse', widthMs: 1 }, selfReset: 'fast' },
  },
  exponential: {
    E: { mu: 0.01, synapse: { kind: 'exponential', rate: 200 } },
    I: { mu: 0.01, synapse: { kind: 'exponential', rate: 200 } },
  },
};

/** The base network (m = 1) as a run file: small (10 or 6P neurons), validated like any run file. */
export function gridBaseRun(o: GridNetworkOptions): RunFileJson {
  checkRank(o.rank);
  if (!validPair(o.rule, o.synapse)) {
    throw new Error(`spike rule ${o.rule} cannot run ${o.synapse} synapses (MODEL.md §5)`);
  }
  const common = { dt: o.dt, steps: o.steps, seed: o.seed ?? 0, spikeRule: o.rule };
  const record = { spikes: false, latents: true, every: 10 };
  const meta = { bench: 'grid', rank: o.rank, rule: o.rule, synapse: o.synapse };
  if (o.rank === 1) {
    const { F, T } = quadraticTangents(linspace(-0.9, 0.9, 10));
    const D = linspace(-0.15, 0.05, 10).map((v) => 2 * (-0.25 + v));
    const s = SYNAPSES[o.synapse].I;
    const run = inhibitoryPopulationRun(
      { ...common, input: ramp(-0.9, 0.9, o.steps, o.dt), meta },
      { size: 10, D, F, T, mu: s.mu, sigmaV: o.sigmaV, synapse: s.synapse },
    );
    return { ...run, record };
  }
  const P = o.rank / 2;
  const eps = P > 1 ? MIXING / (P - 1) : 0;
  const module = (i: number) => Math.floor(i / 3);
  const tile = <T>(xs: T[]) => Array.from({ length: P }, () => xs).flat();
  // Per neuron and channel: own module's encoder, or eps of it from another module.
  const encoder = (value: number, j: number) =>
    Array.from({ length: 3 * P }, (_, i) => (module(i) === j ? value : eps * value));
  const decoder = (D: number[], j: number) =>
    Array.from({ length: 3 * P }, (_, i) => (module(i) === j ? D[i % 3] : 0));
  const base = eiRun(
    { ...common, input: ramp(0, 10, o.steps, o.dt), meta },
    {
      size: 3 * P,
      D: FIG5_DECODERS.E,
      Eself: 0,
      Ecross: 0,
      F: tile(FIG5_NEURONS.E.F),
      T: tile(FIG5_NEURONS.E.T),
      sigmaV: o.sigmaV,
      ...SYNAPSES[o.synapse].E,
    },
    {
      size: 3 * P,
      D: FIG5_DECODERS.I,
      Eself: 0,
      Ecross: 0,
      F: tile(FIG5_NEURONS.I.F),
      T: tile(FIG5_NEURONS.I.T),
      sigmaV: o.sigmaV,
      ...SYNAPSES[o.synapse].I,
    },
  );
  const channels = Array.from({ length: P }, (_, j) => j);
  const { E, I } = FIG5_NEURONS;
  return {
    ...base,
    latents: channels.flatMap((j) => [
      { name: `yE${j}`, source: 'E', decoder: decoder(FIG5_DECODERS.E, j) },
      { name: `yI${j}`, source: 'I', decoder: decoder(FIG5_DECODERS.I, j) },
    ]),
    encoders: {
      E: Object.fromEntries(
        channels.flatMap((j) => [
          [`yE${j}`, encoder(E.Eself, j)],
          [`yI${j}`, encoder(-E.Ecross, j)],
        ]),
      ),
      I: Object.fromEntries(
        channels.flatMap((j) => [
          [`yE${j}`, encoder(I.Ecross, j)],
          [`yI${j}`, encoder(-I.Eself, j)],
        ]),
      ),
    },
    initialLatent: Object.fromEntries(
      channels.flatMap((j) => [
        [`yE${j}`, FIG5_TARGET.yE[0]],
        [`yI${j}`, FIG5_TARGET.yI[0]],
      ]),
    ),
    record,
  };
}

/** The grid network of `o.neurons` (rounded to a multiple of the base size) as a NetworkSpec. */
export function gridNetwork(o: GridNetworkOptions): GridNetwork {
  const base = parseRunFile(gridBaseRun(o));
  const baseSize = baseSizeOf(o.rank);
  const m = Math.max(1, Math.round(o.neurons / baseSize));
  const modules = o.rank === 1 ? 1 : o.rank / 2;
  // Module j's copies take the j-th of `modules` equal slices of each spike jump.
  const spec = redundantSpec(base, m, 1, (_, i) =>
    modules === 1 ? 0.5 : (Math.floor(i / 3) + 0.5) / modules,
  );
  checkScaleSpec(spec);
  return { spec, m, modules, baseSize };
}
