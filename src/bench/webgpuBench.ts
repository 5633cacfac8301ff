/// <reference types="@webgpu/types" />
// WebGPU throughput on whatever adapter this machine has, with the adapter named and flagged
// (a software adapter is CPU emulation, never GPU performance: shared/spec/WEBGPU_WITHOUT_A_GPU.md).
// Three kernels, each timed as the median of `repetitions` batches after a warm-up batch:
//   low-rank  the engine's step (WebGpuEngine.run, public API) on the CPU bench's network
//             (src/bench/cpuBench.ts: fig5's rank-2 E/I boundary, redundant copies, `all` rule,
//             exponential synapses), so the two benches' rows compare one to one;
//   probe     shaders/probe.wgsl, one f32 read and written per neuron: the bandwidth floor;
//   dense     shaders/denseStep.wgsl, V += W·s with an N×N W: what full rank would cost.
// Probe and dense batches are one command buffer each and sync with the host once, at the end
// (onSubmittedWorkDone). The engine syncs once per chunk of steps (that is how it runs), so the
// low-rank time includes those round trips (and the constants' upload and the latents' pull, once
// per run); the host round trip is measured too, to size them. Low-rank sizes whose predicted time
// exceeds a budget are skipped and listed: software adapters take seconds per step at 10⁶ neurons.
// The engine, not a copy of its dispatch loop, is timed because its internals change as rules are
// added; timing through `run` keeps this bench valid for every version of them.
// Per-kernel time: where the adapter has 'timestamp-query', each low-rank row gets one more run
// with RunOptions.kernelTimes (every dispatch in a timed pass of its own, so that run's wall time
// is reported apart and not used for the row's): GPU µs per step per kernel, and the bandwidth it
// achieved on the bytes the plan (plan.ts's kernelTraffic) says it moves per step, as a fraction
// of the probe's at the nearest N (8 bytes per neuron per step). Elsewhere the report says why.

import type { AdapterInfo } from '../engine/engine.ts';
import { acquireDevice, type GpuDevice } from '../engine/webgpu/device.ts';
import { withErrorScope } from '../engine/webgpu/errorScope.ts';
import { compileShader, composeShader } from '../engine/webgpu/shaders.ts';
import type { ShaderLoader } from '../engine/webgpu/shaderLoader.ts';
import { nodeShaderLoader } from '../engine/webgpu/nodeShaderLoader.ts';
import { NO_TIMESTAMP_QUERY, WebGpuEngine, type WebGpuEngineOptions } from '../engine/webgpu/webgpuEngine.ts';
import { describeTuning, type TuningSource } from '../engine/webgpu/tuning.ts';
import { compileNetwork, type CompiledNetwork } from '../model/compile.ts';
import { parseRunFile } from '../model/parse.ts';
import { benchRunFile } from './cpuBench.ts';
import { fig5Run } from '../experiments/presets/fig5.ts';
import { median } from '../analysis/stats.ts';
import { largestWorkgroup } from '../engine/webgpu/pipelines.ts';
import { planNetwork } from '../engine/webgpu/plan.ts';

export type BenchKernel = 'low-rank' | 'probe' | 'dense';

export interface WebGpuBenchOptions {
  /** Network sizes for the low-rank step and the probe. */
  sizes: number[];
  /** Sizes of the dense baseline; the low-rank step is measured at these sizes too, for the ratio. */
  denseSizes: number[];
  repetitions: number;
  /** Samples S of the low-rank runs (S − 1 steps per repetition); the most steps of a probe/dense batch. */
  steps: number;
  /** σ_V of the low-rank rows (default 0 and 0.01, as the CPU bench). */
  noiseLevels?: number[];
  /** Probe and dense batches are sized to take about this long (default 0.25 s), within 1 … steps. */
  batchSeconds?: number;
  /**
   * A low-rank size is skipped when the previous size's time, scaled by N, predicts more than this
   * for its warm-up and repetitions (default 120 s): software adapters run 10⁶ neurons at seconds
   * per step.
   */
  maxRowSeconds?: number;
  /**
   * Neurons per invocation of the engine's `all` and rate step kernels (default: the engine's
   * choice, 1 on a GPU and 32 on a software adapter); a multiple of 4 turns on stepAll's vector
   * path (whole quads per vec4 access), so a GPU run can compare 1 and 4 side by side.
   */
  neuronsPerInvocation?: number;
  /** The engine's tuned knobs (WebGpuEngineOptions.tuning; the CLI passes the tuning cache's). */
  tuning?: WebGpuEngineOptions['tuning'];
  /** A device to use (the caller keeps it); otherwise one is acquired and released. */
  gpu?: GpuDevice;
  /** Called with each output line as soon as it is known (adapter first, then the table). */
  onLine?: (line: string) => void;
  /** Where the probe and dense kernels' WGSL comes from (default: shaders/ beside this repository). */
  shaderLoader?: ShaderLoader;
}

