// The WebGPU benchmark at tiny sizes on this machine's adapter: every kernel gives a row of the
// promised shape with finite positive timings, the adapter is named, and the ratios are computed.
// (Speed itself is not tested: these are software adapters on shared cores.)

import { afterAll, describe, expect, it } from 'vitest';
import { formatWebGpuBench, runWebGpuBench } from '../../bench/webgpuBench.ts';
import { tryAcquireDevice } from './gpu.ts';

const gpu = await tryAcquireDevice();
afterAll(() => gpu?.release());

describe.skipIf(!gpu)('runWebGpuBench', () => {
  it('measures the low-rank step, the probe and the dense baseline at N ≈ 10³', async () => {
    const lines: string[] = [];
    const report = await runWebGpuBench({
      sizes: [1000],
      denseSizes: [512],
      repetitions: 2,
      steps: 20,
      noiseLevels: [0.01],
      batchSeconds: 0.02,
      gpu: gpu!,
      onLine: (l) => lines.push(l),
    });
    console.log(formatWebGpuBench(report));

    expect(report.adapter).toEqual(gpu!.adapterInfo);
    expect(lines[0]).toMatch(/^adapter: .* software: (true|false)/);
    expect(report.roundTripSeconds).toBeGreaterThan(0);
    expect(report.skipped).toEqual([]);
    // Low-rank at 1000 (→ 6·167 = 1002 neurons) and at the dense size 512 (→ 510), then probe, dense.
    expect(report.rows.map((r) => [r.kernel, r.neurons, r.sigmaV])).toEqual([
      ['low-rank', 510, 0.01],
      ['low-rank', 1002, 0.01],
      ['probe', 1000, null],
      ['dense', 512, null],
    ]);
    for (const row of report.rows) {
      expect(row.repetitions).toBe(2);
      expect(row.steps).toBeGreaterThanOrEqual(1);
      expect(row.steps).toBeLessThanOrEqual(20);
      expect(Number.isFinite(row.secondsPerStep) && row.secondsPerStep > 0).toBe(true);
      expect(row.updatesPerSecond).toBeCloseTo(row.neurons / row.secondsPerStep);
      if (row.kernel === 'low-rank') {
        expect(row.steps).toBe(19);
        expect(row.spikesPerStep).toBeGreaterThan(0);
      } else {
        expect(row.spikesPerStep).toBeNull();
      }
    }
    expect(report.ratios.map((r) => r.name)).toEqual([
      'low-rank step / probe at N = 1000 (sigmaV 0.01)',
      'dense / low-rank step at N = 512 (sigmaV 0.01)',
      'small-network kernel / one dispatch per step, fig5 steps/s',
    ]);
    // Many steps per dispatch must beat one dispatch per step on fig5, whatever the adapter.
    expect(report.smallNetwork!.batchedStepsPerSecond).toBeGreaterThan(
      report.smallNetwork!.perStepStepsPerSecond,
    );
    for (const r of report.ratios) expect(Number.isFinite(r.value) && r.value > 0).toBe(true);
  });
});
