// Worker threads for the CPU engine's `all` rule (Node only): the trial's owner and W workers
// integrate the slices of every step (slices.ts) over SharedArrayBuffers, and meet at a barrier per
// step through Atomics on a small control array — no messages in the hot loop. Slices are claimed
// one at a time from a shared counter, so a thread that wakes late, runs slower or is preempted by
// another process simply takes fewer (a fixed split left the owner waiting: docs/performance.md).
// The slicing does not depend on the number of threads, and each slice's sums land in its own row,
// so results are the same bits as on one thread whoever integrates which slice.
//
// Control words (Int32Array on a SharedArrayBuffer):
//   GEN   bumped once per step by the owner; on each bump a worker claims slices until none are left
//   DONE  workers finished with the current bump (the owner waits for W)
//   OP    RUN, or STOP: the bump ends the worker's trial loop (back to its message queue)
//   ERROR set by a worker whose step threw; its message is in the bytes after the control words
//         (the owner is blocked in Atomics.wait, so it could not receive a postMessage)
//   CLAIM the next slice of the current step to integrate (reset by the owner before each bump)

import type { Worker as NodeWorker } from 'node:worker_threads';
import { SliceRunner, type SliceJob } from './slices.ts';
import { startWorker, workerReady } from './workerEntry.ts';

export const GEN = 0;
export const DONE = 1;
export const OP = 2;
export const ERROR = 3;
export const CLAIM = 4;
export const OP_RUN = 0;
export const OP_STOP = 1;
const CONTROL_WORDS = 5;
const MESSAGE_BYTES = 2048;

/** The shared control block: the Int32 control words, then room for a worker's error message. */
export function controlViews(buffer: SharedArrayBuffer): { control: Int32Array; message: Uint8Array } {
  return {
    control: new Int32Array(buffer, 0, CONTROL_WORDS),
    message: new Uint8Array(buffer, 4 * CONTROL_WORDS, MESSAGE_BYTES),
  };
}

/** A step that takes longer than this on some worker is treated as a dead worker. */
const STEP_TIMEOUT_MS = 300_000;

/** Claims the next slice of the current step from the shared counter. */
export function claimer(control: Int32Array): () => number {
  return () => Atomics.add(control, CLAIM, 1);
}

export interface TeamTrial {
  runStep(): void;
}

export class KernelTeam {
  private active = false;
  private readonly control: Int32Array;
  private readonly message: Uint8Array;

  private constructor(
    private readonly workers: NodeWorker[],
    buffer: SharedArrayBuffer,
  ) {
    ({ control: this.control, message: this.message } = controlViews(buffer));
  }

  /** Threads in all, the trial's owner included. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** Starts `workers` worker threads and waits until each has loaded its kernels' dependencies. */
  static async create(workers: number): Promise<KernelTeam> {
    const buffer = new SharedArrayBuffer(4 * CONTROL_WORDS + MESSAGE_BYTES);
    const started = await Promise.all(
      Array.from({ length: workers }, () => startWorker('kernelWorker', { workerData: { buffer } })),
    );
    try {
      await Promise.all(started.map(workerReady));
    } catch (e) {
      await Promise.all(started.map((w) => w.terminate()));
      throw e;
    }
    // An idle team must not keep the process alive: the engine's dispose() ends it when called.
    started.forEach((w) => w.unref());
    return new KernelTeam(started, buffer);
  }

  /**
   * Hands a trial to the workers and returns the owner's step function: it releases the workers,
   * claims slices alongside them until none are left, and waits for the workers' last slices.
   */
  begin(job: SliceJob): TeamTrial {
    this.end();
    Atomics.store(this.control, OP, OP_RUN);
    Atomics.store(this.control, DONE, 0);
    const gen0 = Atomics.load(this.control, GEN);
    this.workers.forEach((w) => w.postMessage({ job, gen0 }));
    this.active = true;
    const own = new SliceRunner(job);
    const claim = claimer(this.control);
    return {
      runStep: () => {
        this.release();
        own.runStep(claim);
        this.join();
      },
    };
  }

  /** Ends the workers' current trial loop, if any, so they drop its arrays. */
  end(): void {
    if (!this.active) return;
    Atomics.store(this.control, OP, OP_STOP);
    this.release();
    this.join();
    this.active = false;
  }

  private release(): void {
    Atomics.store(this.control, DONE, 0);
    Atomics.store(this.control, CLAIM, 0);
    Atomics.add(this.control, GEN, 1);
    Atomics.notify(this.control, GEN);
  }

  private join(): void {
    const W = this.workers.length;
    const deadline = performance.now() + STEP_TIMEOUT_MS;
    for (let done = Atomics.load(this.control, DONE); done < W; done = Atomics.load(this.control, DONE)) {
      if (performance.now() > deadline) throw new Error('CPU worker thread stopped answering');
      Atomics.wait(this.control, DONE, done, 1000);
    }
    if (Atomics.load(this.control, ERROR)) {
      const text = new TextDecoder().decode(this.message.slice()).replace(/\0+$/, '');
      throw new Error(`CPU worker thread failed: ${text}`);
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
