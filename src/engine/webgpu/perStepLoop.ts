/// <reference types="@webgpu/types" />
// The per-step path's loop (runPlan.ts): any N, every rule. A chunk of steps is one command buffer with two kernels
// per step (each sliced or folded as the adapter profile says, resources.ts), the second of which
// advances the GPU-side step counters:
//   `all`           stepAll.wgsl, latents.wgsl
//   `one-per-step`  stepDelta.wgsl, selectOne.wgsl
//   `sequential`    stepDelta.wgsl, spikeSequential.wgsl
//   rate model      stepRate.wgsl, latents.wgsl
// A chunk's dispatches share one compute pass, or under RunOptions.kernelTimes each has a timed
// pass of its own (kernelTimer.ts). Between chunks the chunk's spike events and latent samples
// come back (the samples from a ring of two chunks' rows, latentRecord.ts); spike counts are
// pulled once per batch (trialBatch.ts).
//
// Trials: under the `all` rule and the rate model the trials run in batches, every trial of a
// batch in the same dispatches (stepAll/stepRate run trials × workgroups workgroups, latents.wgsl
// one per trial), each with its own state, latents, partials rows, step counter and event region,
// so a batch gives each trial exactly the bits it gives alone (its noise is keyed by its own trial
// index). A batch holds as many trials as BATCH_BYTES of per-trial buffers allow (and
// WebGpuEngineOptions.maxTrialsPerBatch). The delta rules' spike phase is one workgroup walking the
// whole network (selectOne, spikeSequential), so they run one trial at a time.
//
// Chunks are pipelined (CHUNKS_IN_FLIGHT = 2): chunk k+1 is submitted before the host waits for
// chunk k, and chunk k+2 as soon as chunk k's control words (step counters, event counts) are read,
// so the GPU always has the next chunk queued. Chunks alternate between two event buffers; chunk
// k's events (each trial's count·8 bytes, known once its control words are read) and latent
// samples are copied into a staging buffer of a small pool (one per slot, grown on demand, reused)
// by a copy submitted before chunk k+2, which reuses the event buffer and the samples' ring rows,
// and mapped while chunk k+1 runs.

import type { CompiledNetwork } from '../../model/compile.ts';
import { chunkLength } from '../checkpoint.ts';
import { stateInt } from '../snapshot.ts';
import type { GpuDevice } from './device.ts';
import { runDims, type GpuNetwork, type RunDims } from './gpuNetwork.ts';
import { stepWorkgroups, type KernelShape, type Pipelines, type StepKernel } from './pipelines.ts';
import { LatentRecord } from './latentRecord.ts';
import { StagingPool, stagingSize } from './readback.ts';
import { MAX_QUERIES, onePass } from './kernelTimer.ts';
import { BATCH_BYTES, stateCapacity, type RunSizes } from './resources.ts';
import { RunPlan, type BatchLoop } from './runPlan.ts';
import type { TrialBatch } from './trialBatch.ts';

/**
 * Steps per command buffer at most, whatever the tuned neuron-updates per submit (pipelines.ts) allow:
 * keeps a timed chunk's passes (two per step, two timestamps each) within one query set.
 */
const MAX_STEPS_PER_CHUNK = MAX_QUERIES / 4;
/** Chunks submitted ahead of the host: one running, one queued behind it. */
const CHUNKS_IN_FLIGHT = 2;

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

/** The two kernels of a step of `net` on the per-step path (the header's table). */
function kernelsOf(net: Pick<CompiledNetwork, 'model' | 'spikeRule'>): [StepKernel | 'stepAll', StepKernel] {
  if (net.model === 'rate') return ['stepRate', 'latents'];
  if (net.spikeRule === 'one-per-step') return ['stepDelta', 'selectOne'];
  if (net.spikeRule === 'sequential') return ['stepDelta', 'spikeSequential'];
  return ['stepAll', 'latents'];
}

/**
 * How the per-step path cuts a run of these dimensions (the buffers it allocates, shared with
 * WebGpuEngine.bindingError and plan.ts); `maxTrials` caps the trials per batch.
 */
