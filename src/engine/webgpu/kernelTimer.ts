/// <reference types="@webgpu/types" />
// How the runners encode their compute passes, and per-kernel GPU time (RunOptions.kernelTimes).
// WebGPU times only whole compute passes (timestampWrites: a timestamp as a pass begins and one as
// it ends), so a timed run gives every timed dispatch a pass of its own, and the sum of a kernel's
// pass durations is its GPU time. Splitting a pass changes nothing a kernel reads: dispatches are
// ordered with their storage writes visible to later ones within a pass as across passes.
//
// A runner encodes through Passes: onePass puts every dispatch of a command buffer into one pass
// (the untimed run), KernelTimer.begin one timed pass per run() call. Each pipeline slot (a command
// buffer that may be in flight while the host works on another) has its own query set, resolve
// buffer and map-read buffer; the resolved timestamps are copied at the end of the slot's command
// buffer and read by collect() once it has finished.

import type { KernelTime } from '../engine.ts';

/** The most queries of one query set (the WebGPU specification's limit). */
export const MAX_QUERIES = 4096;

/** Bytes of one resolved timestamp (a u64 of nanoseconds). */
const TIMESTAMP_BYTES = 8;

/** The compute passes of one command buffer. */
export interface Passes {
  /**
   * Records kernel `kernel` (an index into the timer's names) through `record`, which dispatches it
   * `dispatches` times (default 1) into the pass it is given.
   */
  run(kernel: number, record: (pass: GPUComputePassEncoder) => void, dispatches?: number): void;
  /** Ends the open pass; when timed, resolves the timestamps for KernelTimer.collect. */
  end(): void;
}

/** Every dispatch of a command buffer in one compute pass: nothing timed. */
export function onePass(encoder: GPUCommandEncoder, label: string): Passes {
  let pass: GPUComputePassEncoder | null = null;
  return {
    run(_kernel, record) {
      pass ??= encoder.beginComputePass({ label });
      record(pass);
    },
    end() {
      pass?.end();
    },
  };
}

interface Slot {
  querySet: GPUQuerySet;
  resolve: GPUBuffer;
  staging: GPUBuffer;
  /** The passes encoded since the slot was last collected: their kernel and dispatches. */
  passes: { kernel: number; dispatches: number }[];
}

/**
 * GPU time per kernel over a run, from a timed pass per run() call; needs a device with the
 * 'timestamp-query' feature.
 */
export class KernelTimer {
  private readonly slots: Slot[];
  private readonly nanoseconds: number[];
  private readonly dispatches: number[];

  /**
   * `names`: the kernels, as KernelTime.kernel names them; `slots`: command buffers in flight at
   * once; `passesPerSlot`: the most timed passes one command buffer encodes.
   */
  constructor(
    device: GPUDevice,
    private readonly names: readonly string[],
    slots: number,
    private readonly passesPerSlot: number,
  ) {
    const queries = 2 * passesPerSlot;
    if (queries > MAX_QUERIES) {
      throw new Error(
        `KernelTimer: ${passesPerSlot} timed passes per command buffer need ${queries} queries, above ${MAX_QUERIES}`,
      );
    }
    const bytes = queries * TIMESTAMP_BYTES;
    this.slots = Array.from({ length: slots }, (_, s) => ({
      querySet: device.createQuerySet({
        label: `KernelTimer.queries[${s}]`,
        type: 'timestamp',
        count: queries,
      }),
      resolve: device.createBuffer({
        label: `KernelTimer.resolve[${s}]`,
        size: bytes,
        usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
      }),
      staging: device.createBuffer({
        label: `KernelTimer.staging[${s}]`,
        size: bytes,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      }),
      passes: [],
    }));
    this.nanoseconds = names.map(() => 0);
    this.dispatches = names.map(() => 0);
  }

  /** The passes of a command buffer in pipeline slot `slot`, each timed; the slot must be collected. */
  begin(encoder: GPUCommandEncoder, slot: number, label: string): Passes {
    const s = this.slots[slot];
    if (s.passes.length > 0) throw new Error(`KernelTimer: slot ${slot} was not collected`);
    return {
      run: (kernel, record, dispatches = 1) => {
        const at = s.passes.length;
        if (at >= this.passesPerSlot) {
          throw new Error(`KernelTimer: more than ${this.passesPerSlot} timed passes in one command buffer`);
        }
        const pass = encoder.beginComputePass({
          label: `${label}.${this.names[kernel]}`,
          timestampWrites: {
            querySet: s.querySet,
            beginningOfPassWriteIndex: 2 * at,
            endOfPassWriteIndex: 2 * at + 1,
          },
        });
        record(pass);
        pass.end();
        s.passes.push({ kernel, dispatches });
      },
      end: () => {
        const queries = 2 * s.passes.length;
        if (queries === 0) return;
        encoder.resolveQuerySet(s.querySet, 0, queries, s.resolve, 0);
        encoder.copyBufferToBuffer(s.resolve, 0, s.staging, 0, queries * TIMESTAMP_BYTES);
      },
    };
  }

  /**
   * Adds the durations of slot `slot`'s passes to their kernels (waiting for its command buffer to
   * finish) and frees the slot. A pass whose end is not after its beginning counts zero: WebGPU
   * allows an implementation to return such pairs.
   */
  async collect(slot: number): Promise<void> {
    const s = this.slots[slot];
    const bytes = 2 * s.passes.length * TIMESTAMP_BYTES;
    if (bytes === 0) return;
    await s.staging.mapAsync(GPUMapMode.READ, 0, bytes);
    const stamps = new BigUint64Array(s.staging.getMappedRange(0, bytes));
    s.passes.forEach(({ kernel, dispatches }, p) => {
      const duration = stamps[2 * p + 1] - stamps[2 * p];
      if (duration > 0n) this.nanoseconds[kernel] += Number(duration);
      this.dispatches[kernel] += dispatches;
    });
    s.staging.unmap();
    s.passes = [];
  }

  /** Every kernel's time so far, in the order of `names`. */
  times(): KernelTime[] {
    return this.names.map((kernel, k) => ({
      kernel,
      gpuSeconds: this.nanoseconds[k] * 1e-9,
      dispatches: this.dispatches[k],
    }));
  }

  destroy(): void {
    for (const s of this.slots) {
      s.querySet.destroy();
      s.resolve.destroy();
      s.staging.destroy();
    }
  }
}
