// The `all` rule's step as independent slices: every neuron's update, spike test, trace and share of
// next step's projections depend only on itself and on last step's u (MODEL.md §3–§5), so a
// population can be cut into fixed slices that any thread integrates. Each slice sums its share of
// the projections from zero into its own row and lists its spikes in its own part of one array; the
// owner of the trial then adds the rows in slice order. The cut depends only on the network, never on
// the number of threads, so a run gives the same bits on one core or many — and a population of at
// most one slice (every paper network) sums exactly as a plain loop over its neurons.

import { noiseFill, f32NoiseFill } from './noiseFill.ts';
import {
  populationKernel,
  type KernelScalars,
  type KernelShape,
  type KernelState,
  type PopulationKernel,
  type Real,
} from './populationKernel.ts';

/** Neurons per slice: big enough that a kernel call's setup vanishes, small enough to balance. */
export const SLICE_NEURONS = 16384;

export interface Slice {
  pop: number;
  start: number;
  end: number;
}

export function sliceNetwork(populations: { start: number; size: number }[]): Slice[] {
  const slices: Slice[] = [];
  populations.forEach(({ start, size }, pop) => {
    for (let s = start; s < start + size; s += SLICE_NEURONS) {
      slices.push({ pop, start: s, end: Math.min(start + size, s + SLICE_NEURONS) });
    }
  });
  return slices;
}

/** The network state and parameters a kernel reads and writes (typed arrays, shareable). */
export type KernelArrays = Omit<
  KernelState,
  'uNext' | 'readoutNext' | 'c' | 'noise' | 'seed' | 'trial' | 'fired' | 'nFired'
>;

/**
 * Everything one thread needs to integrate its slices of every step: plain data and typed arrays,
 * which a worker receives by postMessage (on SharedArrayBuffers, so no copy).
 */
export interface SliceJob {
  f32: boolean;
  seed: number;
  trial: number;
  shapes: KernelShape[];
  /** Per-population scalars; start, end and current are set per slice and step. */
  scalars: KernelScalars[];
  arrays: KernelArrays;
  slices: Slice[];
  /** Slice q lists its spikes (global indices) from spikes[slices[q].start] on; counts[q] of them. */
  spikes: Int32Array;
  counts: Int32Array;
  /** Slice q's projection sums: uPart[q·L + l] for channel l, rPart[q·R + r] for readout r. */
  uPart: Real;
  rPart: Real;
  /** Written by the trial's owner before each step: [t, current per population, c per population × J]. */
  stepData: Float64Array;
}

/** Where each value of SliceJob.stepData lives, for P populations of J input dimensions. */
export function stepDataLayout(P: number, J: number) {
  return {
    length: 1 + P * (1 + J),
    /** External current of population p. */
    current: (p: number) => 1 + p,
    /** First of population p's J command inputs. */
    command: (p: number) => 1 + P + p * J,
  };
}

export class SliceRunner {
  private readonly kernels: PopulationKernel[];
  private readonly state: KernelState;
  private readonly scalars: KernelScalars[];
  private readonly cViews: Float64Array[];
  private readonly currentAt: number[];
  private readonly uViews: Real[];
  private readonly rViews: Real[];

  constructor(private readonly job: SliceJob) {
    const { shapes, arrays, stepData, uPart, rPart, slices } = job;
    const layout = stepDataLayout(shapes.length, shapes.length > 0 ? shapes[0].J : 0);
    const L = uPart.length / slices.length;
    const R = rPart.length / slices.length;
    this.kernels = shapes.map(populationKernel);
    this.scalars = job.scalars.map((k) => ({ ...k }));
    this.cViews = shapes.map((_, p) => stepData.subarray(layout.command(p), layout.command(p + 1)));
    this.currentAt = shapes.map((_, p) => layout.current(p));
    this.uViews = slices.map((_, q) => uPart.subarray(q * L, (q + 1) * L));
    this.rViews = slices.map((_, q) => rPart.subarray(q * R, (q + 1) * R));
    this.state = {
      ...arrays,
      uNext: this.uViews[0],
      readoutNext: this.rViews[0],
      c: this.cViews[0] ?? new Float64Array(0),
      noise: job.f32 ? f32NoiseFill() : noiseFill(),
      seed: job.seed,
      trial: job.trial,
      fired: job.spikes,
      nFired: 0,
    };
  }

  /**
   * Integrates slices of the step in stepData: every slice in order, or, with `claim`, the slices it
   * hands out (each call returns the next unclaimed slice number; from slices.length on, none are
   * left). Threads sharing a step claim from one counter, so whichever is free takes the next slice.
   */
  runStep(claim?: () => number): void {
    const { job, state } = this;
    const t = job.stepData[0];
    let next = 0;
    const take = claim ?? (() => next++);
    for (let q = take(); q < job.slices.length; q = take()) {
      const slice = job.slices[q];
      const k = this.scalars[slice.pop];
      k.start = slice.start;
      k.end = slice.end;
      k.current = job.stepData[this.currentAt[slice.pop]];
      state.c = this.cViews[slice.pop];
      state.uNext = this.uViews[q].fill(0);
      state.readoutNext = this.rViews[q].fill(0);
      state.nFired = slice.start;
      this.kernels[slice.pop](state, k, t);
      job.counts[q] = state.nFired - slice.start;
    }
  }
}
