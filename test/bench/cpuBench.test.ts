import { describe, expect, it } from 'vitest';
import { benchRunFile, formatBenchTable, runCpuBench } from '../../src/bench/cpuBench.ts';
import { parseRunFile } from '../../src/model/parse.ts';

describe('runCpuBench', () => {
  it('measures every size with and without noise, with positive finite numbers', async () => {
    const lines: string[] = [];
    const rows = await runCpuBench({
      sizes: [1000, 100],
      repetitions: 2,
      steps: 20,
      onLine: (l) => lines.push(l),
    });
    expect(rows.map((r) => [r.neurons, r.sigmaV])).toEqual([
      [102, 0],
      [1002, 0],
      [102, 0.01],
      [1002, 0.01],
    ]);
    for (const row of rows) {
      expect(row.steps).toBe(20);
      expect(row.repetitions).toBe(2);
      for (const v of [row.secondsPerStep, row.updatesPerSecond]) {
        expect(v).toBeGreaterThan(0);
        expect(Number.isFinite(v)).toBe(true);
      }
      expect(row.updatesPerSecond).toBeCloseTo(row.neurons / row.secondsPerStep, 6);
      expect(row.spikesPerStep).toBeGreaterThanOrEqual(0);
    }
    // The network is active, so the bench times the spike pass too.
    expect(rows.some((r) => r.spikesPerStep > 0)).toBe(true);
    // Header, then one line per row as it is measured.
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain('updates/s');
  });

  it('formats a table with a scaling column against the next smaller size at the same noise', () => {
    const row = (neurons: number, sigmaV: number, secondsPerStep: number) => ({
      neurons,
      sigmaV,
      steps: 200,
      repetitions: 5,
      secondsPerStep,
      updatesPerSecond: neurons / secondsPerStep,
      spikesPerStep: 3,
      threads: 1,
    });
    const table = formatBenchTable([row(1e5, 0, 1e-3), row(1e6, 0, 9.5e-3), row(1e5, 0.01, 2e-3)]).split(
      '\n',
    );
    expect(table).toHaveLength(5);
    expect(table[1]).not.toContain('N×');
    expect(table[2]).toContain('9.50 (N×10.0)');
    expect(table[2]).toContain('1.05e+8');
    expect(table[3]).not.toContain('N×');
    // log10(9.5) over one decade; the noisy level has one size ≥ 10⁵ only, so no slope.
    expect(table[4]).toBe(
      'slope of log t vs log N for N ≥ 100000 (least squares): σ_V = 0: 0.98 over 2 sizes',
    );
  });

  it('builds a valid rank-2 E/I run file of 6·round(N/6) neurons without touching JSON', () => {
    const spec = parseRunFile(benchRunFile({ neurons: 1e4, steps: 50, sigmaV: 0.01 }));
    expect(spec.populations.map((p) => [p.name, p.size])).toEqual([
      ['E', 5001],
      ['I', 5001],
    ]);
    expect(spec.spikeRule).toBe('all');
    expect(spec.populations.every((p) => p.synapse.kind === 'exponential')).toBe(true);
    // Decoders divided by m = 1667: fig5's E decoders sum to 0.75·3.15 either way.
    expect(spec.latents[0].decoder.reduce((s, d) => s + d, 0)).toBeCloseTo(0.75 * 3.15, 10);
    expect(spec.record).toEqual({ spikes: false, latents: true, every: 10 });
  });
});
