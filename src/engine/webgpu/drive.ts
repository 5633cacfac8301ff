// The drive rows of consts (bindings.wgsl's drive[S][P][J+1]): per step t ≥ 1 and population, the
// command input (stepModel.ts' commandInput, the CPU engine's own, rounded to f32) then I_ext[t−1].
// buildGpuNetwork fills every row from the network's x; a run with closed-loop input
// (RunOptions.input) writes each span's rows as it is given.

import type { CompiledNetwork } from '../../model/compile.ts';
import { commandInput } from '../../model/stepModel.ts';
import type { GpuNetwork } from './gpuNetwork.ts';
import type { PartedBuffer, RunResources } from './resources.ts';
import type { GpuDevice } from './device.ts';
import type { InputFeed } from '../input.ts';
import { readRanges } from './readback.ts';

const fr = Math.fround;

/** Words of one step's drive row: every population's J commands and its current. */
export function driveRowWords(net: Pick<CompiledNetwork, 'J' | 'populations'>): number {
  return net.populations.length * (net.J + 1);
}

/** The drive rows of steps t0 … t1 − 1 from x (row-major [S][J]) into `target` from word `at` on. */
export function writeDrive(
  target: Float32Array,
  at: number,
  net: CompiledNetwork,
  x: Float64Array,
  t0: number,
  t1: number,
): void {
  const { J, populations } = net;
  const source = x === net.x ? net : { ...net, x };
  for (let t = t0; t < t1; t++) {
    populations.forEach((p, pi) => {
      const base = at + ((t - t0) * populations.length + pi) * (J + 1);
      const dtl = fr(p.dtLeak);
      for (let j = 0; j < J; j++) target[base + j] = commandInput(source, t, j, dtl, fr);
      target[base + J] = p.current ? fr(p.current[t - 1]) : 0;
    });
  }
}

/** Writes the drive rows of steps t0 … t1 − 1 from x into a run's consts (queued on the device). */
export function uploadDrive(
  consts: PartedBuffer,
  net: CompiledNetwork,
  gpuNet: GpuNetwork,
  x: Float64Array,
  t0: number,
  t1: number,
): void {
  const row = driveRowWords(net);
  const rows = new Float32Array((t1 - t0) * row);
  writeDrive(rows, 0, net, x, t0, t1);
  consts.write((gpuNet.scalars.off_drive + t0 * row) * 4, rows);
}

/**
 * Before step t of a closed-loop batch (one trial, RunOptions.input): when t has no input yet, asks
 * the feed for the next span, with the trial's latents and readouts read from the latent words
 * (the queue must be idle: every step before t finished), and uploads the span's drive rows;
 * aborting `signal` while the source works rejects with an AbortError.
 */
export async function feedDrive(
  feed: InputFeed,
  t: number,
  gpu: GpuDevice,
  res: RunResources,
  net: CompiledNetwork,
  gpuNet: GpuNetwork,
  signal: AbortSignal | undefined,
): Promise<void> {
  const given = await feed.need(
    t,
    async () => {
      const { K } = gpuNet;
      const y = new Float32Array(
        await readRanges(gpu.device, [{ source: res.latent, offset: K * 4, size: K * 4 }]),
      );
      gpu.throwIfFailed();
      return {
        latents: Float64Array.from(y.subarray(0, net.L)),
        readouts: Float64Array.from(y.subarray(net.L)),
      };
    },
    signal,
  );
  if (given) uploadDrive(res.consts, net, gpuNet, feed.x, given.from, given.to);
}

/**
 * A closed-loop batch's trial starts on this runner: the input the feed already holds for it (a
 * snapshot's, or what a run that lost its device was given) goes into the drive rows, which the
 * runner's consts built from the network's x lack.
 */
export function beginFeed(
  feed: InputFeed,
  trial: number,
  res: RunResources,
  net: CompiledNetwork,
  gpuNet: GpuNetwork,
): void {
  feed.begin(trial);
  if (feed.provided > 1) uploadDrive(res.consts, net, gpuNet, feed.x, 1, feed.provided);
}
