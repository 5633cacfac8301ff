// Worker threads that run a network's independent trials side by side (Node only). Each worker
// receives the network once per run and is handed one trial at a time, the next as soon as it
// posts the last one's recordings back; results are put back in trial order. A trial's noise is
// keyed by its own index (cpuTrial.ts), so which worker runs it, and when, never changes its bits.
// Aborting a run or any failure ends every worker at once (terminate() stops a busy one
// mid-trial); the engine then starts a fresh pool for its next run.

import type { Worker as NodeWorker } from 'node:worker_threads';
import type { TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import type { Precision } from './spikingTrial.ts';
import { abortError } from '../checkpoint.ts';
import { startWorker, workerReady } from './workerEntry.ts';

/** The least time between two progress reports of a run. */
const PROGRESS_EVERY_MS = 50;

type WorkerMessage = { progress: number } | { trial: number; result: TrialResult } | { error: string };

export interface PoolRunOptions {
  /** Steps simulated so far, summed over trials. */
  onProgress?: (done: number) => void;
  signal?: AbortSignal;
}

async function startTrialWorker(): Promise<NodeWorker> {
  const worker = await startWorker('trialWorker');
  try {
    await workerReady(worker);
  } catch (e) {
    await worker.terminate();
    throw e;
  }
  // An idle pool must not keep the process alive; a run holds its workers' references.
  worker.unref();
  return worker;
}

export class TrialPool {
  private readonly workers: NodeWorker[] = [];
  /** Set once the workers were ended (an abort or a failure): the pool cannot run again. */
  ended = false;

  /** Worker threads started so far. */
  get size(): number {
    return this.workers.length;
  }

  /** Starts workers until there are `count`. */
  async grow(count: number): Promise<void> {
    const more = Math.max(0, count - this.workers.length);
    const started = await Promise.allSettled(Array.from({ length: more }, startTrialWorker));
    for (const s of started) if (s.status === 'fulfilled') this.workers.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Trials 0 … net.trials − 1 of `net` on the first `threads` workers, in trial order. */
  run(net: CompiledNetwork, precision: Precision, threads: number, options: PoolRunOptions = {}) {
    if (this.ended) throw new Error('TrialPool: the workers were ended');
    const { onProgress, signal } = options;
    const workers = this.workers.slice(0, Math.min(threads, net.trials));
    const stepsPerTrial = net.S - 1;
    const results: TrialResult[] = new Array<TrialResult>(net.trials);
    const inFlight = new Array<number>(workers.length).fill(0);
    let next = 0;
    let finished = 0;
    let reported = performance.now();
    const detach: (() => void)[] = [];
    return new Promise<TrialResult[]>((resolve, reject) => {
      let settled = false;
      const settle = (error: unknown): void => {
        if (settled) return;
        settled = true;
        detach.forEach((off) => off());
        if (error === null) {
          workers.forEach((w) => {
            w.postMessage({ net: null });
            w.unref();
          });
          resolve(results);
        } else {
          // Nothing partial survives: every worker ends before the run rejects.
          this.ended = true;
          void Promise.all(this.workers.map((w) => w.terminate())).then(
            () => reject(error),
            () => reject(error),
          );
        }
      };
      const handOut = (w: number): void => {
        if (next < net.trials) workers[w].postMessage({ trial: next++ });
      };
      workers.forEach((worker, w) => {
        const onMessage = (m: WorkerMessage): void => {
          if ('error' in m) return settle(new Error(`CPU worker thread failed: ${m.error}`));
          if ('progress' in m) {
            inFlight[w] = m.progress;
          } else {
            results[m.trial] = m.result;
            inFlight[w] = 0;
            finished++;
            if (finished === net.trials) return settle(null);
            handOut(w);
          }
          if (onProgress && performance.now() - reported > PROGRESS_EVERY_MS) {
            onProgress(finished * stepsPerTrial + inFlight.reduce((a, b) => a + b, 0));
            reported = performance.now();
          }
        };
        const onError = (e: Error): void => settle(e);
        const onExit = (code: number): void =>
          settle(new Error(`CPU worker thread exited during a run (exit code ${code})`));
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        detach.push(() => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        });
      });
      if (signal) {
        const onAbort = (): void => settle(abortError());
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        detach.push(() => signal.removeEventListener('abort', onAbort));
      }
      try {
        workers.forEach((worker, w) => {
          worker.ref();
          worker.postMessage({ net, precision });
          handOut(w);
        });
      } catch (e) {
        settle(e);
      }
    });
  }

  async dispose(): Promise<void> {
    this.ended = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
