/// <reference types="@webgpu/types" />
// What the engines take from the JavaScript runtime where Node and a browser differ. The engine code
// shared by both imports nothing of Node's, so a browser bundle never reaches a `node:` module; Node's
// pieces (nodeRuntime.ts) are installed by the Node entry (src/node.ts, and through it the command
// line) and by the test setup. Without them — a browser — the CPU engine runs on one thread with the
// JavaScript noise fill (the same bits as the WebAssembly one), and the WebGPU engine takes
// navigator.gpu's adapter and needs a ShaderLoader from its caller.

import type { KernelTeam } from './cpu/kernelTeam.ts';
import type { TrialPool } from './cpu/trialPool.ts';
import type { ShaderLoader } from './webgpu/shaderLoader.ts';
import type { GpuDevice } from './webgpu/device.ts';
import type { TuningChoice, TuningSource } from './webgpu/tuning.ts';

export interface Runtime {
  /** Cores the CPU engine may spread the `all` rule's neurons over ('auto' threads). */
  cores(): number;
  /** Starts `workers` worker threads for the CPU engine's `all` rule. */
  startTeam(workers: number): Promise<KernelTeam>;
  /** A pool of worker threads for the CPU engine's trials, side by side (started as it grows). */
  startTrialPool(): TrialPool;
  /** Makes the CPU engine's noise fill the WebAssembly one (noiseFill.ts). */
  loadNoiseFill(): Promise<void>;
  /**
   * An adapter where navigator.gpu is missing (Dawn in Node: the first path that gives one, or the
   * path `only` names), and the path that gave it.
   */
  requestAdapter(only?: string): Promise<{ adapter: GPUAdapter; path: string }>;
  /** Where the WebGPU engine reads shaders/*.wgsl when its caller gives no loader. */
  shaderLoader: ShaderLoader;
  /** The WebGPU engine's knobs for a device from the tuning cache (tuningCache.ts), or defaults. */
  resolveTuning?(
    gpu: GpuDevice,
    notice: (line: string) => void,
  ): { choice: TuningChoice | null; source: TuningSource };
}

let installed: Runtime | null = null;

export function installRuntime(runtime: Runtime): void {
  installed = runtime;
}

/** The installed runtime's pieces, or null in a browser (nothing installed). */
export function runtime(): Runtime | null {
  return installed;
}
