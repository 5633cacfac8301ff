import { describe, expect, it } from 'vitest';
import { INIT_CUT_WINDOW, checkRange, sampleRange, stepRange } from '../../src/analysis/window.ts';

describe('stepRange', () => {
  it('cuts the first 50 ms by default window', () => {
    expect(stepRange(INIT_CUT_WINDOW, 1e-4, 3000)).toEqual({ start: 500, end: 3000 });
    expect(stepRange(INIT_CUT_WINDOW, 5e-5, 5000)).toEqual({ start: 1000, end: 5000 });
  });

  it('snaps window edges that float64 division lands just off a step (0.175 / 5e-5 = 3499.9999…)', () => {
    expect(0.175 / 5e-5).toBeLessThan(3500);
    expect(stepRange({ t0: 0.05, t1: 0.125 }, 5e-5, 5000)).toEqual({ start: 1000, end: 2500 });
    expect(stepRange({ t0: 0.175, t1: 0.25 }, 5e-5, 5000)).toEqual({ start: 3500, end: 5000 });
  });

  it('rounds an edge between two steps up to the next step', () => {
    // t0 = 0.5·dt: step 0 (t = 0) is before it, step 1 is the first inside.
    expect(stepRange({ t0: 0.5e-4, t1: 2.5e-4 }, 1e-4, 100)).toEqual({ start: 1, end: 3 });
  });

  it('clamps to the run and never returns a reversed range', () => {
    expect(stepRange({ t0: -1, t1: 1 }, 1e-3, 50)).toEqual({ start: 0, end: 50 });
    expect(stepRange({ t0: 2, t1: 3 }, 1e-3, 50)).toEqual({ start: 50, end: 50 });
    expect(stepRange({ t0: 0.03, t1: 0.01 }, 1e-3, 50)).toEqual({ start: 30, end: 30 });
  });
});

describe('sampleRange', () => {
  it('maps the init cut through a stride: step 500 falls between samples, so the first is step 501', () => {
    expect(sampleRange(INIT_CUT_WINDOW, 1e-4, 3, 1000)).toEqual({ start: 167, end: 1000 });
  });

  it('keeps exactly the samples whose time lies in [t0, t1) (brute force over strides and edges)', () => {
    const dt = 1e-4;
    const samples = 40;
    for (let every = 1; every <= 7; every++) {
      for (let a = 0; a <= 60; a += 3) {
        for (let b = a; b <= 300; b += 7) {
          // Edges at whole steps a and b, written as seconds the way a user would.
          const range = sampleRange({ t0: a / 1e4, t1: b / 1e4 }, dt, every, samples);
          const inside: number[] = [];
          for (let k = 0; k < samples; k++) if (k * every >= a && k * every < b) inside.push(k);
          const want = inside.length > 0 ? { start: inside[0], end: inside[inside.length - 1] + 1 } : null;
          if (want) expect(range).toEqual(want);
          else expect(range.end - range.start).toBe(0);
        }
      }
    }
  });

  it('handles a window not aligned to the stride', () => {
    // Steps [502, 511) with every = 4: samples 126 (step 504) and 127 (step 508).
    expect(sampleRange({ t0: 0.0502, t1: 0.0511 }, 1e-4, 4, 1000)).toEqual({ start: 126, end: 128 });
  });

  it('refuses a non-positive dt or a non-integer stride', () => {
    expect(() => sampleRange(INIT_CUT_WINDOW, 0, 1, 10)).toThrow(/dt/);
    expect(() => sampleRange(INIT_CUT_WINDOW, 1e-4, 0, 10)).toThrow(/every/);
    expect(() => sampleRange(INIT_CUT_WINDOW, 1e-4, 1.5, 10)).toThrow(/every/);
  });
});

describe('checkRange', () => {
  it('accepts ranges inside the array, empty ones included, and rejects the rest', () => {
    expect(() => checkRange({ start: 0, end: 5 }, 5)).not.toThrow();
    expect(() => checkRange({ start: 5, end: 5 }, 5)).not.toThrow();
    expect(() => checkRange({ start: 0, end: 6 }, 5)).toThrow(RangeError);
    expect(() => checkRange({ start: 3, end: 2 }, 5)).toThrow(RangeError);
    expect(() => checkRange({ start: -1, end: 2 }, 5)).toThrow(RangeError);
  });
});
