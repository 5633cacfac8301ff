/// <reference types="@webgpu/types" />
// The WebGPU backend. State stays on the GPU; phases follow the CPU engine (src/engine/cpu), which
// is the reference this backend is tested against in its f32 mode. Two paths:
//   batched (batchRunner.ts, smallNetwork.wgsl): networks that fit one workgroup under the delta
//     rules or the rate model: a batch of trials at once, many steps per dispatch;
//   per-step (trialRunner.ts): any N and every rule, two kernels per step (each sliced or folded
//     as the adapter profile says, adapterProfile.ts); under the `all` rule and the rate model a
//     batch of trials per dispatch, under the delta rules one trial after another.
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
import { chooseKernelShape, Pipelines, type KernelShape } from './pipelines.ts';
import { BatchRunner, smallNetworkLanes } from './batchRunner.ts';
import { TrialRunner } from './trialRunner.ts';
import { planBindings } from './resources.ts';
import { chooseDispatch, type AdapterProfile, type DispatchShape } from './adapterProfile.ts';
import { runDims } from './gpuNetwork.ts';
import { defaultShaderLoader, type ShaderLoader } from './shaderLoader.ts';
import { engineOptionsOf, type TuningChoice, type TuningSource } from './tuning.ts';

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
  /** Workgroup size of the per-step kernels (a power of two); default: 256 within the limits (pipelines.ts). */
  workgroupSize?: number;
  /** false: stepAll's scalar path even at a multiple of 4 neurons per invocation; default true. */
  quads?: boolean;
  /** Neuron-updates per command buffer of the per-step path (a power of two); default: pipelines.ts. */
  neuronStepsPerSubmit?: number;
  /**
   * The tuned knobs for the device (tuning.ts; the CLI passes tuningCache.ts's resolveTuning):
   * they fill in the knobs above that are not given; `source` is kept for the adapter line
   * (WebGpuEngine.tuning).
   */
  tuning?: (gpu: GpuDevice) => { choice: TuningChoice | null; source: TuningSource };
  /**
   * How dispatches are shaped: 'sliced' or 'folded' (adapterProfile.ts); default: LATENTSPIKE_DISPATCH
   * where set, else the adapter profile's.
   */
  dispatch?: DispatchShape;
  /**
   * Tests only: the most workgroups of a slice (sliced) or of a grid dimension (folded), below the
   * adapter's, so that networks of a few workgroups are sliced or folded as networks of millions
   * of neurons are.
   */
  dispatchWidth?: number;
  /**
   * Tests and benchmarks only: a storage binding limit below the device's (a power of two ≥ 256
   * bytes), so that small networks have their constants and state split into parts as only
   * networks of millions of neurons otherwise are (resources.ts).
   */
  maxPartBytes?: number;
  /**
   * At most this many trials run together (default: as many as the batch's memory budget allows,
   * resources.ts's BATCH_BYTES); 1 runs them one after another (tests and benchmarks compare the
   * two). Applies to the batched small-network path and to the per-step path's `all` rule and rate
   * model.
   */
  maxTrialsPerBatch?: number;
}

