// The one contract every backend implements (Brian2's "device", GeNN's backend): run a compiled
// network, report progress, honour cancellation, hand back recordings. Only src/engine/webgpu
// touches WebGPU types; everything else picks an engine by name.

import type { CompiledNetwork } from '../model/compile.ts';

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
  };
}

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
}

export interface Engine {
  readonly backend: BackendName;
  readonly adapter: AdapterInfo | null;
  run(net: CompiledNetwork, options?: RunOptions): Promise<SimulationResult>;
  /** Why this backend cannot run `net` (a feature it lacks), or null when it can. */
  unsupported(net: CompiledNetwork): string | null;
  dispose(): void;
}
