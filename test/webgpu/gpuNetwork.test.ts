// GPU-free: what gpuNetwork.ts lays out for the kernels. stepAll's workgroup ranges must tile each
// population exactly (the kernel's workgroup_range mirrors them), every per-neuron section must
// start on a vec4 (the vector path loads four neurons' words at once), and a workgroup's channel
// table may leave out only channels whose decoders are zero on its neurons (the sums it skips).

import { describe, expect, it } from 'vitest';
import { buildGpuNetwork, workgroupRanges } from '../../src/engine/webgpu/gpuNetwork.ts';
import { compileNetwork } from '../../src/model/compile.ts';
import { gridNetwork } from '../../src/bench/grid/network.ts';
import { tinyEINetwork } from './networks.ts';

describe('workgroupRanges', () => {
  it.each([
    [0, 1, 8],
    [1, 1, 8],
    [3, 2, 8],
    [5, 100, 16],
    [6, 3, 4],
    [257, 256, 1024],
    [5001, 3999, 1024],
    [12, 40, 8],
  ])('tiles [%i, +%i) in spans of %i counted from the quad below the start', (start, size, span) => {
    const ranges = workgroupRanges(start, size, span);
    const base = start - (start % 4);
    expect(ranges).toHaveLength(Math.ceil((size + (start % 4)) / span));
    let next = start;
    ranges.forEach(([a, b], w) => {
      expect(a).toBe(next);
      expect(b).toBeGreaterThan(a);
      expect(b).toBe(Math.min(start + size, base + (w + 1) * span));
      if (w > 0) expect(a % 4).toBe(0);
      next = b;
    });
    expect(next).toBe(start + size);
  });

  it('gives an empty population no workgroup', () => {
    expect(workgroupRanges(7, 0, 8)).toEqual([]);
  });
});

describe('buildGpuNetwork', () => {
  it('starts every per-neuron section on a vec4 and lays F out input by input', () => {
    const net = tinyEINetwork({
      sizeE: 7,
      sizeI: 6,
      steps: 10,
      synapse: { kind: 'exponential', rate: 200 },
      sigmaV: 0,
    });
    const g = buildGpuNetwork(net, { lanes: 4, span: 16 });
    const s = g.scalars;
    expect(s.stride).toBe(16);
    for (const offset of [s.off_bias, s.off_self_w, s.off_pop, s.off_f, s.off_proj, s.off_runs]) {
      expect(offset % 4).toBe(0);
    }
    for (const offset of [s.st_v, s.st_gexp, s.st_next, s.st_count, s.st_ghat, s.trial_words]) {
      expect(offset % 4).toBe(0);
    }
    expect(g.consts.length % 4).toBe(0);
    const f32 = new Float32Array(g.consts.buffer);
    for (let i = 0; i < net.N; i++) {
      for (let j = 0; j < net.J; j++) {
        expect(f32[s.off_f + j * s.stride + i]).toBe(Math.fround(net.inputWeights[i * net.J + j]));
      }
    }
  });

  it('lists per workgroup the channels with a nonzero decoder on its neurons, and only skips zeros', () => {
    // The grid's rank-8 network: copies of 4 modules side by side, each module its own E and I
    // channel, so a population sources 4 channels but a 256-neuron workgroup one or two.
    const { spec } = gridNetwork({
      neurons: 2400,
      rank: 8,
      rule: 'all',
      synapse: 'exponential',
      steps: 3,
      dt: 1e-4,
      sigmaV: 0,
    });
    const net = compileNetwork(spec);
    const span = 256;
    const g = buildGpuNetwork(net, { lanes: 256, span });
    const { K } = g;
    const own = g.stepAll.OWN_CHANNELS;
    expect(own).toBeLessThan(K / 2);
    const f32 = new Float32Array(g.consts.buffer);
    const words = g.consts;
    const ranges = net.populations.flatMap((p) => workgroupRanges(p.start, p.size, span));
    expect(g.allWorkgroups).toBe(ranges.length);
    let skippedNonzero = 0;
    let listedZero = 0;
    ranges.forEach(([a, b], w) => {
      const row = Array.from(words.subarray(g.scalars.off_own + w * K, g.scalars.off_own + (w + 1) * K));
      expect([...row].sort((x, y) => x - y)).toEqual(Array.from({ length: K }, (_, k) => k));
      row.forEach((k, slot) => {
        let nonzero = false;
        for (let i = a; i < b; i++) nonzero ||= f32[g.scalars.off_proj + k * g.scalars.stride + i] !== 0;
        if (slot >= own && nonzero) skippedNonzero++;
        if (slot === 0 && !nonzero) listedZero++;
      });
    });
    expect(skippedNonzero).toBe(0);
    expect(listedZero).toBe(0);
  });
});
