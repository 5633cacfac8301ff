/// <reference types="@webgpu/types" />
// Every compute pipeline of the engine, built from shaders/<kernel>.wgsl plus the shared files it
// includes (bindings.wgsl's layouts). Sets of kernels that differ only in how consts and state are
// bound (resources.ts): the whole set (wholeArrays.wgsl), built up front, and split sets
// (splitArrays.wgsl, with the parts' extra bindings; one per choice of arrays in parts), built
// when a run first needs one. The per-step kernels are built at one workgroup size, except
// stepAll.wgsl, which is specialised per network (its overrides, see its header) and, like
// smallNetwork.wgsl (whose size follows N and the adapter), built on first use per set and cached
// under a key made only of set-up-time facts.

import { createBindGroupLayouts } from './layout.ts';
import { partShift } from './resources.ts';
import { compileShader, composeShader } from './shaders.ts';
import type { ShaderLoader } from './shaderLoader.ts';
import type { AllShape } from './gpuNetwork.ts';
import {
  dispatchLimits,
  type DispatchLimits,
  type DispatchShape,
  type PlanLimits,
} from './adapterProfile.ts';

/** Preferred invocations per workgroup of the per-step kernels: a power of two within the limits. */
const PREFERRED_WORKGROUP_SIZE = 256;
/**
 * The small-network kernel's lanes per trial on a software adapter: one SIMD group (SwiftShader's
 * is 4 wide), since there every barrier costs a coroutine switch per group (smallNetwork.wgsl).
 */
const SOFTWARE_LANES = 4;
/**
 * Neurons per invocation of the projecting step kernels (stepAll, stepRate) on a software adapter.
 * There a workgroup barrier costs a coroutine switch per SIMD group, and the projection's tree has
 * 9 barriers per workgroup, which dominate the `all` step at one neuron per lane; 32 neurons per
 * lane cut the workgroups (and barriers) per step 32-fold (docs/webgpu.md has the measurements).
 * On a GPU one neuron per lane keeps the most parallelism.
 */
const SOFTWARE_NEURONS_PER_INVOCATION = 32;
/**
 * Neuron-updates per command buffer of the per-step path (over a batch's trials): bounds one
 * submit's length and the spike-event buffer (perStepLoop.ts).
 */
const NEURON_STEPS_PER_SUBMIT = 1 << 22;

/**
 * Every kernel's shared files: the model's arithmetic, reductions, spike phases, bindings, the
 * accessors of consts and state (wholeArrays or splitArrays, resources.ts), noise.
 */
const includes = (split: boolean) => [
  'model',
  'reduce',
  'spikes',
  'bindings',
  split ? 'splitArrays' : 'wholeArrays',
  'philox',
];
const STEP_KERNELS = ['stepDelta', 'selectOne', 'spikeSequential', 'stepRate', 'latents'] as const;

export type StepKernel = (typeof STEP_KERNELS)[number];

/** stepAll.wgsl's network overrides (booleans as 0 or 1), as gpuNetwork.ts derives them. */
export type StepAllConstants = Record<
  | 'PULSE'
  | 'EXPONENTIAL'
  | 'NOISE'
  | 'SELF_INPUT'
  | 'SELF_WEIGHTS'
  | 'SHARED_ENCODERS'
  | 'ENCODER_RUNS'
  | 'RECORD_SPIKES'
  | 'CHANNELS'
  | 'OWN_CHANNELS',
  number
>;

/**
 * How a run's kernels are cut on an adapter: everything the sizes of its buffers and dispatches
 * depend on besides the network. The engine takes it from its device and options (Pipelines.shape);
 * the plan from a profile's limits (plan.ts), through the same chooseKernelShape.
 */
export interface KernelShape {
  limits: PlanLimits;
  /** Workgroup size of the per-step kernels. */
  workgroupSize: number;
  /** Neurons per invocation of the projecting kernels, stepAll and stepRate. */
  neuronsPerInvocation: number;
  /**
   * stepAll's vector path (QUADS: whole quads per vec4 access) where it applies: a multiple of 4
   * neurons per invocation and exponential (or no) synapses.
   */
  quads: boolean;
  /** Neuron-updates per command buffer of the per-step path (perStepLoop.ts's chunks). */
  neuronStepsPerSubmit: number;
  /** WebGpuEngineOptions.maxPartBytes (tests, benchmarks), or undefined. */
  maxPartBytes: number | undefined;
  /** The adapter is CPU emulation (smallNetworkLanes: one SIMD group per trial). */
  software: boolean;
  dispatch: DispatchLimits;
}

