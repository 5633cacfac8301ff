// The point metrics against what is known independently: the preset's own RMSE, the exact
// bias/fluctuation split over trials, the boundary geometry of the paper-unit constructors, a
// zero-phase smoother that keeps a ramp where it is, and synchrony counted by hand.
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { compileNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import { fig12a, fig12Run } from '../../src/experiments/presets/fig12.ts';
import { fig5Populations } from '../../src/experiments/presets/fig5.ts';
import { eiGeometry } from '../../src/experiments/networks.ts';
import { eiGeometryOf, eiStructure, pointMetrics, smoothZeroPhase } from '../../src/study/metrics.ts';
import type { SimulationResult } from '../../src/engine/engine.ts';
import { redundantSpec } from '../../src/experiments/scale/network.ts';

async function simulate(run: ReturnType<typeof fig12Run>) {
  const base = parseRunFile(run);
  const net = compileNetwork(base);
  const result = await new CpuEngine().run(net);
  return { base, net, result, run };
}

describe('study metrics', () => {
  it('rmse_target is fig12a’s own “RMSE y^E vs target”', async () => {
    const sim = await simulate(fig12Run('a', 3));
    const m = pointMetrics({ ...sim, target: fig12a.target! });
    const paperMetric = fig12a.metrics([sim], { seed: 3 }).find((x) => x.name === 'RMSE y^E vs target')!;
    expect(m.rmse_target).toBe(paperMetric.value);
    expect(m.neurons).toBe(6);
    expect(m.steps).toBe(2500);
  });

  it('over several trials, rmse_target² = bias² + fluctuation² exactly', async () => {
    const sim = await simulate({ ...fig12Run('a', 1), trials: 4 });
    const m = pointMetrics({ ...sim, target: fig12a.target! });
    expect(m.fluctuation!).toBeGreaterThan(0);
    expect(m.bias! ** 2 + m.fluctuation! ** 2).toBeCloseTo(m.rmse_target! ** 2, 12);
    expect(m.count_cv).not.toBeNull();
    expect(m.trials).toBe(4);
  });

  it('reads the boundary geometry of a run file as the paper-unit constructor builds it', () => {
    const { E, I } = fig5Populations([1, 1.2, 1.4], [1, 1.5, 2.5]);
    const spec = parseRunFile(fig12Run('a', 0));
    const s = eiStructure(spec)!;
    expect(s).toEqual({ e: 0, i: 1, latentE: 0, latentI: 1 });
    const fromSpec = eiGeometryOf(spec, s);
    const direct = eiGeometry(E, I);
    for (const key of ['E_EE', 'E_EI', 'F_E', 'T_E', 'E_IE', 'E_II', 'F_I', 'T_I'] as const)
      expect(Array.from(fromSpec[key]), key).toEqual(Array.from(direct[key]));
  });

  it('the zero-phase smoother keeps a ramp in place (no lag) and a constant unchanged', () => {
    const ramp = Array.from({ length: 2000 }, (_, k) => 0.01 * k);
    const smooth = smoothZeroPhase(ramp, 1e-4, 1e-2);
    // A causal filter would trail the ramp by τ·slope = 100 samples · 0.01 = 1; this one stays on it
    // (to the start-up transient, a^k of that, more than 5 τ from either end).
    for (const k of [800, 1000, 1200]) expect(Math.abs(smooth[k] - ramp[k])).toBeLessThan(1e-3);
    expect(Array.from(smoothZeroPhase([2, 2, 2], 1, 1))).toEqual([2, 2, 2]);
  });

  it('sync counts the spikes of steps where more than 1 % of a population fired', () => {
    const base = parseRunFile({
      ...fig12Run('a', 0),
      steps: 1000,
      input: { samples: [new Array(1000).fill(0)] },
    });
    const net = compileNetwork(redundantSpec(base, 100, 1)); // 300 E neurons: more than 3 spikes is together
    const train = (steps: number[]) => ({
      step: Int32Array.from(steps),
      neuron: Int32Array.from(steps, (_, i) => i),
    });
    const result: SimulationResult = {
      backend: 'cpu',
      adapter: null,
      steps: 1000,
      dt: 1e-4,
      every: 1,
      trials: [
        {
          spikeCounts: [new Int32Array(300).fill(0).fill(1, 0, 8), new Int32Array(300)],
          // Step 100 is before the 50 ms cut; step 600 has 5 spikes (together), step 700 has 2.
          spikes: [train([100, 600, 600, 600, 600, 600, 700, 700]), train([])],
          latents: null,
          readouts: null,
        },
      ],
      timing: { setupSeconds: 0, simulateSeconds: 1, stepsPerSecond: 999 },
    };
    const m = pointMetrics({ net, base, result, target: null });
    expect(m.sync).toBe(5 / 7);
    expect(m.rmse_target).toBeNull();
    expect(m.rate_e).toBeCloseTo(8 / (300 * 999 * 1e-4), 9);
    expect(m.rate_i).toBe(0);
    expect(m.us_per_step).toBeCloseTo(1e6 / 999, 6);
    expect(Object.keys(m).filter((k) => k.startsWith('gpu_us'))).toEqual([]);

    // A run that timed its kernels (RunOptions.kernelTimes) adds one column per kernel, per step
    // of one trial as us_per_step, and their sum; one that could not adds none.
    const kernels = [
      { kernel: 'stepAll', gpuSeconds: 0.5, dispatches: 999 },
      { kernel: 'latents', gpuSeconds: 0.25, dispatches: 999 },
    ];
    const timed = pointMetrics({
      net,
      base,
      result: { ...result, timing: { ...result.timing, kernels: { kernels, unavailable: null } } },
      target: null,
    });
    expect(timed.gpu_us_step_all).toBeCloseTo(0.5e6 / 999, 6);
    expect(timed.gpu_us_latents).toBeCloseTo(0.25e6 / 999, 6);
    expect(timed.gpu_us_per_step).toBeCloseTo(0.75e6 / 999, 6);
    const untimed = pointMetrics({
      net,
      base,
      result: {
        ...result,
        timing: { ...result.timing, kernels: { kernels: null, unavailable: 'no timestamp-query' } },
      },
      target: null,
    });
    expect(Object.keys(untimed).filter((k) => k.startsWith('gpu_us'))).toEqual([]);
  });
});
