// Shared by the WebGPU tests: one device per test file, or a skip when this machine has no adapter.
// LATENTSPIKE_REQUIRE_WEBGPU=1 (CI) turns "no adapter" into a failure instead of a skip.

import { acquireDevice, type GpuDevice } from '../../src/engine/webgpu/device.ts';
import type { NodeAdapterPath } from '../../src/engine/webgpu/nodeAdapter.ts';

export async function tryAcquireDevice(): Promise<GpuDevice | null> {
  try {
    return await acquireDevice();
  } catch (err) {
    if (process.env.LATENTSPIKE_REQUIRE_WEBGPU === '1') throw err;
    console.warn(`WebGPU tests skipped: ${(err as Error).message}`);
    return null;
  }
}

/**
 * A device on one Node adapter path ('swiftshader': SwiftShader through Dawn's Vulkan backend;
 * 'opengl': llvmpipe through Dawn's OpenGL ES backend), for tests that run on both software
 * adapters; null (or, under LATENTSPIKE_REQUIRE_WEBGPU=1, a failure) where the path gives none.
 */
export function tryAcquireDeviceOn(path: NodeAdapterPath): Promise<GpuDevice | null> {
  return onAdapterPath(path, tryAcquireDevice);
}

/** What `make` returns with LATENTSPIKE_WEBGPU_PATH set to `path` while it runs (restored after). */
export async function onAdapterPath<T>(path: NodeAdapterPath, make: () => Promise<T>): Promise<T> {
  const saved = process.env.LATENTSPIKE_WEBGPU_PATH;
  process.env.LATENTSPIKE_WEBGPU_PATH = path;
  try {
    return await make();
  } finally {
    if (saved === undefined) delete process.env.LATENTSPIKE_WEBGPU_PATH;
    else process.env.LATENTSPIKE_WEBGPU_PATH = saved;
  }
}
