/// <reference types="@webgpu/types" />
// Validation and out-of-memory error scopes around set-up work (buffers, pipelines), so a mistake
// surfaces as a typed error (gpuErrors.ts) naming what was being built instead of an uncaptured
// event later.

import { gpuFailureOf } from './gpuErrors.ts';

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
  if (validation) throw gpuFailureOf(validation, `in ${what}`, 'validation');
  if (memory) throw gpuFailureOf(memory, `in ${what}`, 'out-of-memory');
  return value as T;
}
