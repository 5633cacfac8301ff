// Descriptive statistics over an index range of a series. Variances are population variances
// (ddof = 0, NumPy's default, which the reference's metrics use).

import { checkRange, wholeRange } from './window.ts';
import type { IndexRange } from './window.ts';

/** Mean over the range; NaN for an empty range. */
export function mean(values: ArrayLike<number>, range: IndexRange = wholeRange(values.length)): number {
  checkRange(range, values.length);
  let sum = 0;
  for (let i = range.start; i < range.end; i++) sum += values[i];
  return sum / (range.end - range.start);
}

/**
 * Population variance (divides by n) over the range: two passes over values shifted by the first
 * one, so a constant series gives exactly 0 (its mean need not be representable) and large offsets
 * cancel before squaring.
 */
export function variance(values: ArrayLike<number>, range: IndexRange = wholeRange(values.length)): number {
  checkRange(range, values.length);
  const n = range.end - range.start;
  const shift = n > 0 ? values[range.start] : 0;
  let m = 0;
  for (let i = range.start; i < range.end; i++) m += values[i] - shift;
  m /= n;
  let sum = 0;
  for (let i = range.start; i < range.end; i++) {
    const d = values[i] - shift - m;
    sum += d * d;
  }
  return sum / n;
}

/** Population standard deviation over the range. */
export function standardDeviation(
  values: ArrayLike<number>,
  range: IndexRange = wholeRange(values.length),
): number {
  return Math.sqrt(variance(values, range));
}

/** s.d. / mean with the population s.d.; NaN when the mean is 0. */
export function coefficientOfVariation(
  values: ArrayLike<number>,
  range: IndexRange = wholeRange(values.length),
): number {
  const m = mean(values, range);
  return m === 0 ? NaN : standardDeviation(values, range) / m;
}

/** The middle value (mean of the two middle values for an even count); benchmarks report it. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Least-squares slope of log y against log x: the exponent b of y ∝ x^b (1 = linear scaling).
 * NaN with fewer than two distinct x.
 */
export function logLogSlope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`logLogSlope: ${x.length} x against ${y.length} y`);
  const lx = Array.from(x, Math.log);
  const ly = Array.from(y, Math.log);
  const mx = mean(lx);
  const my = mean(ly);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : NaN;
}