export interface WebGpuBenchRow {
  kernel: BenchKernel;
  neurons: number;
  /** Low-rank rows only. */
  sigmaV: number | null;
  /** Steps per timed batch. */
  steps: number;
  repetitions: number;
  /** Median over the repetitions of batch time / steps, seconds. */
  secondsPerStep: number;
  /** neurons / secondsPerStep (rows updated per second for dense). */
  updatesPerSecond: number;
  /** Low-rank rows: network spikes per step in the last repetition; null otherwise. */
  spikesPerStep: number | null;
  /** Probe rows: bytes moved per second (8 per neuron per step); null otherwise. */
  bytesPerSecond: number | null;
  /**
   * Low-rank rows where the adapter has timestamp-query: the timed run, every kernel of its step;
   * null otherwise (WebGpuBenchReport.kernelTimesUnavailable says why).
   */
  kernelTimes: BenchKernelTimes | null;
}

/** A low-rank row's timed run (RunOptions.kernelTimes). */
export interface BenchKernelTimes {
  /** That run's wall time per step: more than the row's, every dispatch having a pass of its own. */
  wallSecondsPerStep: number;
  kernels: BenchKernelTime[];
}

/** One kernel of a low-rank row's step, as the timed run measured it. */
export interface BenchKernelTime {
  /** shaders/<kernel>.wgsl, as `latentspike plan` names it. */
  kernel: string;
  /** GPU time per step (timestamp-query), seconds. */
  gpuSecondsPerStep: number;
  dispatchesPerStep: number;
  /** Bytes read and written per step, from the plan (kernelTraffic); null when the plan has no such kernel. */
  bytesPerStep: number | null;
  /** bytesPerStep / gpuSecondsPerStep. */
  bytesPerSecond: number | null;
  /** bytesPerSecond / the probe's at the nearest N; null without a probe row. */
  ofProbe: number | null;
}

export interface WebGpuBenchReport {
  /** What `bench --json FILE` writes (this interface, as JSON). */
  format: typeof WEBGPU_BENCH_FORMAT;
  adapter: AdapterInfo;
  /** How the adapter was reached ('browser', 'vulkan', 'swiftshader', 'opengl'). */
  path: string;
  featureLevel: string;
  /** The low-rank rows' neurons per invocation, when the caller chose it (null: the engine's default). */
  neuronsPerInvocation: number | null;
  /** Where the engine's knobs came from (null: no tuning asked for, the built-in defaults). */
  tuning: TuningSource | null;
  /** Median of submit → mapAsync of a 4-byte buffer: the cost of one host sync. */
  roundTripSeconds: number;
  rows: WebGpuBenchRow[];
  /** Sizes not run, with the reason. */
  skipped: string[];
  ratios: { name: string; value: number }[];
  /** fig5 (6 neurons): steps/s of the small-network kernel and of one dispatch per step. */
  smallNetwork: { batchedStepsPerSecond: number; perStepStepsPerSecond: number } | null;
  /** Why the low-rank rows have no kernel times (e.g. no timestamp-query), or null when they have them. */
  kernelTimesUnavailable: string | null;
}

export const WEBGPU_BENCH_FORMAT = 'latentspike/webgpu-bench@1';

