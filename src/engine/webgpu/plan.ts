/// <reference types="@webgpu/types" />
// The plan of a run on an adapter, made without a device (`latentspike plan`): every GPU buffer
// and its bytes, the host's bytes, the bindings and parts, the dispatches of a step per kernel, the
// workgroup size and neurons per invocation, whether it fits, and a roofline forecast of a step.
//
// One source of truth: the sizes come from the functions the engine allocates from —
// chooseKernelShape (pipelines.ts), smallNetworkLanes and smallNetworkSizes (smallNetworkLoop.ts),
// perStepSizes (perStepLoop.ts), planBindings and planResources (resources.ts), dispatchCalls
// (adapterProfile.ts) — on the network's dimensions (planNetwork.ts). test/webgpu/plan.test.ts
// holds the engine's createBuffer calls on llvmpipe to the plan's list.
//
// The forecast is a roofline: each kernel's bytes read and written per step (kernelTraffic, from
// its loads and stores as its WGSL header describes them) at the profile's memory bandwidth, plus
// the profile's fixed cost per dispatch. It counts a step without spikes: a spike adds a few words
// per neuron that fires (its counters, its event), and the spike phases of the delta rules add a
// pass over the network per spike. Caches are ignored: every byte is counted from memory. The
// small-network kernel is bound by latency, not bandwidth (a step is a chain of barriers inside
// one workgroup per trial), which a roofline does not see: there the forecast is a floor, and the
// plan says so. Software adapters' "bandwidth" is the effective throughput measured on this project's
// machines (docs/gpu-profiles.md), a rough guide only: their time is mostly per invocation.

import type { CompiledNetwork } from '../../model/compile.ts';
import {
  PLAN_LIMIT_NAMES,
  PROFILES,
  builtInProfile,
  chooseDispatch,
  dispatchCalls,
  foldGrid,
  profileOf,
  type AdapterFacts,
  type AdapterProfile,
  type DispatchShape,
  type PlanLimits,
} from './adapterProfile.ts';
import { smallNetworkLanes, smallNetworkSizes } from './smallNetworkLoop.ts';
import { MAX_POPULATIONS } from './layout.ts';
import { builtFacts, planFacts, type NetworkFacts } from './planNetwork.ts';
import { chooseKernelShape, type KernelShape } from './pipelines.ts';
import { planBindings, planResources, type PlannedBuffer, type RunSizes } from './resources.ts';
import { perStepSizes } from './perStepLoop.ts';

/** The adapter a plan is made for: a profile and the limits it runs under. */
export interface PlanTarget {
  profile: AdapterProfile;
  limits: PlanLimits;
  /** Where the limits come from, e.g. "built-in profile h200" or "adapter.json". */
  source: string;
}

/** A dumped adapter (`latentspike plan --dump-limits`): its info, limits and features. */
export interface AdapterDump {
  format: typeof DUMP_FORMAT;
  /** How the adapter was reached ('vulkan', 'swiftshader', 'opengl', 'browser'), if known. */
  path: string | null;
  info: AdapterFacts;
  limits: Record<string, number>;
  features: string[];
}

export const DUMP_FORMAT = 'latentspike/adapter@1';

/** `adapter`'s facts, every limit it reports and its features, as `plan --limits` reads them back. */
export function dumpAdapter(adapter: GPUAdapter, facts: AdapterFacts, path: string | null): AdapterDump {
  const limits: Record<string, number> = {};
  // GPUSupportedLimits' fields are getters on its prototype: walk them, not Object.keys.
  for (
    let proto: object | null = adapter.limits;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const value = (adapter.limits as unknown as Record<string, unknown>)[key];
      if (typeof value === 'number') limits[key] = value;
    }
  }
  return { format: DUMP_FORMAT, path, info: facts, limits, features: [...adapter.features].sort() };
}

