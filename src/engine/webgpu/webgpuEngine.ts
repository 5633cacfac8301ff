/// <reference types="@webgpu/types" />
// The WebGPU backend. State stays on the GPU for a whole trial; a chunk of steps is one command
// buffer of 2 dispatches per step (stepAll.wgsl, then latents.wgsl, which advances the GPU-side step
// counter), and only the chunk's spike events come back between chunks. Latent traces accumulate
// on the GPU and are pulled once per trial. Phases follow the CPU engine (src/engine/cpu), which is
// the reference this backend is tested against in its f32 mode.
//
// Implemented: spiking model, `all` spike rule, pulse and exponential synapses.

import type {
  AdapterInfo,
  Engine,
  RunOptions,
  SimulationResult,
  SpikeTrain,
  TrialResult,
} from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { abortError } from '../cpu/cpuEngine.ts';
import { acquireDevice, type GpuDevice } from './device.ts';
import { withErrorScope } from './errorScope.ts';
import { buildGpuNetwork, initialState, type GpuNetwork } from './gpuNetwork.ts';
import { createBindGroupLayouts, packParams, PARAMS_BYTES } from './layout.ts';
import { readBuffer } from './readback.ts';
import { compileShader, composeShader } from './shaders.ts';
import { defaultShaderLoader, type ShaderLoader } from './shaderLoader.ts';

export interface WebGpuEngineOptions {
  /** Where WGSL comes from (required in a browser bundle; Node reads shaders/ by default). */
  shaderLoader?: ShaderLoader;
  /** A device to use instead of acquiring one; the caller then keeps ownership of it. */
  gpu?: GpuDevice;
}

/** Preferred invocations per workgroup (see stepAll.wgsl): a power of two within the device's limits. */
const PREFERRED_WORKGROUP_SIZE = 256;
/** Neuron-updates per command buffer: bounds one submit's length and the spike-event buffer. */
const NEURON_STEPS_PER_CHUNK = 1 << 22;
const MAX_STEPS_PER_CHUNK = 1024;

interface Pipelines {
  layouts: GPUBindGroupLayout[];
  step: GPUComputePipeline;
  latents: GPUComputePipeline;
  workgroupSize: number;
}

function workgroupSizeFor(limits: GPUSupportedLimits): number {
  let size = PREFERRED_WORKGROUP_SIZE;
  while (size > limits.maxComputeInvocationsPerWorkgroup || size > limits.maxComputeWorkgroupSizeX) size /= 2;
  return size;
}

async function createPipelines(device: GPUDevice, load: ShaderLoader): Promise<Pipelines> {
  const workgroupSize = workgroupSizeFor(device.limits);
  const layouts = createBindGroupLayouts(device);
  const layout = device.createPipelineLayout({
    label: 'WebGpuEngine.pipelineLayout',
    bindGroupLayouts: layouts,
  });
  const build = async (kernel: string, includes: string[]): Promise<GPUComputePipeline> => {
    const module = await compileShader(device, kernel, await composeShader(kernel, includes, load));
    device.pushErrorScope('validation');
    const pipeline = await device.createComputePipelineAsync({
      label: `WebGpuEngine.${kernel}`,
      layout,
      compute: { module, entryPoint: 'main', constants: { WORKGROUP_SIZE: workgroupSize } },
    });
    const error = await device.popErrorScope();
    if (error) throw new Error(`shaders/${kernel}.wgsl: pipeline: ${error.message}`);
    return pipeline;
  };
  const [step, latents] = await Promise.all([
    build('stepAll', ['bindings', 'philox']),
    build('latents', ['bindings']),
  ]);
  return { layouts, step, latents, workgroupSize };
}

function unsupportedReason(net: CompiledNetwork): string | null {
  if (net.model !== 'spiking') return `The WebGPU engine does not run model '${net.model}' yet`;
  if (net.spikeRule !== 'all') {
    return `The WebGPU engine does not implement spikeRule '${net.spikeRule}' yet (implemented: 'all')`;
  }
  return null;
}

/** Splits the chunk's events, sorted by (step, neuron) as the CPU engine emits them, by population. */
function appendEvents(
  net: CompiledNetwork,
  raw: Uint32Array,
  count: number,
  out: { step: number[]; neuron: number[] }[],
) {
  const order = Array.from({ length: count }, (_, e) => e);
  order.sort((a, b) => raw[2 * a] - raw[2 * b] || raw[2 * a + 1] - raw[2 * b + 1]);
  for (const e of order) {
    const i = raw[2 * e + 1];
    const p = net.populations.findIndex((pop) => i >= pop.start && i < pop.start + pop.size);
    out[p].step.push(raw[2 * e]);
    out[p].neuron.push(i - net.populations[p].start);
  }
}

