/// <reference types="@webgpu/types" />
// The WebGPU backend. State stays on the GPU; phases follow the CPU engine (src/engine/cpu), which
// is the reference this backend is tested against in its f32 mode. A run is one run plan
// (runPlan.ts: its buffers, batches of trials, their setup and read-back) and one of two loops:
//   batched (smallNetworkLoop.ts, smallNetwork.wgsl): networks that fit one workgroup under the
//     delta rules or the rate model: a batch of trials at once, many steps per dispatch;
//   per-step (perStepLoop.ts): any N and every rule, two kernels per step (each sliced or folded
//     as the adapter profile says, adapterProfile.ts); under the `all` rule and the rate model a
//     batch of trials per dispatch, under the delta rules one trial after another.
// Every valid network runs: the spiking model under `all`, `one-per-step` and `sequential`, and the
// rate model.
//
// A lost device (driver reset, GPU process crash, device.destroy()) ends the run's GPU work at once:
// every pending map rejects. An engine that acquired its own device then acquires a new one on the
// same adapter and runs the trials not yet read back, the batch in progress from its first step,
// up to MAX_RESTARTS times; trials already read back are kept. An engine given a device
// (WebGpuEngineOptions.gpu) cannot replace it and rejects with a DeviceLostError; validation and
// out-of-memory errors end the run with a typed error (gpuErrors.ts, docs/device-loss.md).
//
// RunOptions.kernelTimes times each kernel on the GPU where the device has timestamp-query
// (kernelTimer.ts); elsewhere the result says why it has no kernel times.

import type {
  AdapterInfo,
  Engine,
  KernelTime,
  RunCheckpoint,
  RunOptions,
  SimulationResult,
  TrialResult,
} from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { SYNAPSE_DELTA } from '../../model/compile.ts';
import { abortError, passGate, type RunnerGate } from '../checkpoint.ts';
import { checkSnapshot, snapshotNetwork } from '../snapshot.ts';
import { acquireDevice, type GpuDevice } from './device.ts';
import { DeviceLostError, GpuOutOfMemoryError } from './gpuErrors.ts';
import { buildGpuNetwork } from './gpuNetwork.ts';
import { MAX_POPULATIONS } from './layout.ts';
import { chooseKernelShape, Pipelines, type KernelShape } from './pipelines.ts';
import { smallNetworkLanes, smallNetworkRun, smallNetworkSizes } from './smallNetworkLoop.ts';
import { perStepRun, perStepSizes } from './perStepLoop.ts';
import { mib, planBindings, planResources } from './resources.ts';
import { chooseDispatch, type AdapterProfile, type DispatchShape } from './adapterProfile.ts';
import { runDims } from './gpuNetwork.ts';
import { defaultShaderLoader, type ShaderLoader } from './shaderLoader.ts';
import { gib } from '../memoryNeed.ts';
import { engineOptionsOf, type TuningChoice, type TuningSource } from './tuning.ts';
import { InputFeed, inputSteps } from '../input.ts';

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

/** Times one run replaces a lost device before it fails. */
export const MAX_RESTARTS = 2;

/**
 * How long a failed map waits for the device to report its loss before the failure is taken for
 * something else (lostWithin, device.ts).
 */
const LOSS_WAIT_MS = 1000;

/** The kernels an engine compiles for its device: made again for a replacement device. */
async function setUp(gpu: GpuDevice, options: WebGpuEngineOptions): Promise<Pipelines> {
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
  return Pipelines.create(gpu.device, options.shaderLoader ?? defaultShaderLoader(), shape);
}

/** SimulationResult.timing.kernels where the device cannot time kernels. */
export const NO_TIMESTAMP_QUERY = 'not available on this adapter (no timestamp-query)';

/** What a run adds up over its restarts: setup and paused time, and each kernel's GPU time. */
interface RunClock {
  setupMs: number;
  pausedMs: number;
  kernels: Map<string, KernelTime>;
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
  private disposed = false;

  private constructor(
    private gpu: GpuDevice,
    private pipelines: Pipelines,
    private readonly ownsDevice: boolean,
    /** The options the engine runs with: the caller's, with tuned knobs where the caller gave none. */
    private readonly options: WebGpuEngineOptions,
    /** Where this engine's knobs came from: the tuning cache, the built-in defaults, or off. */
    readonly tuning: TuningSource | undefined,
  ) {
    this.adapter = gpu.adapterInfo;
    this.profile = gpu.profile;
  }