/** The target of a built-in profile, or an Error naming the allowed ones. */
export function builtInTarget(name: string): PlanTarget | Error {
  const profile = builtInProfile(name);
  if (profile instanceof Error) return profile;
  return { profile, limits: profile.limits!, source: `built-in profile ${profile.name}` };
}

/**
 * The target of a dumped adapter: its profile chosen from its info as the engine chooses it
 * (profileOf), under its own limits; a built-in profile it matches lends its memory, bandwidth and
 * dispatch cost. An Error when the dump lacks a limit the engine reads.
 */
export function dumpTarget(json: unknown, source: string): PlanTarget | Error {
  const dump = json as Partial<AdapterDump> | null;
  if (typeof dump !== 'object' || dump === null || typeof dump.limits !== 'object' || dump.limits === null) {
    return new Error(
      `${source}: not an adapter dump (${DUMP_FORMAT}: write one with latentspike plan --dump-limits)`,
    );
  }
  const missing = PLAN_LIMIT_NAMES.filter((n) => typeof dump.limits![n] !== 'number');
  if (missing.length > 0) return new Error(`${source}: limits lack ${missing.join(', ')}`);
  const limits = Object.fromEntries(PLAN_LIMIT_NAMES.map((n) => [n, dump.limits![n]])) as PlanLimits;
  const matched = profileOf(dump.info ?? {});
  const builtIn = matched.name in PROFILES ? PROFILES[matched.name as keyof typeof PROFILES] : null;
  return { profile: builtIn ? { ...builtIn, limits } : matched, limits, source };
}

/** The engine's options that change a run's sizes (WebGpuEngineOptions, RunOptions.chunkSteps). */
export interface PlanOptions {
  dispatch?: DispatchShape;
  neuronsPerInvocation?: number;
  maxPartBytes?: number;
  dispatchWidth?: number;
  batchSmallNetworks?: boolean;
  batchLanes?: number;
  maxTrialsPerBatch?: number;
  chunkSteps?: number;
  /** Plan a run file from its sizes at any N (true) or build it at any N (false); default by size (planNetwork.ts). */
  sizesOnly?: boolean;
}

/** One kernel of a step. */
export interface KernelPlan {
  kernel: string;
  /** Workgroups of one dispatch of a full batch, and the dispatchWorkgroups calls that run them. */
  workgroups: number;
  calls: number;
  /** The first call's grid (x, y, z). */
  grid: [number, number, number];
  /** Steps one dispatch advances (the small-network kernel: many; per-step kernels: 1). */
  stepsPerDispatch: number;
  /** dispatchWorkgroups calls per step: calls / stepsPerDispatch. */
  dispatchesPerStep: number;
  /** Bytes read and written per step of a full batch (kernelTraffic). */
  readBytes: number;
  writeBytes: number;
  /** µs per step: bytes at the profile's bandwidth plus its dispatch cost; null where unknown. */
  forecastUs: number | null;
}

export interface RunPlan {
  adapter: {
    profile: string;
    title: string;
    source: string;
    software: boolean;
    dispatch: DispatchShape;
    /** Workgroups per slice (sliced) or per grid dimension (folded). */
    dispatchWidth: number;
    memoryBytes: number | null;
    bandwidth: number | null;
    dispatchSeconds: number | null;
    limits: PlanLimits;
  };
  network: {
    N: number;
    K: number;
    S: number;
    trials: number;
    model: string;
    spikeRule: string;
    /** 'built' (the engine's own network) or 'sizes' (the run file's sizes: planNetwork.ts). */
    from: 'built' | 'sizes';
    notes: string[];
  };
  path: 'per-step' | 'batched';
  workgroupSize: number;
  neuronsPerInvocation: number;
  /** Batched path: lanes per trial. */
  lanes: number | null;
  batchSize: number;
  batches: number;
  /** Per-step path: steps per command buffer; batched: steps per dispatch. */
  stepsPerChunk: number;
  /** consts and state: whole or in parts of partBytes. */
  parts: { consts: number; state: number; partBytes: number; split: boolean } | null;
  buffers: PlannedBuffer[];
  /** Map-read staging at its largest (the runners' stagingBytes). */
  stagingBytes: number;
  /** Every buffer plus staging. */
  gpuBytes: number;
  /** The host's copies for the run (hostBytes). */
  hostBytes: number;
  kernels: KernelPlan[];
  dispatchesPerStep: number;
  bytesPerStep: number;
  forecastUsPerStep: number | null;
  /** Neuron-updates per second the forecast implies (N × batch per step). */
  forecastUpdatesPerSecond: number | null;
  /** The whole run: every batch's S − 1 steps. */
  forecastSeconds: number | null;
  /** What the forecast leaves out for this run. */
  forecastNotes: string[];
  fits: boolean;
  /** What does not fit, one sentence each. */
  problems: string[];
}

