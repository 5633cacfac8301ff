// acquireDevice on this machine's adapter: the facts it reports, the limits it asks for, the
// failures it turns into Errors, and that Node still exits after release().

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { withErrorScope } from '../../src/engine/webgpu/errorScope.ts';
import { GpuError } from '../../src/engine/webgpu/gpuErrors.ts';
import { compileShader, composeShader } from '../../src/engine/webgpu/shaders.ts';
import type { ShaderLoader } from '../../src/engine/webgpu/shaderLoader.ts';
import { nodeShaderLoader } from '../../src/engine/webgpu/nodeShaderLoader.ts';
import { tryAcquireDevice } from './gpu.ts';

const gpu = await tryAcquireDevice();
afterAll(() => gpu?.release());

describe.skipIf(!gpu)('acquireDevice', () => {
  it('reports the adapter and flags software adapters', () => {
    const { adapterInfo, path } = gpu!;
    console.log(`adapter via ${path}: ${JSON.stringify(adapterInfo)}`);
    expect(typeof adapterInfo.description).toBe('string');
    if (path === 'swiftshader' || path === 'opengl') expect(adapterInfo.software).toBe(true);
  });

  it("requests the adapter's limits, not the defaults", () => {
    const { limits } = gpu!.device;
    // Defaults are 256 / 8 (core) and 128 / 8 (compatibility); every adapter met so far offers more.
    expect(limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
    expect(limits.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(8);
  });

  it('turns a validation error inside an error scope into a thrown Error naming the work', async () => {
    const { device } = gpu!;
    await expect(
      withErrorScope(device, 'Engine.badBuffer', () =>
        device.createBuffer({ size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE }),
      ),
    ).rejects.toThrow(/^WebGPU validation error in Engine\.badBuffer: /);
  });

  it('locates WGSL compile errors in their own file', async () => {
    const broken = 'fn main_kernel() -> f32 {\n  return 1.0;\n}\nfn oops() { let a: u32 = 1.0; }\n';
    const loader: ShaderLoader = (name) =>
      name === 'broken' ? Promise.resolve(broken) : nodeShaderLoader(name);
    // The broken kernel comes first; the shared file after it must not shift its line numbers.
    const shader = await composeShader('broken', ['philox'], loader);
    await expect(compileShader(gpu!.device, 'broken', shader)).rejects.toThrow(/shaders\/broken\.wgsl:4:/);
  });

  it('reports an uncaptured error through failure() and throwIfFailed()', async () => {
    const spare = await tryAcquireDevice();
    try {
      spare!.device.createBuffer({ size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE });
      await spare!.device.queue.onSubmittedWorkDone();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(spare!.failure()).toBeInstanceOf(GpuError);
      expect(spare!.failure()).toMatchObject({ kind: 'validation' });
      expect(spare!.failure()?.message).toMatch(/^WebGPU validation error on .+: /);
      expect(() => spare!.throwIfFailed()).toThrow(/WebGPU validation error/);
      // The device still works after a validation error: the next run starts clean.
      spare!.clearErrors();
      expect(spare!.failure()).toBeNull();
    } finally {
      spare!.release();
    }
  });

  it('lets Node exit on its own after release()', async () => {
    const script = fileURLToPath(new URL('./exitProbe.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
      timeout: 30_000,
      env: process.env,
    });
    expect(stdout).toContain('released');
  });
});
