// The latent record's ring (src/engine/webgpu/latentRecord.ts): the kernels write sample s into
// row s mod window and the runners pull each trial's new rows before the ring comes round.
// Oracles: (1) without a GPU, a writer that follows model.wgsl's rule and pulls the way the runners
// do reassembles exactly the record it wrote, across wraps, with record.every > 1 and trials that
// advance unevenly; a pull of more rows than the ring holds is refused. (2) On the device, runs
// whose rings are a few rows long (RunOptions.chunkSteps) give latents and readouts bit for bit
// equal to runs whose rings hold the whole record, on both paths (per-step, batched); and the
// GPU's record buffer stays the same size when the run is ten times longer.

import { afterAll, describe, expect, it } from 'vitest';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine.ts';
import { buildGpuNetwork, runDims } from '../../src/engine/webgpu/gpuNetwork.ts';
import { LatentRecord } from '../../src/engine/webgpu/latentRecord.ts';
import { allShapeOf } from '../../src/engine/webgpu/pipelines.ts';
import { perStepSizes } from '../../src/engine/webgpu/perStepLoop.ts';
import { compileNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import { fig5Run } from '../../src/experiments/presets/fig5.ts';
import { tryAcquireDevice } from './gpu.ts';
import { tinyEINetwork, truncated } from './networks.ts';

describe('LatentRecord ring (no GPU)', () => {
  const net = tinyEINetwork({
    sizeE: 6,
    sizeI: 5,
    steps: 200,
    synapse: { kind: 'exponential', rate: 200 },
    readout: true,
    every: 3,
    trials: 2,
  });
  const gpuNet = buildGpuNetwork(net);
  const { K, samples } = gpuNet;
  // What trial b writes as y_k at t: any distinct value.
  const y = (b: number, t: number, k: number) => 1000 * b + t + k / 8;

  it('reassembles every sample across wraps, with trials that advance unevenly', () => {
    const window = LatentRecord.window(net, gpuNet, 10);
    expect(window).toBe(4); // ⌈10 / 3⌉ samples in any 10 steps
    const record = new LatentRecord(net, gpuNet, 2, window);
    const ring = new Float32Array(2 * window * K);
    const fakeBuffer = {} as GPUBuffer;
    const t = [1, 1]; // each trial's next step
    const advances = [
      [10, 7],
      [3, 10],
      [10, 1],
      [9, 10],
    ];
    for (let round = 0; t.some((tb) => tb < net.S); round++) {
      [0, 1].forEach((b) => {
        const until = Math.min(net.S, t[b] + advances[round % advances.length][b]);
        for (; t[b] < until; t[b]++) {
          if (t[b] % 3 !== 0) continue;
          const row = (t[b] / 3) % window;
          for (let k = 0; k < K; k++) ring[(b * window + row) * K + k] = y(b, t[b], k);
        }
      });
      const { ranges, store } = record.pull(fakeBuffer, (b) => t[b] - 1);
      const words = ranges.flatMap((r) => Array.from(ring.subarray(r.offset / 4, (r.offset + r.size) / 4)));
      store(Float32Array.from(words));
    }
    for (const b of [0, 1]) {
      const { latents, readouts } = record.series(b);
      const series = [...latents!, ...readouts!];
      expect(series).toHaveLength(K);
      series.forEach((column, k) => {
        expect(column[0]).toBe(gpuNet.y0[k]);
        for (let s = 1; s < samples; s++) expect(column[s]).toBe(Math.fround(y(b, 3 * s, k)));
      });
    }
  });

  it('refuses a pull of more samples than the ring holds', () => {
    const record = new LatentRecord(net, gpuNet, 1, 4);
    // Through step 15 at every 3: samples 1 … 5, five rows.
    expect(() => record.pull({} as GPUBuffer, () => 15)).toThrow(/samples 1…5 .* ring's 4 rows/);
  });

  it('holds no rows when latents are not recorded', () => {
    const quiet = { ...net, record: { ...net.record, latents: false } };
    expect(LatentRecord.window(quiet, gpuNet, 100)).toBe(0);
    expect(new LatentRecord(quiet, gpuNet, 1, 0).series(0)).toEqual({ latents: null, readouts: null });
  });
});

const gpu = await tryAcquireDevice();
const engine = gpu ? await WebGpuEngine.create({ gpu, maxTrialsPerBatch: 2 }) : null;
afterAll(() => {
  engine?.dispose();
  gpu?.release();
});

describe.skipIf(!gpu)('LatentRecord ring on the device', () => {
  it('per-step path: 3-row rings give the bits of a ring holding the whole record', async () => {
    // Three trials, two per batch; chunks of 4 steps, every 3: rings of ⌈2·4 / 3⌉ = 3 rows.
    const net = tinyEINetwork({
      sizeE: 40,
      sizeI: 30,
      steps: 400,
      synapse: { kind: 'exponential', rate: 200 },
      sigmaV: 0.02,
      readout: true,
      every: 3,
      trials: 3,
    });
    const whole = await engine!.run(net);
    const ringed = await engine!.run(net, { chunkSteps: 4 });
    ringed.trials.forEach((trial, b) => {
      expect(trial.latents).toEqual(whole.trials[b].latents);
      expect(trial.readouts).toEqual(whole.trials[b].readouts);
      expect(trial.spikeCounts).toEqual(whole.trials[b].spikeCounts);
    });
    // The record is not all y0: the run moved it.
    expect(new Set(whole.trials[0].latents![0]).size).toBeGreaterThan(100);
  }, 120_000);

  it('batched small-network path (fig5): 4-row rings give the bits of the whole record', async () => {
    // fig5 cut to 1500 steps, every 2: rings of ⌈7 / 2⌉ = 4 rows against 750 samples.
    const run = truncated(fig5Run(), 1500);
    const net = compileNetwork(parseRunFile({ ...run, record: { ...run.record, every: 2 } }));
    const whole = await engine!.run(net);
    const ringed = await engine!.run(net, { chunkSteps: 7 });
    expect(ringed.trials[0].latents).toEqual(whole.trials[0].latents);
    expect(ringed.trials[0].readouts).toEqual(whole.trials[0].readouts);
    expect(new Set(whole.trials[0].latents![0]).size).toBeGreaterThan(100);
  }, 120_000);

  it("keeps the GPU's record buffer the same size for a run ten times longer", async () => {
    const { shape } = engine!;
    const bytes = (steps: number) => {
      const net = tinyEINetwork({
        sizeE: 2000,
        sizeI: 2000,
        steps,
        synapse: { kind: 'exponential', rate: 200 },
      });
      const gpuNet = buildGpuNetwork(net, allShapeOf(shape));
      return {
        ring: perStepSizes(shape, runDims(net, gpuNet)).sizes.latentRecordBytes,
        whole: gpuNet.samples * gpuNet.K * 4,
      };
    };
    const short = bytes(5000);
    const long = bytes(50_000);
    expect(long.ring).toBe(short.ring);
    expect(long.ring).toBeLessThan(long.whole / 10);
  }, 120_000);
});
