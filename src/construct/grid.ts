// Tangent points for the single-population constructions: evenly spaced, optionally jittered.

/** x = linspace(a, b, n) as in NumPy: n points, both ends included (n = 1 gives [a]). */
export function linspace(a: number, b: number, n: number): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new Error(`linspace: n must be a positive integer, got ${n}`);
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = a;
    return out;
  }
  const step = (b - a) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = a + i * step;
  // Pin the last point so rounding in i·step never moves the range's end.
  out[n - 1] = b;
  return out;
}

export interface JitteredGridOptions {
  x1Range: readonly [number, number];
  x2Range: readonly [number, number];
  /** Points per axis: n×n points in all. */
  n: number;
  /** Scale of the displacement of each coordinate: jitter·noise(). 0 gives the exact grid. */
  jitter?: number;
  /**
   * Zero-mean, unit-scale displacement sampler. The reference's fig2e helper draws
   * N(0, 1) (so `jitter` is a standard deviation): pass `normalSampler(mulberry32(seed))` to follow it,
   * or `symmetricUniform(...)` for a displacement uniform in ±jitter.
   */
  noise?: () => number;
}

/**
 * An n×n grid of 2-D points, x1 the slow index and x2 the fast one (the order of the reference's
 * fig2e helper), each coordinate displaced by jitter·noise(): first all x1 displacements, then all x2.
 */
export function jitteredGrid(options: JitteredGridOptions): [number, number][] {
  const { x1Range, x2Range, n, jitter = 0, noise } = options;
  if (jitter !== 0 && noise === undefined)
    throw new Error('jitteredGrid: a nonzero jitter needs a noise sampler');
  const x1 = linspace(x1Range[0], x1Range[1], n);
  const x2 = linspace(x2Range[0], x2Range[1], n);
  const points: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) points.push([x1[i], x2[j]]);
  if (jitter !== 0 && noise !== undefined) {
    for (const point of points) point[0] += jitter * noise();
    for (const point of points) point[1] += jitter * noise();
  }
  return points;
}
