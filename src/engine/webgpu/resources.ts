/// <reference types="@webgpu/types" />
// The buffers and bind groups of one run (bindings.wgsl's table), made under an error scope and
// destroyed together, the sliced dispatch every kernel with many workgroups goes through, and the
// plan that binds arrays larger than one storage binding as parts.
//
// Slicing: SwiftShader aborts the process from about 262 144 invocations in one dispatch
// (shared/spec/WEBGPU_WITHOUT_A_GPU.md), so a dispatch of W workgroups of size S is split into
// slices of at most ⌊65 536 / S⌋ workgroups. The slice's first workgroup reaches the kernel through
// group 0 binding 2, one 256-byte entry per slice of a uniform buffer bound at a dynamic offset.
//
// Parts: a storage binding holds at most maxStorageBufferBindingSize bytes (128 MiB on llvmpipe,
// where the rank-2 bench network's 40 bytes of constants per neuron reach it near 3.3·10⁶
// neurons). The per-neuron arrays, consts and state, may exceed it: they are then cut into parts
// of a power-of-two number of bytes within the limit, each part its own GPUBuffer and binding, read
// by splitArrays.wgsl's accessors (index >> PART_SHIFT picks the part). Up to MAX_PARTS of each;
// the other arrays are bound whole. A run whose arrays all fit is bound exactly as before, with
// wholeArrays.wgsl's kernels.

import { withErrorScope } from './errorScope.ts';
import { MAX_PARTS, PARAMS_BYTES, SLICE_STRIDE, SPLIT_STORAGE_BUFFERS } from './layout.ts';
import type { BufferRange } from './readback.ts';

/** At most this many invocations per dispatch, on every adapter. */
const MAX_INVOCATIONS_PER_DISPATCH = 65536;

export interface RunSizes {
  /** The constants buffer's contents (gpuNetwork.ts); then the bytes of every other buffer. */
  consts: Uint32Array<ArrayBuffer>;
  stateBytes: number;
  latentBytes: number;
  partialsBytes: number;
  /** Trials of a batch: one Control (step counter, event count) each. */
  trials: number;
  eventsBytes: number;
  /**
   * Event buffers of eventsBytes each (default 1): the per-step path alternates two between chunks,
   * so one chunk's events are copied out while the next chunk writes the other.
   */
  eventSets?: number;
  latentRecordBytes: number;
  /** The network's neurons, for the message when a buffer is too large (planBindings). */
  neurons?: number;
  /** The largest number of workgroups any kernel of this run dispatches, and their size. */
  maxWorkgroups: number;
  workgroupSize: number;
}

/** How a run's consts and state are bound: whole (one part each) or in parts of partBytes. */
export interface BindingPlan {
  /** Bytes per part: the largest power of two within the binding limit. */
  partBytes: number;
  constsParts: number;
  stateParts: number;
  /** Whether either array has more than one part (the run then needs splitArrays.wgsl's kernels). */
  split: boolean;
}

/**
 * Bytes of per-trial buffers (state, latents, partials, latent-record ring) a batch of trials may take:
 * trials run together up to it. Below the 128 MiB every device binds, so of those arrays only
 * state, which may be split, can need parts.
 */
export const BATCH_BYTES = 64 << 20;

/** The most bytes one storage binding may hold on this device. */
function deviceLimit(limits: GPUSupportedLimits): number {
  return Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
}

/**
 * The most bytes consts or state are bound whole in: the device's limit, or `maxPartBytes` (tests
 * and benchmarks: WebGpuEngineOptions.maxPartBytes) when smaller. Past it they are split into
 * parts of the largest power of two within it.
 */
function splitLimit(limits: GPUSupportedLimits, maxPartBytes = Infinity): number {
  return Math.min(deviceLimit(limits), maxPartBytes);
}

/** log2 of the words per part of a split array (splitArrays.wgsl's PART_SHIFT). */
export function partShift(limits: GPUSupportedLimits, maxPartBytes?: number): number {
  return Math.floor(Math.log2(splitLimit(limits, maxPartBytes) / 4));
}

/** Whether the device has the storage bindings the split kernels declare. */
function canSplit(limits: GPUSupportedLimits): boolean {
  return limits.maxStorageBuffersPerShaderStage >= SPLIT_STORAGE_BUFFERS;
}