  /** Whether the device can time kernels (RunOptions.kernelTimes): it has 'timestamp-query'. */
  get canTimeKernels(): boolean {
    return this.gpu.device.features.has('timestamp-query');
  }

  /** How this engine cuts kernels and dispatches on its device (workgroup size, dispatch shape, …). */
  get shape(): KernelShape {
    return this.pipelines.shape;
  }

  /** The device the engine runs on now: a lost one it owned is replaced by a new one. */
  get device(): GpuDevice {
    return this.gpu;
  }

  static async create(options: WebGpuEngineOptions = {}): Promise<WebGpuEngine> {
    const { maxTrialsPerBatch } = options;
    if (maxTrialsPerBatch !== undefined && !(Number.isInteger(maxTrialsPerBatch) && maxTrialsPerBatch >= 1)) {
      throw new Error(`WebGpuEngine: maxTrialsPerBatch must be a positive integer, got ${maxTrialsPerBatch}`);
    }
    const gpu = options.gpu ?? (await acquireDevice());
    try {
      const tuned = options.tuning?.(gpu);
      const effective = tuned?.choice
        ? { ...engineOptionsOf(tuned.choice), ...definedOnly(options) }
        : options;
      return new WebGpuEngine(gpu, await setUp(gpu, effective), !options.gpu, effective, tuned?.source);
    } catch (err) {
      if (!options.gpu) gpu.release();
      throw err;
    }
  }

  unsupported(net: CompiledNetwork): string | null {
    return unsupportedReason(net);
  }

  /** The buffers a run of `net` allocates and the map-read staging it needs at most (resources.ts). */
  private runSizes(net: CompiledNetwork) {
    const gpuNet = buildGpuNetwork(net, this.pipelines.allShape);
    const maxTrials = this.options.maxTrialsPerBatch;
    const size = this.batchWorkgroupSize(net);
    const { shape } = this.pipelines;
    const dims = runDims(net, gpuNet);
    return size
      ? smallNetworkSizes(shape, dims, size, { maxTrials })
      : perStepSizes(shape, dims, { maxTrials });
  }

  /**
   * Why `net` is too large for this device's storage bindings (the message run() would reject
   * with: the buffer, its size and the limit), or null when its buffers can be bound.
   */
  bindingError(net: CompiledNetwork): string | null {
    const { sizes } = this.runSizes(net);
    const plan = planBindings(this.pipelines.shape.limits, sizes, this.pipelines.shape.maxPartBytes);
    return plan instanceof Error ? plan.message : null;
  }

  /** Bytes of GPU memory a run of `net` takes: its buffers and map-read staging at their largest. */
  gpuBytes(net: CompiledNetwork): number {
    const { sizes, stagingBytes } = this.runSizes(net);
    const { shape } = this.pipelines;
    const binding = planBindings(shape.limits, sizes, shape.maxPartBytes);
    if (binding instanceof Error) return NaN;
    const buffers = planResources(sizes, binding, shape.dispatch).buffers;
    return buffers.reduce((n, b) => n + b.bytes, stagingBytes);
  }

  /** The batched kernel's lanes per trial when `net` takes the batched path, else null. */
  private batchWorkgroupSize(net: CompiledNetwork): number | null {
    return smallNetworkLanes(this.pipelines.shape, net, {
      batchSmallNetworks: this.options.batchSmallNetworks ?? true,
      batchLanes: this.options.batchLanes,
    });
  }