const PREFERRED_WORKGROUP_SIZE = 256;

async function pipeline(
  device: GPUDevice,
  kernel: string,
  workgroupSize: number,
  loader: ShaderLoader = nodeShaderLoader,
): Promise<GPUComputePipeline> {
  const module = await compileShader(device, kernel, await composeShader(kernel, [], loader));
  return device.createComputePipelineAsync({
    label: `WebGpuBench.${kernel}`,
    layout: 'auto',
    compute: { module, entryPoint: 'main', constants: { WORKGROUP_SIZE: workgroupSize } },
  });
}

/** One timed batch: encode `steps` steps into one command buffer, submit, wait for the GPU. */
type Encode = (pass: GPUComputePassEncoder, steps: number) => void;

async function timeBatch(gpu: GpuDevice, label: string, steps: number, encode: Encode): Promise<number> {
  const { device } = gpu;
  const encoder = device.createCommandEncoder({ label: `WebGpuBench.${label}` });
  const pass = encoder.beginComputePass({ label: `WebGpuBench.${label}` });
  encode(pass, steps);
  pass.end();
  const commands = encoder.finish();
  const start = performance.now();
  device.queue.submit([commands]);
  await device.queue.onSubmittedWorkDone();
  const seconds = (performance.now() - start) / 1000;
  gpu.throwIfFailed();
  return seconds;
}

/**
 * Warm-up (one step twice, the first paying for first use, then a batch sized from the second to
 * take about `batchSeconds`), then the median of `repetitions` batches of that size.
 */
async function timeKernel(
  gpu: GpuDevice,
  label: string,
  encode: Encode,
  options: WebGpuBenchOptions,
): Promise<{ steps: number; secondsPerStep: number }> {
  await timeBatch(gpu, label, 1, encode);
  const one = await timeBatch(gpu, label, 1, encode);
  const target = options.batchSeconds ?? 0.25;
  const steps = Math.max(1, Math.min(options.steps, Math.round(target / Math.max(one, 1e-6))));
  await timeBatch(gpu, label, steps, encode);
  const perStep: number[] = [];
  for (let r = 0; r < options.repetitions; r++)
    perStep.push((await timeBatch(gpu, label, steps, encode)) / steps);
  return { steps, secondsPerStep: median(perStep) };
}

async function roundTrip(gpu: GpuDevice, repetitions: number): Promise<number> {
  const { device } = gpu;
  const source = device.createBuffer({
    label: 'WebGpuBench.roundTrip',
    size: 4,
    usage: GPUBufferUsage.COPY_SRC,
  });
  const staging = device.createBuffer({
    label: 'WebGpuBench.roundTripStaging',
    size: 4,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const times: number[] = [];
  try {
    for (let r = 0; r <= repetitions; r++) {
      const encoder = device.createCommandEncoder({ label: 'WebGpuBench.roundTrip' });
      encoder.copyBufferToBuffer(source, 0, staging, 0, 4);
      const start = performance.now();
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      staging.unmap();
      if (r > 0) times.push((performance.now() - start) / 1000); // r = 0 is the warm-up
    }
  } finally {
    source.destroy();
    staging.destroy();
  }
  return median(times);
}

/** The bandwidth probe at `neurons` (also used by the benchmark grid, src/bench/grid). */
export async function measureProbe(
  gpu: GpuDevice,
  neurons: number,
  options: WebGpuBenchOptions,
): Promise<WebGpuBenchRow> {
  const { device } = gpu;
  const workgroupSize = largestWorkgroup(device.limits, PREFERRED_WORKGROUP_SIZE);
  const probe = await pipeline(device, 'probe', workgroupSize, options.shaderLoader);
  const { v, group } = await withErrorScope(device, 'WebGpuBench.probe', () => {
    const v = device.createBuffer({
      label: 'WebGpuBench.probe.v',
      size: neurons * 4,
      usage: GPUBufferUsage.STORAGE,
    });
    const group = device.createBindGroup({
      label: 'WebGpuBench.probe',
      layout: probe.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: v } }],
    });
    return { v, group };
  });
  const workgroups = Math.ceil(neurons / workgroupSize);
  try {
    const { steps, secondsPerStep } = await timeKernel(
      gpu,
      'probe',
      (pass, n) => {
        pass.setPipeline(probe);
        pass.setBindGroup(0, group);
        for (let s = 0; s < n; s++) pass.dispatchWorkgroups(workgroups);
      },
      options,
    );
    return {
      ...row('probe', neurons, null, steps, options, secondsPerStep, null),
      bytesPerSecond: (8 * neurons) / secondsPerStep,
    };
  } finally {
    v.destroy();
  }
}

