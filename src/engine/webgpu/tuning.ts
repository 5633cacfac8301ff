// The WebGPU engine's speed knobs that never change its results, and the candidates `latentspike
// tune` may choose among (src/bench/tune.ts times them; tuningCache.ts keeps the choice per adapter).
// Every candidate gives the CPU engine's f32 spikes on both software adapters
// (test/webgpu/tuning.test.ts), so a choice can only make a run faster or slower:
//   workgroupSize          invocations per workgroup of the per-step kernels (and the largest
//                          network the small-network kernel takes in one workgroup);
//   neuronsPerInvocation   neurons per invocation of the projecting kernels, stepAll and stepRate;
//   quads                  stepAll's vector path where it applies (a multiple of 4 neurons per
//                          invocation, exponential or no synapses);
//   neuronStepsPerSubmit   neuron-updates per command buffer of the per-step path (steps per
//                          command buffer = this / (N × trials in the batch), at most 1024);
//   maxTrialsPerBatch      trials run together (null: as many as the memory budget allows).
// Powers of two only: the projection's tree sums the same neurons in the same order whenever every
// workgroup spans a power of two of them (the reason the results cannot change).

import type { AdapterInfo } from '../engine.ts';
import { largestWorkgroup, type KernelShape } from './pipelines.ts';
import { PLAN_LIMIT_NAMES, type PlanLimits } from './adapterProfile.ts';

export interface TuningChoice {
  workgroupSize: number;
  neuronsPerInvocation: number;
  quads: boolean;
  neuronStepsPerSubmit: number;
  /** null: as many trials per batch as the memory budget allows. */
  maxTrialsPerBatch: number | null;
}

/** `LATENTSPIKE_TUNING=off` (or `--no-tune`) runs on the built-in defaults. */
export const TUNING_VARIABLE = 'LATENTSPIKE_TUNING';

/** Candidate values of each knob (workgroup sizes above the adapter's limits are left out). */
export const TUNING_AXES = {
  workgroupSize: [64, 128, 256, 512, 1024],
  neuronsPerInvocation: [1, 2, 4, 8, 32],
  quads: [true, false],
  neuronStepsPerSubmit: [1 << 20, 1 << 22, 1 << 24],
  maxTrialsPerBatch: [null, 1, 4] as (number | null)[],
} as const;

/** Where an engine's knobs came from, for the adapter line. */
export type TuningSource =
  | { kind: 'cache'; path: string; choice: TuningChoice }
  | { kind: 'defaults'; path: string }
  | { kind: 'off'; why: string };

/** The knobs of a kernel shape (the built-in defaults when the shape was chosen without options). */
export function choiceOf(shape: KernelShape, maxTrialsPerBatch: number | null = null): TuningChoice {
  return {
    workgroupSize: shape.workgroupSize,
    neuronsPerInvocation: shape.neuronsPerInvocation,
    quads: shape.quads,
    neuronStepsPerSubmit: shape.neuronStepsPerSubmit,
    maxTrialsPerBatch,
  };
}

/** The knobs that shape the kernels, as candidates on an adapter with these limits. */
export function kernelCandidates(
  limits: Pick<PlanLimits, 'maxComputeInvocationsPerWorkgroup' | 'maxComputeWorkgroupSizeX'>,
): Pick<TuningChoice, 'workgroupSize' | 'neuronsPerInvocation' | 'quads'>[] {
  const sizes = TUNING_AXES.workgroupSize.filter((w) => largestWorkgroup(limits, w) === w);
  return sizes.flatMap((workgroupSize) =>
    TUNING_AXES.neuronsPerInvocation.flatMap((neuronsPerInvocation) =>
      TUNING_AXES.quads
        .filter((quads) => quads || neuronsPerInvocation % 4 === 0)
        .map((quads) => ({ workgroupSize, neuronsPerInvocation, quads })),
    ),
  );
}

/** The knobs that cut a run into command buffers and batches (independent of the kernels). */
export function cutCandidates(): Pick<TuningChoice, 'neuronStepsPerSubmit' | 'maxTrialsPerBatch'>[] {
  return TUNING_AXES.neuronStepsPerSubmit.flatMap((neuronStepsPerSubmit) =>
    TUNING_AXES.maxTrialsPerBatch.map((maxTrialsPerBatch) => ({ neuronStepsPerSubmit, maxTrialsPerBatch })),
  );
}