  async run(net: CompiledNetwork, options: RunOptions = {}): Promise<SimulationResult> {
    const reason = unsupportedReason(net);
    if (reason) throw new Error(reason);
    const { onProgress, signal } = options;
    const timed = options.kernelTimes === true && this.canTimeKernels;
    if (signal?.aborted) throw abortError();
    const total = (net.S - 1) * net.trials;
    const start = performance.now();
    const clock: RunClock = { setupMs: 0, pausedMs: 0, kernels: new Map() };
    // Trials read back survive a lost device: a restart runs only the rest, and the batch in
    // progress continues from the latest snapshot of it: the one the caller's gate took last
    // (simulate --checkpoint), else the one resumed from, else its first step.
    const finished: TrialResult[] = options.resumeFrom ? [...options.resumeFrom.finished] : [];
    let latest = options.resumeFrom;
    const { gate } = options;
    // Closed-loop input (input.ts): one feed for the whole run, so a restart keeps what was given.
    const feed = options.input ? new InputFeed(net, options.input, inputSteps(options.chunkSteps)) : null;
    const remembering = gate && {
      gate: (at: RunCheckpoint) => gate({ ...at, snapshot: async () => (latest = await at.snapshot()) }),
    };
    for (let restarts = 0; ; restarts++) {
      try {
        await this.runTrials(
          net,
          { ...options, ...remembering, resumeFrom: latest },
          finished,
          clock,
          timed,
          feed,
        );
        break;
      } catch (err) {
        const failure = await this.failureOf(err, signal);
        if (!(failure instanceof DeviceLostError)) throw this.explain(failure, net);
        if (!this.ownsDevice) {
          throw new DeviceLostError(
            failure.reason,
            `${failure.message}; the engine was given this device (WebGpuEngineOptions.gpu) and cannot ` +
              `replace it: ${finished.length} of ${net.trials} trials had finished`,
          );
        }
        if (this.disposed)
          throw new DeviceLostError(failure.reason, `${failure.message}; the engine was disposed`);
        if (restarts === MAX_RESTARTS) {
          throw new DeviceLostError(
            failure.reason,
            `${failure.message}; lost again after ${restarts} restarts on a new device, so the run ` +
              `ends: ${finished.length} of ${net.trials} trials had finished`,
          );
        }
        const replaceStart = performance.now();
        await this.replaceDevice(failure);
        clock.setupMs += performance.now() - replaceStart;
      }
    }
    onProgress?.(total, total);
    const setupSeconds = clock.setupMs / 1000;
    const simulateSeconds = (performance.now() - start - clock.setupMs - clock.pausedMs) / 1000;
    return {
      backend: 'webgpu',
      adapter: this.adapter,
      steps: net.S,
      dt: net.dt,
      every: net.record.every,
      trials: finished,
      timing: {
        setupSeconds,
        simulateSeconds,
        stepsPerSecond: total / Math.max(simulateSeconds, 1e-9),
        ...(options.kernelTimes
          ? {
              kernels: timed
                ? { kernels: [...clock.kernels.values()], unavailable: null }
                : { kernels: null, unavailable: NO_TIMESTAMP_QUERY },
            }
          : {}),
      },
    };
  }

