/// <reference types="@webgpu/types" />
// The per-step path: any N, one trial after another. A chunk of steps is one command buffer with
// two kernels per step (each sliced, see resources.ts), the second of which advances the GPU-side
// step counter:
//   `all`           stepAll.wgsl, latents.wgsl
//   `one-per-step`  stepDelta.wgsl, selectOne.wgsl
//   `sequential`    stepDelta.wgsl, spikeSequential.wgsl
//   rate model      stepRate.wgsl, latents.wgsl
// Only the chunk's spike events come back between chunks; latent traces accumulate on the GPU and
// are pulled once per trial.

import type { SpikeTrain, TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { abortError } from '../cpu/cpuEngine.ts';
import { chunkLength, cutToStep, type RunnerGate } from '../checkpoint.ts';
import type { GpuDevice } from './device.ts';
import { initialLatent, initialState, type GpuNetwork } from './gpuNetwork.ts';
import { packParams } from './layout.ts';
import type { Pipelines, StepKernel } from './pipelines.ts';
import { readBuffer, readParts } from './readback.ts';
import { createRunResources, type RunResources } from './resources.ts';
import { eventTrains, latentSeries, spikeCounts } from './results.ts';

/** Neuron-updates per command buffer: bounds one submit's length and the spike-event buffer. */
const NEURON_STEPS_PER_CHUNK = 1 << 22;
const MAX_STEPS_PER_CHUNK = 1024;

function kernelsOf(net: CompiledNetwork): [StepKernel, StepKernel] {
  if (net.model === 'rate') return ['stepRate', 'latents'];
  if (net.spikeRule === 'one-per-step') return ['stepDelta', 'selectOne'];
  if (net.spikeRule === 'sequential') return ['stepDelta', 'spikeSequential'];
  return ['stepAll', 'latents'];
}

export class TrialRunner {
  private constructor(
    private readonly gpu: GpuDevice,
    private readonly pipelines: Pipelines,
    private readonly net: CompiledNetwork,
    private readonly gpuNet: GpuNetwork,
    private readonly resources: RunResources,
    private readonly workgroups: number,
    private readonly stepsPerChunk: number,
    private readonly eventCapacity: number,
    private readonly controlStaging: GPUBuffer,
  ) {}

  static async create(
    gpu: GpuDevice,
    pipelines: Pipelines,
    net: CompiledNetwork,
    gpuNet: GpuNetwork,
    chunkSteps?: number,
  ): Promise<TrialRunner> {
    const { device } = gpu;
    const workgroupSize = pipelines.workgroupSize;
    const workgroups = Math.ceil(net.N / workgroupSize);
    const stepsPerChunk = chunkLength(
      Math.max(1, Math.min(MAX_STEPS_PER_CHUNK, Math.floor(NEURON_STEPS_PER_CHUNK / net.N))),
      chunkSteps,
    );
    // A neuron spikes at most once per step under every rule, so this capacity cannot overflow;
    // the kernels still count past it and the host checks.
    const eventCapacity = net.record.spikes && net.model === 'spiking' ? net.N * stepsPerChunk : 0;
    const K = gpuNet.K;
    const resources = await createRunResources(device, pipelines.layouts, {
      consts: gpuNet.consts,
      stateBytes: gpuNet.stateWords * 4,
      latentBytes: 2 * K * 4,
      partialsBytes: workgroups * Math.max(K, 3) * 4,
      eventsBytes: eventCapacity * 8,
      latentRecordBytes: gpuNet.scalars.record_stride * 4,
      maxWorkgroups: workgroups,
      workgroupSize,
    });
    const controlStaging = device.createBuffer({
      label: 'WebGpuEngine.controlStaging',
      size: 8,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    return new TrialRunner(
      gpu,
      pipelines,
      net,
      gpuNet,
      resources,
      workgroups,
      stepsPerChunk,
      eventCapacity,
      controlStaging,
    );
  }

  /** Set by destroy(): a late partial() (RunOptions.gate) then rejects instead of reading freed buffers. */
  private destroyed = false;

  destroy(): void {
    this.destroyed = true;
    this.resources.destroy();
    this.controlStaging.destroy();
  }

  async run(
    trial: number,
    progress: (done: number) => void,
    signal: AbortSignal | undefined,
    gate?: RunnerGate,
  ): Promise<TrialResult> {
    const { net, gpuNet, resources: res } = this;
    const { device } = this.gpu;
    const { queue } = device;
    queue.writeBuffer(
      res.params,
      0,
      packParams(
        {
          ...gpuNet.scalars,
          trial,
          event_capacity: this.eventCapacity,
          workgroups: this.workgroups,
          steps_per_dispatch: 0,
          off_trial_control: 0,
          event_stride: 0,
          step_event_bound: 0,
          record_spikes: this.eventCapacity > 0 ? 1 : 0,
        },
        gpuNet.populations,
      ),
    );
    queue.writeBuffer(res.state, 0, initialState(net, gpuNet));
    queue.writeBuffer(res.latent, 0, initialLatent(net, gpuNet));
    queue.writeBuffer(res.control, 0, new Uint32Array([1, 0]));
    if (net.record.latents) queue.writeBuffer(res.latentRecord, 0, gpuNet.y0);

    const [first, second] = kernelsOf(net).map((k) => this.pipelines.step[k]);
    const raw: { events: Uint32Array; count: number }[] = [];
    // The trial's recordings up to `step`, read while the queue is idle (a paused run).
    const partial = async (step: number): Promise<TrialResult> => {
      if (this.destroyed) throw abortError();
      const [counts, record] = await readParts(device, [
        { source: res.state, offset: gpuNet.scalars.st_count * 4, size: net.N * 4 },
        {
          source: res.latentRecord,
          offset: 0,
          size: net.record.latents ? gpuNet.scalars.record_stride * 4 : 0,
        },
      ]);
      const trialSoFar: TrialResult = {
        spikeCounts: spikeCounts(net, new Uint32Array(counts)),
        spikes: net.record.spikes ? eventTrains(net, raw, net.spikeRule === 'all') : null,
        ...latentSeries(net, gpuNet, net.record.latents ? new Float32Array(record) : null),
      };
      return cutToStep(trialSoFar, step, net.record.every);
    };
    for (let t0 = 1; t0 < net.S; t0 += this.stepsPerChunk) {
      if (gate) {
        await gate(trial, t0 - 1, t0 - 1, () => partial(t0 - 1));
        if (signal?.aborted) throw abortError();
      }
      const steps = Math.min(this.stepsPerChunk, net.S - t0);
      queue.writeBuffer(res.control, 4, new Uint32Array([0]));
      const encoder = device.createCommandEncoder({ label: 'WebGpuEngine.chunk' });
      const pass = encoder.beginComputePass({ label: 'WebGpuEngine.steps' });
      for (let s = 0; s < steps; s++) {
        res.dispatch(pass, first, this.workgroups);
        res.dispatch(pass, second, 1);
      }
      pass.end();
      encoder.copyBufferToBuffer(res.control, 0, this.controlStaging, 0, 8);
      queue.submit([encoder.finish()]);
      await this.controlStaging.mapAsync(GPUMapMode.READ);
      const [t, count] = new Uint32Array(this.controlStaging.getMappedRange().slice(0));
      this.controlStaging.unmap();
      this.gpu.throwIfFailed();
      if (t !== t0 + steps) throw new Error(`WebGpuEngine: step counter at ${t}, expected ${t0 + steps}`);
      if (count > this.eventCapacity) {
        throw new Error(
          `WebGpuEngine: ${count} spikes in one chunk, above the event buffer's ${this.eventCapacity}`,
        );
      }
      if (count > 0) {
        raw.push({ events: new Uint32Array(await readBuffer(device, res.events, 0, count * 8)), count });
      }
      progress(t0 + steps - 1);
      if (signal?.aborted) throw abortError();
    }

    const counts = new Uint32Array(
      await readBuffer(device, res.state, gpuNet.scalars.st_count * 4, net.N * 4),
    );
    // Under `all` the events of one step arrive in atomic order: sort them as the CPU emits them.
    const spikes: SpikeTrain[] | null = net.record.spikes
      ? eventTrains(net, raw, net.spikeRule === 'all')
      : null;
    const record = net.record.latents
      ? new Float32Array(await readBuffer(device, res.latentRecord, 0, gpuNet.scalars.record_stride * 4))
      : null;
    this.gpu.throwIfFailed();
    return {
      spikeCounts: spikeCounts(net, counts),
      spikes,
      ...latentSeries(net, gpuNet, record),
    };
  }
}
