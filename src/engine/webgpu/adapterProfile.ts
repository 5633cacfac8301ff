// Named adapter profiles: what the engine does differently per adapter, and what the plan
// (plan.ts, `latentspike plan`) assumes of an adapter it does not have.
//
// The dispatch shape is the profile's one behavioural choice here:
//   sliced  every dispatch is cut into slices of at most SLICE_INVOCATIONS invocations, each its
//           own dispatchWorkgroups call (resources.ts). SwiftShader needs it: it aborts the process
//           ("The futex facility returned an unexpected error code") or hangs from about 262 144
//           invocations per dispatch of the engine's kernels (shared/spec/WEBGPU_WITHOUT_A_GPU.md).
//   folded  one dispatch per kernel and step at any N: a dispatch of more workgroups than
//           maxComputeWorkgroupsPerDimension is folded into a 2-D (or 3-D) grid (foldGrid), and
//           the kernels turn the grid position into their linear workgroup index, returning at
//           once past the dispatch's end (bindings.wgsl's dispatch_workgroup). Hardware adapters,
//           and llvmpipe, which runs folded dispatches of millions of invocations correctly.
// The profile is chosen from the adapter's vendor, architecture and description (profileOf), not
// from the software flag alone, and the shape can be forced (LATENTSPIKE_DISPATCH, or
// WebGpuEngineOptions.dispatch) so that tests run both shapes on both software adapters.
//
// Built-in profiles carry what a plan needs of an adapter: its WebGPU limits, memory, memory
// bandwidth and the fixed cost of one dispatch. Where each figure comes from: docs/gpu-profiles.md.

/** How a kernel's workgroups are dispatched (header). */
export type DispatchShape = 'sliced' | 'folded';
export const DISPATCH_SHAPES: readonly DispatchShape[] = ['sliced', 'folded'];

/** Forces the dispatch shape of every adapter: 'sliced' or 'folded'. */
export const DISPATCH_VARIABLE = 'LATENTSPIKE_DISPATCH';

/** At most this many invocations per slice of a sliced dispatch (SwiftShader's safe size). */
export const SLICE_INVOCATIONS = 65536;

/** The limits the kernels can use; device.ts requests each at the adapter's own maximum. */
export const REQUESTED_LIMIT_NAMES = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxUniformBufferBindingSize',
  'maxBindGroups',
] as const;

/** The limits a plan reads: the requested ones, and the uniform offset alignment (a minimum). */
export const PLAN_LIMIT_NAMES = [...REQUESTED_LIMIT_NAMES, 'minUniformBufferOffsetAlignment'] as const;

export type PlanLimitName = (typeof PLAN_LIMIT_NAMES)[number];
/** An adapter's limits as the engine reads them: a GPUSupportedLimits or a plain record of them. */
export type PlanLimits = Readonly<Record<PlanLimitName, number>>;

