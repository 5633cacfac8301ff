/// <reference types="@webgpu/types" />
// The buffers and bind groups of one run (bindings.wgsl's table), made under an error scope and
// destroyed together, and the sliced dispatch every kernel with many workgroups goes through.
//
// Slicing: SwiftShader aborts the process from about 262 144 invocations in one dispatch
// (shared/spec/WEBGPU_WITHOUT_A_GPU.md), so a dispatch of W workgroups of size S is split into
// slices of at most ⌊65 536 / S⌋ workgroups. The slice's first workgroup reaches the kernel through
// group 0 binding 2, one 256-byte entry per slice of a uniform buffer bound at a dynamic offset.

import { withErrorScope } from './errorScope.ts';
import { PARAMS_BYTES, SLICE_STRIDE } from './layout.ts';

/** At most this many invocations per dispatch, on every adapter. */
const MAX_INVOCATIONS_PER_DISPATCH = 65536;

export interface RunSizes {
  /** The constants buffer's contents (gpuNetwork.ts); then the bytes of every other buffer. */
  consts: Uint32Array<ArrayBuffer>;
  stateBytes: number;
  latentBytes: number;
  partialsBytes: number;
  eventsBytes: number;
  /**
   * Event buffers of eventsBytes each (default 1): the per-step path alternates two between chunks,
   * so one chunk's events are copied out while the next chunk writes the other.
   */
  eventSets?: number;
  latentRecordBytes: number;
  /** The network's neurons, for the message when a buffer is too large (bindingLimitError). */
  neurons?: number;
  /** The largest number of workgroups any kernel of this run dispatches, and their size. */
  maxWorkgroups: number;
  workgroupSize: number;
}

export interface RunResources {
  params: GPUBuffer;
  state: GPUBuffer;
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

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * Every storage buffer is bound whole, so each must fit maxStorageBufferBindingSize (and
 * maxBufferSize). Per-neuron arrays are not split across bindings yet: past the limit the run is
 * refused here, naming the buffer, the bytes asked for and the limit, instead of failing in bind
 * group creation with a validation message. Null when everything fits.
 */
export function bindingLimitError(limits: GPUSupportedLimits, sizes: RunSizes): Error | null {
  const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const buffers: [string, number][] = [
    ['constants (per-neuron parameters, encoders, decoders, drive)', sizes.consts.byteLength],
    ['state (per-neuron voltages, synapses, spike bookkeeping)', sizes.stateBytes],
    ['spike events (per chunk)', sizes.eventsBytes],
    ['latent record', sizes.latentRecordBytes],
    ['partials', sizes.partialsBytes],
  ];
  const over = buffers.find(([, bytes]) => bytes > limit);
  if (!over) return null;
  const [name, bytes] = over;
  const perNeuron = sizes.neurons
    ? `, ${(bytes / sizes.neurons).toFixed(1)} bytes per neuron at N = ${sizes.neurons}`
    : '';
  return new Error(
    `WebGpuEngine: the ${name} buffer needs ${bytes} bytes (${mib(bytes)}${perNeuron}), above this ` +
      `device's limit of ${limit} bytes (${mib(limit)}: maxStorageBufferBindingSize ` +
      `${limits.maxStorageBufferBindingSize}, maxBufferSize ${limits.maxBufferSize}). Splitting ` +
      `per-neuron arrays across several bindings is not implemented: use fewer neurons, fewer ` +
      `recorded steps, or the CPU backend.`,
  );
}

export function createRunResources(
  device: GPUDevice,
  layouts: GPUBindGroupLayout[],
  sizes: RunSizes,
): Promise<RunResources> {
  const tooLarge = bindingLimitError(device.limits, sizes);
  if (tooLarge) return Promise.reject(tooLarge);
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
    const uniform = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    const params = buffer('params', PARAMS_BYTES, uniform);
    const consts = buffer('consts', sizes.consts.byteLength);
    const slice = buffer('slice', slices * SLICE_STRIDE, uniform);
    const state = buffer('state', sizes.stateBytes);
    const latent = buffer('latent', sizes.latentBytes);
    const partials = buffer('partials', sizes.partialsBytes);
    const control = buffer('control', 8);
    const eventSets = Array.from({ length: sizes.eventSets ?? 1 }, (_, e) =>
      buffer(`events${e}`, sizes.eventsBytes),
    );
    const latentRecord = buffer('latentRecord', sizes.latentRecordBytes);
    device.queue.writeBuffer(consts, 0, sizes.consts);
    const firstWorkgroups = new Uint32Array((slices * SLICE_STRIDE) / 4);
    for (let s = 0; s < slices; s++) firstWorkgroups[(s * SLICE_STRIDE) / 4] = s * sliceWorkgroups;
    device.queue.writeBuffer(slice, 0, firstWorkgroups);

    const group = (i: number, entries: GPUBindGroupEntry[]) =>
      device.createBindGroup({ label: `WebGpuEngine.${layouts[i].label}`, layout: layouts[i], entries });
    const whole = (buffers: GPUBuffer[]) =>
      buffers.map((b, binding) => ({ binding, resource: { buffer: b } }));
    const constants = group(0, [
      ...whole([params, consts]),
      { binding: 2, resource: { buffer: slice, size: 4 } },
    ]);
    const stateGroup = group(1, whole([state, latent, partials, control]));
    const recordingGroups = eventSets.map((events) => group(2, whole([events, latentRecord])));
    const all = [params, consts, slice, state, latent, partials, control, ...eventSets, latentRecord];
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
