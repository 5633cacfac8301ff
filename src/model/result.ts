// What a simulation hands back, whichever backend ran it: the result types the engines produce and
// analysis, plots and result files read. They live with the model so that those layers need nothing
// of the engines.

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