export function perStepSizes(
  shape: KernelShape,
  dims: RunDims,
  options: { chunkSteps?: number; maxTrials?: number } = {},
) {
  const [first, second] = kernelsOf(dims);
  // Workgroups of the step's first kernel per trial: the rows of partials it writes (params.workgroups).
  const workgroups = first === 'stepAll' ? dims.allWorkgroups : stepWorkgroups(shape, first, dims.N);
  const K = dims.K;
  const trialStateBytes = dims.stateWords * 4;
  const rowBytes = Math.max(K, 3) * 4;
  // The latent record's ring (at most two chunks' samples) is left out: a few KiB per trial.
  const perTrial = trialStateBytes + 2 * K * 4 + workgroups * rowBytes;
  const batchSize =
    second === 'latents'
      ? Math.max(
          1,
          Math.min(
            dims.trials,
            options.maxTrials ?? Infinity,
            Math.floor(BATCH_BYTES / perTrial),
            Math.floor(stateCapacity(shape.limits, shape.maxPartBytes) / trialStateBytes),
          ),
        )
      : 1;
  const stepsPerChunk = chunkLength(
    Math.max(1, Math.min(MAX_STEPS_PER_CHUNK, Math.floor(shape.neuronStepsPerSubmit / (dims.N * batchSize)))),
    options.chunkSteps,
  );
  // A neuron spikes at most once per step under every rule, so this capacity cannot overflow;
  // the kernels still count past it and the host checks.
  const eventCapacity = dims.record.spikes && dims.model === 'spiking' ? dims.N * stepsPerChunk : 0;
  // Samples are pulled when a chunk retires, while the next one runs: two chunks' worth at most.
  const recordWindow = LatentRecord.window(dims, dims, CHUNKS_IN_FLIGHT * stepsPerChunk);
  // The last batch may hold fewer trials: its dispatches are planned too.
  const lastBatch = dims.trials % batchSize || batchSize;
  // latents.wgsl runs a workgroup per trial; the delta rules' spike kernels one in all.
  const secondWorkgroups = (trials: number) => (second === 'latents' ? trials : 1);
  const sizes: RunSizes = {
    constsBytes: dims.constsBytes,
    stateBytes: batchSize * trialStateBytes,
    latentBytes: batchSize * 2 * K * 4,
    partialsBytes: batchSize * workgroups * rowBytes,
    trials: batchSize,
    eventsBytes: batchSize * eventCapacity * 8,
    eventSets: eventCapacity > 0 ? CHUNKS_IN_FLIGHT : 1,
    latentRecordBytes: batchSize * recordWindow * K * 4,
    neurons: dims.N,
    dispatches: [
      batchSize * workgroups,
      lastBatch * workgroups,
      secondWorkgroups(batchSize),
      secondWorkgroups(lastBatch),
    ],
    controlStaging: CHUNKS_IN_FLIGHT,
  };
  // Map-read staging at its largest: each chunk slot's pool buffer (readback.ts) takes a chunk's
  // events and samples, and a batch's spike counts leave through one more at its end.
  const chunkRead = batchSize * (eventCapacity * 8 + recordWindow * K * 4);
  const stagingBytes =
    (chunkRead > 0 ? CHUNKS_IN_FLIGHT * stagingSize(chunkRead) : 0) + batchSize * dims.N * 4;
  return {
    sizes,
    stagingBytes,
    kernels: [first, second] as const,
    workgroups,
    secondWorkgroups: secondWorkgroups(batchSize),
    batchSize,
    stepsPerChunk,
    eventCapacity,
    recordWindow,
  };
}

/** How the per-step path cuts a run (perStepSizes). */
type PerStepCut = ReturnType<typeof perStepSizes>;

/** A run of `net` on the per-step path. */
export function perStepRun(
  gpu: GpuDevice,
  pipelines: Pipelines,
  net: CompiledNetwork,
  gpuNet: GpuNetwork,
  options: { chunkSteps?: number; maxTrials?: number; kernelTimes?: boolean } = {},
): Promise<RunPlan> {
  const cut = perStepSizes(pipelines.shape, runDims(net, gpuNet), options);
  const timing = options.kernelTimes
    ? { kernels: cut.kernels, slots: CHUNKS_IN_FLIGHT, passesPerSlot: 2 * cut.stepsPerChunk }
    : null;
  return RunPlan.create(gpu, pipelines, net, gpuNet, cut, timing, async ({ kernels, plan }) => {
    const [first, second] = cut.kernels;
    const firstPipeline =
      first === 'stepAll'
        ? await pipelines.stepAll(kernels, {
            ...gpuNet.stepAll,
            RECORD_SPIKES: cut.eventCapacity > 0 ? 1 : 0,
          })
        : kernels.step[first];
    return new PerStepLoop(plan, [firstPipeline, kernels.step[second]], cut);
  });
}

class PerStepLoop implements BatchLoop {
  /** Per pipeline slot: a retired chunk's events and latent samples leave through it. */
  private readonly chunkStaging: StagingPool;

  constructor(
    private readonly plan: RunPlan,
    /** The step's two pipelines (kernelsOf). */
    private readonly kernels: [GPUComputePipeline, GPUComputePipeline],
    private readonly cut: PerStepCut,
  ) {
    this.chunkStaging = new StagingPool(plan.gpu.device, 'WebGpuEngine.chunkStaging', CHUNKS_IN_FLIGHT);
  }

  destroy(): void {
    this.chunkStaging.destroy();
  }

