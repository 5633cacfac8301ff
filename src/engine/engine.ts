// The one contract every backend implements (Brian2's "device", GeNN's backend): run a compiled
// network, report progress, honour cancellation, hand back recordings. Only src/engine/webgpu
// touches WebGPU types; everything else picks an engine by name.

import type { CompiledNetwork } from '../model/compile.ts';
import type { EngineSnapshot } from './snapshot.ts';

export type BackendName = 'cpu' | 'webgpu';

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  software: boolean;
}

/** Spike events of one population in one trial; `neuron` is the index within the population. */
export interface SpikeTrain {
  step: Int32Array;
  neuron: Int32Array;
}

export interface TrialResult {
  /** Whole-run spike count per neuron, one array per population. */
  spikeCounts: Int32Array[];
  /** One train per population, or null when spikes were not recorded. */
  spikes: SpikeTrain[] | null;
  /** y_l sampled at t = 0, every, 2·every, …; one array per latent channel (null when not recorded). */
  latents: Float64Array[] | null;
  /** Report-only readouts, sampled like the latents. */
  readouts: Float64Array[] | null;
}

export interface SimulationResult {
  backend: BackendName;
  adapter: AdapterInfo | null;
  steps: number;
  dt: number;
  every: number;
  trials: TrialResult[];
  timing: {
    setupSeconds: number;
    simulateSeconds: number;
    stepsPerSecond: number;
    /**
     * CPU engine: threads that ran the trials side by side, or that integrated one trial's neurons
     * (the `all` rule's slices); 1 when neither.
     */
    threads?: number;
    /** WebGPU, when RunOptions.kernelTimes asked for it: GPU time per kernel, or why there is none. */
    kernels?: KernelTimes;
  };
}

/** The GPU time one kernel took over a run (RunOptions.kernelTimes). */
export interface KernelTime {
  /** The kernel's shader, shaders/<kernel>.wgsl, as `latentspike plan` names it (e.g. stepAll, latents). */
  kernel: string;
  /**
   * Summed over the compute passes that ran the kernel: the end-of-pass timestamp minus the
   * beginning-of-pass one (timestamp-query), seconds.
   */
  gpuSeconds: number;
  /** Times the kernel was dispatched (one per step on the per-step path; many steps each when batched). */
  dispatches: number;
}

/**
 * Per-kernel GPU time of a run (docs/gpu-profiles.md, "Per-kernel time"): every kernel's time, or
 * null with the reason, e.g. an adapter without the 'timestamp-query' feature.
 */
export type KernelTimes =
  { kernels: KernelTime[]; unavailable: null } | { kernels: null; unavailable: string };

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
  /** At most this many steps per trial in one chunk (the engine's own chunk when smaller). */
  chunkSteps?: number;
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
