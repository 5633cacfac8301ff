// The one contract every backend implements (Brian2's "device", GeNN's backend): run a compiled
// network, report progress, honour cancellation, hand back recordings. Only src/engine/webgpu
// touches WebGPU types; everything else picks an engine by name.

import type { CompiledNetwork } from '../model/compile.ts';
import type { EngineSnapshot } from './snapshot.ts';
import type { InputSource } from './input.ts';

export type { InputSource, LatentsSoFar } from './input.ts';

export type {
  AdapterInfo,
  BackendName,
  KernelTime,
  KernelTimes,
  SimulationResult,
  SpikeTrain,
  TrialResult,
} from '../model/result.ts';
import type { AdapterInfo, BackendName, SimulationResult, TrialResult } from '../model/result.ts';

/** Where a run stands between two chunks of steps: what a gate sees (RunOptions.gate). */
export interface RunCheckpoint {
  /** Steps simulated so far, summed over trials, and the run's total. */
  done: number;
  total: number;
  /** The trial in progress (in a batch of trials run together: the batch's first). */
  trial: number;
  /** Steps 1 … step of that trial have been simulated (0: none yet). */
  step: number;
  /**
   * That trial's recordings so far: spike counts and events up to `step`, latents and readouts cut
   * to the samples recorded up to `step`. Only valid until the gate's promise settles.
   */
  partial(): Promise<TrialResult>;
  /**
   * The whole run's state at this point (snapshot.ts): finished trials, and the state and
   * recordings of the trial (or batch of trials) in progress. RunOptions.resumeFrom continues from
   * it, bit for bit as the run would have gone on. Only valid until the gate's promise settles.
   */
  snapshot(): Promise<EngineSnapshot>;
}

export interface RunOptions {
  /** Called now and then with the number of simulated steps (summed over trials) and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Aborting rejects the run with an AbortError; nothing partial is returned. */
  signal?: AbortSignal;
  /**
   * Awaited before every chunk of steps (the first included): while the promise it returns is
   * pending the run is paused, and resolving it lets exactly one more chunk run before the gate is
   * called again. Pausing never changes the result.
   */
  gate?: (at: RunCheckpoint) => Promise<void>;
  /**
   * At most this many steps per trial in one chunk (the engine's own chunk when smaller). With
   * `input`, also the steps of each span of input asked for (default DEFAULT_INPUT_STEPS, 100).
   */
  chunkSteps?: number;
  /**
   * Closed-loop input: the run's input x(t) given span by span while the run goes, in place of the
   * network's own x (sample 0 excepted: it sets the initial state). Before simulating steps
   * fromStep … toStep − 1 of a trial the run calls `input(fromStep, toStep, latentsSoFar)` and waits
   * for x at those steps, row-major [(toStep − fromStep)][J] in a Float32Array or Float64Array of
   * finite values; `latentsSoFar` holds the trial's latents and readouts after step fromStep − 1, so
   * x can follow the network's own output. Spans are `chunkSteps` steps long (the last one may be
   * shorter) from step 1, on every engine: the same source gives the same bits as the same x given
   * ahead of time, and a closed loop gives the same bits on two engines wherever their latents
   * agree bit for bit (the CPU engine's f32 mode and WebGPU under `one-per-step`; elsewhere the
   * GPU's sums differ in the last bits, docs/webgpu.md).
   *
   * Every trial asks for its own input, trial after trial (trials then run one at a time: no
   * trial worker threads, one trial per WebGPU batch). A gate is passed before the input is asked
   * for; a snapshot holds the input its trial was given and not yet used up, so resumeFrom asks
   * only for the spans after it (a snapshot of a run with input resumes only with input). A WebGPU
   * run that replaces a lost device runs the trial in progress again with the input it was given,
   * asking only for spans past it. A source that throws, or returns the wrong type, length or a
   * value that is not finite, rejects the run (InputError names the span, the value and why).
   */
  input?: InputSource;
  /**
   * WebGPU: time every kernel on the GPU (timestamp-query) into SimulationResult.timing.kernels.
   * Each timed dispatch gets a compute pass of its own, which costs wall time but never changes
   * the result; default false. Backends without kernels (the CPU engine) ignore it.
   */
  kernelTimes?: boolean;
  /**
   * Continue the run from a snapshot (RunCheckpoint.snapshot) taken by an engine of the same
   * backend, precision and layout on the same network; rejects with a SnapshotMismatch otherwise.
   * Progress and gates then count from the snapshot's point; timing covers only the resumed part.
   */
  resumeFrom?: EngineSnapshot;
}

export interface Engine {
  readonly backend: BackendName;
  readonly adapter: AdapterInfo | null;
  run(net: CompiledNetwork, options?: RunOptions): Promise<SimulationResult>;
  /** Why this backend cannot run `net` (a feature it lacks), or null when it can. */
  unsupported(net: CompiledNetwork): string | null;
  dispose(): void;
}
