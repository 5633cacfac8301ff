/// <reference types="@webgpu/types" />
// The buffers and bind groups of one run (bindings.wgsl's table): first planned by a pure function
// of the run's sizes (planResources: every buffer's name, bytes, usage and binding, the slice
// entries), then made from that plan under an error scope and destroyed together
// (createRunResources). `latentspike plan` (plan.ts) reports the same plan without a device, so
// what it prints is what the engine allocates.
//
// Dispatches (adapterProfile.ts): a kernel's workgroups form one linear range, dispatched as the
// run's dispatch shape says. Sliced: 1-D slices of at most `width` workgroups (SwiftShader aborts
// from about 262 144 invocations in one dispatch, shared/spec/WEBGPU_WITHOUT_A_GPU.md), slice s's
// first workgroup in entry s of the slice buffer. Folded: one dispatch, 1-D when it fits
// maxComputeWorkgroupsPerDimension, else a 2-D or 3-D grid whose entry also gives the range's end
// (the kernels return from the grid's few workgroups past it). Entries are 256 bytes apart in a
// uniform buffer bound at group 0 binding 2 with a dynamic offset.
//
// Parts: a storage binding holds at most maxStorageBufferBindingSize bytes, which the per-neuron
// arrays of a few million neurons reach on the software adapters (docs/webgpu.md, "Arrays in
// parts"). The per-neuron arrays, consts and state, may exceed it: they are then cut into parts
// of a power-of-two number of bytes within the limit, each part its own GPUBuffer and binding, read
// by splitArrays.wgsl's accessors (index >> PART_SHIFT picks the part). Up to MAX_PARTS of each;
// the other arrays are bound whole. A run whose arrays all fit binds each whole, with
// wholeArrays.wgsl's kernels.

import { withErrorScope } from './errorScope.ts';
import { DoesNotFitError } from '../../model/errors.ts';
import { MAX_PARTS, PARAMS_BYTES, SLICE_BYTES, SLICE_STRIDE, SPLIT_STORAGE_BUFFERS } from './layout.ts';
import type { BufferRange } from './readback.ts';
import { dispatchCalls, type DispatchLimits, type PlanLimits } from './adapterProfile.ts';

