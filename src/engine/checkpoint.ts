// Helpers for RunOptions.gate (engine.ts), shared by the backends: waiting at the gate (cancellable),
// the chunk length a run uses and a trial's recordings cut to the steps simulated so far.

import type { TrialResult } from './engine.ts';
import type { EngineSnapshot } from './snapshot.ts';

export function abortError(): Error {
  return new DOMException('The simulation was cancelled', 'AbortError');
}

/**
 * Waits for a gate's promise (or an input source's, input.ts); aborting `signal` meanwhile rejects
 * at once with an AbortError.
 */
export function passGate<T = void>(opened: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return opened;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    opened.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) reject(abortError());
        else resolve(value);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** The run-dependent part of an engine snapshot, as a runner sees it (the engine adds its identity). */
export type RunnerSnapshot = Pick<EngineSnapshot, 'finished' | 'trial' | 'done' | 'state'>;

/**
 * What a backend's runner calls before each chunk: its trial (a batch's first), the step that
 * trial is at, the steps done in this runner call, a reader of that trial's recordings so far, and
 * a reader of the run's state (RunCheckpoint.snapshot).
 */
export type RunnerGate = (
  trial: number,
  step: number,
  done: number,
  partial: () => Promise<TrialResult>,
  snapshot: () => Promise<RunnerSnapshot>,
) => Promise<void>;

/** The engine's own chunk length, capped by RunOptions.chunkSteps (`cap`) when given. */
export function chunkLength(own: number, cap: number | undefined): number {
  if (cap === undefined) return own;
  if (!Number.isInteger(cap) || cap < 1) throw new Error(`chunkSteps must be an integer ≥ 1, got ${cap}`);
  return Math.min(own, cap);
}

/** `trial` with latents and readouts cut to the samples recorded up to step `step` (every `every`). */
export function cutToStep(trial: TrialResult, step: number, every: number): TrialResult {
  const samples = Math.floor(step / every) + 1;
  const cut = (series: Float64Array[] | null) => series && series.map((s) => s.slice(0, samples));
  return {
    spikeCounts: trial.spikeCounts.map((c) => c.slice()),
    spikes: trial.spikes,
    latents: cut(trial.latents),
    readouts: cut(trial.readouts),
  };
}