/** stepAll.wgsl's HELD_GROUPS: four projected channels per group held in registers. */
const HELD_CHANNELS = 4 * 8;

/**
 * Bytes kernel `kernel` reads and writes per step of one trial, without spikes (header), from the
 * loads and stores its WGSL header lists; `workgroups`: the step kernel's workgroups per trial.
 */
export function kernelTraffic(
  kernel: string,
  f: NetworkFacts,
  workgroups: number,
): { read: number; write: number } {
  const { J, L } = f;
  const { N, K, record } = f.dims;
  const recordRow = record.latents ? (4 * K) / record.every : 0;
  const sum = (bytes: (p: NetworkFacts['populations'][number]) => number) =>
    f.populations.reduce((total, p) => total + p.size * bytes(p), 0);
  const onePerStep = f.dims.spikeRule === 'one-per-step';
  // stepDelta.wgsl / model.wgsl's integrate_delta, per neuron: popOf, V, F, b; under one-per-step
  // ĝ, s[t−1], the encoder row (selfW without recurrence) and selfW for a fast reset; writes V, s, ĝ.
  const deltaRead = sum(
    (p) => 4 * (3 + J + (onePerStep ? 2 + (p.recurrence ? L : 1) + (p.fastReset ? 1 : 0) : 0)),
  );
  const deltaWrite = 12 * N;
  // stepRate.wgsl / integrate_rate: popOf, r, V, F, the encoder row (selfW), T, proj[k] for every
  // k (r re-read past the first four); writes V, r.
  const rateRead = sum((p) => 4 * (4 + J + (p.recurrence ? L : 1) + K + (K > 4 ? 1 : 0)));
  const rateWrite = 8 * N;
  // spikes.wgsl's sequential scan: s[t−1], nextAllowed, V per neuron, once per step at rest.
  const scanRead = 12 * N;
  switch (kernel) {
    case 'stepAll': {
      const held = Math.min(f.ownChannels, HELD_CHANNELS);
      const rest = Math.max(0, f.ownChannels - HELD_CHANNELS);
      const recordSpikes = record.spikes ? 1 : 0;
      const read = sum((p) => {
        const pulse = p.synapse === 'pulse';
        const encoder = !p.recurrence || f.sharedEncoders ? 0 : f.encoderRuns ? 1 : L;
        // V, nextAllowed, the trace (gExp; pulse: open count and two history words), F, b, selfW,
        // the encoder row (or run), the held channels' decoders, ĝ and the others' for the rest,
        // nextAllowed again to record events.
        const words =
          2 + (pulse ? 3 : 1) + J + 1 + (f.selfWeights ? 1 : 0) + encoder + held + (rest > 0 ? 1 + rest : 0);
        return 4 * (words + recordSpikes);
      });
      // V, the trace (pulse: open count and a history word), ĝ when the rest is projected.
      const write = sum((p) => 4 * (1 + (p.synapse === 'pulse' ? 2 : 1) + (rest > 0 ? 1 : 0)));
      // Per workgroup: its row of the own-channel table, its row of partials.
      return { read: read + workgroups * 4 * K, write: write + workgroups * 4 * K };
    }
    case 'latents':
      // partials[b][w][k] over the step kernel's workgroups, s and y; writes s, y and a record row.
      return { read: 4 * (workgroups * K + 2 * K), write: 8 * K + recordRow };
    case 'stepDelta':
      return { read: deltaRead, write: deltaWrite + (onePerStep ? 12 * workgroups : 0) };
    case 'selectOne':
      // The candidates of every workgroup, the winner's decoders, s and y.
      return { read: 12 * workgroups + 12 * K, write: 8 * K + recordRow };
    case 'spikeSequential':
      return { read: scanRead + 8 * K, write: 8 * K + recordRow };
    case 'stepRate':
      return { read: rateRead, write: rateWrite + workgroups * 4 * K };
    case 'smallNetwork': {
      const read = f.dims.model === 'rate' ? rateRead : deltaRead + (onePerStep ? 0 : scanRead);
      const write = f.dims.model === 'rate' ? rateWrite : deltaWrite;
      return { read: read + 8 * K, write: write + 8 * K + recordRow };
    }
    default:
      throw new Error(`kernelTraffic: unknown kernel ${kernel}`);
  }
}

