/// <reference types="@webgpu/types" />
// The latent record leaves the GPU while the run goes on. The kernels write sample s of a trial's
// readout y (t = s·every) into row s mod `window` of that trial's rows of latentRecord
// (model.wgsl's finish_readout), and the loops pull every trial's new rows after each chunk
// (perStepLoop.ts) or submit (smallNetworkLoop.ts) into the trial's whole record, held here. So the GPU
// holds only the samples written since the last pull, whatever the run's length: the record never
// meets the storage binding limit, and it takes no room from a batch's trials.

import type { TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import type { GpuNetwork } from './gpuNetwork.ts';
import type { BufferRange } from './readback.ts';
import { restoreInto, stateArray, stateInt, type SnapshotValue } from '../snapshot.ts';

/** One trial's samples [from, to), asked for in one pull. */
interface Asked {
  trial: number;
  from: number;
  to: number;
}

export class LatentRecord {
  /** Per trial: the whole record [samples][K]; sample 0 (y at t = 0) is the host's own. */
  private readonly records: Float32Array[];
  /** Per trial: samples asked for so far (the GPU's ring holds the rest up to `window`). */
  private readonly asked: number[];

  /**
   * @param window rows per trial of the GPU's ring (0 when latents are not recorded): see
   *   LatentRecord.window.
   */
  constructor(
    private readonly net: CompiledNetwork,
    private readonly gpuNet: GpuNetwork,
    trials: number,
    readonly window: number,
  ) {
    const recorded = net.record.latents ? trials : 0;
    this.records = Array.from({ length: recorded }, () => {
      const record = new Float32Array(gpuNet.samples * gpuNet.K);
      record.set(gpuNet.y0);
      return record;
    });
    this.asked = this.records.map(() => 1);
  }

  /**
   * Ring rows per trial when the samples on the GPU not yet copied out never span more than `steps`
   * consecutive steps: those steps hold at most ⌈steps / every⌉ samples (0 rows when latents are
   * not recorded; never more than the whole record).
   */
  static window(
    net: Pick<CompiledNetwork, 'record'>,
    gpuNet: Pick<GpuNetwork, 'samples'>,
    steps: number,
  ): number {
    if (!net.record.latents) return 0;
    return Math.max(1, Math.min(gpuNet.samples, Math.ceil(steps / net.record.every)));
  }

  /** Samples a trial holds once it has run step t (t = 0 … S − 1). */
  private samplesThrough(t: number): number {
    return Math.min(this.gpuNet.samples, Math.floor(t / this.net.record.every) + 1);
  }

  /**
   * The ranges of the ring `source` holding each trial's samples not yet asked for, through the
   * last step trial b has run, lastStep(b), in trial order; `store` takes their words, read in that
   * order. Pulls must be stored in the order they were made.
   */
  pull(
    source: GPUBuffer,
    lastStep: (trial: number) => number,
  ): { ranges: BufferRange[]; store(words: Float32Array): void } {
    const { K } = this.gpuNet;
    const pieces: Asked[] = [];
    this.asked.forEach((from, trial) => {
      const to = this.samplesThrough(lastStep(trial));
      if (to - from > this.window) {
        throw new Error(
          `LatentRecord: trial ${trial} wrote samples ${from}…${to - 1} since its last pull, more than its ring's ${this.window} rows`,
        );
      }
      // Rows wrap at the ring's end: at most two pieces.
      for (let s = from; s < to;) {
        const end = Math.min(to, s + this.window - (s % this.window));
        pieces.push({ trial, from: s, to: end });
        s = end;
      }
      this.asked[trial] = Math.max(from, to);
    });
    const ranges = pieces.map(({ trial, from, to }) => ({
      source,
      offset: (trial * this.window + (from % this.window)) * K * 4,
      size: (to - from) * K * 4,
    }));
    const store = (words: Float32Array) => {
      let at = 0;
      for (const { trial, from, to } of pieces) {
        const n = (to - from) * K;
        this.records[trial].set(words.subarray(at, at + n), from * K);
        at += n;
      }
    };
    return { ranges, store };
  }

  /**
   * Every trial's samples pulled so far and how many were asked for (engine snapshots, taken when
   * every pull has been stored); restore() takes it back.
   */
  save(): { [key: string]: SnapshotValue } {
    return { records: this.records.map((r) => r.slice()), asked: Int32Array.from(this.asked) };
  }

  restore(saved: { [key: string]: SnapshotValue }): void {
    const records = Array.isArray(saved.records) ? saved.records : [];
    this.records.forEach((r, b) => restoreInto(r, records[b], `records[${b}]`));
    const asked = stateArray(saved.asked, Int32Array, 'asked', this.asked.length);
    asked.forEach((n, b) => (this.asked[b] = stateInt(n, `asked[${b}]`, 1, this.gpuNet.samples)));
  }

  /** Trial b's latent channels and readouts: the samples stored so far, zeros after them. */
  series(trial: number): Pick<TrialResult, 'latents' | 'readouts'> {
    if (!this.net.record.latents) return { latents: null, readouts: null };
    const { K, samples } = this.gpuNet;
    const record = this.records[trial];
    const column = (k: number) => Float64Array.from({ length: samples }, (_, s) => record[s * K + k]);
    return {
      latents: this.net.channels.map((_, l) => column(l)),
      readouts: this.net.readouts.map((_, r) => column(this.net.L + r)),
    };
  }
}
