/// <reference types="@webgpu/types" />
// The host's half of shaders/bindings.wgsl: the Params/Population uniform layout (field names in
// WGSL order, every field one 4-byte word; test/webgpu/layout.test.ts checks them against the
// WGSL, so no byte offset is typed by hand), the rule codes, and the three bind group layouts,
// grouped by lifetime.

export const MAX_POPULATIONS = 16;

type FieldType = 'u32' | 'f32';

export const POPULATION_FIELDS = {
  start: 'u32',
  size: 'u32',
  pulse_steps: 'u32',
  wait_steps: 'u32',
  dt_leak: 'f32',
  noise_scale: 'f32',
  inv_pulse: 'f32',
  decay_dt: 'f32',
  rate: 'f32',
  synapse_kind: 'u32',
  recurrence: 'u32',
  noisy: 'u32',
  mu: 'f32',
  class_rank: 'u32',
  clamp: 'u32',
  fast_reset: 'u32',
} as const satisfies Record<string, FieldType>;

export const PARAMS_FIELDS = {
  n: 'u32',
  j: 'u32',
  l: 'u32',
  k: 'u32',
  p: 'u32',
  trial: 'u32',
  seed_lo: 'u32',
  seed_hi: 'u32',
  every: 'u32',
  record_latents: 'u32',
  history: 'u32',
  pulse_words: 'u32',
  event_capacity: 'u32',
  dt: 'f32',
  readout_decay: 'f32',
  workgroups: 'u32',
  off_bias: 'u32',
  off_self_w: 'u32',
  off_pop: 'u32',
  off_f: 'u32',
  off_enc: 'u32',
  off_proj: 'u32',
  off_drive: 'u32',
  st_v: 'u32',
  st_ghat: 'u32',
  st_gexp: 'u32',
  st_pulse_open: 'u32',
  st_next: 'u32',
  st_spiked: 'u32',
  st_count: 'u32',
  st_bits: 'u32',
  rule: 'u32',
  beta: 'f32',
  s: 'u32',
  steps_per_dispatch: 'u32',
  trial_words: 'u32',
  step_event_bound: 'u32',
  record_spikes: 'u32',
  off_own: 'u32',
  off_runs: 'u32',
  stride: 'u32',
  record_window: 'u32',
  _pad1: 'u32',
  _pad2: 'u32',
} as const satisfies Record<string, FieldType>;

/** Padding fields keep the uniform's 16-byte alignment and are written as 0. */
type Padding = `_pad${number}`;
export type PopulationParams = Record<Exclude<keyof typeof POPULATION_FIELDS, Padding>, number>;
export type ScalarParams = Record<Exclude<keyof typeof PARAMS_FIELDS, Padding>, number>;

/** Params.rule (bindings.wgsl's RULE_*). */
export const RULES = { all: 0, 'one-per-step': 1, sequential: 2, rate: 3 } as const;

/** Parts of consts and of state that splitArrays.wgsl declares. */
export const MAX_PARTS = { consts: 4, state: 3 } as const;
/** Storage buffers per shader stage of the split kernels: bindings.wgsl's 7 and the extra parts. */
export const SPLIT_STORAGE_BUFFERS = 7 + MAX_PARTS.consts - 1 + MAX_PARTS.state - 1;

/** Bytes between two entries of the slice buffer: the uniform dynamic-offset alignment. */
export const SLICE_STRIDE = 256;
/** Bytes of one entry (bindings.wgsl's Slice: first_workgroup, end_workgroup). */
export const SLICE_BYTES = 8;

const POPULATION_WORDS = Object.keys(POPULATION_FIELDS).length;
const SCALAR_WORDS = Object.keys(PARAMS_FIELDS).length;
export const PARAMS_BYTES = (SCALAR_WORDS + MAX_POPULATIONS * POPULATION_WORDS) * 4;

function packFields(
  fields: Record<string, FieldType>,
  values: Record<string, number>,
  view: DataView,
  at: number,
): void {
  Object.entries(fields).forEach(([name, type], w) => {
    const value = values[name] ?? 0;
    if (type === 'f32') view.setFloat32(at + w * 4, value, true);
    else view.setUint32(at + w * 4, value, true);
  });
}

export function packParams(scalars: ScalarParams, populations: PopulationParams[]): ArrayBuffer {
  if (populations.length > MAX_POPULATIONS) {
    throw new Error(
      `The WebGPU engine takes at most ${MAX_POPULATIONS} populations, got ${populations.length}`,
    );
  }
  const buffer = new ArrayBuffer(PARAMS_BYTES);
  const view = new DataView(buffer);
  packFields(PARAMS_FIELDS, scalars, view, 0);
  populations.forEach((p, i) =>
    packFields(POPULATION_FIELDS, p, view, (SCALAR_WORDS + i * POPULATION_WORDS) * 4),
  );
  return buffer;
}

/**
 * Group 0 constants, group 1 per-trial state, group 2 recordings (bindings.wgsl's table); with
 * `split`, also the extra parts of consts (0/3 …) and state (1/4 …) that splitArrays.wgsl declares.
 */
export function createBindGroupLayouts(device: GPUDevice, split: boolean): GPUBindGroupLayout[] {
  const storage = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({
    binding,
    visibility: GPUShaderStage.COMPUTE,
    buffer: { type },
  });
  const extra = (first: number, count: number, type: GPUBufferBindingType) =>
    Array.from({ length: split ? count - 1 : 0 }, (_, p) => storage(first + p, type));
  const suffix = split ? 'Split' : '';
  return [
    device.createBindGroupLayout({
      label: `WebGpuEngine.constants${suffix}`,
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
        storage(1, 'read-only-storage'),
        {
          binding: 2,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: SLICE_BYTES },
        },
        ...extra(3, MAX_PARTS.consts, 'read-only-storage'),
      ],
    }),
    device.createBindGroupLayout({
      label: `WebGpuEngine.state${suffix}`,
      entries: [...[0, 1, 2, 3].map((b) => storage(b, 'storage')), ...extra(4, MAX_PARTS.state, 'storage')],
    }),
    device.createBindGroupLayout({
      label: `WebGpuEngine.recording${suffix}`,
      entries: [0, 1].map((b) => storage(b, 'storage')),
    }),
  ];
}