/** The kernel shape a plan on `target` uses with `options` (the engine's, through chooseKernelShape). */
export function planShape(target: PlanTarget, options: PlanOptions = {}): KernelShape {
  return chooseKernelShape(target.limits, {
    software: target.profile.software,
    dispatch: chooseDispatch(target.profile, options.dispatch),
    neuronsPerInvocation: options.neuronsPerInvocation,
    maxPartBytes: options.maxPartBytes,
    dispatchWidth: options.dispatchWidth,
  });
}

/** The plan of a run file (its parsed JSON) on `target`; throws RunFileError for a bad run file. */
export function planRunFile(json: unknown, target: PlanTarget, options: PlanOptions = {}): RunPlan {
  const shape = planShape(target, options);
  return planRun(planFacts(json, shape, options.sizesOnly), target, shape, options);
}

/** The plan of a compiled network on `target`. */
export function planNetwork(net: CompiledNetwork, target: PlanTarget, options: PlanOptions = {}): RunPlan {
  const shape = planShape(target, options);
  return planRun(builtFacts(net, shape), target, shape, options);
}

/**
 * The host's own copies for a run (bytes): the constants before upload, a trial's initial state,
 * each trial's latent record (f32 while it runs, f64 series at the end) and spike counts (the
 * words read back and the result's arrays). Spike trains are not counted (8 bytes per recorded
 * spike), nor the compiled network the run starts from.
 */
export function hostBytes(f: NetworkFacts): number {
  const { N, K, trials, samples, record, constsBytes, stateWords } = f.dims;
  const series = record.latents ? trials * samples * K * (4 + 8) : 0;
  return constsBytes + stateWords * 4 + series + trials * N * 8;
}

