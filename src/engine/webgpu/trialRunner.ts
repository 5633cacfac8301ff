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
//
// Chunks are pipelined (CHUNKS_IN_FLIGHT = 2): chunk k+1 is submitted before the host waits for
// chunk k, and chunk k+2 as soon as chunk k's control words (step counter, event count) are read,
// so the GPU always has the next chunk queued. Chunks alternate between two event buffers; chunk
// k's events are copied (count·8 bytes, known once its control words are read) into a staging
// buffer of a small pool (one per slot, grown on demand, reused) by a copy submitted before chunk
// k+2, which reuses the event buffer, and mapped while chunk k+1 runs.

import type { SpikeTrain, TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { abortError } from '../cpu/cpuEngine.ts';
import { chunkLength, cutToStep, type RunnerGate } from '../checkpoint.ts';
import type { GpuDevice } from './device.ts';
import { initialLatent, initialState, type GpuNetwork } from './gpuNetwork.ts';
import { packParams } from './layout.ts';
import type { Pipelines, StepKernel } from './pipelines.ts';
import { readBuffer } from './readback.ts';
import { createRunResources, type RunResources } from './resources.ts';
import { eventTrains, latentSeries, readCountsAndSeries, spikeCounts } from './results.ts';

/** Neuron-updates per command buffer: bounds one submit's length and the spike-event buffer. */
const NEURON_STEPS_PER_CHUNK = 1 << 22;
const MAX_STEPS_PER_CHUNK = 1024;
/** Chunks submitted ahead of the host: one running, one queued behind it. */
const CHUNKS_IN_FLIGHT = 2;

/** A MAP_READ buffer per pipeline slot, reused across chunks and grown to the largest read. */
class StagingPool {
  private readonly buffers: (GPUBuffer | null)[];

  constructor(
    private readonly device: GPUDevice,
    private readonly label: string,
    slots: number,
  ) {
    this.buffers = Array.from({ length: slots }, () => null);
  }

  /** Slot `slot`'s buffer, at least `bytes` long (the previous one is destroyed when too small). */
  get(slot: number, bytes: number): GPUBuffer {
    const current = this.buffers[slot];
    if (current && current.size >= bytes) return current;
    current?.destroy();
    let size = 4096;
    while (size < bytes) size *= 2;
    const buffer = this.device.createBuffer({
      label: `${this.label}[${slot}]`,
      size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    this.buffers[slot] = buffer;
    return buffer;
  }

  destroy(): void {
    this.buffers.forEach((b) => b?.destroy());
  }
}

/** A submitted chunk: its first step, length, pipeline slot and the map of its control words. */
interface InFlight {
  t0: number;
  steps: number;
  slot: number;
  control: GPUBuffer;
  mapped: Promise<void>;
}

/** Marks a promise as handled (it may reject after an abort destroys its buffer) and returns it. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

function kernelsOf(net: CompiledNetwork): [StepKernel | 'stepAll', StepKernel] {
  if (net.model === 'rate') return ['stepRate', 'latents'];
  if (net.spikeRule === 'one-per-step') return ['stepDelta', 'selectOne'];
  if (net.spikeRule === 'sequential') return ['stepDelta', 'spikeSequential'];
  return ['stepAll', 'latents'];
}

export class TrialRunner {
  private constructor(
    private readonly gpu: GpuDevice,
    private readonly net: CompiledNetwork,
    private readonly gpuNet: GpuNetwork,
    private readonly resources: RunResources,
    /** The step's two pipelines (kernelsOf). */
    private readonly kernels: [GPUComputePipeline, GPUComputePipeline],
    private readonly workgroups: number,
    private readonly stepsPerChunk: number,
    private readonly eventCapacity: number,
    private readonly controlStaging: GPUBuffer[],
    private readonly eventStaging: StagingPool,
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
    const [firstKernel, secondKernel] = kernelsOf(net);
    // Workgroups of the step's first kernel: the rows of partials it writes (params.workgroups).
    const workgroups =
      firstKernel === 'stepAll'
        ? pipelines.allWorkgroups(net.populations.map((p) => p.size))
        : pipelines.stepWorkgroups(firstKernel, net.N);
    const stepsPerChunk = chunkLength(
      Math.max(1, Math.min(MAX_STEPS_PER_CHUNK, Math.floor(NEURON_STEPS_PER_CHUNK / net.N))),
      chunkSteps,
    );
    // A neuron spikes at most once per step under every rule, so this capacity cannot overflow;
    // the kernels still count past it and the host checks.
    const eventCapacity = net.record.spikes && net.model === 'spiking' ? net.N * stepsPerChunk : 0;
    const first =
      firstKernel === 'stepAll'
        ? await pipelines.stepAll({ ...gpuNet.stepAll, RECORD_SPIKES: eventCapacity > 0 ? 1 : 0 })
        : pipelines.step[firstKernel];
    const K = gpuNet.K;
    const resources = await createRunResources(device, pipelines.layouts, {
      consts: gpuNet.consts,
      stateBytes: gpuNet.stateWords * 4,
      latentBytes: 2 * K * 4,
      partialsBytes: workgroups * Math.max(K, 3) * 4,
      eventsBytes: eventCapacity * 8,
      eventSets: eventCapacity > 0 ? CHUNKS_IN_FLIGHT : 1,
      latentRecordBytes: gpuNet.scalars.record_stride * 4,
      neurons: net.N,
      maxWorkgroups: workgroups,
      workgroupSize,
    });
    const controlStaging = Array.from({ length: CHUNKS_IN_FLIGHT }, (_, slot) =>
      device.createBuffer({
        label: `WebGpuEngine.controlStaging[${slot}]`,
        size: 8,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      }),
    );
    return new TrialRunner(
      gpu,
      net,
      gpuNet,
      resources,
      [first, pipelines.step[secondKernel]],
      workgroups,
      stepsPerChunk,
      eventCapacity,
      controlStaging,
      new StagingPool(device, 'WebGpuEngine.eventStaging', CHUNKS_IN_FLIGHT),
    );
  }

  /** Set by destroy(): a late partial() (RunOptions.gate) then rejects instead of reading freed buffers. */
  private destroyed = false;

  destroy(): void {
    this.destroyed = true;
    this.resources.destroy();
    this.controlStaging.forEach((b) => b.destroy());
    this.eventStaging.destroy();
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

    const [first, second] = this.kernels;
    const raw: { events: Uint32Array; count: number }[] = [];
    const inFlight: InFlight[] = [];
    // Event reads submitted but not yet collected, in chunk order.
    const eventReads: Promise<{ events: Uint32Array; count: number } | null>[] = [];
    let submitted = 0;
    let nextT0 = 1;

    const submitChunk = () => {
      const t0 = nextT0;
      const steps = Math.min(this.stepsPerChunk, net.S - t0);
      const slot = submitted++ % CHUNKS_IN_FLIGHT;
      const eventSet = this.eventCapacity > 0 ? slot : 0;
      const control = this.controlStaging[slot];
      // Queue order: this reset runs after the chunks already submitted, before this one.
      queue.writeBuffer(res.control, 4, new Uint32Array([0]));
      const encoder = device.createCommandEncoder({ label: 'WebGpuEngine.chunk' });
      const pass = encoder.beginComputePass({ label: 'WebGpuEngine.steps' });
      for (let s = 0; s < steps; s++) {
        res.dispatch(pass, first, this.workgroups, eventSet);
        res.dispatch(pass, second, 1, eventSet);
      }
      pass.end();
      encoder.copyBufferToBuffer(res.control, 0, control, 0, 8);
      queue.submit([encoder.finish()]);
      inFlight.push({ t0, steps, slot, control, mapped: quiet(control.mapAsync(GPUMapMode.READ)) });
      nextT0 += steps;
    };

    // The oldest chunk's control words; its events' copy is submitted (before any later chunk can
    // reuse its event buffer) and collected later.
    const retire = async () => {
      const { t0, steps, slot, control, mapped } = inFlight.shift()!;
      await mapped;
      const [t, count] = new Uint32Array(control.getMappedRange().slice(0));
      control.unmap();
      this.gpu.throwIfFailed();
      if (t !== t0 + steps) throw new Error(`WebGpuEngine: step counter at ${t}, expected ${t0 + steps}`);
      if (count > this.eventCapacity) {
        throw new Error(
          `WebGpuEngine: ${count} spikes in one chunk, above the event buffer's ${this.eventCapacity}`,
        );
      }
      if (count > 0) {
        const bytes = count * 8;
        const staging = this.eventStaging.get(slot, bytes);
        const encoder = device.createCommandEncoder({ label: 'WebGpuEngine.events' });
        encoder.copyBufferToBuffer(res.eventSets[slot], 0, staging, 0, bytes);
        queue.submit([encoder.finish()]);
        eventReads.push(
          quiet(
            staging.mapAsync(GPUMapMode.READ, 0, bytes).then(() => {
              const events = new Uint32Array(staging.getMappedRange(0, bytes).slice(0));
              staging.unmap();
              return { events, count };
            }),
          ),
        );
      } else {
        eventReads.push(Promise.resolve(null));
      }
      progress(t0 + steps - 1);
    };

    // Events of every retired chunk, in order; at most `keep` reads left pending.
    const collect = async (keep: number) => {
      while (eventReads.length > keep) {
        const read = await eventReads.shift()!;
        if (read) raw.push(read);
      }
    };

    // Everything submitted, retired and collected: the queue is idle after the last chunk. Each
    // read is collected before the next retire, which may reuse its slot's staging buffer.
    const drain = async () => {
      await collect(0);
      while (inFlight.length > 0) {
        await retire();
        await collect(0);
      }
    };

    // The trial's recordings up to `step`, read once the queue is drained (a paused run).
    const partial = async (step: number): Promise<TrialResult> => {
      if (this.destroyed) throw abortError();
      await drain();
      const trialSoFar: TrialResult = {
        ...(await readCountsAndSeries(device, net, gpuNet, res.state, res.latentRecord)),
        spikes: net.record.spikes ? eventTrains(net, raw, net.spikeRule === 'all') : null,
      };
      return cutToStep(trialSoFar, step, net.record.every);
    };

    try {
      while (nextT0 < net.S || inFlight.length > 0) {
        while (inFlight.length < CHUNKS_IN_FLIGHT && nextT0 < net.S) {
          if (gate) {
            const at = nextT0 - 1;
            await gate(trial, at, at, () => partial(at));
            if (signal?.aborted) throw abortError();
          }
          submitChunk();
        }
        // At most one read is pending here, of the other slot's staging buffer.
        await retire();
        // The previous chunk's events were copied after this one finished: ready or nearly.
        await collect(1);
        if (signal?.aborted) throw abortError();
      }
      await collect(0);
    } catch (err) {
      // Leave no map pending on buffers the caller is about to destroy.
      await Promise.allSettled([...inFlight.map((c) => c.mapped), ...eventReads]);
      throw err;
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
