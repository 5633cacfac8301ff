/// <reference types="@webgpu/types" />
// Copies GPU buffer ranges into a fresh ArrayBuffer: the one way state leaves the GPU (explicit
// pulls, GeNN's rule).

export async function readBuffer(
  device: GPUDevice,
  source: GPUBuffer,
  offset = 0,
  size = source.size,
): Promise<ArrayBuffer> {
  const staging = device.createBuffer({
    label: `readBuffer.${source.label}`,
    size,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    const encoder = device.createCommandEncoder({ label: 'readBuffer' });
    encoder.copyBufferToBuffer(source, offset, staging, 0, size);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange().slice(0);
  } finally {
    staging.destroy();
  }
}

/**
 * Gathers byte ranges of a GPU buffer into one ArrayBuffer, packed in the given order, with one
 * submit and one map (offsets and sizes multiples of 4).
 */
export async function readRanges(
  device: GPUDevice,
  source: GPUBuffer,
  ranges: readonly { offset: number; size: number }[],
): Promise<ArrayBuffer> {
  const total = ranges.reduce((n, r) => n + r.size, 0);
  if (total === 0) return new ArrayBuffer(0);
  const staging = device.createBuffer({
    label: `readRanges.${source.label}`,
    size: total,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    const encoder = device.createCommandEncoder({ label: 'readRanges' });
    let at = 0;
    for (const { offset, size } of ranges) {
      if (size > 0) encoder.copyBufferToBuffer(source, offset, staging, at, size);
      at += size;
    }
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange().slice(0);
  } finally {
    staging.destroy();
  }
}

/**
 * Ranges of several buffers in one submit, one ArrayBuffer each. The copies are submitted before
 * the first await, so the sources may be destroyed as soon as this returns its promise.
 */
export async function readParts(
  device: GPUDevice,
  parts: readonly { source: GPUBuffer; offset: number; size: number }[],
): Promise<ArrayBuffer[]> {
  const total = parts.reduce((n, p) => n + p.size, 0);
  if (total === 0) return parts.map(() => new ArrayBuffer(0));
  const staging = device.createBuffer({
    label: 'readParts',
    size: total,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    const encoder = device.createCommandEncoder({ label: 'readParts' });
    let at = 0;
    for (const { source, offset, size } of parts) {
      if (size > 0) encoder.copyBufferToBuffer(source, offset, staging, at, size);
      at += size;
    }
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const mapped = staging.getMappedRange();
    at = 0;
    return parts.map(({ size }) => mapped.slice(at, (at += size)));
  } finally {
    staging.destroy();
  }
}
