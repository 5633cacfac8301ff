import { describe, expect, it } from 'vitest';
import type { SpikeTrain, TrialResult } from '../../src/engine/engine.ts';
import {
  isiCV,
  meanIsiCV,
  meanRateHz,
  spikeCountCV,
  spikeCountsInWindow,
} from '../../src/analysis/firing.ts';

/** A train from (step, neuron) events, sorted by step as the engines record it. */
function train(events: [number, number][]): SpikeTrain {
  const sorted = [...events].sort((p, q) => p[0] - q[0]);
  return { step: Int32Array.from(sorted, (e) => e[0]), neuron: Int32Array.from(sorted, (e) => e[1]) };
}

/** Spikes of one neuron at the given steps. */
const at = (neuron: number, steps: number[]): [number, number][] => steps.map((s) => [s, neuron]);

/** Small seeded generator (mulberry32) → uniform in [0, 1). */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('counts and rates', () => {
  const t = train([...at(0, [5, 10, 20, 30]), ...at(1, [9, 10, 11]), ...at(2, [100])]);

  it('counts spikes per neuron with step in [start, end)', () => {
    expect(Array.from(spikeCountsInWindow(t, 3, { start: 10, end: 30 }))).toEqual([2, 2, 0]);
    expect(Array.from(spikeCountsInWindow(t, 3, { start: 0, end: 1000 }))).toEqual([4, 3, 1]);
  });

  it('gives the mean rate in Hz over a neuron subset and a window', () => {
    // 1000 steps of 0.1 ms = 0.1 s; neurons 0 and 1 fire 4 + 3 spikes: 7 / (2 · 0.1 s) = 35 Hz.
    expect(meanRateHz(t, { start: 0, end: 2 }, { start: 0, end: 1000 }, 1e-4)).toBeCloseTo(35, 12);
    // Neuron 2 alone over steps [0, 100): its spike at 100 is outside.
    expect(meanRateHz(t, { start: 2, end: 3 }, { start: 0, end: 100 }, 1e-4)).toBe(0);
  });
});

describe('ISI CV', () => {
  it('is exactly 0 for a perfectly regular train', () => {
    const steps = Array.from({ length: 30 }, (_, k) => 7 + 13 * k);
    const cv = isiCV(train(at(0, steps)), 1, { start: 0, end: 10_000 });
    expect(cv[0]).toBe(0);
  });

  it('is |a − b| / (a + b) for intervals alternating a, b (even count, population s.d.)', () => {
    const a = 3;
    const b = 7;
    const steps = [0];
    for (let k = 0; k < 40; k++) steps.push(steps[steps.length - 1] + (k % 2 === 0 ? a : b));
    expect(isiCV(train(at(0, steps)), 1, { start: 0, end: 10_000 })[0]).toBeCloseTo((b - a) / (a + b), 14);
  });

  it('uses only spikes inside the window, per neuron, with neurons interleaved', () => {
    // Neuron 0 irregular before step 100 and regular (every 10) after; neuron 1 alternating 2, 4 after.
    const events = [
      ...at(0, [1, 2, 50, 51]),
      ...at(0, [100, 110, 120, 130]),
      ...at(1, [100, 102, 106, 108, 112]),
    ];
    const cv = isiCV(train(events), 2, { start: 100, end: 200 });
    expect(cv[0]).toBe(0);
    expect(cv[1]).toBeCloseTo(2 / 6, 14);
  });

  it('is NaN below the spike threshold, and the population mean skips those neurons', () => {
    const events = [...at(0, [10, 20, 30]), ...at(1, [10, 20]), ...at(2, [0, 10, 30, 40])];
    const window = { start: 0, end: 100 };
    const cv = isiCV(train(events), 3, window);
    expect(cv[1]).toBeNaN();
    // Neuron 2: intervals 10, 20, 10, mean 40/3, population s.d. √(200/9) → CV √2 / 4.
    expect(cv[2]).toBeCloseTo(Math.SQRT2 / 4, 14);
    expect(meanIsiCV(train(events), 3, window)).toBeCloseTo((0 + Math.SQRT2 / 4) / 2, 14);
    expect(meanIsiCV(train(at(0, [1, 2])), 1, window)).toBeNaN();
  });

  it('is near √(1 − p) for Bernoulli(p) spiking (geometric intervals, Poisson-like)', () => {
    const p = 0.02;
    const neurons = 4;
    const next = uniform(7);
    const events: [number, number][] = [];
    for (let s = 0; s < 500_000; s++) for (let i = 0; i < neurons; i++) if (next() < p) events.push([s, i]);
    const cv = isiCV(train(events), neurons, { start: 0, end: 500_000 });
    // ≈ 10 000 intervals per neuron: the CV's standard error is about 0.01.
    for (const c of cv) expect(Math.abs(c - Math.sqrt(1 - p))).toBeLessThan(0.04);
  });

  it('refuses a train that is not in step order', () => {
    const t: SpikeTrain = { step: Int32Array.from([5, 3]), neuron: Int32Array.from([0, 0]) };
    expect(() => isiCV(t, 1, { start: 0, end: 10 })).toThrow(/step order/);
  });
});

describe('spikeCountCV', () => {
  const trial = (counts: number[]): TrialResult => ({
    spikeCounts: [Int32Array.from([0, 0]), Int32Array.from(counts)],
    spikes: null,
    latents: null,
    readouts: null,
  });

  it('is the population s.d. / mean of one neuron’s counts across trials', () => {
    const trials = [trial([1, 2]), trial([1, 4]), trial([1, 6])];
    // Counts 2, 4, 6: mean 4, population variance 8/3.
    expect(spikeCountCV(trials, 1, 1)).toBeCloseTo(Math.sqrt(8 / 3) / 4, 15);
    expect(spikeCountCV(trials, 1, 0)).toBe(0);
  });

  it('is NaN for a neuron that never spikes', () => {
    expect(spikeCountCV([trial([0, 0]), trial([0, 0])], 0, 1)).toBeNaN();
  });
});