  /**
   * Runs the trials after those in `finished` on the current device, appending each batch once it
   * is read back. The batch in progress starts from its first step, or from `resumeFrom`'s state
   * when it is that snapshot's batch (RunOptions.resumeFrom, checked against this device's layout).
   * With closed-loop input (`feed`) the trials run one per batch.
   */
  private async runTrials(
    net: CompiledNetwork,
    { onProgress, signal, gate, chunkSteps, resumeFrom }: RunOptions,
    finished: TrialResult[],
    clock: RunClock,
    kernelTimes: boolean,
    feed: InputFeed | null,
  ): Promise<void> {
    const total = (net.S - 1) * net.trials;
    const setupStart = performance.now();
    // An error of an earlier run fails that run only.
    this.gpu.clearErrors();
    const gpuNet = buildGpuNetwork(net, this.pipelines.allShape);
    const size = this.batchWorkgroupSize(net);
    const cut = { chunkSteps, maxTrials: feed ? 1 : this.options.maxTrialsPerBatch, kernelTimes };
    const runner = size
      ? await smallNetworkRun(this.gpu, this.pipelines, net, gpuNet, size, cut)
      : await perStepRun(this.gpu, this.pipelines, net, gpuNet, cut);
    clock.setupMs += performance.now() - setupStart;
    // A batch's state is resumed as a whole: the path, its trials per batch and a trial's state
    // words must be the snapshot's.
    const identity = {
      backend: 'webgpu' as const,
      precision: 'f32',
      layout:
        `webgpu/${size ? 'batched' : 'per-step'}; ${runner.batchSize} trials per batch; ` +
        `${gpuNet.stateWords} state words, ${gpuNet.K} latent words per trial` +
        (feed ? '; closed-loop input' : ''),
    };
    if (resumeFrom) {
      try {
        checkSnapshot(resumeFrom, identity, net);
        // The input the snapshot's trial was given and had not used up (its batch runs first).
        if (feed && resumeFrom.trial === finished.length && resumeFrom.trial < net.trials)
          feed.restore(resumeFrom.state.input, resumeFrom.trial);
      } catch (err) {
        runner.destroy();
        throw err;
      }
    }
    // Time spent paused at the gate is not simulation time.
    const runnerGate: RunnerGate | undefined =
      gate &&
      (async (trial, step, done, partial, runnerSnapshot) => {
        const pausedAt = performance.now();
        const snapshot = async () => {
          const taken = { ...identity, network: snapshotNetwork(net), ...(await runnerSnapshot()) };
          return feed ? { ...taken, state: { ...taken.state, input: feed.save(step) } } : taken;
        };
        await passGate(gate({ done, total, trial, step, partial, snapshot }), signal);
        clock.pausedMs += performance.now() - pausedAt;
      });
    try {
      await runner.run(
        finished,
        (done) => onProgress?.(done, total),
        signal,
        runnerGate,
        resumeFrom,
        feed ?? undefined,
      );
      // An error reported after the last read still voids the run.
      this.gpu.throwIfFailed();
      // Kernel times of this device's runner: a lost device takes its runner's times with it.
      for (const t of runner.kernelTimes() ?? []) {
        const sum = clock.kernels.get(t.kernel);
        clock.kernels.set(
          t.kernel,
          sum
            ? { ...sum, gpuSeconds: sum.gpuSeconds + t.gpuSeconds, dispatches: sum.dispatches + t.dispatches }
            : t,
        );
      }
    } finally {
      runner.destroy();
    }
  }

  /**
   * What `err`, thrown by a run, means: the device's own failure when it has one (a map rejects
   * with an AbortError when the device is lost: that is no cancellation), else `err`.
   */
  private async failureOf(err: unknown, signal: AbortSignal | undefined): Promise<unknown> {
    if (signal?.aborted && (err as Error)?.name === 'AbortError') return err;
    const known = this.gpu.failure();
    if (known) return known;
    const name = (err as Error)?.name;
    if (name === 'AbortError' || name === 'OperationError') {
      return (await this.gpu.lostWithin(LOSS_WAIT_MS)) ?? this.gpu.failure() ?? err;
    }
    return err;
  }

  /** `failure` with what the run needed, where that helps (an out-of-memory error). */
  private explain(failure: unknown, net: CompiledNetwork): unknown {
    if (!(failure instanceof GpuOutOfMemoryError)) return failure;
    const bytes = this.gpuBytes(net);
    return new GpuOutOfMemoryError(
      `${failure.message.replace(/\s+$/, '')}\nThis run's GPU buffers take about ` +
        `${bytes < 2 ** 20 ? `${Math.ceil(bytes / 1024)} KiB` : bytes < 2 ** 30 ? mib(bytes) : gib(bytes)} ` +
        `(\`latentspike plan RUN.json\` lists them). Fewer neurons, fewer trials or no spike trains ` +
        `(record.spikes false) need less; --backend cpu runs it in host memory.`,
    );
  }

  /** Replaces the lost device with a new one on the same adapter, or throws why it cannot. */
  private async replaceDevice(lost: DeviceLostError): Promise<void> {
    const old = this.gpu;
    old.release();
    let gpu: GpuDevice;
    try {
      gpu = await acquireDevice(old.path);
    } catch (err) {
      throw new DeviceLostError(lost.reason, `${lost.message}; no new device: ${(err as Error).message}`);
    }
    const was = this.adapter.description;
    if (gpu.adapterInfo.description !== was) {
      gpu.release();
      throw new DeviceLostError(
        lost.reason,
        `${lost.message}; the new device is on another adapter (${gpu.adapterInfo.description}, not ${was})`,
      );
    }
    try {
      this.pipelines = await setUp(gpu, this.options);
    } catch (err) {
      gpu.release();
      throw err;
    }
    this.gpu = gpu;
  }

  dispose(): void {
    this.disposed = true;
    if (this.ownsDevice) this.gpu.release();
  }
}
