// Interval statistics for study reports: a mean over seeds with its Student-t 95% interval, and a
// least-squares power law through (x, y) with the 95% interval of its exponent. The t quantile is
// computed exactly (to double precision) by inverting the t distribution's tail, which is a
// regularized incomplete beta function, so small seed counts get the right interval width.

export interface MeanInterval {
  mean: number;
  /** Lower end of the 95% interval (equal to the mean when n = 1). */
  low: number;
  high: number;
  n: number;
}

export interface PowerLawFit {
  /** Exponent b of y = 10^intercept · x^b (the slope of log10 y against log10 x). */
  slope: number;
  intercept: number;
  /** Lower end of the slope's 95% interval. */
  low: number;
  high: number;
  /** Points used: those with x > 0 and y > 0. */
  n: number;
}

/** Mean of finite values and its 95% interval, mean ± t(0.975, n − 1) · s / √n. */
export function meanInterval(values: number[]): MeanInterval {
  const n = values.length;
  if (n === 0) throw new RangeError('meanInterval: no values');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, low: mean, high: mean, n };
  const sumSquares = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  const half = (studentTQuantile(0.975, n - 1) * Math.sqrt(sumSquares / (n - 1))) / Math.sqrt(n);
  return { mean, low: mean - half, high: mean + half, n };
}

/**
 * Ordinary least squares of log10 y on log10 x over the points where both are positive and
 * finite, with the slope's 95% interval slope ± t(0.975, n − 2) · SE. Null with fewer than three
 * such points (two points fix a line but leave no residual to estimate its uncertainty) or when all
 * x are equal.
 */
export function logLogFit(x: number[], y: number[]): PowerLawFit | null {
  if (x.length !== y.length) {
    throw new RangeError(`logLogFit: x has ${x.length} values but y has ${y.length}`);
  }
  const lx: number[] = [];
  const ly: number[] = [];
  x.forEach((xi, i) => {
    if (xi > 0 && y[i] > 0 && Number.isFinite(xi) && Number.isFinite(y[i])) {
      lx.push(Math.log10(xi));
      ly.push(Math.log10(y[i]));
    }
  });
  const n = lx.length;
  if (n < 3) return null;
  const mx = lx.reduce((a, b) => a + b, 0) / n;
  const my = ly.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (lx[i] - mx) ** 2;
    sxy += (lx[i] - mx) * (ly[i] - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ly[i] - intercept - slope * lx[i]) ** 2;
  const half = studentTQuantile(0.975, n - 2) * Math.sqrt(sse / (n - 2) / sxx);
  return { slope, intercept, low: slope - half, high: slope + half, n };
}

/** The t with P(T ≤ t) = p for Student's t with `df` > 0 degrees of freedom, 0 < p < 1. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) {
    throw new RangeError(`studentTQuantile: need 0 < p < 1 and df > 0, got p = ${p}, df = ${df}`);
  }
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  const tail = 1 - p;
  // The upper tail falls monotonically in t: bracket the root, then bisect to the last bit.
  let lo = 0;
  let hi = 1;
  while (studentTUpperTail(hi, df) > tail) {
    lo = hi;
    hi *= 2;
  }
  for (let mid = (lo + hi) / 2; mid > lo && mid < hi; mid = (lo + hi) / 2) {
    if (studentTUpperTail(mid, df) > tail) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** P(T > t) for t ≥ 0: ½ · I_x(df/2, 1/2) with x = df / (df + t²). */
export function studentTUpperTail(t: number, df: number): number {
  const t2 = t * t;
  return 0.5 * regularizedBeta(df / (df + t2), t2 / (df + t2), df / 2, 0.5);
}

/**
 * The regularized incomplete beta function I_x(a, b), given x and 1 − x separately so that
 * neither loses digits near 1. Its continued fraction (modified Lentz) converges fast for
 * x < (a + 1) / (a + b + 2); beyond that the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) applies.
 */
function regularizedBeta(x: number, y: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedBeta(y, x, b, a);
  const front = Math.exp(a * Math.log(x) + b * Math.log(y) - logBeta(a, b)) / a;
  return front * betaContinuedFraction(x, a, b);
}

const TINY = 1e-300;

function betaContinuedFraction(x: number, a: number, b: number): number {
  const clamp = (v: number): number => (Math.abs(v) < TINY ? TINY : v);
  let c = 1;
  let d = 1 / clamp(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    // Even step d_{2m}, then odd step d_{2m+1} of the continued fraction.
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / clamp(1 + even * d);
    c = clamp(1 + even / c);
    h *= d * c;
    const odd = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 / clamp(1 + odd * d);
    c = clamp(1 + odd / c);
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-16) return h;
  }
  throw new RangeError(`regularizedBeta: no convergence for x = ${x}, a = ${a}, b = ${b}`);
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

// Lanczos approximation (g = 7, 9 terms): relative error below 1e-15 for positive arguments.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const w = z - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (w + i);
  const t = w + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (w + 0.5) * Math.log(t) - t + Math.log(sum);
}
