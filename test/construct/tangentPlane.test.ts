import { describe, expect, it } from 'vitest';
import { linspace } from '../../src/construct/grid.ts';
import { tangentPlaneNeuron } from '../../src/construct/tangentPlane.ts';

describe('tangentPlaneNeuron', () => {
  it('reproduces the fig4 10+10 neurons as tangents of |y^I| = 0.15·y² + 2.5 (E) and 0.24·y² + 1.75 (I)', () => {
    const surface = (a: number, b: number) => ({
      value: (_x: number, y: number) => a * y * y + b,
      dx: () => 0,
      dyE: (_x: number, y: number) => 2 * a * y,
    });
    for (const z of linspace(0, 5, 10)) {
      const e = tangentPlaneNeuron(surface(0.15, 2.5), 0, z);
      expect(e.self).toBeCloseTo(0.3 * z, 14);
      expect(e.cross).toBe(1);
      expect(e.F).toBe(0);
      expect(e.T).toBeCloseTo(0.15 * z * z - 2.5, 13);
      const i = tangentPlaneNeuron(surface(0.24, 1.75), 0, z);
      expect(i.self).toBeCloseTo(0.48 * z, 14);
      expect(i.T).toBeCloseTo(0.24 * z * z - 1.75, 13);
    }
  });

  it('gives a threshold plane that touches B at the tangent point with B’s gradient', () => {
    // B(x, y) = x² + x·y + y²: convex, so the plane lies below it away from the tangent point.
    const B = (x: number, y: number) => x * x + x * y + y * y;
    const neuron = tangentPlaneNeuron({ value: B, dx: (x, y) => 2 * x + y, dyE: (x, y) => x + 2 * y }, 1, 2);
    const plane = (x: number, y: number) => neuron.self * y + neuron.F * x - neuron.T;
    expect(neuron.F).toBe(4);
    expect(neuron.self).toBe(5);
    expect(plane(1, 2)).toBeCloseTo(B(1, 2), 14);
    expect(plane(1.5, 2)).toBeLessThan(B(1.5, 2));
    expect(plane(1, 1)).toBeLessThan(B(1, 1));
  });
});
