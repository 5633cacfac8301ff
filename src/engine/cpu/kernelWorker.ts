// One CPU worker thread of a KernelTeam (kernelTeam.ts): receives a trial's SliceJob (typed arrays on
// SharedArrayBuffers), then, once per bump of the control's GEN word, claims and integrates slices
// until none are left, until OP says STOP; then it goes back to its message queue for the next trial.

import { parentPort, workerData } from 'node:worker_threads';
import { DONE, ERROR, GEN, OP, OP_STOP, claimer, controlViews } from './kernelTeam.ts';
import { loadNoiseFill } from './wasmNoise.ts';
import { SliceRunner, type SliceJob } from './slices.ts';

const port = parentPort!;
const { control, message } = controlViews((workerData as { buffer: SharedArrayBuffer }).buffer);

function fail(e: unknown): void {
  const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
  message.fill(0);
  message.set(new TextEncoder().encode(text).subarray(0, message.length - 1));
  Atomics.store(control, ERROR, 1);
}

function runTrial(job: SliceJob, gen0: number): void {
  let runner: SliceRunner | null = null;
  const claim = claimer(control);
  try {
    runner = new SliceRunner(job);
  } catch (e) {
    fail(e);
  }
  for (let gen = (gen0 + 1) | 0; ; gen = (gen + 1) | 0) {
    // Sleep while GEN still holds the previous generation.
    while (Atomics.load(control, GEN) === ((gen - 1) | 0)) Atomics.wait(control, GEN, (gen - 1) | 0);
    const stop = Atomics.load(control, OP) === OP_STOP;
    if (!stop && runner) {
      try {
        runner.runStep(claim);
      } catch (e) {
        fail(e);
        runner = null;
      }
    }
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
    if (stop) return;
  }
}

try {
  await loadNoiseFill();
  port.on('message', ({ job, gen0 }: { job: SliceJob; gen0: number }) => runTrial(job, gen0));
  port.postMessage({ ready: true });
} catch (e) {
  port.postMessage({ error: e instanceof Error ? e.message : String(e) });
}
