/// <reference types="@webgpu/types" />
// Validation and out-of-memory error scopes around set-up work (buffers, pipelines), so a mistake
// surfaces as a thrown Error naming what was being built instead of an uncaptured event later.

export async function withErrorScope<T>(device: GPUDevice, what: string, build: () => T): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let value: T | undefined;
  let thrown: unknown = null;
  try {
    value = build();
  } catch (err) {
    thrown = err;
  }
  // Both scopes are popped whatever happened, so the device's scope stack stays balanced.
  const validation = await device.popErrorScope();
  const memory = await device.popErrorScope();
  if (thrown) throw thrown;
  const error = validation ?? memory;
  if (error) throw new Error(`${what}: ${error.message}`);
  return value as T;
}