/** The most bytes of state a run can bind here: MAX_PARTS.state parts where the device can split. */
export function stateCapacity(limits: GPUSupportedLimits, maxPartBytes?: number): number {
  const partBytes = 4 * 2 ** partShift(limits, maxPartBytes);
  return canSplit(limits) ? MAX_PARTS.state * partBytes : splitLimit(limits, maxPartBytes);
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * Which arrays of a run are split and into how many parts, or an Error that names the buffer, the
 * bytes it needs (per neuron), the limit and the device field behind it, when the run cannot be
 * bound: an array that is never split (spike events, latent record, partials) above the device's
 * binding limit (a guard: the runners size the event buffer within what the state's parts allow,
 * and the record as a ring of a few chunks' samples, test/webgpu/resources.test.ts); consts or state above MAX_PARTS parts; or a split run on a device whose
 * maxStorageBuffersPerShaderStage cannot take the parts' extra bindings.
 */
export function planBindings(
  limits: GPUSupportedLimits,
  sizes: RunSizes,
  maxPartBytes = Infinity,
): BindingPlan | Error {
  const partBytes = 4 * 2 ** partShift(limits, maxPartBytes);
  const limitText = (limit: number, forced: boolean) =>
    `${limit} bytes (${mib(limit)}: maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize}, ` +
    `maxBufferSize ${limits.maxBufferSize}${forced ? `, maxPartBytes ${maxPartBytes}` : ''})`;
  const needs = (name: string, bytes: number) => {
    const perNeuron = sizes.neurons
      ? `, ${(bytes / sizes.neurons).toFixed(1)} bytes per neuron at N = ${sizes.neurons}`
      : '';
    return `WebGpuEngine: the ${name} buffer needs ${bytes} bytes (${mib(bytes)}${perNeuron})`;
  };
  const whole: [string, number][] = [
    ['spike events (per chunk)', sizes.eventsBytes],
    ['latent record', sizes.latentRecordBytes],
    ['partials', sizes.partialsBytes],
  ];
  const tooLarge = whole.find(([, bytes]) => bytes > deviceLimit(limits));
  if (tooLarge) {
    return new Error(
      `${needs(...tooLarge)}, above this device's storage binding limit of ` +
        `${limitText(deviceLimit(limits), false)}; this buffer is not split across bindings: use ` +
        `fewer neurons, fewer recorded steps, or the CPU backend.`,
    );
  }
  const limit = splitLimit(limits, maxPartBytes);
  const forced = limit < deviceLimit(limits);
  const split: [string, number, number][] = [
    [
      'constants (per-neuron parameters, encoders, decoders, drive)',
      sizes.consts.byteLength,
      MAX_PARTS.consts,
    ],
    ['state (per-neuron voltages, synapses, spike bookkeeping)', sizes.stateBytes, MAX_PARTS.state],
  ];
  const parts = split.map(([, bytes]) => (bytes > limit ? Math.ceil(bytes / partBytes) : 1));
  for (const [k, [name, bytes, most]] of split.entries()) {
    if (parts[k] > most) {
      return new Error(
        `${needs(name, bytes)}, above the ${most} × ${mib(partBytes)} = ${mib(most * partBytes)} this ` +
          `device can bind as ${most} parts (storage binding limit ${limitText(limit, forced)}): use ` +
          `fewer neurons, or the CPU backend.`,
      );
    }
  }
  const k = parts.findIndex((p) => p > 1);
  if (k >= 0 && !canSplit(limits)) {
    const [name, bytes] = split[k];
    return new Error(
      `${needs(name, bytes)}, above this device's storage binding limit of ${limitText(limit, forced)}; ` +
        `binding it as parts needs ${SPLIT_STORAGE_BUFFERS} storage buffers per shader stage, and ` +
        `this device's maxStorageBuffersPerShaderStage is ${limits.maxStorageBuffersPerShaderStage}: ` +
        `use fewer neurons, or the CPU backend.`,
    );
  }
  return { partBytes, constsParts: parts[0], stateParts: parts[1], split: k >= 0 };
}

/** An array bound as one or more parts of partBytes, each its own buffer (part p: bytes from p·partBytes). */
export interface PartedBuffer {
  parts: GPUBuffer[];
  partBytes: number;
  /** Bytes [offset, offset + size) as ranges of the parts, for a read (readback.ts). */
  ranges(offset: number, size: number): BufferRange[];
  /** Writes `data` from byte `offset` on, across parts. */
  write(offset: number, data: ArrayBufferView<ArrayBuffer>): void;
}

export interface RunResources {
  params: GPUBuffer;
  state: PartedBuffer;
  latent: GPUBuffer;
  control: GPUBuffer;
  /** events[0], the one event buffer of the batched path. */
  events: GPUBuffer;
  /** Every event buffer (eventSets of them). */
  eventSets: GPUBuffer[];
  latentRecord: GPUBuffer;
  /**
   * Records the kernel over `workgroups` workgroups, slice by slice, writing its spike events to
   * eventSets[eventSet] (default 0).
   */
  dispatch(
    pass: GPUComputePassEncoder,
    pipeline: GPUComputePipeline,
    workgroups: number,
    eventSet?: number,
  ): void;
  destroy(): void;
}

/**
 * Makes the run's buffers and bind groups on `layouts` (pipelines.ts: the whole or the split
 * kernels' layouts, as plan.split says).
 */
export function createRunResources(
  device: GPUDevice,
  layouts: GPUBindGroupLayout[],
  sizes: RunSizes,
  plan: BindingPlan,
): Promise<RunResources> {
  const sliceWorkgroups = Math.max(
    1,
    Math.min(
      Math.floor(MAX_INVOCATIONS_PER_DISPATCH / sizes.workgroupSize),
      device.limits.maxComputeWorkgroupsPerDimension,
    ),
  );
  const slices = Math.ceil(sizes.maxWorkgroups / sliceWorkgroups);
  return withErrorScope(device, 'WebGpuEngine.createRunResources', () => {
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    const buffer = (label: string, bytes: number, usage = storage) =>
      device.createBuffer({
        label: `WebGpuEngine.${label}`,
        size: Math.max(16, Math.ceil(bytes / 16) * 16),
        usage,
      });
    const parted = (label: string, bytes: number, count: number): PartedBuffer => {
      const partBytes = count > 1 ? plan.partBytes : bytes;
      const parts = Array.from({ length: count }, (_, p) =>
        buffer(count > 1 ? `${label}[${p}]` : label, Math.min(partBytes, bytes - p * partBytes)),
      );
      // The pieces of bytes [offset, offset + size), part by part.
      const pieces = (offset: number, size: number) => {
        const out: { part: number; at: number; from: number; size: number }[] = [];
        for (let from = 0; from < size;) {
          const part = Math.floor((offset + from) / partBytes);
          const at = offset + from - part * partBytes;
          const n = Math.min(size - from, partBytes - at);
          out.push({ part, at, from, size: n });
          from += n;
        }
        return out;
      };
      return {
        parts,
        partBytes,
        ranges: (offset, size) =>
          pieces(offset, size).map((p) => ({ source: parts[p.part], offset: p.at, size: p.size })),
        write(offset, data) {
          for (const p of pieces(offset, data.byteLength)) {
            device.queue.writeBuffer(parts[p.part], p.at, data.buffer, data.byteOffset + p.from, p.size);
          }
        },
      };
    };
    const uniform = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    const params = buffer('params', PARAMS_BYTES, uniform);
    const consts = parted('consts', sizes.consts.byteLength, plan.constsParts);
    const slice = buffer('slice', slices * SLICE_STRIDE, uniform);
    const state = parted('state', sizes.stateBytes, plan.stateParts);
    const latent = buffer('latent', sizes.latentBytes);
    const partials = buffer('partials', sizes.partialsBytes);
    const control = buffer('control', 8 * sizes.trials);
    const eventSets = Array.from({ length: sizes.eventSets ?? 1 }, (_, e) =>
      buffer(`events${e}`, sizes.eventsBytes),
    );
    const latentRecord = buffer('latentRecord', sizes.latentRecordBytes);
    // Split kernels bind every declared part: those this run's arrays do not need get a spare
    // buffer each (distinct, since writable bindings of one dispatch must not alias).
    const spares: GPUBuffer[] = [];
    const partsOf = (array: PartedBuffer, declared: number, name: string) =>
      Array.from({ length: plan.split ? declared - 1 : 0 }, (_, p) => {
        if (p + 1 < array.parts.length) return array.parts[p + 1];
        spares.push(buffer(`${name}Spare[${p + 1}]`, 16));
        return spares[spares.length - 1];
      });
    consts.write(0, sizes.consts);
    const firstWorkgroups = new Uint32Array((slices * SLICE_STRIDE) / 4);
    for (let s = 0; s < slices; s++) firstWorkgroups[(s * SLICE_STRIDE) / 4] = s * sliceWorkgroups;
    device.queue.writeBuffer(slice, 0, firstWorkgroups);

    const group = (i: number, entries: GPUBindGroupEntry[]) =>
      device.createBindGroup({ label: `WebGpuEngine.${layouts[i].label}`, layout: layouts[i], entries });
    const bound = (buffers: GPUBuffer[], first = 0) =>
      buffers.map((b, k) => ({ binding: first + k, resource: { buffer: b } }));
    const constants = group(0, [
      ...bound([params, consts.parts[0]]),
      { binding: 2, resource: { buffer: slice, size: 4 } },
      ...bound(partsOf(consts, MAX_PARTS.consts, 'consts'), 3),
    ]);
    const stateGroup = group(1, [
      ...bound([state.parts[0], latent, partials, control]),
      ...bound(partsOf(state, MAX_PARTS.state, 'state'), 4),
    ]);
    const recordingGroups = eventSets.map((events) => group(2, bound([events, latentRecord])));
    const all = [
      params,
      ...consts.parts,
      slice,
      ...state.parts,
      latent,
      partials,
      control,
      ...eventSets,
      latentRecord,
      ...spares,
    ];
    return {
      params,
      state,
      latent,
      control,
      events: eventSets[0],
      eventSets,
      latentRecord,
      dispatch(pass, pipeline, workgroups, eventSet = 0) {
        pass.setPipeline(pipeline);
        pass.setBindGroup(1, stateGroup);
        pass.setBindGroup(2, recordingGroups[eventSet]);
        for (let first = 0, s = 0; first < workgroups; first += sliceWorkgroups, s++) {
          pass.setBindGroup(0, constants, [s * SLICE_STRIDE]);
          pass.dispatchWorkgroups(Math.min(sliceWorkgroups, workgroups - first));
        }
      },
      destroy: () => all.forEach((b) => b.destroy()),
    };
  });
}
