// GPU words → a TrialResult's parts, shared by the per-step and the batched paths (trialBatch.ts):
// spike events split by population and spike counts (latent and readout series: latentRecord.ts).

import type { SpikeTrain } from '../engine.ts';
import { SnapshotMismatch, stateArray, type SnapshotValue } from '../snapshot.ts';
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

/** One trial's event chunks as one array of (step, neuron) pairs, for a snapshot (joinedEvents reverses it). */
export function joinEvents(chunks: readonly { events: Uint32Array; count: number }[]): Uint32Array {
  const joined = new Uint32Array(2 * chunks.reduce((n, c) => n + c.count, 0));
  let at = 0;
  for (const { events, count } of chunks) {
    joined.set(events.subarray(0, 2 * count), at);
    at += 2 * count;
  }
  return joined;
}

/**
 * A snapshot's events of `trials` trials back as one chunk each (none when empty). Sorting a chunk
 * by (step, neuron), as eventTrains does under the `all` rule, leaves the joined chunks in order.
 */
export function joinedEvents(
  saved: SnapshotValue | undefined,
  trials: number,
): { events: Uint32Array; count: number }[][] {
  const list = Array.isArray(saved) ? saved : [];
  return Array.from({ length: trials }, (_, b) => {
    const events = stateArray(list[b], Uint32Array, `events[${b}]`);
    if (events.length % 2 !== 0) throw new SnapshotMismatch(`checkpoint state 'events[${b}]': odd length`);
    return events.length > 0 ? [{ events, count: events.length / 2 }] : [];
  });
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
