/// <reference types="@webgpu/types" />
// Every compute pipeline of the engine, built from shaders/<kernel>.wgsl plus the shared files it
// includes, on one pipeline layout (bindings.wgsl). The per-step kernels are built up front at one
// workgroup size, except stepAll.wgsl, which is specialised per network (its overrides, see its
// header) and, like smallNetwork.wgsl (whose size follows N and the adapter), built on first use
// and cached under a key made only of set-up-time facts.

import { createBindGroupLayouts } from './layout.ts';
import { compileShader, composeShader } from './shaders.ts';
import type { ShaderLoader } from './shaderLoader.ts';
import type { AllShape } from './gpuNetwork.ts';

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
 * 9 barriers per workgroup: at one neuron per lane they took ~85 % of the `all` step at 10⁶ neurons
 * on llvmpipe. 32 neurons per lane cut the workgroups (and barriers) per step 32-fold (16, 64 and
 * 128 measured within noise of 32 there). On a GPU one
 * neuron per lane keeps the most parallelism.
 */
const SOFTWARE_NEURONS_PER_INVOCATION = 32;
/** Every kernel's shared files: the model's arithmetic, reductions, spike phases, bindings, noise. */
const INCLUDES = ['model', 'reduce', 'spikes', 'bindings', 'philox'];
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

export class Pipelines {
  private readonly small = new Map<number, Promise<GPUComputePipeline>>();
  private readonly all = new Map<string, Promise<GPUComputePipeline>>();

  private constructor(
    private readonly device: GPUDevice,
    private readonly load: ShaderLoader,
    private readonly layout: GPUPipelineLayout,
    readonly layouts: GPUBindGroupLayout[],
    readonly step: Record<StepKernel, GPUComputePipeline>,
    /** Workgroup size of the per-step kernels. */
    readonly workgroupSize: number,
    /** Neurons per invocation of the projecting kernels, stepAll and stepRate. */
    readonly neuronsPerInvocation: number,
  ) {}

  /**
   * `software`: the adapter is CPU emulation (more neurons per invocation, see
   * SOFTWARE_NEURONS_PER_INVOCATION); `neuronsPerInvocation` overrides the choice (tests, benchmarks).
   */
  static async create(
    device: GPUDevice,
    load: ShaderLoader,
    options: { software?: boolean; neuronsPerInvocation?: number } = {},
  ): Promise<Pipelines> {
    const workgroupSize = largestWorkgroup(device.limits, PREFERRED_WORKGROUP_SIZE);
    const neuronsPerInvocation =
      options.neuronsPerInvocation ?? (options.software ? SOFTWARE_NEURONS_PER_INVOCATION : 1);
    if (!(Number.isInteger(neuronsPerInvocation) && neuronsPerInvocation >= 1)) {
      throw new Error(
        `Pipelines: neuronsPerInvocation must be a positive integer, got ${neuronsPerInvocation}`,
      );
    }
    const layouts = createBindGroupLayouts(device);
    const layout = device.createPipelineLayout({
      label: 'WebGpuEngine.pipelineLayout',
      bindGroupLayouts: layouts,
    });
    const built = await Promise.all(
      STEP_KERNELS.map((name) =>
        build(device, load, layout, name, {
          WORKGROUP_SIZE: workgroupSize,
          ...(name === 'stepRate' ? { NEURONS_PER_INVOCATION: neuronsPerInvocation } : {}),
        }),
      ),
    );
    const step = Object.fromEntries(STEP_KERNELS.map((n, k) => [n, built[k]])) as Record<
      StepKernel,
      GPUComputePipeline
    >;
    return new Pipelines(device, load, layout, layouts, step, workgroupSize, neuronsPerInvocation);
  }

  /** Workgroups of `kernel` for N neurons (one row of partials each for stepRate). */
  stepWorkgroups(kernel: StepKernel, N: number): number {
    const perInvocation = kernel === 'stepRate' ? this.neuronsPerInvocation : 1;
    return Math.ceil(N / (this.workgroupSize * perInvocation));
  }

  /**
   * Workgroups of stepAll (one row of partials each): every population its own, ⌈size / span⌉ of
   * them in population order, so that a workgroup's population is uniform (stepAll.wgsl).
   */
  allWorkgroups(populationSizes: readonly number[]): number {
    const { span } = this.allShape;
    return populationSizes.reduce((sum, size) => sum + Math.ceil(size / span), 0);
  }

  /** stepAll's workgroups: their lanes and the neurons they cover (gpuNetwork.ts's encoder runs). */
  get allShape(): AllShape {
    return { lanes: this.workgroupSize, span: this.workgroupSize * this.neuronsPerInvocation };
  }

  /** stepAll specialised for one network and run (built on first use, then cached). */
  stepAll(constants: StepAllConstants): Promise<GPUComputePipeline> {
    const key = JSON.stringify(constants);
    let pipeline = this.all.get(key);
    if (!pipeline) {
      pipeline = build(this.device, this.load, this.layout, 'stepAll', {
        WORKGROUP_SIZE: this.workgroupSize,
        NEURONS_PER_INVOCATION: this.neuronsPerInvocation,
        ...constants,
      });
      this.all.set(key, pipeline);
    }
    return pipeline;
  }

  /** Whether a network of N neurons fits the small-network kernel (one workgroup per trial). */
  fitsOneWorkgroup(N: number): boolean {
    return N <= this.workgroupSize;
  }

  /** The small-network kernel's lanes for N neurons: one per neuron, or one SIMD group in software. */
  smallLanes(N: number, software: boolean): number {
    let lanes = 1;
    while (lanes < N) lanes *= 2;
    return Math.min(lanes, software ? SOFTWARE_LANES : this.workgroupSize);
  }

  smallNetwork(workgroupSize: number): Promise<GPUComputePipeline> {
    let pipeline = this.small.get(workgroupSize);
    if (!pipeline) {
      pipeline = build(this.device, this.load, this.layout, 'smallNetwork', {
        WORKGROUP_SIZE: workgroupSize,
      });
      this.small.set(workgroupSize, pipeline);
    }
    return pipeline;
  }
}

/** The largest power-of-two fraction of `preferred` this device's limits allow. */
export function largestWorkgroup(limits: GPUSupportedLimits, preferred: number): number {
  let size = preferred;
  while (size > limits.maxComputeInvocationsPerWorkgroup || size > limits.maxComputeWorkgroupSizeX) size /= 2;
  return size;
}

async function build(
  device: GPUDevice,
  load: ShaderLoader,
  layout: GPUPipelineLayout,
  kernel: string,
  constants: Record<string, number>,
): Promise<GPUComputePipeline> {
  const module = await compileShader(device, kernel, await composeShader(kernel, INCLUDES, load));
  device.pushErrorScope('validation');
  const pipeline = await device.createComputePipelineAsync({
    label: `WebGpuEngine.${kernel}`,
    layout,
    compute: { module, entryPoint: 'main', constants },
  });
  const error = await device.popErrorScope();
  if (error) throw new Error(`shaders/${kernel}.wgsl: pipeline: ${error.message}`);
  return pipeline;
}
