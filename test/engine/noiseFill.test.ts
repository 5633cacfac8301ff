// The CPU engine's block noise fill: the WebAssembly twin (src/engine/cpu/noise.wat) must give the
// very bits of the JavaScript reference (`normalQuad`), and both the draws of `standardNormal`.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BLOCK_GROUPS, f32NoiseFill, jsNoiseFill, noiseFill } from '../../src/engine/cpu/noiseFill.ts';
import { loadNoiseFill } from '../../src/engine/cpu/wasmNoise.ts';
import { standardNormal, standardNormalF32 } from '../../src/engine/philox.ts';
import { assembleNoise, NOISE_WASM } from '../../scripts/assembleNoise.ts';

await loadNoiseFill();

describe('noise fill', () => {
  it('loads the noise.wasm that noise.wat assembles to (npm run assemble-noise after editing it)', async () => {
    expect(Buffer.from(await assembleNoise()).equals(readFileSync(NOISE_WASM))).toBe(true);
  });

  it('compiles noise.wat in Node', () => {
    expect(noiseFill().kind).toBe('wasm');
  });

  it('gives bit-identical draws in WebAssembly and JavaScript', () => {
    const wasm = noiseFill();
    const js = jsNoiseFill();
    let compared = 0;
    let different = 0;
    // Seeds above 2^32 (both key words), odd counts, trials and steps near 2^32.
    const cases = [
      [0, 0, 0, 0, BLOCK_GROUPS],
      [12345, 3, 17, 1000, 1],
      [2 ** 32 + 99, 1, 2 ** 32 - 1, 2 ** 29, 77],
      [2 ** 45 + 7, 900, 5, 123_456, BLOCK_GROUPS],
    ];
    for (let r = 0; r < 60; r++) cases.push([r * 7919 + 1, r % 4, r * 31, r * 4001, BLOCK_GROUPS - (r % 3)]);
    for (const [seed, trial, step, group0, count] of cases) {
      wasm.fill(seed, trial, step, group0, count);
      js.fill(seed, trial, step, group0, count);
      for (let k = 0; k < 4 * count; k++) {
        compared++;
        if (!Object.is(wasm.out[k], js.out[k])) different++;
      }
    }
    expect(compared).toBeGreaterThan(50_000);
    expect(different).toBe(0);
  });

  it('fills neuron 4g + j with standardNormal(seed, trial, 4g + j, step)', () => {
    for (const fill of [noiseFill(), jsNoiseFill()]) {
      fill.fill(31, 2, 400, 1000, 5);
      for (let k = 0; k < 20; k++) expect(fill.out[k]).toBe(standardNormal(31, 2, 4000 + k, 400));
    }
    const f32 = f32NoiseFill();
    f32.fill(31, 2, 400, 1000, 5);
    for (let k = 0; k < 20; k++) expect(f32.out[k]).toBe(standardNormalF32(31, 2, 4000 + k, 400));
  });

  it('draws four different normals per Philox call', () => {
    const fill = noiseFill();
    fill.fill(5, 0, 9, 0, BLOCK_GROUPS);
    const values = new Set(Array.from(fill.out.subarray(0, 4 * BLOCK_GROUPS)));
    expect(values.size).toBe(4 * BLOCK_GROUPS);
  });
});