export interface KernelShapeOptions {
  /** The adapter is CPU emulation (more neurons per invocation, see SOFTWARE_NEURONS_PER_INVOCATION). */
  software: boolean;
  dispatch: DispatchShape;
  /** Overrides the workgroup size of the per-step kernels (tuning.ts; a power of two within the limits). */
  workgroupSize?: number;
  /** Overrides the neurons per invocation (tuning.ts, tests, benchmarks). */
  neuronsPerInvocation?: number;
  /** false: stepAll's scalar path even where the vector path applies (tuning.ts); default true. */
  quads?: boolean;
  /** Overrides the neuron-updates per command buffer of the per-step path (tuning.ts; a power of two). */
  neuronStepsPerSubmit?: number;
  /** Lowers the storage binding limit that decides when arrays are split (tests, benchmarks). */
  maxPartBytes?: number;
  /** Lowers the workgroups per slice or grid dimension (tests: adapterProfile.ts's dispatchLimits). */
  dispatchWidth?: number;
}

/** The kernel shape on an adapter with these limits; throws on an option out of range. */
export function chooseKernelShape(limits: PlanLimits, options: KernelShapeOptions): KernelShape {
  const workgroupSize = options.workgroupSize ?? largestWorkgroup(limits, PREFERRED_WORKGROUP_SIZE);
  if (
    !(Number.isInteger(Math.log2(workgroupSize)) && workgroupSize >= 1) ||
    workgroupSize > largestWorkgroup(limits, workgroupSize)
  ) {
    throw new Error(
      `Pipelines: workgroupSize must be a power of two within the adapter's limits ` +
        `(maxComputeInvocationsPerWorkgroup ${limits.maxComputeInvocationsPerWorkgroup}, ` +
        `maxComputeWorkgroupSizeX ${limits.maxComputeWorkgroupSizeX}), got ${workgroupSize}`,
    );
  }
  const neuronsPerInvocation =
    options.neuronsPerInvocation ?? (options.software ? SOFTWARE_NEURONS_PER_INVOCATION : 1);
  if (!(Number.isInteger(neuronsPerInvocation) && neuronsPerInvocation >= 1)) {
    throw new Error(
      `Pipelines: neuronsPerInvocation must be a positive integer, got ${neuronsPerInvocation}`,
    );
  }
  const neuronStepsPerSubmit = options.neuronStepsPerSubmit ?? NEURON_STEPS_PER_SUBMIT;
  if (!(Number.isInteger(Math.log2(neuronStepsPerSubmit)) && neuronStepsPerSubmit >= 1)) {
    throw new Error(`Pipelines: neuronStepsPerSubmit must be a power of two, got ${neuronStepsPerSubmit}`);
  }
  const { maxPartBytes } = options;
  if (maxPartBytes !== undefined && !(Number.isInteger(Math.log2(maxPartBytes)) && maxPartBytes >= 256)) {
    throw new Error(`Pipelines: maxPartBytes must be a power of two ≥ 256, got ${maxPartBytes}`);
  }
  return {
    limits,
    workgroupSize,
    neuronsPerInvocation,
    quads: options.quads ?? true,
    neuronStepsPerSubmit,
    maxPartBytes,
    software: options.software,
    dispatch: dispatchLimits(options.dispatch, limits, workgroupSize, options.dispatchWidth),
  };
}

/** Workgroups of `kernel` for N neurons (one row of partials each for stepRate). */
export function stepWorkgroups(shape: KernelShape, kernel: StepKernel, N: number): number {
  const perInvocation = kernel === 'stepRate' ? shape.neuronsPerInvocation : 1;
  return Math.ceil(N / (shape.workgroupSize * perInvocation));
}

