import { describe, expect, it } from 'vitest';
import { scaleFunction } from '../../src/experiments/scale/functions.ts';
import {
  buildScaleNetwork,
  redundantRunFile,
  redundantSpec,
  scaleBaseRun,
} from '../../src/experiments/scale/network.ts';
import { pointMetrics } from '../../src/study/metrics.ts';
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

describe('redundantSpec and redundantRunFile', () => {
  it('the run file of the copies parses to the copies, numbers kept where every copy has them', () => {
    const base = scaleBaseRun(common);
    for (const jitter of [0, 1]) {
      const run = redundantRunFile(base, 7, jitter);
      expect(parseRunFile(run)).toEqual(redundantSpec(parseRunFile(base), 7, jitter));
      expect(Array.isArray(run.populations[0].threshold)).toBe(true);
      expect(run.populations[0].threshold).toHaveLength(21);
    }
    const scalar = { ...base, encoders: { E: { yE: 0.3, yI: -1 }, I: { yE: 0.9, yI: -1 } } };
    expect(redundantRunFile(scalar, 5, 1).encoders).toEqual(scalar.encoders);
  });

  it('gives each module its own slice of the spike jump when asked (a phase per neuron)', () => {
    const base = parseRunFile(scaleBaseRun(common));
    const m = 4;
    const phase = (pi: number, i: number) => (i === 0 ? 0.25 : 0.75);
    const spec = redundantSpec(base, m, 1, phase);
    const jump = Math.abs(base.encoders[0][0][0] * base.latents[0].decoder[0]) / m;
    const copies = Array.from(spec.populations[0].threshold.subarray(0, m));
    const T = base.populations[0].threshold[0];
    copies.forEach((t, c) => expect(t).toBeCloseTo(T + jump * ((c + 0.25) / m - 0.5), 14));
  });
});

describe('the scale recipe as a study point', () => {
  it('at m = 1 measures RMSE exactly as the fig5 preset does', async () => {
    const { spec, baseRun } = buildScaleNetwork({ ...common, neurons: 6 });
    const net = compileNetwork(spec);
    const result = await new CpuEngine().run(net);
    const metrics = pointMetrics({ net, base: spec, result, target: fn.target });
    expect(metrics.rmse_target).toBe(fig5Accuracy({ run: baseRun, net, result }).rmseE);
    expect(metrics.rmse_target).toBeLessThan(2);
  });
});