export function planRun(
  f: NetworkFacts,
  target: PlanTarget,
  shape: KernelShape,
  options: PlanOptions = {},
): RunPlan {
  const { dims } = f;
  const { profile, limits } = target;
  const cut = { chunkSteps: options.chunkSteps, maxTrials: options.maxTrialsPerBatch };
  const lanes = smallNetworkLanes(shape, dims, options);
  const problems: string[] = [];
  let sizes: RunSizes;
  let stagingBytes: number;
  let batchSize: number;
  let stepsPerChunk: number;
  let steps: { kernel: string; workgroups: number; perTrial: number; stepsPerDispatch: number }[];
  if (lanes !== null) {
    const run = smallNetworkSizes(shape, dims, lanes, cut);
    ({ sizes, stagingBytes, batchSize } = run);
    stepsPerChunk = run.stepsPerDispatch;
    steps = [
      { kernel: 'smallNetwork', workgroups: batchSize, perTrial: 1, stepsPerDispatch: run.stepsPerDispatch },
    ];
  } else {
    const run = perStepSizes(shape, dims, cut);
    ({ sizes, stagingBytes, batchSize, stepsPerChunk } = run);
    const [first, second] = run.kernels;
    steps = [
      {
        kernel: first,
        workgroups: batchSize * run.workgroups,
        perTrial: run.workgroups,
        stepsPerDispatch: 1,
      },
      { kernel: second, workgroups: run.secondWorkgroups, perTrial: run.workgroups, stepsPerDispatch: 1 },
    ];
  }
  const binding = planBindings(limits, sizes, shape.maxPartBytes);
  if (binding instanceof Error) problems.push(binding.message);
  // Unbindable runs still get their buffers listed, as whole arrays, so the plan says how large.
  const resources = planResources(
    sizes,
    binding instanceof Error ? { partBytes: Infinity, constsParts: 1, stateParts: 1, split: false } : binding,
    shape.dispatch,
  );
  const kernels: KernelPlan[] = steps.map(({ kernel, workgroups, perTrial, stepsPerDispatch }) => {
    let calls: ReturnType<typeof dispatchCalls> = [];
    try {
      calls = dispatchCalls(shape.dispatch, workgroups);
    } catch (err) {
      problems.push(`${kernel}: ${(err as Error).message}`);
    }
    const traffic = kernelTraffic(kernel, f, perTrial);
    const trialsPerDispatch = kernel === 'selectOne' || kernel === 'spikeSequential' ? 1 : batchSize;
    const readBytes = traffic.read * trialsPerDispatch;
    const writeBytes = traffic.write * trialsPerDispatch;
    const dispatchesPerStep = calls.length / stepsPerDispatch;
    const forecastUs =
      profile.bandwidth !== null && profile.dispatchSeconds !== null
        ? ((readBytes + writeBytes) / profile.bandwidth + dispatchesPerStep * profile.dispatchSeconds) * 1e6
        : null;
    return {
      kernel,
      workgroups,
      calls: calls.length,
      grid: calls[0]?.grid ?? [0, 0, 0],
      stepsPerDispatch,
      dispatchesPerStep,
      readBytes,
      writeBytes,
      forecastUs,
    };
  });

  const buffersBytes = resources.buffers.reduce((n, b) => n + b.bytes, 0);
  const gpuBytes = buffersBytes + stagingBytes;
  if (profile.memoryBytes !== null && gpuBytes > profile.memoryBytes) {
    problems.push(
      `GPU memory: the run's buffers take ${gib(gpuBytes)}, above the ${gib(profile.memoryBytes)} of ${profile.title}`,
    );
  }
  for (const b of resources.buffers) {
    if (b.bytes > limits.maxBufferSize) {
      problems.push(`buffer ${b.name}: ${b.bytes} bytes, above maxBufferSize ${limits.maxBufferSize}`);
    }
  }
  if (dims.N > 0 && f.P > MAX_POPULATIONS) {
    problems.push(`populations: the WebGPU engine takes at most ${MAX_POPULATIONS}, the run has ${f.P}`);
  }
  if (limits.maxStorageBuffersPerShaderStage < 7 || limits.maxBindGroups < 3) {
    problems.push(
      `bindings: the kernels bind 7 storage buffers in 3 groups; this adapter allows ` +
        `${limits.maxStorageBuffersPerShaderStage} per stage in ${limits.maxBindGroups} groups`,
    );
  }
  for (const count of sizes.dispatches) {
    if (shape.dispatch.shape === 'folded' && !foldGrid(count, shape.dispatch.width)) {
      problems.push(`dispatch of ${count} workgroups: more than ${shape.dispatch.width}³`);
    }
  }

  const dispatchesPerStep = kernels.reduce((n, k) => n + k.dispatchesPerStep, 0);
  const bytesPerStep = kernels.reduce((n, k) => n + k.readBytes + k.writeBytes, 0);
  const known = kernels.every((k) => k.forecastUs !== null);
  const forecastUsPerStep = known ? kernels.reduce((n, k) => n + k.forecastUs!, 0) : null;
  const batches = Math.ceil(dims.trials / batchSize);
  return {
    adapter: {
      profile: profile.name,
      title: profile.title,
      source: target.source,
      software: profile.software,
      dispatch: shape.dispatch.shape,
      dispatchWidth: shape.dispatch.width,
      memoryBytes: profile.memoryBytes,
      bandwidth: profile.bandwidth,
      dispatchSeconds: profile.dispatchSeconds,
      limits,
    },
    network: {
      N: dims.N,
      K: dims.K,
      S: dims.S,
      trials: dims.trials,
      model: dims.model,
      spikeRule: dims.model === 'rate' ? '(rate model)' : dims.spikeRule,
      from: f.built ? 'built' : 'sizes',
      notes: f.notes,
    },
    path: lanes !== null ? 'batched' : 'per-step',
    workgroupSize: shape.workgroupSize,
    neuronsPerInvocation: shape.neuronsPerInvocation,
    lanes,
    batchSize,
    batches,
    stepsPerChunk,
    parts:
      binding instanceof Error
        ? null
        : {
            consts: binding.constsParts,
            state: binding.stateParts,
            partBytes: binding.partBytes,
            split: binding.split,
          },
    buffers: resources.buffers,
    stagingBytes,
    gpuBytes,
    hostBytes: hostBytes(f),
    kernels,
    dispatchesPerStep,
    bytesPerStep,
    forecastUsPerStep,
    forecastUpdatesPerSecond: forecastUsPerStep ? (dims.N * batchSize) / (forecastUsPerStep * 1e-6) : null,
    forecastSeconds: forecastUsPerStep !== null ? forecastUsPerStep * 1e-6 * (dims.S - 1) * batches : null,
    forecastNotes: [
      ...(lanes !== null
        ? [
            'the small-network kernel is bound by latency (a chain of barriers per step in each trial’s ' +
              'workgroup), not bandwidth: this forecast is a floor',
          ]
        : []),
      ...(lanes === null && stepsPerChunk < 8
        ? [
            `the host's round trip after every ${stepsPerChunk > 1 ? `${stepsPerChunk} steps` : 'step'} (a chunk) is not counted`,
          ]
        : []),
    ],
    fits: problems.length === 0,
    problems,
  };
}