/** stepAll's workgroups: their lanes and the neurons they cover (gpuNetwork.ts's encoder runs). */
export function allShapeOf(shape: KernelShape): AllShape {
  return { lanes: shape.workgroupSize, span: shape.workgroupSize * shape.neuronsPerInvocation };
}

/**
 * The largest network the small-network kernel takes, whatever the workgroup size: networks of up
 * to 256 neurons are tested against the CPU engine; at 600 neurons in one workgroup it gave other
 * spikes than the CPU engine on llvmpipe (test/webgpu/tuning.test.ts found it when a tuned workgroup
 * of 1024 sent such a network there), so a larger tuned workgroup widens only the per-step kernels.
 */
const SMALL_NETWORK_MAX_NEURONS = 256;

/** Whether a network of N neurons fits the small-network kernel (one workgroup per trial). */
export function fitsOneWorkgroup(shape: KernelShape, N: number): boolean {
  return N <= Math.min(shape.workgroupSize, SMALL_NETWORK_MAX_NEURONS);
}

/** The small-network kernel's lanes for N neurons: one per neuron, or one SIMD group in software. */
export function smallLanes(shape: KernelShape, N: number): number {
  let lanes = 1;
  while (lanes < N) lanes *= 2;
  return Math.min(lanes, shape.software ? SOFTWARE_LANES : shape.workgroupSize);
}

/** The kernels of runs whose arrays are bound whole, or of runs with consts or state in parts. */
export interface KernelSet {
  split: boolean;
  layouts: GPUBindGroupLayout[];
  pipelineLayout: GPUPipelineLayout;
  /** Overrides every kernel of the set gets (smallNetwork.wgsl then its own WORKGROUP_SIZE). */
  overrides: Record<string, number>;
  step: Record<StepKernel, GPUComputePipeline>;
}

/** Which arrays a run has in parts (resources.ts's BindingPlan). */
export type SplitArrays = { constsParts: number; stateParts: number };

export class Pipelines {
  private readonly small = new Map<string, Promise<GPUComputePipeline>>();
  private readonly splitSets = new Map<string, Promise<KernelSet>>();
  private readonly all = new Map<string, Promise<GPUComputePipeline>>();

  private constructor(
    private readonly device: GPUDevice,
    private readonly load: ShaderLoader,
    /** The kernels of ordinary runs, built up front. */
    readonly whole: KernelSet,
    /** How the kernels are cut on this device (chooseKernelShape). */
    readonly shape: KernelShape,
  ) {}

  /** Workgroup size of the per-step kernels. */
  get workgroupSize(): number {
    return this.shape.workgroupSize;
  }

  /** Neurons per invocation of the projecting kernels, stepAll and stepRate. */
  get neuronsPerInvocation(): number {
    return this.shape.neuronsPerInvocation;
  }

  /** WebGpuEngineOptions.maxPartBytes (tests, benchmarks), or undefined. */
  get maxPartBytes(): number | undefined {
    return this.shape.maxPartBytes;
  }

  /**
   * The kernels at `shape` (chooseKernelShape on this device's limits): the whole set is built
   * now, split sets and specialised kernels on first use.
   */
  static async create(device: GPUDevice, load: ShaderLoader, shape: KernelShape): Promise<Pipelines> {
    const whole = await buildSet(
      device,
      load,
      false,
      { WORKGROUP_SIZE: shape.workgroupSize },
      shape.neuronsPerInvocation,
    );
    return new Pipelines(device, load, whole, shape);
  }

  /**
   * The kernels for a run with these parts: the whole set, or a split set built on first use and
   * kept, with the overrides CONSTS_SPLIT and STATE_SPLIT saying which array is in parts (an array
   * that is not indexes its first binding directly) and PART_SHIFT their size.
   */
  kernels(plan: SplitArrays): Promise<KernelSet> {
    const consts = plan.constsParts > 1;
    const state = plan.stateParts > 1;
    if (!consts && !state) return Promise.resolve(this.whole);
    const key = `${consts}:${state}`;
    let set = this.splitSets.get(key);
    if (!set) {
      const overrides = {
        WORKGROUP_SIZE: this.workgroupSize,
        PART_SHIFT: partShift(this.shape.limits, this.maxPartBytes),
        CONSTS_SPLIT: Number(consts),
        STATE_SPLIT: Number(state),
      };
      set = buildSet(this.device, this.load, true, overrides, this.neuronsPerInvocation);
      this.splitSets.set(key, set);
    }
    return set;
  }

