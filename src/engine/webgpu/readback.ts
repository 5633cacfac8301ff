/// <reference types="@webgpu/types" />
// Copies GPU buffer ranges into fresh ArrayBuffers: the one way state leaves the GPU (explicit
// pulls, GeNN's rule). Every read is one submit and one map, whatever the number of ranges (an
// array split into parts, resources.ts, reads as one range per part it spans).

/** Bytes [offset, offset + size) of `source` (multiples of 4). */
export interface BufferRange {
  source: GPUBuffer;
  offset: number;
  size: number;
}

/**
 * Groups of ranges, one ArrayBuffer per group holding its ranges packed in order. The copies are
 * submitted before the first await, so the sources may be destroyed as soon as this returns its
 * promise.
 */
export async function readGroups(
  device: GPUDevice,
  groups: readonly (readonly BufferRange[])[],
): Promise<ArrayBuffer[]> {
  const sizes = groups.map((g) => g.reduce((n, r) => n + r.size, 0));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total === 0) return groups.map(() => new ArrayBuffer(0));
  const staging = device.createBuffer({
    label: `readGroups.${groups.flat()[0].source.label}`,
    size: total,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    const encoder = device.createCommandEncoder({ label: 'readGroups' });
    let at = 0;
    for (const { source, offset, size } of groups.flat()) {
      if (size > 0) encoder.copyBufferToBuffer(source, offset, staging, at, size);
      at += size;
    }
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const mapped = staging.getMappedRange();
    at = 0;
    return sizes.map((size) => mapped.slice(at, (at += size)));
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