/** `options` without its undefined entries (so that they do not hide tuned ones when spread). */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
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
  /** The adapter's profile (adapterProfile.ts), chosen from its info. */
  readonly profile: AdapterProfile;

  private constructor(
    private readonly gpu: GpuDevice,
    private readonly ownsDevice: boolean,
    private readonly pipelines: Pipelines,
    private readonly batchSmallNetworks: boolean,
    private readonly batchLanes: number | undefined,
    private readonly maxTrialsPerBatch: number | undefined,
    /** Where this engine's knobs came from: the tuning cache, the built-in defaults, or off. */
    readonly tuning: TuningSource | undefined,
  ) {
    this.adapter = gpu.adapterInfo;
    this.profile = gpu.profile;
  }

  /** How this engine cuts kernels and dispatches on its device (workgroup size, dispatch shape, …). */
  get shape(): KernelShape {
    return this.pipelines.shape;
  }

  static async create(options: WebGpuEngineOptions = {}): Promise<WebGpuEngine> {
    const gpu = options.gpu ?? (await acquireDevice());
    try {
      const tuned = options.tuning?.(gpu);
      if (tuned?.choice) options = { ...engineOptionsOf(tuned.choice), ...definedOnly(options) };
      const shape = chooseKernelShape(gpu.device.limits, {
        software: gpu.profile.software,
        dispatch: chooseDispatch(gpu.profile, options.dispatch),
        neuronsPerInvocation: options.neuronsPerInvocation,
        workgroupSize: options.workgroupSize,
        quads: options.quads,
        neuronStepsPerSubmit: options.neuronStepsPerSubmit,
        maxPartBytes: options.maxPartBytes,
        dispatchWidth: options.dispatchWidth,
      });
      const pipelines = await Pipelines.create(
        gpu.device,
        options.shaderLoader ?? defaultShaderLoader(),
        shape,
      );
      const { batchSmallNetworks = true, batchLanes, maxTrialsPerBatch } = options;
      if (
        maxTrialsPerBatch !== undefined &&
        !(Number.isInteger(maxTrialsPerBatch) && maxTrialsPerBatch >= 1)
      ) {
        throw new Error(
          `WebGpuEngine: maxTrialsPerBatch must be a positive integer, got ${maxTrialsPerBatch}`,
        );
      }
      return new WebGpuEngine(
        gpu,
        !options.gpu,
        pipelines,
        batchSmallNetworks,
        batchLanes,
        maxTrialsPerBatch,
        tuned?.source,
      );
    } catch (err) {
      if (!options.gpu) gpu.release();
      throw err;
    }
  }

  unsupported(net: CompiledNetwork): string | null {
    return unsupportedReason(net);
  }

  /**
   * Why `net` is too large for this device's storage bindings (the message run() would reject
   * with: the buffer, its size and the limit), or null when its buffers can be bound.
   */
  bindingError(net: CompiledNetwork): string | null {
    const gpuNet = buildGpuNetwork(net, this.pipelines.allShape);
    const maxTrials = this.maxTrialsPerBatch;
    const size = this.batchWorkgroupSize(net);
    const { shape } = this.pipelines;
    const dims = runDims(net, gpuNet);
    const { sizes } = size
      ? BatchRunner.sizes(shape, dims, size, { maxTrials })
      : TrialRunner.sizes(shape, dims, { maxTrials });
    const plan = planBindings(shape.limits, sizes, shape.maxPartBytes);
    return plan instanceof Error ? plan.message : null;
  }

  /** The batched kernel's lanes per trial when `net` takes the batched path, else null. */
  private batchWorkgroupSize(net: CompiledNetwork): number | null {
    return smallNetworkLanes(this.pipelines.shape, net, {
      batchSmallNetworks: this.batchSmallNetworks,
      batchLanes: this.batchLanes,
    });
  }

  async run(net: CompiledNetwork, options: RunOptions = {}): Promise<SimulationResult> {
    const reason = unsupportedReason(net);
    if (reason) throw new Error(reason);
    const { onProgress, signal, gate, chunkSteps } = options;
    if (signal?.aborted) throw abortError();
    const setupStart = performance.now();
    const gpuNet = buildGpuNetwork(net, this.pipelines.allShape);
    const size = this.batchWorkgroupSize(net);
    const cut = { chunkSteps, maxTrials: this.maxTrialsPerBatch };
    const runner = size
      ? await BatchRunner.create(this.gpu, this.pipelines, net, gpuNet, size, cut)
      : await TrialRunner.create(this.gpu, this.pipelines, net, gpuNet, cut);
    const setupSeconds = (performance.now() - setupStart) / 1000;
    const simStart = performance.now();
    const total = (net.S - 1) * net.trials;
    let trials: TrialResult[];
    // Time spent paused at the gate is not simulation time.
    let pausedMs = 0;
    const runnerGate: RunnerGate | undefined =
      gate &&
      (async (trial, step, done, partial) => {
        const pausedAt = performance.now();
        await passGate(gate({ done, total, trial, step, partial }), signal);
        pausedMs += performance.now() - pausedAt;
      });
    try {
      trials = await runner.run((done) => onProgress?.(done, total), signal, runnerGate);
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