export interface RunSizes {
  /** Bytes of the constants (gpuNetwork.ts's consts), then of every other buffer. */
  constsBytes: number;
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
  /**
   * Every workgroup count the runner dispatches (each kernel, for a full batch and the last): the
   * slice entries are planned for these.
   */
  dispatches: number[];
  /** Map-read buffers of 8·trials bytes through which the runner reads control (one per chunk in flight). */
  controlStaging?: number;
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

type BindingLimits = Pick<
  PlanLimits,
  'maxStorageBufferBindingSize' | 'maxBufferSize' | 'maxStorageBuffersPerShaderStage'
>;

/** The most bytes one storage binding may hold on this device. */
function deviceLimit(limits: BindingLimits): number {
  return Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
}

/**
 * The most bytes consts or state are bound whole in: the device's limit, or `maxPartBytes` (tests
 * and benchmarks: WebGpuEngineOptions.maxPartBytes) when smaller. Past it they are split into
 * parts of the largest power of two within it.
 */
function splitLimit(limits: BindingLimits, maxPartBytes = Infinity): number {
  return Math.min(deviceLimit(limits), maxPartBytes);
}

/** log2 of the words per part of a split array (splitArrays.wgsl's PART_SHIFT). */
export function partShift(limits: BindingLimits, maxPartBytes?: number): number {
  return Math.floor(Math.log2(splitLimit(limits, maxPartBytes) / 4));
}

/** Whether the device has the storage bindings the split kernels declare. */
function canSplit(limits: BindingLimits): boolean {
  return limits.maxStorageBuffersPerShaderStage >= SPLIT_STORAGE_BUFFERS;
}

/** The most bytes of state a run can bind here: MAX_PARTS.state parts where the device can split. */
export function stateCapacity(limits: BindingLimits, maxPartBytes?: number): number {
  const partBytes = 4 * 2 ** partShift(limits, maxPartBytes);
  return canSplit(limits) ? MAX_PARTS.state * partBytes : splitLimit(limits, maxPartBytes);
}

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * Which arrays of a run are split and into how many parts, or an Error that names the buffer, the
 * bytes it needs (per neuron), the limit and the device field behind it, when the run cannot be
 * bound: an array that is never split (spike events, latent record, partials) above the device's
 * binding limit (a guard: the runners size the event buffer within what the state's parts allow,
 * and the record as a ring of a few chunks' samples, test/webgpu/resources.test.ts); consts or state above MAX_PARTS parts; or a split run on a device whose
 * maxStorageBuffersPerShaderStage cannot take the parts' extra bindings.
 */
export function planBindings(
  limits: BindingLimits,
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
    return new DoesNotFitError(
      `${needs(...tooLarge)}, above this device's storage binding limit of ` +
        `${limitText(deviceLimit(limits), false)}; this buffer is not split across bindings: use ` +
        `fewer neurons, fewer recorded steps, or the CPU backend.`,
    );
  }
  const limit = splitLimit(limits, maxPartBytes);
  const forced = limit < deviceLimit(limits);
  const split: [string, number, number][] = [
    ['constants (per-neuron parameters, encoders, decoders, drive)', sizes.constsBytes, MAX_PARTS.consts],
    ['state (per-neuron voltages, synapses, spike bookkeeping)', sizes.stateBytes, MAX_PARTS.state],
  ];
  const parts = split.map(([, bytes]) => (bytes > limit ? Math.ceil(bytes / partBytes) : 1));
  for (const [k, [name, bytes, most]] of split.entries()) {
    if (parts[k] > most) {
      return new DoesNotFitError(
        `${needs(name, bytes)}, above the ${most} × ${mib(partBytes)} = ${mib(most * partBytes)} this ` +
          `device can bind as ${most} parts (storage binding limit ${limitText(limit, forced)}): use ` +
          `fewer neurons, or the CPU backend.`,
      );
    }
  }
  const k = parts.findIndex((p) => p > 1);
  if (k >= 0 && !canSplit(limits)) {
    const [name, bytes] = split[k];
    return new DoesNotFitError(
      `${needs(name, bytes)}, above this device's storage binding limit of ${limitText(limit, forced)}; ` +
        `binding it as parts needs ${SPLIT_STORAGE_BUFFERS} storage buffers per shader stage, and ` +
        `this device's maxStorageBuffersPerShaderStage is ${limits.maxStorageBuffersPerShaderStage}: ` +
        `use fewer neurons, or the CPU backend.`,
    );
  }
  return { partBytes, constsParts: parts[0], stateParts: parts[1], split: k >= 0 };
}

/** How a planned buffer is used: a uniform, a storage buffer, or a map-read staging buffer. */
export type BufferKind = 'uniform' | 'storage' | 'map-read';

/** One buffer of a run as createRunResources makes it. */
export interface PlannedBuffer {
  /** Its label after 'WebGpuEngine.' (e.g. 'consts[1]'). */
  name: string;
  /** Bytes as created: the contents rounded up to 16, at least 16. */
  bytes: number;
  kind: BufferKind;
  /** The group/binding it is bound at ('0/1'), or null (staging). */
  binding: string | null;
  /** What it holds (bindings.wgsl's table). */
  holds: string;
}

/** A run's buffers and dispatch entries, before any is made (planResources). */
export interface ResourcePlan {
  binding: BindingPlan;
  dispatch: DispatchLimits;
  /** The slice buffer's entries, SLICE_STRIDE bytes apart: (first workgroup, end of the range). */
  sliceEntries: [number, number][];
  /** Folded dispatches of more than `dispatch.width` workgroups: their count → their entry. */
  foldEntries: Map<number, number>;
  buffers: PlannedBuffer[];
}

/** Slice.end_workgroup of an entry whose dispatch has no workgroup past its range. */
const NO_END = 0xffffffff;

/** Bytes a buffer of `bytes` contents is created with (createBuffer wants multiples of 4; 16 keeps vec4s whole). */
export const bufferBytes = (bytes: number) => Math.max(16, Math.ceil(bytes / 16) * 16);

/**
 * Every buffer a run of these sizes makes, in creation order, and its slice entries: the one
 * source of the run's allocations (createRunResources makes exactly these; plan.ts reports them).
 */
export function planResources(sizes: RunSizes, binding: BindingPlan, dispatch: DispatchLimits): ResourcePlan {
  const buffers: PlannedBuffer[] = [];
  const add = (name: string, bytes: number, kind: BufferKind, at: string | null, holds: string) =>
    buffers.push({ name, bytes: bufferBytes(bytes), kind, binding: at, holds });
  // Part p of an array of `bytes` in `count` parts, bound at group/first + p (part 0 at `zero`).
  const parted = (
    name: string,
    bytes: number,
    count: number,
    group: number,
    zero: number,
    first: number,
    holds: string,
  ) => {
    const partBytes = count > 1 ? binding.partBytes : bytes;
    for (let p = 0; p < count; p++) {
      add(
        count > 1 ? `${name}[${p}]` : name,
        Math.min(partBytes, bytes - p * partBytes),
        'storage',
        `${group}/${p === 0 ? zero : first + p - 1}`,
        count > 1 ? `${holds}, part ${p} of ${count}` : holds,
      );
    }
  };
  const largest = Math.max(0, ...sizes.dispatches);
  const sliceEntries: [number, number][] = [[0, NO_END]];
  const foldEntries = new Map<number, number>();
  if (dispatch.shape === 'sliced') {
    for (let s = 1; s * dispatch.width < largest; s++) sliceEntries.push([s * dispatch.width, NO_END]);
  } else {
    for (const count of [...new Set(sizes.dispatches)].sort((a, b) => a - b)) {
      if (count <= dispatch.width) continue;
      foldEntries.set(count, sliceEntries.length);
      sliceEntries.push([0, count]);
    }
  }
  add('params', PARAMS_BYTES, 'uniform', '0/0', 'network scalars, section offsets, populations');
  parted('consts', sizes.constsBytes, binding.constsParts, 0, 1, 3, 'per-neuron constants, drive, tables');
  add(
    'slice',
    sliceEntries.length * SLICE_STRIDE,
    'uniform',
    '0/2',
    `${sliceEntries.length} dispatch entr${sliceEntries.length > 1 ? 'ies' : 'y'}`,
  );
  parted('state', sizes.stateBytes, binding.stateParts, 1, 0, 4, 'per-trial neuron state');
  add('latent', sizes.latentBytes, 'storage', '1/1', 's[K], y[K] per trial');
  add('partials', sizes.partialsBytes, 'storage', '1/2', 'per-workgroup sums or candidates');
  add('control', 8 * sizes.trials, 'storage', '1/3', 'step counter, event count per trial');
  const sets = sizes.eventSets ?? 1;
  for (let e = 0; e < sets; e++) {
    add(
      `events${e}`,
      sizes.eventsBytes,
      'storage',
      '2/0',
      `spike events${sets > 1 ? `, set ${e} of ${sets}` : ''}`,
    );
  }
  add('latentRecord', sizes.latentRecordBytes, 'storage', '2/1', 'latent samples (ring)');
  // Split kernels bind every declared part: those this run's arrays do not need get a spare
  // buffer each (distinct, since writable bindings of one dispatch must not alias).
  if (binding.split) {
    for (let p = binding.constsParts; p < MAX_PARTS.consts; p++) {
      add(`constsSpare[${p}]`, 16, 'storage', `0/${2 + p}`, 'unused part (split kernels bind every part)');
    }
    for (let p = binding.stateParts; p < MAX_PARTS.state; p++) {
      add(`stateSpare[${p}]`, 16, 'storage', `1/${3 + p}`, 'unused part (split kernels bind every part)');
    }
  }
  for (let slot = 0; slot < (sizes.controlStaging ?? 0); slot++) {
    add(`controlStaging[${slot}]`, 8 * sizes.trials, 'map-read', null, 'control words read back per chunk');
  }
  return { binding, dispatch, sliceEntries, foldEntries, buffers };
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
  /** The constants, uploaded at creation; a closed-loop run writes its drive rows into them (drive.ts). */
  consts: PartedBuffer;
  state: PartedBuffer;
  latent: GPUBuffer;
  control: GPUBuffer;
  /** events[0], the one event buffer of the batched path. */
  events: GPUBuffer;
  /** Every event buffer (eventSets of them). */
  eventSets: GPUBuffer[];
  latentRecord: GPUBuffer;
  /** RunSizes.controlStaging map-read buffers. */
  controlStaging: GPUBuffer[];
  /**
   * Records the kernel over `workgroups` workgroups (one of RunSizes.dispatches), as the plan's
   * dispatch shape says, writing its spike events to eventSets[eventSet] (default 0).
   */
  dispatch(
    pass: GPUComputePassEncoder,
    pipeline: GPUComputePipeline,
    workgroups: number,
    eventSet?: number,
  ): void;
  destroy(): void;
}

const USAGE: Record<BufferKind, () => number> = {
  uniform: () => GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  storage: () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
  'map-read': () => GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
};

/**
 * Makes the buffers of `plan` (planResources), uploads `consts` and the slice entries, and makes
 * the bind groups on `layouts` (pipelines.ts: the whole or the split kernels' layouts, as
 * plan.binding.split says).
 */
export function createRunResources(
  device: GPUDevice,
  layouts: GPUBindGroupLayout[],
  plan: ResourcePlan,
  consts: Uint32Array<ArrayBuffer>,
): Promise<RunResources> {
  return withErrorScope(device, 'WebGpuEngine.createRunResources', () => {
    const made = new Map(
      plan.buffers.map((b) => [
        b.name,
        device.createBuffer({ label: `WebGpuEngine.${b.name}`, size: b.bytes, usage: USAGE[b.kind]() }),
      ]),
    );
    const get = (name: string) => made.get(name)!;
    const parted = (name: string, count: number): PartedBuffer => {
      const parts = Array.from({ length: count }, (_, p) => get(count > 1 ? `${name}[${p}]` : name));
      const partBytes = count > 1 ? plan.binding.partBytes : parts[0].size;
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
    const { binding } = plan;
    const params = get('params');
    const constsParts = parted('consts', binding.constsParts);
    const slice = get('slice');
    const state = parted('state', binding.stateParts);
    const latent = get('latent');
    const partials = get('partials');
    const control = get('control');
    const eventSets = plan.buffers.filter((b) => /^events\d+$/.test(b.name)).map((b) => get(b.name));
    const latentRecord = get('latentRecord');
    const controlStaging = plan.buffers
      .filter((b) => b.name.startsWith('controlStaging['))
      .map((b) => get(b.name));
    // Parts 1 … declared − 1 as the split kernels bind them: the array's own, then its spares.
    const extraParts = (array: PartedBuffer, declared: number, name: string) =>
      Array.from({ length: binding.split ? declared - 1 : 0 }, (_, p) =>
        p + 1 < array.parts.length ? array.parts[p + 1] : get(`${name}Spare[${p + 1}]`),
      );
    constsParts.write(0, consts);
    const entries = new Uint32Array((plan.sliceEntries.length * SLICE_STRIDE) / 4);
    plan.sliceEntries.forEach(([first, end], e) => entries.set([first, end], (e * SLICE_STRIDE) / 4));
    device.queue.writeBuffer(slice, 0, entries);

    const group = (i: number, groupEntries: GPUBindGroupEntry[]) =>
      device.createBindGroup({
        label: `WebGpuEngine.${layouts[i].label}`,
        layout: layouts[i],
        entries: groupEntries,
      });
    const bound = (buffers: GPUBuffer[], first = 0) =>
      buffers.map((b, k) => ({ binding: first + k, resource: { buffer: b } }));
    const constants = group(0, [
      ...bound([params, constsParts.parts[0]]),
      { binding: 2, resource: { buffer: slice, size: SLICE_BYTES } },
      ...bound(extraParts(constsParts, MAX_PARTS.consts, 'consts'), 3),
    ]);
    const stateGroup = group(1, [
      ...bound([state.parts[0], latent, partials, control]),
      ...bound(extraParts(state, MAX_PARTS.state, 'state'), 4),
    ]);
    const recordingGroups = eventSets.map((events) => group(2, bound([events, latentRecord])));
    const sliced = plan.dispatch.shape === 'sliced';
    return {
      params,
      consts: constsParts,
      state,
      latent,
      control,
      events: eventSets[0],
      eventSets,
      latentRecord,
      controlStaging,
      dispatch(pass, pipeline, workgroups, eventSet = 0) {
        pass.setPipeline(pipeline);
        pass.setBindGroup(1, stateGroup);
        pass.setBindGroup(2, recordingGroups[eventSet]);
        dispatchCalls(plan.dispatch, workgroups).forEach(({ grid }, s) => {
          const folded = grid[1] * grid[2] > 1;
          const entry = sliced ? s : folded ? plan.foldEntries.get(workgroups) : 0;
          if (entry === undefined || entry >= plan.sliceEntries.length) {
            throw new Error(
              `WebGpuEngine: a dispatch of ${workgroups} workgroups was not planned (RunSizes.dispatches)`,
            );
          }
          pass.setBindGroup(0, constants, [entry * SLICE_STRIDE]);
          pass.dispatchWorkgroups(...grid);
        });
      },
      destroy: () => made.forEach((b) => b.destroy()),
    };
  });
}