  async advance(batch: TrialBatch): Promise<void> {
    const { net, resources: res, timer } = this.plan;
    const { device } = this.plan.gpu;
    const { queue } = device;
    const { trials } = batch;
    const { workgroups, stepsPerChunk, eventCapacity } = this.cut;
    batch.writeParams({ workgroups, steps_per_dispatch: 0, step_event_bound: 0 });

    const [first, second] = this.kernels;
    // latents.wgsl finishes every trial of the batch (a workgroup each); the delta rules' spike
    // kernels are one workgroup over the one trial.
    const secondWorkgroups = this.cut.kernels[1] === 'latents' ? trials : 1;
    const inFlight: InFlight[] = [];
    // Reads submitted but not yet collected, in chunk order: each stores a chunk's events and the
    // latent samples it wrote into the batch.
    const chunkReads: Promise<() => void>[] = [];
    let submitted = 0;
    // A snapshot's batch resumes with every trial after its step.
    let nextT0 = batch.resume ? stateInt(batch.resume.step, 'step', 0, net.S - 1) + 1 : 1;

    const submitChunk = () => {
      const t0 = nextT0;
      // Closed-loop input: no chunk runs past the input given so far.
      const steps = Math.min(stepsPerChunk, batch.drivenTo - t0);
      const slot = submitted++ % CHUNKS_IN_FLIGHT;
      const eventSet = eventCapacity > 0 ? slot : 0;
      const control = res.controlStaging[slot];
      // Queue order: this write runs after the chunks already submitted, when every trial is at
      // t0: it only clears the event counts (and sets the counters at the batch's start).
      const words = new Uint32Array(2 * trials);
      for (let b = 0; b < trials; b++) words[2 * b] = t0;
      queue.writeBuffer(res.control, 0, words);
      const encoder = device.createCommandEncoder({ label: 'WebGpuEngine.chunk' });
      const passes = timer
        ? timer.begin(encoder, slot, 'WebGpuEngine.steps')
        : onePass(encoder, 'WebGpuEngine.steps');
      for (let s = 0; s < steps; s++) {
        passes.run(0, (pass) => res.dispatch(pass, first, trials * workgroups, eventSet));
        passes.run(1, (pass) => res.dispatch(pass, second, secondWorkgroups, eventSet));
      }
      passes.end();
      encoder.copyBufferToBuffer(res.control, 0, control, 0, 8 * trials);
      queue.submit([encoder.finish()]);
      inFlight.push({
        t0,
        steps,
        slot,
        control,
        mapped: quiet(control.mapAsync(GPUMapMode.READ, 0, 8 * trials)),
      });
      nextT0 += steps;
    };

    // The oldest chunk's control words; the copy of its events and latent samples is submitted
    // (before any later chunk can reuse its event buffer or ring rows) and collected later.
    const retire = async () => {
      const { t0, steps, slot, control, mapped } = inFlight.shift()!;
      await mapped;
      const words = new Uint32Array(control.getMappedRange(0, 8 * trials).slice(0));
      control.unmap();
      this.plan.gpu.throwIfFailed();
      // The chunk has finished: its timestamps are resolved (and the slot is free for chunk k+2).
      await timer?.collect(slot);
      const counts = Array.from({ length: trials }, (_, b) => words[2 * b + 1]);
      for (let b = 0; b < trials; b++) {
        if (words[2 * b] !== t0 + steps) {
          throw new Error(
            `WebGpuEngine: trial ${batch.first + b}'s step counter at ${words[2 * b]}, expected ${t0 + steps}`,
          );
        }
        if (counts[b] > eventCapacity) {
          throw new Error(
            `WebGpuEngine: ${counts[b]} spikes in one chunk, above the event buffer's ${eventCapacity}`,
          );
        }
      }
      const read = batch.pull(res.eventSets[slot], counts, () => t0 + steps - 1);
      chunkReads.push(
        quiet(this.chunkStaging.read(slot, read.groups).then((bytes) => () => read.store(bytes))),
      );
      batch.progress(trials * (t0 + steps - 1));
    };

    // Events and samples of every retired chunk, in order; at most `keep` reads left pending.
    const collect = async (keep: number) => {
      while (chunkReads.length > keep) (await chunkReads.shift()!)();
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

    try {
      while (nextT0 < net.S || inFlight.length > 0) {
        while (inFlight.length < CHUNKS_IN_FLIGHT && nextT0 < net.S) {
          // Every trial is at `at` once the chunks in flight have run.
          const at = nextT0 - 1;
          await batch.checkIn(at, trials * at, () => ({ step: at }), drain);
          submitChunk();
        }
        // At most one read is pending here, of the other slot's staging buffer.
        await retire();
        // The previous chunk's reads were copied after this one finished: ready or nearly.
        await collect(1);
        batch.stopIfAborted();
      }
      await collect(0);
    } catch (err) {
      // Leave no map pending on buffers the caller is about to destroy.
      await Promise.allSettled([...inFlight.map((c) => c.mapped), ...chunkReads]);
      throw err;
    }
  }
}
