/// <reference types="@webgpu/types" />
// Copies a GPU buffer range into a fresh ArrayBuffer: the one way state leaves the GPU (explicit
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