const gib = (bytes: number) =>
  bytes >= 2 ** 30
    ? `${(bytes / 2 ** 30).toFixed(2)} GiB`
    : bytes >= 2 ** 20
      ? `${(bytes / 2 ** 20).toFixed(1)} MiB`
      : `${(bytes / 1024).toFixed(1)} KiB`;

const si = (value: number, unit: string) => {
  const prefixes: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  const [scale, prefix] = prefixes.find(([s]) => value >= s) ?? [1, ''];
  return `${(value / scale).toPrecision(3)} ${prefix}${unit}`;
};

/** The plan as text: adapter, network, buffers and bindings, dispatches, forecast, verdict. */
export function formatPlan(plan: RunPlan): string {
  const a = plan.adapter;
  const n = plan.network;
  const lines: string[] = [];
  lines.push(`adapter: ${a.profile} — ${a.title} (${a.source})`);
  lines.push(
    `  dispatch ${a.dispatch} (${a.dispatchWidth} workgroups per ${a.dispatch === 'sliced' ? 'slice' : 'grid dimension'}); ` +
      `memory ${a.memoryBytes !== null ? gib(a.memoryBytes) : 'not known'}; bandwidth ${a.bandwidth !== null ? si(a.bandwidth, 'B/s') : 'not known'}; ` +
      `dispatch cost ${a.dispatchSeconds !== null ? `${(a.dispatchSeconds * 1e6).toFixed(1)} µs` : 'not known'}`,
  );
  lines.push(
    `network: N = ${n.N}, K = ${n.K}, S = ${n.S}, ${n.trials} trial${n.trials > 1 ? 's' : ''}, ${n.model} ${n.spikeRule}` +
      ` (${n.from === 'built' ? 'built as the engine builds it' : 'planned from the run file’s sizes'})`,
  );
  for (const note of n.notes) lines.push(`  note: ${note}`);
  lines.push(
    `path: ${plan.path}; workgroup size ${plan.workgroupSize}, ${plan.neuronsPerInvocation} neuron${plan.neuronsPerInvocation > 1 ? 's' : ''} per invocation` +
      (plan.lanes !== null ? `, ${plan.lanes} lanes per trial` : '') +
      `; ${plan.batchSize} trial${plan.batchSize > 1 ? 's' : ''} per batch × ${plan.batches}; ` +
      `${plan.stepsPerChunk} step${plan.stepsPerChunk > 1 ? 's' : ''} per ${plan.path === 'batched' ? 'dispatch' : 'command buffer'}`,
  );
  if (plan.parts) {
    const p = plan.parts;
    lines.push(
      p.split
        ? `bindings: split kernels (splitArrays.wgsl): consts in ${p.consts} part${p.consts > 1 ? 's' : ''}, state in ${p.state}, parts of ${gib(p.partBytes)}`
        : 'bindings: every array bound whole (wholeArrays.wgsl)',
    );
  }
  lines.push('');
  lines.push(
    `${'buffer'.padEnd(22)} ${'binding'.padEnd(7)} ${'kind'.padEnd(8)} ${'bytes'.padStart(15)}  holds`,
  );
  for (const b of plan.buffers) {
    lines.push(
      `${b.name.padEnd(22)} ${(b.binding ?? '-').padEnd(7)} ${b.kind.padEnd(8)} ${String(b.bytes).padStart(15)}  ${b.holds}`,
    );
  }
  lines.push(
    `${'staging (at most)'.padEnd(22)} ${'-'.padEnd(7)} ${'map-read'.padEnd(8)} ${String(plan.stagingBytes).padStart(15)}  readbacks`,
  );
  lines.push(
    `GPU total: ${plan.gpuBytes} bytes (${gib(plan.gpuBytes)}); host: ${plan.hostBytes} bytes (${gib(plan.hostBytes)})`,
  );
  lines.push('');
  lines.push(
    `${'kernel'.padEnd(16)} ${'workgroups'.padStart(11)} ${'grid'.padEnd(18)} ${'disp/step'.padStart(10)} ${'read B/step'.padStart(14)} ${'write B/step'.padStart(14)} ${'µs/step'.padStart(10)}`,
  );
  for (const k of plan.kernels) {
    lines.push(
      `${k.kernel.padEnd(16)} ${String(k.workgroups).padStart(11)} ${`${k.calls} × ${k.grid.join('×')}`.padEnd(18)} ` +
        `${formatCount(k.dispatchesPerStep).padStart(10)} ${String(Math.round(k.readBytes)).padStart(14)} ` +
        `${String(Math.round(k.writeBytes)).padStart(14)} ${(k.forecastUs !== null ? k.forecastUs.toFixed(2) : '-').padStart(10)}`,
    );
  }
  lines.push(
    `per step: ${formatCount(plan.dispatchesPerStep)} dispatches, ${si(plan.bytesPerStep, 'B')} moved` +
      (plan.forecastUsPerStep !== null
        ? `, forecast ${plan.forecastUsPerStep.toFixed(2)} µs (${si(plan.forecastUpdatesPerSecond!, 'neuron-updates/s')}; whole run ${plan.forecastSeconds!.toPrecision(3)} s)`
        : ', no forecast (the adapter’s bandwidth or dispatch cost is not known)'),
  );
  for (const note of plan.forecastNotes) lines.push(`  note: ${note}`);
  lines.push('');
  lines.push(plan.fits ? 'fits: yes' : `fits: no\n${plan.problems.map((p) => `  - ${p}`).join('\n')}`);
  return lines.join('\n');
}

const formatCount = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(3));
