/// <reference types="@webgpu/types" />
// The WebGPU backend. State stays on the GPU; phases follow the CPU engine (src/engine/cpu), which
// is the reference this backend is tested against in its f32 mode. Two paths:
//   batched (batchRunner.ts, smallNetwork.wgsl): networks that fit one workgroup under the delta
//     rules or the rate model: every trial of the run at once, many steps per dispatch;
//   per-step (trialRunner.ts): any N and every rule, one trial after another, two sliced kernels
//     per step.
// Every valid network runs: the spiking model under `all`, `one-per-step` and `sequential`, and the
// rate model.

import type { AdapterInfo, Engine, RunOptions, SimulationResult, TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { SYNAPSE_DELTA } from '../../model/compile.ts';
import { abortError } from '../cpu/cpuEngine.ts';
import { passGate, type RunnerGate } from '../checkpoint.ts';
import { acquireDevice, type GpuDevice } from './device.ts';
import { buildGpuNetwork } from './gpuNetwork.ts';
import { MAX_POPULATIONS } from './layout.ts';
import { Pipelines } from './pipelines.ts';
import { BatchRunner, batchable } from './batchRunner.ts';
import { TrialRunner } from './trialRunner.ts';
import { defaultShaderLoader, type ShaderLoader } from './shaderLoader.ts';

export interface WebGpuEngineOptions {
  /** Where WGSL comes from (required in a browser bundle; Node reads shaders/ by default). */
  shaderLoader?: ShaderLoader;
  /** A device to use instead of acquiring one; the caller then keeps ownership of it. */
  gpu?: GpuDevice;
  /** false: the per-step path even where the batched one applies (for tests and benchmarks). */
  batchSmallNetworks?: boolean;
  /** Lanes per trial of the batched path (a power of two); default: by adapter (pipelines.ts). */
  batchLanes?: number;
  /** Neurons per invocation of the `all`-rule and rate step kernels; default: by adapter (pipelines.ts). */
  neuronsPerInvocation?: number;
}

/**
 * Why `net` cannot run here. The engine runs every valid network; what remains are combinations
 * the run-file validator already refuses, kept as a guard for hand-built networks.
 */
function unsupportedReason(net: CompiledNetwork): string | null {
  if (net.populations.length > MAX_POPULATIONS) {
    return `The WebGPU engine takes at most ${MAX_POPULATIONS} populations, got ${net.populations.length}`;
  }
  if (net.model !== 'spiking') return null;
  const delta = net.spikeRule !== 'all';
  const wrong = net.populations.find((p) => (p.synapseKind === SYNAPSE_DELTA) !== delta);
  if (wrong) {
    return (
      `spikeRule '${net.spikeRule}' cannot run population '${wrong.name}': ` +
      `'one-per-step' and 'sequential' need delta synapses, 'all' needs pulse or exponential ones`
    );
  }
  return null;
}

export class WebGpuEngine implements Engine {
  readonly backend = 'webgpu' as const;
  readonly adapter: AdapterInfo;

  private constructor(
    private readonly gpu: GpuDevice,
    private readonly ownsDevice: boolean,
    private readonly pipelines: Pipelines,
    private readonly batchSmallNetworks: boolean,
    private readonly batchLanes: number | undefined,
  ) {
    this.adapter = gpu.adapterInfo;
  }

  static async create(options: WebGpuEngineOptions = {}): Promise<WebGpuEngine> {
    const gpu = options.gpu ?? (await acquireDevice());
    try {
      const pipelines = await Pipelines.create(gpu.device, options.shaderLoader ?? defaultShaderLoader(), {
        software: gpu.adapterInfo.software,
        neuronsPerInvocation: options.neuronsPerInvocation,
      });
      const { batchSmallNetworks = true, batchLanes } = options;
      return new WebGpuEngine(gpu, !options.gpu, pipelines, batchSmallNetworks, batchLanes);
    } catch (err) {
      if (!options.gpu) gpu.release();
      throw err;
    }
  }

  unsupported(net: CompiledNetwork): string | null {
    return unsupportedReason(net);
  }

  /** The batched kernel's lanes per trial when `net` takes the batched path, else null. */
  private batchWorkgroupSize(net: CompiledNetwork): number | null {
    if (!this.batchSmallNetworks || !batchable(net) || !this.pipelines.fitsOneWorkgroup(net.N)) return null;
    return this.batchLanes ?? this.pipelines.smallLanes(net.N, this.adapter.software);
  }

  async run(net: CompiledNetwork, options: RunOptions = {}): Promise<SimulationResult> {
    const reason = unsupportedReason(net);
    if (reason) throw new Error(reason);
    const { onProgress, signal, gate, chunkSteps } = options;
    if (signal?.aborted) throw abortError();
    const setupStart = performance.now();
    const gpuNet = buildGpuNetwork(net, this.pipelines.allShape);
    const size = this.batchWorkgroupSize(net);
    const runner = size
      ? await BatchRunner.create(this.gpu, this.pipelines, net, gpuNet, size, chunkSteps)
      : await TrialRunner.create(this.gpu, this.pipelines, net, gpuNet, chunkSteps);
    const setupSeconds = (performance.now() - setupStart) / 1000;
    const simStart = performance.now();
    const total = (net.S - 1) * net.trials;
    let trials: TrialResult[] = [];
    // Time spent paused at the gate is not simulation time.
    let pausedMs = 0;
    const gateWith =
      gate &&
      ((doneBefore: number): RunnerGate =>
        async (trial, step, done, partial) => {
          const pausedAt = performance.now();
          await passGate(gate({ done: doneBefore + done, total, trial, step, partial }), signal);
          pausedMs += performance.now() - pausedAt;
        });
    try {
      if (runner instanceof BatchRunner) {
        trials = await runner.run((done) => onProgress?.(done, total), signal, gateWith?.(0));
      } else {
        for (let trial = 0; trial < net.trials; trial++) {
          const doneBefore = trial * (net.S - 1);
          const progress = (done: number) => onProgress?.(doneBefore + done, total);
          trials.push(await runner.run(trial, progress, signal, gateWith?.(doneBefore)));
        }
      }
    } finally {
      runner.destroy();
    }
    onProgress?.(total, total);
    const simulateSeconds = (performance.now() - simStart - pausedMs) / 1000;
    return {
      backend: 'webgpu',
      adapter: this.adapter,
      steps: net.S,
      dt: net.dt,
      every: net.record.every,
      trials,
      timing: { setupSeconds, simulateSeconds, stepsPerSecond: total / Math.max(simulateSeconds, 1e-9) },
    };
  }

  dispose(): void {
    if (this.ownsDevice) this.gpu.release();
  }
}
