// The WebGPU benchmark at tiny sizes on this machine's adapter: every kernel gives a row of the
// promised shape with finite positive timings, the adapter is named, and the ratios are computed.
// (Speed itself is not tested: these are software adapters on shared cores.)

import { afterAll, describe, expect, it } from 'vitest';
import { formatWebGpuBench, runWebGpuBench } from '../../src/bench/webgpuBench.ts';
import { NO_TIMESTAMP_QUERY } from '../../src/engine/webgpu/webgpuEngine.ts';
import { planNetwork } from '../../src/engine/webgpu/plan.ts';
import { compileNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import { benchRunFile } from '../../src/bench/cpuBench.ts';
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

    // Per-kernel GPU time where the device has timestamp-query (SwiftShader does), else the reason.
    const probe = report.rows.find((r) => r.kernel === 'probe')!;
    expect(probe.bytesPerSecond).toBeCloseTo((8 * probe.neurons) / probe.secondsPerStep);
    const timed = gpu!.device.features.has('timestamp-query');
    expect(report.kernelTimesUnavailable).toBe(timed ? null : NO_TIMESTAMP_QUERY);
    for (const row of report.rows.filter((r) => r.kernel === 'low-rank')) {
      if (!timed) {
        expect(row.kernelTimes).toBeNull();
        continue;
      }
      const { kernels, wallSecondsPerStep } = row.kernelTimes!;
      // The bench network (`all` rule, one trial): the plan's kernels, one dispatch each per step.
      const plan = planNetwork(
        compileNetwork(parseRunFile(benchRunFile({ neurons: row.neurons, steps: 20, sigmaV: 0.01 }))),
        { profile: gpu!.profile, limits: gpu!.device.limits, source: 'this device' },
      );
      expect(kernels.map((k) => [k.kernel, k.dispatchesPerStep, k.bytesPerStep])).toEqual(
        plan.kernels.map((k) => [k.kernel, 1, k.readBytes + k.writeBytes]),
      );
      for (const k of kernels) {
        expect(k.gpuSecondsPerStep).toBeGreaterThan(0);
        expect(k.bytesPerSecond).toBeCloseTo(k.bytesPerStep! / k.gpuSecondsPerStep);
        expect(k.ofProbe).toBeCloseTo(k.bytesPerSecond! / probe.bytesPerSecond!);
      }
      expect(kernels.reduce((s, k) => s + k.gpuSecondsPerStep, 0)).toBeLessThanOrEqual(wallSecondsPerStep);
    }
    const text = formatWebGpuBench(report);
    expect(text).toContain(
      timed ? 'per-kernel GPU times (low-rank rows)' : `per-kernel GPU times: ${NO_TIMESTAMP_QUERY}`,
    );
    if (timed)
      expect(text).toMatch(/^ {4}stepAll +[\d.e+-]+ µs\/step +1 disp\/step +\d+ B\/step .* of probe$/m);
  });
});
