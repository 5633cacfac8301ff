import { describe, expect, it } from 'vitest';
import { scaleFunction } from '../../src/experiments/scale/functions.ts';
import { buildScaleNetwork, scaleBaseRun } from '../../src/experiments/scale/network.ts';
import { scaleMetrics } from '../../src/experiments/scale/metrics.ts';
import { plannedSteps, runScaleStudy, type ScaleRow } from '../../src/experiments/scale/study.ts';
import { scaleMarkdown, scalePlots } from '../../src/experiments/scale/report.ts';
import { fig5Accuracy } from '../../src/experiments/presets/fig5.ts';
import { compileNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';

const fn = scaleFunction('fig5');
const common = { fn, dt: 1e-4, steps: 700, sigma: 0.01, jitter: 1, seed: 0, every: 10, recordSpikes: false };
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

describe('buildScaleNetwork', () => {
  it.each([60, 600])('repeats fig5 into %i neurons with the decoder mass and mean thresholds kept', (N) => {
    const { spec, m } = buildScaleNetwork({ ...common, neurons: N });
    const base = parseRunFile(scaleBaseRun(common));
    expect(m).toBe(N / 6);
    expect(spec.populations.map((p) => p.size)).toEqual([3 * m, 3 * m]);
    spec.latents.forEach((l, i) => {
      expect(l.decoder).toHaveLength(3 * m);
      expect(sum(l.decoder)).toBeCloseTo(sum(base.latents[i].decoder), 12);
    });
    spec.populations.forEach((p, pi) => {
      // Stratified jitter: zero mean over each neuron's copies, spread below one own spike jump.
      for (let i = 0; i < 3; i++) {
        const copies = p.threshold.subarray(i * m, (i + 1) * m);
        expect(sum(copies) / m).toBeCloseTo(base.populations[pi].threshold[i], 12);
        const jump = Math.abs(base.encoders[pi][pi][i] * base.latents[pi].decoder[i]) / m;
        expect(Math.max(...copies) - Math.min(...copies)).toBeLessThan(jump);
        expect(p.inputWeights[i * m + m - 1]).toBe(base.populations[pi].inputWeights[i]);
        expect(spec.encoders[pi][1 - pi][i * m]).toBe(base.encoders[pi][1 - pi][i]);
      }
    });
    const net = compileNetwork(spec);
    expect(net.N).toBe(N);
    expect(net.channels.map((c) => c.size)).toEqual([N / 2, N / 2]);
  });
});

describe('scale study', () => {
  it('at m = 1 measures RMSE exactly as the fig5 preset does', async () => {
    const { spec, baseRun } = buildScaleNetwork({ ...common, neurons: 6 });
    const net = compileNetwork(spec);
    const result = await new CpuEngine().run(net);
    const rmse = scaleMetrics(fn, net, result).rmseE;
    expect(rmse).toBe(fig5Accuracy({ run: baseRun, net, result }).rmseE);
    expect(rmse).toBeLessThan(2);
  });

  it('reports every size with finite numbers, and the plots and table name them', async () => {
    const report = await runScaleStudy(new CpuEngine(), { ...common, sizes: [600, 60], maxSeconds: 60 });
    expect(report.interrupted).toBe(false);
    expect(report.rows.map((r) => r.neurons)).toEqual([60, 600]);
    const numeric: (keyof ScaleRow)[] = [
      'rmseE',
      'rateE',
      'rateI',
      'isiCvE',
      'isiCvI',
      'eiCorrelation',
      'microsecondsPerStep',
      'neuronUpdatesPerSecond',
      'peakRssBytes',
    ];
    for (const row of report.rows) {
      expect(row.steps).toBe(700);
      for (const key of numeric) expect(Number.isFinite(row[key]), `${key} at N = ${row.neurons}`).toBe(true);
      expect(row.rmseE).toBeLessThan(2);
    }
    const md = scaleMarkdown(report);
    expect(md).toContain('| 60 | 10 |');
    expect(md).toContain('| 600 | 100 |');
    expect(scalePlots(report).map((p) => p.name)).toEqual(['accuracy', 'time']);
  });

  it('keeps the sizes that finished when aborted', async () => {
    const controller = new AbortController();
    const report = await runScaleStudy(new CpuEngine(), {
      ...common,
      sizes: [6, 60],
      maxSeconds: 60,
      signal: controller.signal,
      onRow: () => controller.abort(),
    });
    expect(report.interrupted).toBe(true);
    expect(report.rows.map((r) => r.neurons)).toEqual([6]);
  });
});

describe('plannedSteps', () => {
  const options = { steps: 2000, dt: 1e-4, maxSeconds: 100 };
  it('runs the requested steps without a prediction or within the budget', () => {
    expect(plannedSteps(options, null)).toBe(2000);
    expect(plannedSteps(options, 0.01)).toBe(2000);
  });
  it('caps to the budget, but never below the init cut plus 10 ms', () => {
    expect(plannedSteps(options, 0.1)).toBe(1000);
    expect(plannedSteps(options, 10)).toBe(601);
  });
});
