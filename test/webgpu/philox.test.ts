// shaders/philox.wgsl against src/engine/philox.ts on whatever adapter this machine has: the
// uniforms must be bit-identical (24-bit values, exact in f32), the normals within 1e-5 (WGSL's
// log/cos are not correctly rounded), and the quad form stepAll's vector path draws with
// (philox_quad_normals) bit-identical to the per-neuron draw on the same adapter.

import { afterAll, describe, expect, it } from 'vitest';
import { noiseWords, standardNormalF32, uniformPair } from '../../src/engine/philox.ts';
import { compileShader, composeShader } from '../../src/engine/webgpu/shaders.ts';
import type { ShaderLoader } from '../../src/engine/webgpu/shaderLoader.ts';
import { nodeShaderLoader } from '../../src/engine/webgpu/nodeShaderLoader.ts';
import { readBuffer } from '../../src/engine/webgpu/readback.ts';
import { tryAcquireDevice } from './gpu.ts';

// A probe kernel kept in the test: one invocation per query (seed lo, seed hi, trial, neuron, step).
const PROBE = `
@group(0) @binding(0) var<storage, read> queries: array<u32>;      // [Q][5]
@group(0) @binding(1) var<storage, read_write> words: array<u32>;  // [Q][4]
@group(0) @binding(2) var<storage, read_write> values: array<f32>; // [Q][4]: u1, u2, z, quad z

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let q = id.x;
  if (q >= arrayLength(&queries) / 5u) { return; }
  let key = vec2<u32>(queries[q * 5u], queries[q * 5u + 1u]);
  let trial = queries[q * 5u + 2u];
  let neuron = queries[q * 5u + 3u];
  let step = queries[q * 5u + 4u];
  let x = philox4x32_10(vec4<u32>(step, neuron >> 2u, trial, 0u), key);
  for (var i = 0u; i < 4u; i++) { words[q * 4u + i] = x[i]; }
  let u = philox_uniform_pair(key, trial, neuron, step);
  values[q * 4u] = u.x;
  values[q * 4u + 1u] = u.y;
  values[q * 4u + 2u] = philox_standard_normal(key, trial, neuron, step);
  values[q * 4u + 3u] = philox_quad_normals(key, trial, neuron >> 2u, step)[neuron & 3u];
}
`;

const loader: ShaderLoader = (name) =>
  name === 'philoxProbe' ? Promise.resolve(PROBE) : nodeShaderLoader(name);

function grid(): number[][] {
  const seeds = [0, 1, 12345, 2 ** 32 - 1, 2 ** 32 + 7, 2 ** 40 + 3];
  const out: number[][] = [];
  for (const seed of seeds)
    for (const trial of [0, 1, 7])
      for (const neuron of [0, 1, 2, 63, 64, 65, 1023, 99_999, 2 ** 31 + 6])
        for (const step of [0, 1, 2, 1000, 65_535, 2 ** 32 - 1]) out.push([seed, trial, neuron, step]);
  return out;
}

const gpu = await tryAcquireDevice();
afterAll(() => gpu?.release());

describe.skipIf(!gpu)('philox.wgsl', () => {
  it('matches the TypeScript generator: words and uniforms bit for bit, normals within 1e-5, quad draws as single ones', async () => {
    const { device } = gpu!;
    const cases = grid();
    const Q = cases.length;
    const queries = new Uint32Array(Q * 5);
    cases.forEach(([seed, trial, neuron, step], q) => {
      queries.set([seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0, trial, neuron, step], q * 5);
    });
    const shader = await composeShader('philoxProbe', ['philox'], loader);
    const module = await compileShader(device, 'philoxProbe', shader);
    const pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module, entryPoint: 'main' },
    });
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const qBuf = device.createBuffer({ label: 'queries', size: queries.byteLength, usage: storage });
    const wBuf = device.createBuffer({ label: 'words', size: Q * 16, usage: storage });
    const vBuf = device.createBuffer({ label: 'values', size: Q * 16, usage: storage });
    device.queue.writeBuffer(qBuf, 0, queries);
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [qBuf, wBuf, vBuf].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(Math.ceil(Q / 64));
    pass.end();
    device.queue.submit([encoder.finish()]);
    const words = new Uint32Array(await readBuffer(device, wBuf));
    const values = new Float32Array(await readBuffer(device, vBuf));
    gpu!.throwIfFailed();

    const expectedWords = new Uint32Array(4);
    const pair = new Float64Array(2);
    let wordMismatches = 0;
    let uniformMismatches = 0;
    let maxNormalError = 0;
    let quadMismatches = 0;
    cases.forEach(([seed, trial, neuron, step], q) => {
      noiseWords(seed, trial, neuron, step, expectedWords);
      for (let i = 0; i < 4; i++) if (words[q * 4 + i] !== expectedWords[i]) wordMismatches++;
      uniformPair(seed, trial, neuron, step, pair);
      if (values[q * 4] !== pair[0] || values[q * 4 + 1] !== pair[1]) uniformMismatches++;
      const z = standardNormalF32(seed, trial, neuron, step);
      maxNormalError = Math.max(maxNormalError, Math.abs(values[q * 4 + 2] - z));
      if (!Object.is(values[q * 4 + 3], values[q * 4 + 2])) quadMismatches++;
    });
    expect(Q).toBe(972);
    expect(wordMismatches).toBe(0);
    expect(uniformMismatches).toBe(0);
    expect(quadMismatches).toBe(0);
    console.log(`philox.wgsl: ${Q} draws, max |z_gpu − z_f32| = ${maxNormalError.toExponential(2)}`);
    expect(maxNormalError).toBeLessThan(1e-5);
    for (const b of [qBuf, wBuf, vBuf]) b.destroy();
  });
});