/** Largest W block: 128 MiB, the OpenGL adapter's binding limit; one buffer of 1 GiB failed on SwiftShader. */
const DENSE_BLOCK_BYTES = 128 << 20;

/**
 * Rows per W block: the most (a power of two, so a multiple of 64 and V's block offsets stay
 * 256-byte aligned) whose N columns fit one buffer and one binding.
 */
function denseBlockRows(neurons: number, limits: GPUSupportedLimits): number {
  const cap = Math.min(DENSE_BLOCK_BYTES, limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  let rows = 1;
  while (rows * 2 <= neurons && rows * 2 * neurons * 4 <= cap) rows *= 2;
  const alignRows = limits.minStorageBufferOffsetAlignment / 4;
  if (rows < neurons && rows % alignRows !== 0) {
    throw new Error(`dense N = ${neurons}: a row block of ${rows} rows cannot be bound at aligned offsets`);
  }
  return rows;
}

/** The dense row at `neurons`, or a reason it could not run (W does not fit this adapter's memory). */
export async function measureDense(
  gpu: GpuDevice,
  neurons: number,
  options: WebGpuBenchOptions,
): Promise<WebGpuBenchRow | string> {
  const { device } = gpu;
  const workgroupSize = largestWorkgroup(device.limits, PREFERRED_WORKGROUP_SIZE);
  const dense = await pipeline(device, 'denseStep', workgroupSize, options.shaderLoader);
  const blockRows = denseBlockRows(neurons, device.limits);
  const rowsOf = (b: number) => Math.min(blockRows, neurons - b * blockRows);
  const blocks = Math.ceil(neurons / blockRows);
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const buffers: GPUBuffer[] = [];
  const create = (label: string, size: number) => {
    const buffer = device.createBuffer({ label: `WebGpuBench.dense.${label}`, size, usage: storage });
    buffers.push(buffer);
    return buffer;
  };
  try {
    let w: GPUBuffer[];
    let s: GPUBuffer;
    let v: GPUBuffer;
    try {
      ({ w, s, v } = await withErrorScope(device, `WebGpuBench.dense (N = ${neurons})`, () => ({
        w: Array.from({ length: blocks }, (_, b) => create(`w${b}`, rowsOf(b) * neurons * 4)),
        s: create('s', neurons * 4),
        v: create('v', neurons * 4),
      })));
    } catch (err) {
      return `dense N = ${neurons}: skipped, W (${((neurons * neurons * 4) / 2 ** 20).toFixed(0)} MiB) does not fit: ${(err as Error).message.split('\n')[0]}`;
    }
    // Weights of either sign around 1/N and about 5 % of the neurons spiking: values a network
    // could have (the time does not depend on them). Every block gets the same rows.
    const block = Float32Array.from(
      { length: blockRows * neurons },
      (_, e) => (((e * 0.618034) % 1) - 0.5) / neurons,
    );
    w.forEach((buffer, b) => device.queue.writeBuffer(buffer, 0, block, 0, rowsOf(b) * neurons));
    device.queue.writeBuffer(
      s,
      0,
      Float32Array.from({ length: neurons }, (_, k) => (k % 20 === 0 ? 1 : 0)),
    );
    const groups = await withErrorScope(device, 'WebGpuBench.dense.bindGroups', () =>
      w.map((buffer, b) => ({
        workgroups: Math.ceil(rowsOf(b) / workgroupSize),
        group: device.createBindGroup({
          label: `WebGpuBench.dense.block${b}`,
          layout: dense.getBindGroupLayout(0),
          entries: [
            { binding: 0, resource: { buffer } },
            { binding: 1, resource: { buffer: s } },
            { binding: 2, resource: { buffer: v, offset: b * blockRows * 4, size: rowsOf(b) * 4 } },
          ],
        }),
      })),
    );
    const { steps, secondsPerStep } = await timeKernel(
      gpu,
      'dense',
      (pass, n) => {
        pass.setPipeline(dense);
        for (let s = 0; s < n; s++) {
          for (const { group, workgroups } of groups) {
            pass.setBindGroup(0, group);
            pass.dispatchWorkgroups(workgroups);
          }
        }
      },
      options,
    );
    return row('dense', neurons, null, steps, options, secondsPerStep, null);
  } finally {
    buffers.forEach((b) => b.destroy());
  }
}

async function measureLowRank(
  engine: WebGpuEngine,
  neurons: number,
  sigmaV: number,
  options: WebGpuBenchOptions,
): Promise<WebGpuBenchRow> {
  const net = compileNetwork(parseRunFile(benchRunFile({ neurons, steps: options.steps, sigmaV })));
  await engine.run(net); // warm-up
  const perStep: number[] = [];
  let spikes = 0;
  for (let r = 0; r < options.repetitions; r++) {
    const result = await engine.run(net);
    perStep.push(result.timing.simulateSeconds / (net.S - 1));
    spikes = result.trials[0].spikeCounts.reduce((s, counts) => counts.reduce((a, c) => a + c, s), 0);
  }
  return {
    ...row('low-rank', net.N, sigmaV, net.S - 1, options, median(perStep), spikes / (net.S - 1)),
    kernelTimes: engine.canTimeKernels ? await measureKernels(engine, net, options) : null,
  };
}

/**
 * One run of `net` with every kernel timed; each kernel's bytes per step from the plan of `net` on
 * this engine's adapter (the probe fraction is filled in once the probe rows exist).
 */
async function measureKernels(
  engine: WebGpuEngine,
  net: CompiledNetwork,
  options: WebGpuBenchOptions,
): Promise<BenchKernelTimes> {
  const result = await engine.run(net, { kernelTimes: true });
  // Per step of the run, as the row's time (the bench network runs one trial).
  const steps = net.S - 1;
  const plan = planNetwork(
    net,
    { profile: engine.profile, limits: engine.shape.limits, source: 'this adapter' },
    { neuronsPerInvocation: options.neuronsPerInvocation },
  );
  return {
    wallSecondsPerStep: result.timing.simulateSeconds / steps,
    kernels: result.timing.kernels!.kernels!.map(({ kernel, gpuSeconds, dispatches }) => {
      const planned = plan.kernels.find((k) => k.kernel === kernel);
      const gpuSecondsPerStep = gpuSeconds / steps;
      const bytesPerStep = planned ? planned.readBytes + planned.writeBytes : null;
      return {
        kernel,
        gpuSecondsPerStep,
        dispatchesPerStep: dispatches / steps,
        bytesPerStep,
        bytesPerSecond:
          bytesPerStep !== null && gpuSecondsPerStep > 0 ? bytesPerStep / gpuSecondsPerStep : null,
        ofProbe: null,
      };
    }),
  };
}

/** Each low-rank kernel's bandwidth as a fraction of the probe's at the nearest N (log scale). */
function compareWithProbe(rows: WebGpuBenchRow[]): void {
  const probes = rows.filter((r) => r.kernel === 'probe' && r.bytesPerSecond !== null);
  if (probes.length === 0) return;
  const distance = (a: number, b: number) => Math.abs(Math.log(a / b));
  for (const r of rows) {
    if (!r.kernelTimes) continue;
    const probe = probes.reduce((best, p) =>
      distance(p.neurons, r.neurons) < distance(best.neurons, r.neurons) ? p : best,
    );
    for (const k of r.kernelTimes.kernels) {
      k.ofProbe = k.bytesPerSecond !== null ? k.bytesPerSecond / probe.bytesPerSecond! : null;
    }
  }
}

/**
 * fig5 (3 E + 3 I, one-per-step): the small-network kernel (many steps per dispatch inside one
 * workgroup) against the same engine forced to one dispatch per step. Median of `repetitions`.
 */
async function measureSmallNetwork(
  gpu: GpuDevice,
  batched: WebGpuEngine,
  options: WebGpuBenchOptions,
): Promise<{ batchedStepsPerSecond: number; perStepStepsPerSecond: number }> {
  const { repetitions } = options;
  const net = compileNetwork(parseRunFile(fig5Run()));
  const perStep = await WebGpuEngine.create({ gpu, batchSmallNetworks: false, tuning: options.tuning });
  try {
    const stepsPerSecond = async (engine: WebGpuEngine) => {
      await engine.run(net);
      const times: number[] = [];
      for (let k = 0; k < repetitions; k++) times.push((await engine.run(net)).timing.simulateSeconds);
      return (net.S - 1) / median(times);
    };
    return {
      batchedStepsPerSecond: await stepsPerSecond(batched),
      perStepStepsPerSecond: await stepsPerSecond(perStep),
    };
  } finally {
    perStep.dispose();
  }
}

function row(
  kernel: BenchKernel,
  neurons: number,
  sigmaV: number | null,
  steps: number,
  options: WebGpuBenchOptions,
  secondsPerStep: number,
  spikesPerStep: number | null,
): WebGpuBenchRow {
  return {
    kernel,
    neurons,
    sigmaV,
    steps,
    repetitions: options.repetitions,
    secondsPerStep,
    updatesPerSecond: neurons / secondsPerStep,
    spikesPerStep,
    bytesPerSecond: null,
    kernelTimes: null,
  };
}

/** low-rank / probe at the largest size both have; dense / low-rank at the largest dense size. */
function ratios(rows: WebGpuBenchRow[]): { name: string; value: number }[] {
  const out: { name: string; value: number }[] = [];
  const lowRank = rows.filter((r) => r.kernel === 'low-rank');
  const sigmas = [...new Set(lowRank.map((r) => r.sigmaV))];
  const probes = rows.filter((r) => r.kernel === 'probe');
  const dense = rows.filter((r) => r.kernel === 'dense').at(-1);
  // The low-rank network has 6·round(N/6) neurons, so sizes match to within 3 neurons.
  const near = (a: number, b: number) => Math.abs(a - b) <= 3;
  for (const sigmaV of sigmas) {
    const ofSigma = lowRank.filter((r) => r.sigmaV === sigmaV);
    const pair = probes
      .map((p) => ({ p, l: ofSigma.find((l) => near(l.neurons, p.neurons)) }))
      .filter((x) => x.l)
      .at(-1);
    if (pair) {
      out.push({
        name: `low-rank step / probe at N = ${pair.p.neurons} (sigmaV ${sigmaV})`,
        value: pair.l!.secondsPerStep / pair.p.secondsPerStep,
      });
    }
    const l = dense && ofSigma.find((r) => near(r.neurons, dense.neurons));
    if (dense && l) {
      out.push({
        name: `dense / low-rank step at N = ${dense.neurons} (sigmaV ${sigmaV})`,
        value: dense.secondsPerStep / l.secondsPerStep,
      });
    }
  }
  return out;
}

export function describeBenchAdapter(
  report: Pick<WebGpuBenchReport, 'adapter' | 'path' | 'featureLevel'> &
    Partial<Pick<WebGpuBenchReport, 'neuronsPerInvocation' | 'tuning'>>,
): string {
  const a = report.adapter;
  const perInvocation = report.neuronsPerInvocation;
  return (
    `adapter: ${a.description || '(no description)'} [vendor '${a.vendor}', architecture '${a.architecture}'] ` +
    `via ${report.path}, ${report.featureLevel} feature level, software: ${a.software}` +
    (a.software ? ' (CPU emulation: these times are not GPU performance)' : '') +
    (perInvocation
      ? `; low-rank rows at ${perInvocation} neurons per invocation` +
        (perInvocation % 4 === 0 ? ' (stepAll vector path)' : '')
      : '') +
    (report.tuning ? `; ${describeTuning(report.tuning)}` : '')
  );
}

export async function runWebGpuBench(options: WebGpuBenchOptions): Promise<WebGpuBenchReport> {
  if (!(options.repetitions >= 1 && options.steps >= 2)) {
    throw new Error(
      `runWebGpuBench: need repetitions >= 1 and steps >= 2 (got ${options.repetitions}, ${options.steps})`,
    );
  }
  const gpu = options.gpu ?? (await acquireDevice());
  const { neuronsPerInvocation } = options;
  const engine = await WebGpuEngine.create({ gpu, neuronsPerInvocation, tuning: options.tuning }).catch(
    (err) => {
      if (!options.gpu) gpu.release();
      throw err;
    },
  );
  const emit = (line: string) => options.onLine?.(line);
  const report: WebGpuBenchReport = {
    format: WEBGPU_BENCH_FORMAT,
    adapter: gpu.adapterInfo,
    path: gpu.path,
    featureLevel: gpu.featureLevel,
    neuronsPerInvocation: neuronsPerInvocation ?? null,
    tuning: engine.tuning ?? null,
    roundTripSeconds: 0,
    rows: [],
    skipped: [],
    ratios: [],
    smallNetwork: null,
    kernelTimesUnavailable: engine.canTimeKernels ? null : NO_TIMESTAMP_QUERY,
  };
  /** Whether the low-rank row at `neurons` fits the time budget, judged from the row before it. */
  const fits = (neurons: number, previous: WebGpuBenchRow | undefined): boolean => {
    if (!previous) return true;
    const predicted =
      previous.secondsPerStep *
      (neurons / previous.neurons) *
      (options.steps - 1) *
      (options.repetitions + 1);
    const budget = options.maxRowSeconds ?? 120;
    if (predicted <= budget) return true;
    const reason =
      `low-rank N ≥ ${neurons}, sigmaV ${previous.sigmaV}: skipped, N = ${neurons} alone would take about ${predicted.toFixed(0)} s predicted ` +
      `(budget ${budget} s; fewer --steps or --repetitions, or a faster adapter)`;
    report.skipped.push(reason);
    emit(reason);
    return false;
  };
  const add = (r: WebGpuBenchRow) => {
    report.rows.push(r);
    emit(formatRow(r));
    rowDetails(r).forEach(emit);
  };
  try {
    emit(describeBenchAdapter(report));
    report.roundTripSeconds = await roundTrip(gpu, Math.max(options.repetitions, 5));
    emit(`host round trip (submit → mapAsync of 4 bytes): ${(report.roundTripSeconds * 1e6).toFixed(0)} µs`);
    emit(kernelTimesLine(report));
    emit(HEADER);
    const ascending = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
    const lowRankSizes = ascending([...options.sizes, ...options.denseSizes]);
    for (const sigmaV of options.noiseLevels ?? [0, 0.01]) {
      let previous: WebGpuBenchRow | undefined;
      for (const n of lowRankSizes) {
        if (!fits(n, previous)) break;
        previous = await measureLowRank(engine, n, sigmaV, options);
        add(previous);
      }
    }
    for (const n of ascending(options.sizes)) add(await measureProbe(gpu, n, options));
    for (const n of ascending(options.denseSizes)) {
      const dense = await measureDense(gpu, n, options);
      if (typeof dense === 'string') {
        report.skipped.push(dense);
        emit(dense);
      } else add(dense);
    }
    compareWithProbe(report.rows);
    report.ratios = ratios(report.rows);
    report.smallNetwork = await measureSmallNetwork(gpu, engine, options);
    report.ratios.push({
      name: 'small-network kernel / one dispatch per step, fig5 steps/s',
      value: report.smallNetwork.batchedStepsPerSecond / report.smallNetwork.perStepStepsPerSecond,
    });
    for (const r of report.ratios) emit(`${r.name}: ${r.value.toFixed(2)}`);
    return report;
  } finally {
    engine.dispose();
    if (!options.gpu) gpu.release();
  }
}

const COLUMNS = ['kernel', 'neurons', 'sigmaV', 'steps', 'reps', 'µs/step', 'updates/s', 'spikes/step'];
const WIDTHS = [8, 9, 6, 6, 5, 11, 10, 12];
const line = (cells: string[]): string => cells.map((c, i) => c.padStart(WIDTHS[i])).join(' ');
const HEADER = line(COLUMNS);

function formatRow(r: WebGpuBenchRow): string {
  return line([
    r.kernel,
    String(r.neurons),
    r.sigmaV === null ? '' : String(r.sigmaV),
    String(r.steps),
    String(r.repetitions),
    (r.secondsPerStep * 1e6).toPrecision(4),
    r.updatesPerSecond.toExponential(2),
    r.spikesPerStep === null ? '' : r.spikesPerStep.toFixed(1),
  ]);
}

function kernelTimesLine(report: Pick<WebGpuBenchReport, 'kernelTimesUnavailable'>): string {
  return report.kernelTimesUnavailable === null
    ? 'per-kernel GPU times (low-rank rows): bytes per step from the plan, GB/s against the probe at the nearest N'
    : `per-kernel GPU times: ${report.kernelTimesUnavailable}; wall times only`;
}

/** The lines under a row: a probe's bandwidth, a low-rank row's kernels. */
function rowDetails(r: WebGpuBenchRow): string[] {
  if (r.bytesPerSecond !== null)
    return [`  ${(r.bytesPerSecond / 1e9).toPrecision(3)} GB/s (8 B per neuron per step)`];
  return r.kernelTimes ? formatKernelTimes(r) : [];
}

/** A low-rank row's kernels, one line each, indented under the row. */
function formatKernelTimes(r: WebGpuBenchRow): string[] {
  const t = r.kernelTimes!;
  const gpu = t.kernels.reduce((s, k) => s + k.gpuSecondsPerStep, 0);
  const head =
    `  GPU time per step (timestamp-query): ${(gpu * 1e6).toPrecision(4)} µs over the kernels; ` +
    `the timed run's wall ${(t.wallSecondsPerStep * 1e6).toPrecision(4)} µs/step`;
  return [
    head,
    ...t.kernels.map(
      (k) =>
        `    ${k.kernel.padEnd(16)} ${(k.gpuSecondsPerStep * 1e6).toPrecision(4).padStart(10)} µs/step ` +
        `${formatCount(k.dispatchesPerStep).padStart(6)} disp/step ` +
        `${(k.bytesPerStep !== null ? String(Math.round(k.bytesPerStep)) : '-').padStart(12)} B/step ` +
        `${(k.bytesPerSecond !== null ? (k.bytesPerSecond / 1e9).toPrecision(3) : '-').padStart(8)} GB/s` +
        (k.ofProbe !== null ? ` ${k.ofProbe.toFixed(2).padStart(6)} of probe` : ''),
    ),
  ];
}

const formatCount = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(3));

/** The adapter line, the table (each low-rank row's kernels under it) and the ratios, as printed to stdout. */
export function formatWebGpuBench(report: WebGpuBenchReport): string {
  return [
    describeBenchAdapter(report),
    `host round trip: ${(report.roundTripSeconds * 1e6).toFixed(0)} µs`,
    kernelTimesLine(report),
    HEADER,
    ...report.rows.flatMap((r) => [formatRow(r), ...rowDetails(r)]),
    ...report.skipped,
    ...(report.smallNetwork
      ? [
          `fig5 steps/s: small-network kernel ${report.smallNetwork.batchedStepsPerSecond.toFixed(0)}, ` +
            `one dispatch per step ${report.smallNetwork.perStepStepsPerSecond.toFixed(0)}`,
        ]
      : []),
    ...report.ratios.map((r) => `${r.name}: ${r.value.toFixed(2)}`),
  ].join('\n');
}