/** Built-in profile names (`latentspike plan --adapter NAME`). */
export const PROFILE_NAMES = ['llvmpipe', 'swiftshader', 'h200', 'a100-80g', 'rtx4090', 'apple-m2'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface AdapterProfile {
  /** A built-in name, or 'gpu' / 'software' for an adapter no built-in profile describes. */
  name: ProfileName | 'gpu' | 'software';
  /** What the profile stands for, e.g. "NVIDIA H200 SXM (141 GB HBM3e)". */
  title: string;
  /** CPU emulation: more neurons per invocation, fewer lanes per small-network trial (pipelines.ts). */
  software: boolean;
  dispatch: DispatchShape;
  /** Built-in profiles: the adapter's limits under Dawn (docs/gpu-profiles.md); null for a matched adapter. */
  limits: PlanLimits | null;
  /** Memory the adapter's buffers may take, bytes (null: not known, e.g. a software adapter's host RAM). */
  memoryBytes: number | null;
  /** Memory bandwidth, bytes per second (software adapters: effective throughput measured here). */
  bandwidth: number | null;
  /** Fixed cost of one dispatch in a compute pass, seconds. */
  dispatchSeconds: number | null;
  /** What the text matched to pick this profile for a live adapter (profileOf). */
  match: RegExp | null;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/**
 * Dawn's limit tiers on a desktop GPU (Chrome exposes tiers of the adapter's limits): the top tier
 * of each where the hardware reaches it. Per profile, only the differences are written.
 */
const DAWN_TOP_TIER: PlanLimits = {
  maxStorageBufferBindingSize: 4 * GiB - 4,
  maxBufferSize: 4 * GiB - 4,
  maxComputeWorkgroupSizeX: 1024,
  maxComputeInvocationsPerWorkgroup: 1024,
  maxComputeWorkgroupsPerDimension: 65535,
  maxStorageBuffersPerShaderStage: 16,
  maxComputeWorkgroupStorageSize: 49152,
  maxUniformBufferBindingSize: 65536,
  maxBindGroups: 4,
  minUniformBufferOffsetAlignment: 256,
};

const NVIDIA_DISPATCH_SECONDS = 3e-6;

/** The built-in profiles; their sources are in docs/gpu-profiles.md. */
export const PROFILES: Readonly<Record<ProfileName, AdapterProfile>> = {
  llvmpipe: {
    name: 'llvmpipe',
    title: 'Mesa llvmpipe through Dawn OpenGL ES (compatibility), software',
    software: true,
    dispatch: 'folded',
    limits: {
      ...DAWN_TOP_TIER,
      maxStorageBufferBindingSize: 128 * MiB,
      maxBufferSize: 2 * GiB,
      maxComputeWorkgroupStorageSize: 32 * KiB,
      minUniformBufferOffsetAlignment: 16,
    },
    memoryBytes: null,
    bandwidth: 2e9,
    dispatchSeconds: 23e-6,
    match: /llvmpipe|lavapipe|softpipe/i,
  },
  swiftshader: {
    name: 'swiftshader',
    title: 'SwiftShader through Dawn Vulkan, software',
    software: true,
    dispatch: 'sliced',
    limits: {
      ...DAWN_TOP_TIER,
      maxStorageBufferBindingSize: 1 * GiB,
      maxBufferSize: 1 * GiB,
      maxComputeWorkgroupSizeX: 256,
      maxComputeInvocationsPerWorkgroup: 256,
      maxStorageBuffersPerShaderStage: 12,
      maxComputeWorkgroupStorageSize: 32 * KiB,
    },
    memoryBytes: null,
    bandwidth: 0.2e9,
    dispatchSeconds: 200e-6,
    match: /swiftshader/i,
  },
  h200: {
    name: 'h200',
    title: 'NVIDIA H200 SXM (141 GB HBM3e, 4.8 TB/s)',
    software: false,
    dispatch: 'folded',
    limits: DAWN_TOP_TIER,
    memoryBytes: 141e9,
    bandwidth: 4.8e12,
    dispatchSeconds: NVIDIA_DISPATCH_SECONDS,
    match: /\bH200\b/i,
  },
  'a100-80g': {
    name: 'a100-80g',
    title: 'NVIDIA A100 SXM 80 GB (HBM2e, 2.04 TB/s)',
    software: false,
    dispatch: 'folded',
    limits: DAWN_TOP_TIER,
    memoryBytes: 80e9,
    bandwidth: 2.039e12,
    dispatchSeconds: NVIDIA_DISPATCH_SECONDS,
    match: /\bA100\b/i,
  },
  rtx4090: {
    name: 'rtx4090',
    title: 'NVIDIA GeForce RTX 4090 (24 GB GDDR6X, 1.01 TB/s)',
    software: false,
    dispatch: 'folded',
    limits: DAWN_TOP_TIER,
    memoryBytes: 24e9,
    bandwidth: 1.008e12,
    dispatchSeconds: NVIDIA_DISPATCH_SECONDS,
    match: /RTX 4090/i,
  },
  'apple-m2': {
    name: 'apple-m2',
    title: 'Apple M2, 16 GB unified memory (100 GB/s)',
    software: false,
    dispatch: 'folded',
    limits: {
      ...DAWN_TOP_TIER,
      maxStorageBuffersPerShaderStage: 10,
      maxComputeWorkgroupStorageSize: 32 * KiB,
    },
    // Metal's recommendedMaxWorkingSetSize on a 16 GB Mac: about three quarters of it.
    memoryBytes: 12e9,
    bandwidth: 100e9,
    dispatchSeconds: 5e-6,
    match: /\bApple M2\b/i,
  },
};

/** Facts an adapter reports (GPUAdapterInfo, describeAdapter's AdapterInfo, a dumped file's `info`). */
export interface AdapterFacts {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** GPUAdapterInfo.isFallbackAdapter, or AdapterInfo.software. */
  software?: boolean;
}

/** Software adapters no built-in profile names (Microsoft's WARP, the Basic Render Driver). */
const OTHER_SOFTWARE = /warp|microsoft basic render/i;

/**
 * The profile of a live adapter: a built-in one whose pattern its text matches (SwiftShader and
 * llvmpipe first, then the hardware ones), otherwise a generic profile: 'software' (sliced: an
 * unknown emulator may share SwiftShader's limit) for software adapters, 'gpu' (folded) for the
 * rest. Limits come from the adapter itself, so a matched profile's limits are dropped.
 */
export function profileOf(facts: AdapterFacts): AdapterProfile {
  const text = [facts.vendor, facts.architecture, facts.device, facts.description].filter(Boolean).join(' ');
  const builtIn = PROFILE_NAMES.map((n) => PROFILES[n]).find((p) => p.match!.test(text));
  if (builtIn) return { ...builtIn, limits: null };
  const software = facts.software === true || OTHER_SOFTWARE.test(text);
  return {
    name: software ? 'software' : 'gpu',
    title: text || 'unknown adapter',
    software,
    dispatch: software ? 'sliced' : 'folded',
    limits: null,
    memoryBytes: null,
    bandwidth: null,
    dispatchSeconds: null,
    match: null,
  };
}

/** The built-in profile called `name`, or an Error naming the allowed ones. */
export function builtInProfile(name: string): AdapterProfile | Error {
  if ((PROFILE_NAMES as readonly string[]).includes(name)) return PROFILES[name as ProfileName];
  return new Error(`unknown adapter profile "${name}"; allowed: ${PROFILE_NAMES.join(', ')}`);
}

/** `value` as a dispatch shape (an option or LATENTSPIKE_DISPATCH), or an Error naming the allowed ones. */
export function parseDispatchShape(value: string, what: string): DispatchShape | Error {
  if ((DISPATCH_SHAPES as readonly string[]).includes(value)) return value as DispatchShape;
  return new Error(`${what}='${value}' is not one of: ${DISPATCH_SHAPES.join(', ')}`);
}

/**
 * The dispatch shape a run uses: `forced` (an option), else LATENTSPIKE_DISPATCH where the
 * process has one, else the profile's. A bad value throws, naming the allowed ones.
 */
export function chooseDispatch(profile: AdapterProfile, forced?: DispatchShape): DispatchShape {
  if (forced) return forced;
  const env = typeof process !== 'undefined' ? process.env?.[DISPATCH_VARIABLE] : undefined;
  if (env) {
    const shape = parseDispatchShape(env, DISPATCH_VARIABLE);
    if (shape instanceof Error) throw shape;
    return shape;
  }
  return profile.dispatch;
}

/**
 * How the dispatches of a run are shaped: `shape`, and `width`: the most workgroups of one slice
 * (sliced) or of one grid dimension (folded).
 */
export interface DispatchLimits {
  shape: DispatchShape;
  width: number;
}

/**
 * The dispatch limits on an adapter with these limits, for kernels of `workgroupSize` invocations:
 * sliced, ⌊SLICE_INVOCATIONS / workgroupSize⌋ workgroups a slice (within
 * maxComputeWorkgroupsPerDimension); folded, maxComputeWorkgroupsPerDimension per dimension.
 * `width` (tests) lowers either, so that networks of a few workgroups are sliced or folded as
 * networks of millions of neurons are.
 */
export function dispatchLimits(
  shape: DispatchShape,
  limits: Pick<PlanLimits, 'maxComputeWorkgroupsPerDimension'>,
  workgroupSize: number,
  width?: number,
): DispatchLimits {
  if (width !== undefined && !(Number.isInteger(width) && width >= 1)) {
    throw new Error(`dispatchWidth must be a positive integer, got ${width}`);
  }
  const most = limits.maxComputeWorkgroupsPerDimension;
  const natural = shape === 'sliced' ? Math.floor(SLICE_INVOCATIONS / workgroupSize) : most;
  return { shape, width: Math.max(1, Math.min(most, natural, width ?? Infinity)) };
}

/**
 * A grid [x, y, z] of at least `workgroups` workgroups with no dimension above `width`: 1-D when
 * it fits, else the fewest rows (then layers) of nearly equal length, so that fewer than y·z
 * workgroups are past the end. Null when width³ workgroups are too few.
 */
export function foldGrid(workgroups: number, width: number): [number, number, number] | null {
  if (workgroups <= width) return [workgroups, 1, 1];
  const z = Math.ceil(workgroups / (width * width));
  if (z > width) return null;
  const perLayer = Math.ceil(workgroups / z);
  const y = Math.ceil(perLayer / width);
  return [Math.ceil(perLayer / y), y, z];
}

/** One dispatchWorkgroups call: its slice entry's first workgroup and its grid. */
export interface DispatchCall {
  first: number;
  grid: [number, number, number];
}

/**
 * The dispatchWorkgroups calls that run `workgroups` workgroups: sliced, ⌈workgroups / width⌉
 * 1-D slices, slice s starting at workgroup s·width; folded, one call over foldGrid's grid.
 */
export function dispatchCalls(limits: DispatchLimits, workgroups: number): DispatchCall[] {
  if (workgroups <= 0) return [];
  if (limits.shape === 'sliced') {
    return Array.from({ length: Math.ceil(workgroups / limits.width) }, (_, s) => ({
      first: s * limits.width,
      grid: [Math.min(limits.width, workgroups - s * limits.width), 1, 1],
    }));
  }
  const grid = foldGrid(workgroups, limits.width);
  if (!grid) {
    throw new Error(
      `a dispatch of ${workgroups} workgroups does not fold into ${limits.width}³ (maxComputeWorkgroupsPerDimension)`,
    );
  }
  return [{ first: 0, grid }];
}

/** dispatchCalls' count without listing them. */
export function dispatchCount(limits: DispatchLimits, workgroups: number): number {
  if (workgroups <= 0) return 0;
  return limits.shape === 'sliced' ? Math.ceil(workgroups / limits.width) : 1;
}