/**
 * Why `choice` is not a tested candidate on an adapter with these limits (a cache entry written
 * by another version, or edited by hand), or null when it is one.
 */
export function notACandidate(choice: TuningChoice, limits: PlanLimits): string | null {
  const kernel = kernelCandidates(limits).some(
    (c) =>
      c.workgroupSize === choice.workgroupSize &&
      c.neuronsPerInvocation === choice.neuronsPerInvocation &&
      c.quads === choice.quads,
  );
  if (!kernel) {
    return `workgroup ${choice.workgroupSize}, ${choice.neuronsPerInvocation} neurons per invocation, quads ${choice.quads} is not a tested candidate here`;
  }
  const cut = cutCandidates().some(
    (c) =>
      c.neuronStepsPerSubmit === choice.neuronStepsPerSubmit &&
      c.maxTrialsPerBatch === choice.maxTrialsPerBatch,
  );
  if (!cut) {
    return `${choice.neuronStepsPerSubmit} neuron-steps per submit, ${choice.maxTrialsPerBatch} trials per batch is not a tested candidate`;
  }
  return null;
}

/** WebGpuEngineOptions of a choice. */
export function engineOptionsOf(choice: TuningChoice) {
  return {
    workgroupSize: choice.workgroupSize,
    neuronsPerInvocation: choice.neuronsPerInvocation,
    quads: choice.quads,
    neuronStepsPerSubmit: choice.neuronStepsPerSubmit,
    maxTrialsPerBatch: choice.maxTrialsPerBatch ?? undefined,
  };
}

/** A choice in words, e.g. "workgroup 256, 1 neuron/invocation, quads on, 2^22 neuron-steps/submit, trials/batch: all". */
export function describeChoice(choice: TuningChoice): string {
  return (
    `workgroup ${choice.workgroupSize}, ${choice.neuronsPerInvocation} neuron${choice.neuronsPerInvocation === 1 ? '' : 's'}/invocation, ` +
    `quads ${choice.quads ? 'on' : 'off'}, 2^${Math.log2(choice.neuronStepsPerSubmit)} neuron-steps/submit, ` +
    `trials/batch: ${choice.maxTrialsPerBatch ?? 'all'}`
  );
}

/** The adapter line's tuning part. */
export function describeTuning(source: TuningSource): string {
  switch (source.kind) {
    case 'cache':
      return `tuning: tuned for this adapter (${source.path}): ${describeChoice(source.choice)}`;
    case 'defaults':
      return `tuning: built-in defaults (no entry for this adapter in ${source.path}; \`latentspike tune\` makes one)`;
    case 'off':
      return `tuning: built-in defaults (${source.why})`;
  }
}

/** Whether tuning is off: `LATENTSPIKE_TUNING=off`; any value but off or on is an Error. */
export function tuningOff(env: Record<string, string | undefined>): boolean | Error {
  const value = env[TUNING_VARIABLE];
  if (value === undefined || value === '' || value === 'on') return false;
  if (value === 'off') return true;
  return new Error(`${TUNING_VARIABLE}='${value}' is not one of: on, off`);
}

/** What identifies an adapter in the cache: its own words and a hash of its limits. */
export interface AdapterIdentity {
  vendor: string;
  architecture: string;
  /** The description, which names the driver (e.g. "NVIDIA H200: 550.54.15" under Dawn's Vulkan). */
  description: string;
  /** FNV-1a of the limits the kernels read (PLAN_LIMIT_NAMES), as 8 hex digits. */
  limitsHash: string;
}

export function adapterIdentity(info: AdapterInfo, limits: PlanLimits): AdapterIdentity {
  const text = PLAN_LIMIT_NAMES.map((name) => `${name}=${limits[name]}`).join(';');
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    limitsHash: hash.toString(16).padStart(8, '0'),
  };
}

/** The cache's key of an adapter. */
export function identityKey(id: AdapterIdentity): string {
  return [id.vendor, id.architecture, id.description, id.limitsHash].join(' | ');
}
