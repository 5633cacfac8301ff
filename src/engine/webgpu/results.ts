// GPU words → a TrialResult's parts, shared by the per-step and the batched paths: spike events
// split by population and spike counts (latent and readout series: latentRecord.ts); and the loop
// over a run's batches of trials.

import type { SpikeTrain, TrialResult } from '../engine.ts';
import type { RunnerGate } from '../checkpoint.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import type { GpuNetwork } from './gpuNetwork.ts';
import { readRanges } from './readback.ts';
import type { PartedBuffer } from './resources.ts';

/**
 * Spike trains per population from chunks of (step, global neuron) event pairs, in chunk order.
 * With `sort`, each chunk's events are ordered by (step, neuron) first (the `all` rule's atomic
 * slots); otherwise they are kept as written (the delta rules' spike order, as the CPU emits it).
 */
export function eventTrains(
  net: CompiledNetwork,
  chunks: readonly { events: Uint32Array; count: number }[],
  sort: boolean,
): SpikeTrain[] {
  const total = chunks.reduce((n, c) => n + c.count, 0);
  const popOf = new Int32Array(net.N);
  net.populations.forEach((p, pi) => popOf.fill(pi, p.start, p.start + p.size));
  const sizes = new Int32Array(net.populations.length);
  const step = net.populations.map(() => new Int32Array(total));
  const neuron = net.populations.map(() => new Int32Array(total));
  for (const { events, count } of chunks) {
    const order = Array.from({ length: count }, (_, e) => e);
    if (sort) order.sort((a, b) => events[2 * a] - events[2 * b] || events[2 * a + 1] - events[2 * b + 1]);
    for (const e of order) {
      const i = events[2 * e + 1];
      const p = popOf[i];
      step[p][sizes[p]] = events[2 * e];
      neuron[p][sizes[p]++] = i - net.populations[p].start;
    }
  }
  return net.populations.map((_, p) => ({
    step: step[p].slice(0, sizes[p]),
    neuron: neuron[p].slice(0, sizes[p]),
  }));
}

/** Whole-run counts per population from the per-neuron counter words. */
export function spikeCounts(net: CompiledNetwork, counts: Uint32Array): Int32Array[] {
  return net.populations.map((p) => Int32Array.from(counts.subarray(p.start, p.start + p.size)));
}

/** The batch's first trial's spike counts so far (a paused run's partial result). */
export async function readCounts(
  device: GPUDevice,
  net: CompiledNetwork,
  gpuNet: GpuNetwork,
  state: PartedBuffer,
): Promise<Int32Array[]> {
  const counts = await readRanges(device, state.ranges(gpuNet.scalars.st_count * 4, net.N * 4));
  return spikeCounts(net, new Uint32Array(counts));
}

/**
 * The trials of `net` after those already in `finished`, `batchSize` at a time through `runBatch`
 * (its first trial, its number of trials), each batch's results appended to `finished` as soon as
 * they are read back, so that they survive a failure of a later batch (webgpuEngine.ts then runs
 * only the rest); progress and the gate's step counts turned from the batch's into the run's.
 */
export async function runBatches(
  net: CompiledNetwork,
  batchSize: number,
  finished: TrialResult[],
  progress: (done: number) => void,
  gate: RunnerGate | undefined,
  runBatch: (
    first: number,
    trials: number,
    progress: (done: number) => void,
    gate: RunnerGate | undefined,
  ) => Promise<TrialResult[]>,
): Promise<void> {
  for (let first = finished.length; first < net.trials; first += batchSize) {
    const trials = Math.min(batchSize, net.trials - first);
    const doneBefore = first * (net.S - 1);
    const batchGate: RunnerGate | undefined =
      gate && ((trial, step, done, partial) => gate(trial, step, doneBefore + done, partial));
    finished.push(...(await runBatch(first, trials, (done) => progress(doneBefore + done), batchGate)));
  }
}
