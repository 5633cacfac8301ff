/// <reference types="@webgpu/types" />
// Copies GPU buffer ranges into fresh ArrayBuffers: the one way state leaves the GPU (explicit
// pulls, GeNN's rule). Every read is one submit and one map, whatever the number of ranges (an
// array split into parts, resources.ts, reads as one range per part it spans). One-off reads get a
// staging buffer of their own; the per-chunk reads of a run reuse a pool's (StagingPool).

/** Bytes [offset, offset + size) of `source` (multiples of 4). */
export interface BufferRange {
  source: GPUBuffer;
  offset: number;
  size: number;
}

type Groups = readonly (readonly BufferRange[])[];

const bytesOf = (groups: Groups) => groups.map((g) => g.reduce((n, r) => n + r.size, 0));

/**
 * Submits the copies of `groups`' ranges, packed in order, into `staging`, maps it and returns one
 * ArrayBuffer per group. The copies are submitted before the first await, so the sources may be
 * destroyed (or written by later submits) as soon as this returns its promise.
 */
async function copyOut(device: GPUDevice, groups: Groups, staging: GPUBuffer): Promise<ArrayBuffer[]> {
  const sizes = bytesOf(groups);
  const total = sizes.reduce((a, b) => a + b, 0);
  const encoder = device.createCommandEncoder({ label: 'readGroups' });
  let at = 0;
  for (const { source, offset, size } of groups.flat()) {
    if (size > 0) encoder.copyBufferToBuffer(source, offset, staging, at, size);
    at += size;
  }
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ, 0, total);
  const mapped = staging.getMappedRange(0, total);
  at = 0;
  const out = sizes.map((size) => mapped.slice(at, (at += size)));
  staging.unmap();
  return out;
}

/** Groups of ranges, one ArrayBuffer per group holding its ranges packed in order. */
export async function readGroups(device: GPUDevice, groups: Groups): Promise<ArrayBuffer[]> {
  const total = bytesOf(groups).reduce((a, b) => a + b, 0);
  if (total === 0) return groups.map(() => new ArrayBuffer(0));
  const staging = device.createBuffer({
    label: `readGroups.${groups.flat()[0].source.label}`,
    size: total,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    return await copyOut(device, groups, staging);
  } finally {
    staging.destroy();
  }
}

/** Ranges packed in order into one ArrayBuffer. */
export async function readRanges(device: GPUDevice, ranges: readonly BufferRange[]): Promise<ArrayBuffer> {
  return (await readGroups(device, [ranges]))[0];
}

export function readBuffer(
  device: GPUDevice,
  source: GPUBuffer,
  offset = 0,
  size = source.size,
): Promise<ArrayBuffer> {
  return readRanges(device, [{ source, offset, size }]);
}

/** Bytes of a pool's staging buffer for reads of up to `bytes`: a power of two, at least 4 KiB. */
export function stagingSize(bytes: number): number {
  let size = 4096;
  while (size < bytes) size *= 2;
  return size;
}

/**
 * A MAP_READ buffer per pipeline slot, reused across chunks and grown to the largest read, so a
 * run's per-chunk reads allocate nothing in the steady state. A slot's next read must wait for its
 * last one to resolve.
 */
export class StagingPool {
  private readonly buffers: (GPUBuffer | null)[];

  constructor(
    private readonly device: GPUDevice,
    private readonly label: string,
    slots: number,
  ) {
    this.buffers = Array.from({ length: slots }, () => null);
  }

  /** readGroups through slot `slot`'s buffer. */
  read(slot: number, groups: Groups): Promise<ArrayBuffer[]> {
    const total = bytesOf(groups).reduce((a, b) => a + b, 0);
    if (total === 0) return Promise.resolve(groups.map(() => new ArrayBuffer(0)));
    return copyOut(this.device, groups, this.get(slot, total));
  }

  /** Slot `slot`'s buffer, at least `bytes` long (the previous one is destroyed when too small). */
  private get(slot: number, bytes: number): GPUBuffer {
    const current = this.buffers[slot];
    if (current && current.size >= bytes) return current;
    current?.destroy();
    const size = stagingSize(bytes);
    const buffer = this.device.createBuffer({
      label: `${this.label}[${slot}]`,
      size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    this.buffers[slot] = buffer;
    return buffer;
  }

  destroy(): void {
    this.buffers.forEach((b) => b?.destroy());
  }
}
