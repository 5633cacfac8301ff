// Shared by the WebGPU tests: one device per test file, or a skip when this machine has no adapter.
// LATENTSPIKE_REQUIRE_WEBGPU=1 (CI) turns "no adapter" into a failure instead of a skip.

import { acquireDevice, type GpuDevice } from '../../src/engine/webgpu/device.ts';

export async function tryAcquireDevice(): Promise<GpuDevice | null> {
  try {
    return await acquireDevice();
  } catch (err) {
    if (process.env.LATENTSPIKE_REQUIRE_WEBGPU === '1') throw err;
    console.warn(`WebGPU tests skipped: ${(err as Error).message}`);
    return null;
  }
}
