import { describe, expect, it } from 'vitest';
import {
  axisTicks,
  decadeTicks,
  escapeXml,
  fmt,
  formatTicks,
  linearScale,
  logScale,
  niceTicks,
  polylinePath,
  richText,
} from '../../src/report/svg.ts';

/** The (x, y) points of path data made of M/L commands, one array per subpath. */
function subpaths(d: string): [number, number][][] {
  return d
    .split('M')
    .filter((s) => s !== '')
    .map((s) => s.split('L').map((p) => p.split(' ').map(Number) as [number, number]));
}

describe('escapeXml', () => {
  it('escapes the five XML special characters', () => {
    expect(escapeXml(`a<b & c>d "e" 'f'`)).toBe('a&lt;b &amp; c&gt;d &quot;e&quot; &apos;f&apos;');
  });
});

describe('fmt', () => {
  it('writes at most 2 decimals without trailing zeros or negative zero', () => {
    expect(fmt(12.3456)).toBe('12.35');
    expect(fmt(3.1)).toBe('3.1');
    expect(fmt(7)).toBe('7');
    expect(fmt(-0.001)).toBe('0');
  });

  it('clamps huge coordinates so no exponent notation appears', () => {
    expect(fmt(1e300)).toBe('1000000');
    expect(fmt(-1e300)).toBe('-1000000');
  });
});

describe('richText', () => {
  it('renders a single-character script at a word end as a tspan', () => {
    const s = richText('y^E');
    expect(s).toMatch(/^y<tspan dy="-?[\d.]+em" font-size="75%">E<\/tspan>$/);
  });

  it('renders braced scripts and returns to the baseline for the text after them', () => {
    const s = richText('y_{max} (ms)');
    expect(s).toContain('>max</tspan>');
    expect(s).toMatch(/<tspan dy="-[\d.]+em"> \(ms\)<\/tspan>$/);
  });

  it('leaves identifiers with underscores literal and escapes everything', () => {
    expect(richText('spike_count <&>')).toBe('spike_count &lt;&amp;&gt;');
  });
});

describe('ticks', () => {
  it('niceTicks uses 1-2-5 steps inside the range without float noise', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-2.3, 7.9, 5)).toEqual([-2, 0, 2, 4, 6]);
    expect(formatTicks(niceTicks(0.1, 0.7, 6))).toEqual(['0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7']);
  });

  it('formats large and negative values compactly with a typographic minus', () => {
    expect(formatTicks([-2e6, 0, 2e6, 4e6])).toEqual(['−2e6', '0', '2e6', '4e6']);
  });

  it('decadeTicks lists exactly the powers of ten inside the range', () => {
    expect(decadeTicks(0.003, 2e5)).toEqual([0.01, 0.1, 1, 10, 100, 1000, 1e4, 1e5]);
  });

  it('log axes label the decades and leave the 2–9 minors unlabelled', () => {
    const ticks = axisTicks([50, 2e4], true);
    const labelled = ticks.filter((t) => t.label !== '');
    expect(labelled.map((t) => t.value)).toEqual([100, 1000, 1e4]);
    expect(labelled.map((t) => t.label)).toEqual(['10²', '10³', '10⁴']);
    expect(ticks.some((t) => t.value === 300 && t.label === '')).toBe(true);
  });

  it('a log axis spanning less than two decades also labels 2× and 5×', () => {
    const labelled = axisTicks([1.5, 60], true).filter((t) => t.label !== '');
    expect(labelled.map((t) => t.value)).toEqual([2, 5, 10, 20, 50]);
  });
});

describe('polylinePath', () => {
  const width = 600;
  const xs = linearScale([0, 1e6], [0, width]);

  it('reduces a 10⁶-point noisy series to at most two points per pixel column, keeping its extremes', () => {
    const n = 1_000_000;
    const x = Float64Array.from({ length: n }, (_, i) => i);
    let seed = 12345;
    const y = Float64Array.from({ length: n }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31 - 0.5;
    });
    y[314159] = 3; // single-sample spikes that a naive stride would miss
    y[777777] = -2;
    const ys = linearScale([-3, 4], [400, 0]);
    const d = polylinePath(x, y, xs, ys);
    const points = subpaths(d).flat();
    expect(points.length).toBeLessThanOrEqual(2 * (width + 1));
    const pys = points.map((p) => p[1]);
    expect(Math.min(...pys)).toBeCloseTo(ys.map(3), 2);
    expect(Math.max(...pys)).toBeCloseTo(ys.map(-2), 2);
    // The spikes stay at their own x (pixel column), not smeared elsewhere.
    const top = points[pys.indexOf(Math.min(...pys))];
    expect(Math.floor(top[0])).toBe(Math.floor(xs.map(314159)));
  });

  it('breaks the line at non-finite values and never prints them', () => {
    const ys = linearScale([0, 10], [100, 0]);
    const d = polylinePath([0, 1e5, 2e5, 3e5, 4e5, 5e5], [1, 2, NaN, 4, Infinity, 6], xs, ys);
    expect(d).not.toMatch(/NaN|Infinity/);
    // [1, 2] | [4] (a lone point draws nothing) | [6]: only the first run is a visible stroke.
    expect(subpaths(d)).toHaveLength(1);
    const d2 = polylinePath([0, 1e5, 2e5, 3e5, 4e5], [1, 2, NaN, 4, 5], xs, ys);
    expect(subpaths(d2).map((s) => s.length)).toEqual([2, 2]);
  });

  it('treats values a log scale cannot show as gaps', () => {
    const ys = logScale([0.1, 100], [100, 0]);
    const d = polylinePath([0, 1e5, 2e5, 3e5, 4e5], [1, 10, 0, 10, 1], xs, ys);
    expect(subpaths(d).map((s) => s.length)).toEqual([2, 2]);
  });

  it('caps a curve that revisits the same pixels (a noisy trajectory) at maxPoints, keeping its extent', () => {
    const n = 200_000;
    let seed = 7;
    const noise = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed / 2 ** 31 - 0.5) * 0.02;
    };
    // Spirals into a fixed point, then jitters around it: what fig4/fig8 trajectories look like.
    const r = (i: number): number => Math.exp(-i / 20_000);
    const x = Float64Array.from({ length: n }, (_, i) => 5e5 + 4e5 * (r(i) * Math.cos(i / 500) + noise()));
    const y = Float64Array.from({ length: n }, (_, i) => r(i) * Math.sin(i / 500) + noise());
    const ys = linearScale([-1, 1], [400, 0]);
    const points = subpaths(polylinePath(x, y, xs, ys, 2000)).flat();
    expect(points.length).toBeLessThanOrEqual(2000);
    expect(points.length).toBeGreaterThan(500);
    const pxs = points.map((p) => p[0]);
    expect(Math.min(...pxs)).toBeLessThan(xs.map(5e5 - 3.5e5));
    expect(Math.max(...pxs)).toBeGreaterThan(xs.map(5e5 + 3.5e5));
  });

  it('writes pixel coordinates with at most 2 decimals', () => {
    const ys = linearScale([0, 3], [100, 0]);
    const d = polylinePath([0, 333333, 666667], [1, 2, 1.1], xs, ys);
    for (const num of d.match(/-?\d+(\.\d+)?/g) ?? []) expect(num).toMatch(/^-?\d+(\.\d{1,2})?$/);
  });

  it('refuses x and y of different lengths', () => {
    const ys = linearScale([0, 1], [1, 0]);
    expect(() => polylinePath([1, 2], [1], xs, ys)).toThrow(/x has 2 values but y has 1/);
  });
});
