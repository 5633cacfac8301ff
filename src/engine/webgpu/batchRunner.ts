/// <reference types="@webgpu/types" />
// The batched path for networks that fit one workgroup (smallNetwork.wgsl): a batch of trials runs
// as one workgroup per trial, each dispatch advancing every trial by up to STEPS_PER_DISPATCH
// steps, so e.g. figS2's 1000 trials of 50 neurons are one GPU job instead of 1000 × 7500 × 2
// dispatches. Between submits only the trials' (t, event count) words and their new events come
// back; spike counts, final state and latent traces are pulled once per batch.
//
// Each trial has its own event slots per submit; a trial whose slots could overflow within the next
// step stops early, and the next submit resumes it from its own step counter, so a burst of spikes
// costs an extra submit, never a lost event.

import type { TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { abortError } from '../cpu/cpuEngine.ts';
import { cutToStep, type RunnerGate } from '../checkpoint.ts';
import type { GpuDevice } from './device.ts';
import { initialLatent, initialState, type GpuNetwork } from './gpuNetwork.ts';
import { packParams } from './layout.ts';
import type { Pipelines } from './pipelines.ts';
import { readBuffer, readRanges } from './readback.ts';
import {
  stateCapacity,
  createRunResources,
  planBindings,
  type RunResources,
  type RunSizes,
} from './resources.ts';
import { eventTrains, latentSeries, readCountsAndSeries, spikeCounts } from './results.ts';

/** Steps one dispatch runs per trial: keeps a single dispatch short on a real GPU's watchdog. */
const STEPS_PER_DISPATCH = 256;
/**
 * Lane-steps (trials × lanes × steps) per submit: how often the host checks in for progress,
 * cancellation and events — a few seconds on a software adapter, milliseconds on a GPU.
 */
const LANE_STEPS_PER_SUBMIT = 1 << 23;
/** Event slots per trial per submit (at least one step's worth). */
const EVENT_SLOTS_PER_TRIAL = 4096;
/** Bytes of per-batch buffers one batch may use (trials are batched to stay under it). */
const BATCH_BYTES = 64 << 20;

/**
 * Steps per dispatch: STEPS_PER_DISPATCH, or under RunOptions.chunkSteps its largest divisor up to
 * STEPS_PER_DISPATCH, so that a submit of whole dispatches is exactly one chunk.
 */
function stepsPerDispatch(chunkSteps: number | undefined): number {
  if (chunkSteps === undefined) return STEPS_PER_DISPATCH;
  for (let d = Math.min(STEPS_PER_DISPATCH, chunkSteps); d > 1; d--) if (chunkSteps % d === 0) return d;
  return 1;
}

/** The small-network kernel runs every model and rule but the `all` rule. */
export function batchable(net: CompiledNetwork): boolean {
  return net.model === 'rate' || net.spikeRule !== 'all';
}

export class BatchRunner {
  private constructor(
    private readonly gpu: GpuDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly net: CompiledNetwork,
    private readonly gpuNet: GpuNetwork,
    private readonly resources: RunResources,
    private readonly workgroupSize: number,
    private readonly batchSize: number,
    private readonly eventStride: number,
    private readonly stepEventBound: number,
    /**
     * Steps per dispatch, and at most how many a submit may run (RunOptions.chunkSteps): fewer only
     * when a trial stops early to keep its events from overflowing.
     */
    private readonly stepsPerDispatch: number,
    private readonly maxChunkSteps: number,
  ) {}

  /** The buffers a run of `net` on this path allocates (shared with WebGpuEngine.bindingError). */
  static sizes(gpu: GpuDevice, pipelines: Pipelines, net: CompiledNetwork, gpuNet: GpuNetwork) {
    const { limits } = gpu.device;
    const recordSpikes = net.record.spikes && net.model === 'spiking';
    const stepEventBound = recordSpikes ? (net.spikeRule === 'one-per-step' ? 1 : net.N) : 0;
    const eventStride = recordSpikes ? Math.max(stepEventBound, Math.min(EVENT_SLOTS_PER_TRIAL, net.S)) : 0;
    const stateWords = gpuNet.stateWords + 2;
    const perTrial = 4 * (stateWords + 2 * gpuNet.K + gpuNet.scalars.record_stride) + 8 * eventStride;
    const batchSize = Math.max(
      1,
      Math.min(
        net.trials,
        Math.floor(BATCH_BYTES / perTrial),
        Math.floor(stateCapacity(limits, pipelines.maxPartBytes) / (4 * stateWords)),
      ),
    );
    const sizes: RunSizes = {
      consts: gpuNet.consts,
      stateBytes: batchSize * stateWords * 4,
      latentBytes: batchSize * 2 * gpuNet.K * 4,
      partialsBytes: 4,
      eventsBytes: batchSize * eventStride * 8,
      latentRecordBytes: batchSize * gpuNet.scalars.record_stride * 4,
      maxWorkgroups: batchSize,
      workgroupSize: pipelines.workgroupSize,
    };
    return { sizes, batchSize, eventStride, stepEventBound };
  }

  static async create(
    gpu: GpuDevice,
    pipelines: Pipelines,
    net: CompiledNetwork,
    gpuNet: GpuNetwork,
    workgroupSize: number,
    chunkSteps?: number,
  ): Promise<BatchRunner> {
    const { device } = gpu;
    const { sizes, batchSize, eventStride, stepEventBound } = BatchRunner.sizes(gpu, pipelines, net, gpuNet);
    const plan = planBindings(device.limits, sizes, pipelines.maxPartBytes);
    if (plan instanceof Error) throw plan;
    const [pipeline, kernels] = await Promise.all([
      pipelines.smallNetwork(workgroupSize, plan.split),
      pipelines.kernels(plan.split),
    ]);
    const resources = await createRunResources(device, kernels.layouts, sizes, plan);
    return new BatchRunner(
      gpu,
      pipeline,
      net,
      gpuNet,
      resources,
      workgroupSize,
      batchSize,
      eventStride,
      stepEventBound,
      stepsPerDispatch(chunkSteps),
      chunkSteps ?? Infinity,
    );
  }

  /** Set by destroy(): a late partial() (RunOptions.gate) then rejects instead of reading freed buffers. */
  private destroyed = false;

  destroy(): void {
    this.destroyed = true;
    this.resources.destroy();
  }

  async run(
    progress: (done: number) => void,
    signal: AbortSignal | undefined,
    gate?: RunnerGate,
  ): Promise<TrialResult[]> {
    const results: TrialResult[] = [];
    for (let first = 0; first < this.net.trials; first += this.batchSize) {
      const trials = Math.min(this.batchSize, this.net.trials - first);
      const doneBefore = first * (this.net.S - 1);
      const batchGate: RunnerGate | undefined =
        gate && ((trial, step, done, partial) => gate(trial, step, doneBefore + done, partial));
      results.push(
        ...(await this.runBatch(first, trials, (done) => progress(doneBefore + done), signal, batchGate)),
      );
    }
    return results;
  }

  private async runBatch(
    firstTrial: number,
    trials: number,
    progress: (done: number) => void,
    signal: AbortSignal | undefined,
    gate: RunnerGate | undefined,
  ): Promise<TrialResult[]> {
    const { net, gpuNet, resources: res } = this;
    const perDispatch = this.stepsPerDispatch;
    const { device } = this.gpu;
    const { queue } = device;
    const { K } = gpuNet;
    const trialWords = gpuNet.stateWords;
    const controlOffset = this.batchSize * trialWords;
    queue.writeBuffer(
      res.params,
      0,
      packParams(
        {
          ...gpuNet.scalars,
          trial: firstTrial,
          event_capacity: 0,
          workgroups: trials,
          steps_per_dispatch: perDispatch,
          off_trial_control: controlOffset,
          event_stride: this.eventStride,
          step_event_bound: this.stepEventBound,
          record_spikes: this.stepEventBound > 0 ? 1 : 0,
        },
        gpuNet.populations,
      ),
    );
    const state = new Uint32Array(controlOffset + 2 * trials);
    const latent = new Float32Array(2 * K * trials);
    const one = initialState(net, gpuNet);
    const oneLatent = initialLatent(net, gpuNet);
    for (let b = 0; b < trials; b++) {
      state.set(one, b * trialWords);
      state[controlOffset + 2 * b] = 1;
      latent.set(oneLatent, 2 * K * b);
      if (net.record.latents)
        queue.writeBuffer(res.latentRecord, b * gpuNet.scalars.record_stride * 4, gpuNet.y0);
    }
    res.state.write(0, state);
    queue.writeBuffer(res.latent, 0, latent);

    const lanes = trials * this.workgroupSize;
    const perSubmit = Math.min(
      Math.max(1, Math.floor(LANE_STEPS_PER_SUBMIT / (lanes * perDispatch))),
      Math.max(1, Math.floor(this.maxChunkSteps / perDispatch)),
    );
    const chunks = Array.from({ length: trials }, () => [] as { events: Uint32Array; count: number }[]);
    const control = new Uint32Array(2 * trials);
    control.set(state.subarray(controlOffset));
    // The batch's first trial's recordings up to its step, read while the queue is idle.
    const partial = async (step: number): Promise<TrialResult> => {
      if (this.destroyed) throw abortError();
      const trialSoFar: TrialResult = {
        ...(await readCountsAndSeries(device, net, gpuNet, res.state, res.latentRecord)),
        spikes: net.record.spikes ? eventTrains(net, chunks[0], false) : null,
      };
      return cutToStep(trialSoFar, step, net.record.every);
    };
    for (;;) {
      if (gate) {
        let done = 0;
        for (let b = 0; b < trials; b++) done += control[2 * b] - 1;
        const step = control[0] - 1;
        await gate(firstTrial, step, done, () => partial(step));
        if (signal?.aborted) throw abortError();
      }
      let behind = 0;
      for (let b = 0; b < trials; b++) behind = Math.max(behind, net.S - control[2 * b]);
      const dispatches = Math.min(perSubmit, Math.ceil(behind / perDispatch));
      const encoder = device.createCommandEncoder({ label: 'WebGpuEngine.batch' });
      const pass = encoder.beginComputePass({ label: 'WebGpuEngine.smallNetwork' });
      for (let d = 0; d < dispatches; d++) res.dispatch(pass, this.pipeline, trials);
      pass.end();
      queue.submit([encoder.finish()]);
      control.set(new Uint32Array(await readRanges(device, res.state.ranges(controlOffset * 4, 8 * trials))));
      this.gpu.throwIfFailed();
      await this.collectEvents(control, chunks);
      let done = 0;
      let finished = true;
      for (let b = 0; b < trials; b++) {
        done += control[2 * b] - 1;
        finished &&= control[2 * b] >= net.S;
        control[2 * b + 1] = 0;
      }
      progress(done);
      if (signal?.aborted) throw abortError();
      if (finished) break;
      res.state.write(controlOffset * 4, control);
    }

    const words = new Uint32Array(await readRanges(device, res.state.ranges(0, trials * trialWords * 4)));
    const record = net.record.latents
      ? new Float32Array(
          await readBuffer(device, res.latentRecord, 0, trials * gpuNet.scalars.record_stride * 4),
        )
      : null;
    this.gpu.throwIfFailed();
    const countsAt = gpuNet.scalars.st_count;
    const stride = gpuNet.scalars.record_stride;
    return Array.from({ length: trials }, (_, b) => ({
      spikeCounts: spikeCounts(
        net,
        words.subarray(b * trialWords + countsAt, b * trialWords + countsAt + net.N),
      ),
      spikes: net.record.spikes ? eventTrains(net, chunks[b], false) : null,
      ...latentSeries(net, gpuNet, record && record.subarray(b * stride, (b + 1) * stride)),
    }));
  }

  /** Pulls every trial's events of the last submit (control[2b + 1] of them) in one gather. */
  private async collectEvents(
    control: Uint32Array,
    chunks: { events: Uint32Array; count: number }[][],
  ): Promise<void> {
    if (this.stepEventBound === 0) return;
    const trials = chunks.length;
    const ranges = Array.from({ length: trials }, (_, b) => ({
      source: this.resources.events,
      offset: b * this.eventStride * 8,
      size: control[2 * b + 1] * 8,
    }));
    const gathered = new Uint32Array(await readRanges(this.gpu.device, ranges));
    let at = 0;
    for (let b = 0; b < trials; b++) {
      const count = control[2 * b + 1];
      if (count > 0) chunks[b].push({ events: gathered.subarray(at, at + 2 * count), count });
      at += 2 * count;
    }
  }
}
