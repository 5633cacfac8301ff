// The paper's reference numbers (EXPERIMENTS.md, from the authors' NumPy simulator), reproduced by
// the CPU engine in float64. Copied here so the project never reads ../shared at test time.
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { runPreset } from '../../src/experiments/runner.ts';
import { findPreset } from '../../src/experiments/presets/index.ts';
import type { AggregatedMetric } from '../../src/experiments/runner.ts';

async function metrics(name: string, seeds = 1) {
  const outcome = await runPreset(findPreset(name)!, new CpuEngine(), { seeds });
  const byName = new Map<string, AggregatedMetric>(outcome.report.metrics.map((m) => [m.name, m]));
  return { outcome, get: (metric: string) => byName.get(metric)! };
}

function spikeCounts(outcome: Awaited<ReturnType<typeof metrics>>['outcome'], population: number): number[] {
  return Array.from(outcome.firstRuns[0].result.trials[0].spikeCounts[population]);
}

describe('paper reference numbers on the CPU engine (float64)', () => {
  it('fig2: spike counts per neuron are exactly the reference simulator’s', async () => {
    const { outcome, get } = await metrics('fig2');
    expect(spikeCounts(outcome, 0)).toEqual([15, 4, 4, 3, 3, 3, 4, 5, 6, 12]);
    expect(get('mean y − envelope').value).toBeCloseTo(-0.26, 2);
    expect(get('max |y − envelope|').value).toBeCloseTo(0.78, 2);
  });

  it('fig4 (1+1): 20 E and 20 I spikes, latents around the (2, 3) intersection', async () => {
    const { outcome, get } = await metrics('fig4');
    expect(spikeCounts(outcome, 0)).toEqual([20]);
    expect(spikeCounts(outcome, 1)).toEqual([20]);
    expect(get('mean y^E (t > 30 ms)').value).toBeCloseTo(1.9, 1);
    expect(get('mean |y^I| (t > 30 ms)').value).toBeCloseTo(3.07, 1);
  });

  it('fig5: E [22, 42, 44], I [47, 68, 40] and RMSE(y^E) 0.35 ± 0.01', async () => {
    const { outcome, get } = await metrics('fig5');
    expect(spikeCounts(outcome, 0)).toEqual([22, 42, 44]);
    expect(spikeCounts(outcome, 1)).toEqual([47, 68, 40]);
    expect(Math.abs(get('RMSE y^E vs target').value - 0.35)).toBeLessThanOrEqual(0.01);
    expect(get('mean error y^E').value).toBeCloseTo(-0.017, 2);
  });

  it('fig6 over 5 seeds: mean spike count within 10% of 283, y − envelope RMSE ≤ 0.07', async () => {
    const { get } = await metrics('fig6', 5);
    const spikes = get('spikes per trial');
    expect(spikes.perSeed).toHaveLength(5);
    expect(new Set(spikes.perSeed).size).toBeGreaterThan(1); // seeds really differ
    expect(Math.abs(spikes.value - 283) / 283).toBeLessThanOrEqual(0.1);
    expect(get('RMSE y − envelope').value).toBeLessThanOrEqual(0.07);
  });

  it('fig12a over 5 seeds: RMSE(y^E) near 0.79, about 55 E and 113 I spikes', async () => {
    const { get } = await metrics('fig12a', 5);
    expect(Math.abs(get('RMSE y^E vs target').value - 0.79)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(get('E spikes').value - 55) / 55).toBeLessThanOrEqual(0.1);
    expect(Math.abs(get('I spikes').value - 113) / 113).toBeLessThanOrEqual(0.1);
  });

  it('float32 mode gives the same fig2, fig4 and fig5 spike counts', async () => {
    for (const name of ['fig2', 'fig4', 'fig5']) {
      const f64 = await runPreset(findPreset(name)!, new CpuEngine());
      const f32 = await runPreset(findPreset(name)!, new CpuEngine({ precision: 'f32' }));
      const counts = (o: typeof f64) => o.firstRuns[0].result.trials[0].spikeCounts.map((a) => Array.from(a));
      expect(counts(f32)).toEqual(counts(f64));
    }
  });
});