export class WebGpuEngine implements Engine {
  readonly backend = 'webgpu' as const;
  readonly adapter: AdapterInfo;

  private constructor(
    private readonly gpu: GpuDevice,
    private readonly ownsDevice: boolean,
    private readonly pipelines: Pipelines,
  ) {
    this.adapter = gpu.adapterInfo;
  }

  static async create(options: WebGpuEngineOptions = {}): Promise<WebGpuEngine> {
    const gpu = options.gpu ?? (await acquireDevice());
    try {
      const pipelines = await createPipelines(gpu.device, options.shaderLoader ?? defaultShaderLoader());
      return new WebGpuEngine(gpu, !options.gpu, pipelines);
    } catch (err) {
      if (!options.gpu) gpu.release();
      throw err;
    }
  }

  unsupported(net: CompiledNetwork): string | null {
    return unsupportedReason(net);
  }

  async run(net: CompiledNetwork, options: RunOptions = {}): Promise<SimulationResult> {
    const reason = unsupportedReason(net);
    if (reason) throw new Error(reason);
    const { onProgress, signal } = options;
    if (signal?.aborted) throw abortError();
    const setupStart = performance.now();
    const gpuNet = buildGpuNetwork(net);
    const run = await this.prepare(net, gpuNet);
    const setupSeconds = (performance.now() - setupStart) / 1000;
    const simStart = performance.now();
    const total = (net.S - 1) * net.trials;
    const trials: TrialResult[] = [];
    try {
      for (let trial = 0; trial < net.trials; trial++) {
        trials.push(
          await this.runTrial(
            net,
            gpuNet,
            run,
            trial,
            (done) => onProgress?.(trial * (net.S - 1) + done, total),
            signal,
          ),
        );
      }
    } finally {
      run.destroy();
    }
    onProgress?.(total, total);
    const simulateSeconds = (performance.now() - simStart) / 1000;
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

  private async prepare(net: CompiledNetwork, gpuNet: GpuNetwork) {
    const { device } = this.gpu;
    const { layouts, workgroupSize } = this.pipelines;
    const workgroups = Math.ceil(net.N / workgroupSize);
    if (workgroups > device.limits.maxComputeWorkgroupsPerDimension) {
      throw new Error(`N = ${net.N} needs ${workgroups} workgroups, above this device's limit`);
    }
    const stepsPerChunk = Math.max(
      1,
      Math.min(MAX_STEPS_PER_CHUNK, Math.floor(NEURON_STEPS_PER_CHUNK / net.N)),
    );
    // Under the `all` rule a neuron spikes at most once per step, so this capacity cannot overflow;
    // the kernel still counts past it and the host checks.
    const eventCapacity = net.N * stepsPerChunk;
    const { K, L } = { K: gpuNet.K, L: net.L };
    return withErrorScope(device, 'WebGpuEngine.prepare', () => {
      const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
      const buffer = (label: string, bytes: number, usage = storage) =>
        device.createBuffer({
          label: `WebGpuEngine.${label}`,
          size: Math.max(16, Math.ceil(bytes / 4) * 4),
          usage,
        });
      const params = buffer('params', PARAMS_BYTES, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
      const consts = buffer('consts', gpuNet.consts.byteLength);
      const state = buffer('state', gpuNet.stateWords * 4);
      const latent = buffer('latent', (L + K) * 4);
      const partials = buffer('partials', workgroups * K * 4);
      const control = buffer('control', 8);
      const events = buffer('events', eventCapacity * 8);
      const latentRecord = buffer('latentRecord', net.record.latents ? gpuNet.samples * K * 4 : 4);
      const controlStaging = buffer('controlStaging', 8, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
      device.queue.writeBuffer(consts, 0, gpuNet.consts);
      const group = (i: number, buffers: GPUBuffer[]) =>
        device.createBindGroup({
          label: `WebGpuEngine.${layouts[i].label}`,
          layout: layouts[i],
          entries: buffers.map((b, binding) => ({ binding, resource: { buffer: b } })),
        });
      const bindGroups = [
        group(0, [params, consts]),
        group(1, [state, latent, partials, control]),
        group(2, [events, latentRecord]),
      ];
      const all = [params, consts, state, latent, partials, control, events, latentRecord, controlStaging];
      return {
        workgroups,
        stepsPerChunk,
        eventCapacity,
        params,
        state,
        latent,
        control,
        events,
        latentRecord,
        controlStaging,
        bindGroups,
        destroy: () => all.forEach((b) => b.destroy()),
      };
    });
  }

  private async runTrial(
    net: CompiledNetwork,
    gpuNet: GpuNetwork,
    run: Awaited<ReturnType<WebGpuEngine['prepare']>>,
    trial: number,
    progress: (done: number) => void,
    signal: AbortSignal | undefined,
  ): Promise<TrialResult> {
    const { device } = this.gpu;
    const { queue } = device;
    const K = gpuNet.K;
    queue.writeBuffer(
      run.params,
      0,
      packParams(
        { ...gpuNet.scalars, trial, event_capacity: run.eventCapacity, workgroups: run.workgroups },
        gpuNet.populations,
      ),
    );
    queue.writeBuffer(run.state, 0, initialState(net, gpuNet));
    const latent = new Float32Array(net.L + K);
    latent.set(gpuNet.y0, net.L);
    queue.writeBuffer(run.latent, 0, latent);
    queue.writeBuffer(run.control, 0, new Uint32Array([1, 0]));
    if (net.record.latents) queue.writeBuffer(run.latentRecord, 0, gpuNet.y0);

    const trains = net.populations.map(() => ({ step: [] as number[], neuron: [] as number[] }));
    for (let t0 = 1; t0 < net.S; t0 += run.stepsPerChunk) {
      const steps = Math.min(run.stepsPerChunk, net.S - t0);
      queue.writeBuffer(run.control, 4, new Uint32Array([0]));
      const encoder = device.createCommandEncoder({ label: 'WebGpuEngine.chunk' });
      const pass = encoder.beginComputePass({ label: 'WebGpuEngine.steps' });
      run.bindGroups.forEach((g, i) => pass.setBindGroup(i, g));
      for (let s = 0; s < steps; s++) {
        pass.setPipeline(this.pipelines.step);
        pass.dispatchWorkgroups(run.workgroups);
        pass.setPipeline(this.pipelines.latents);
        pass.dispatchWorkgroups(1);
      }
      pass.end();
      encoder.copyBufferToBuffer(run.control, 0, run.controlStaging, 0, 8);
      queue.submit([encoder.finish()]);
      await run.controlStaging.mapAsync(GPUMapMode.READ);
      const [t, count] = new Uint32Array(run.controlStaging.getMappedRange().slice(0));
      run.controlStaging.unmap();
      this.gpu.throwIfFailed();
      if (t !== t0 + steps) throw new Error(`WebGpuEngine: step counter at ${t}, expected ${t0 + steps}`);
      if (count > run.eventCapacity) {
        throw new Error(
          `WebGpuEngine: ${count} spikes in one chunk, above the event buffer's ${run.eventCapacity}`,
        );
      }
      if (net.record.spikes && count > 0) {
        appendEvents(net, new Uint32Array(await readBuffer(device, run.events, 0, count * 8)), count, trains);
      }
      progress(t0 + steps - 1);
      if (signal?.aborted) throw abortError();
    }

    const counts = new Uint32Array(
      await readBuffer(device, run.state, gpuNet.scalars.st_count * 4, net.N * 4),
    );
    const spikeCounts = net.populations.map((p) =>
      Int32Array.from(counts.subarray(p.start, p.start + p.size)),
    );
    const spikes: SpikeTrain[] | null = net.record.spikes
      ? trains.map((tr) => ({ step: Int32Array.from(tr.step), neuron: Int32Array.from(tr.neuron) }))
      : null;
    let latents: Float64Array[] | null = null;
    let readouts: Float64Array[] | null = null;
    if (net.record.latents) {
      const rec = new Float32Array(await readBuffer(device, run.latentRecord, 0, gpuNet.samples * K * 4));
      const column = (k: number) => Float64Array.from({ length: gpuNet.samples }, (_, s) => rec[s * K + k]);
      latents = net.channels.map((_, l) => column(l));
      readouts = net.readouts.map((_, r) => column(net.L + r));
    }
    this.gpu.throwIfFailed();
    return { spikeCounts, spikes, latents, readouts };
  }

  dispose(): void {
    if (this.ownsDevice) this.gpu.release();
  }
}