  /** stepAll's workgroups: their lanes and the neurons they cover (gpuNetwork.ts's encoder runs). */
  get allShape(): AllShape {
    return allShapeOf(this.shape);
  }

  /** stepAll specialised for one network and run, in `set` (built on first use, then cached). */
  stepAll(set: KernelSet, constants: StepAllConstants): Promise<GPUComputePipeline> {
    const key = JSON.stringify({ ...set.overrides, ...constants });
    let pipeline = this.all.get(key);
    if (!pipeline) {
      pipeline = build(this.device, this.load, set, 'stepAll', {
        ...set.overrides,
        NEURONS_PER_INVOCATION: this.neuronsPerInvocation,
        // The vector path takes whole quads per lane and exponential (or no) synapses.
        QUADS: Number(this.shape.quads && this.neuronsPerInvocation % 4 === 0 && !constants.PULSE),
        ...constants,
      });
      this.all.set(key, pipeline);
    }
    return pipeline;
  }

  /** smallNetwork.wgsl at `workgroupSize` lanes, in the set `plan` needs (built once per pair). */
  smallNetwork(workgroupSize: number, plan: SplitArrays): Promise<GPUComputePipeline> {
    const key = `${workgroupSize}:${plan.constsParts > 1}:${plan.stateParts > 1}`;
    let pipeline = this.small.get(key);
    if (!pipeline) {
      pipeline = this.kernels(plan).then((set) =>
        build(this.device, this.load, set, 'smallNetwork', {
          ...set.overrides,
          WORKGROUP_SIZE: workgroupSize,
        }),
      );
      this.small.set(key, pipeline);
    }
    return pipeline;
  }
}

async function buildSet(
  device: GPUDevice,
  load: ShaderLoader,
  split: boolean,
  overrides: Record<string, number>,
  neuronsPerInvocation: number,
): Promise<KernelSet> {
  const layouts = createBindGroupLayouts(device, split);
  const pipelineLayout = device.createPipelineLayout({
    label: `WebGpuEngine.pipelineLayout${split ? 'Split' : ''}`,
    bindGroupLayouts: layouts,
  });
  const set = { split, layouts, pipelineLayout, overrides };
  const built = await Promise.all(
    STEP_KERNELS.map((name) =>
      build(device, load, set, name, {
        ...overrides,
        ...(name === 'stepRate' ? { NEURONS_PER_INVOCATION: neuronsPerInvocation } : {}),
      }),
    ),
  );
  const step = Object.fromEntries(STEP_KERNELS.map((n, k) => [n, built[k]])) as Record<
    StepKernel,
    GPUComputePipeline
  >;
  return { ...set, step };
}

/** The largest power-of-two fraction of `preferred` this device's limits allow. */
export function largestWorkgroup(
  limits: Pick<PlanLimits, 'maxComputeInvocationsPerWorkgroup' | 'maxComputeWorkgroupSizeX'>,
  preferred: number,
): number {
  let size = preferred;
  while (size > limits.maxComputeInvocationsPerWorkgroup || size > limits.maxComputeWorkgroupSizeX) size /= 2;
  return size;
}

/** One kernel of a set, on the set's pipeline layout; `constants` are its overrides. */
async function build(
  device: GPUDevice,
  load: ShaderLoader,
  set: Pick<KernelSet, 'split' | 'pipelineLayout'>,
  kernel: string,
  constants: Record<string, number>,
): Promise<GPUComputePipeline> {
  const source = await composeShader(kernel, includes(set.split), load);
  const module = await compileShader(device, kernel, source);
  device.pushErrorScope('validation');
  const pipeline = await device.createComputePipelineAsync({
    label: `WebGpuEngine.${kernel}${set.split ? 'Split' : ''}`,
    layout: set.pipelineLayout,
    compute: { module, entryPoint: 'main', constants },
  });
  const error = await device.popErrorScope();
  if (error) throw new Error(`shaders/${kernel}.wgsl: pipeline: ${error.message}`);
  return pipeline;
}
