import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateEnvelope, upperEnvelope } from '../../src/construct/lineEnvelope.ts';

const line = fc.record({
  slope: fc.integer({ min: -20, max: 20 }).map((k) => k / 4),
  intercept: fc.double({ min: -10, max: 10, noNaN: true }),
});

describe('upperEnvelope', () => {
  it('evaluates to the maximum over all lines (property, parallel lines included)', () => {
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 12 }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        (lines, t) => {
          const brute = Math.max(...lines.map((l) => l.slope * t + l.intercept));
          const hull = upperEnvelope(lines);
          expect(evaluateEnvelope(hull, t)).toBeCloseTo(brute, 9);
          // Hull slopes strictly increase and break points never decrease.
          hull.lines.slice(1).forEach((l, k) => expect(l.slope).toBeGreaterThan(hull.lines[k].slope));
          hull.breaks.slice(1).forEach((b, k) => expect(b).toBeGreaterThanOrEqual(hull.breaks[k]));
        },
      ),
    );
  });

  it('drops lines that are never maximal: |t| from three lines', () => {
    const hull = upperEnvelope([
      { slope: -1, intercept: 0 },
      { slope: 0, intercept: -1 },
      { slope: 1, intercept: 0 },
    ]);
    expect(hull.lines).toEqual([
      { slope: -1, intercept: 0 },
      { slope: 1, intercept: 0 },
    ]);
    expect(hull.breaks).toEqual([0]);
  });

  it('refuses no lines or non-finite ones', () => {
    expect(() => upperEnvelope([])).toThrow(/at least one/);
    expect(() => upperEnvelope([{ slope: NaN, intercept: 0 }])).toThrow(/not finite/);
  });
});
