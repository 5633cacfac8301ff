// E/I balance: how closely a neuron's inhibitory input tracks its excitatory input (EXPERIMENTS.md
// fig8), measured as the Pearson correlation of the two input series.

import { checkRange, wholeRange } from './window.ts';
import type { IndexRange } from './window.ts';

/** Pearson correlation of x and y over the range (two-pass); NaN when either series is constant. */
export function pearsonCorrelation(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  range: IndexRange = wholeRange(x.length),
): number {
  if (x.length !== y.length) throw new RangeError(`series lengths differ: ${x.length} and ${y.length}`);
  checkRange(range, x.length);
  const n = range.end - range.start;
  // Shift by the first pair so a constant series has exactly zero spread (hence NaN, not noise).
  const sx = n > 0 ? x[range.start] : 0;
  const sy = n > 0 ? y[range.start] : 0;
  let mx = 0;
  let my = 0;
  for (let i = range.start; i < range.end; i++) {
    mx += x[i] - sx;
    my += y[i] - sy;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = range.start; i < range.end; i++) {
    const dx = x[i] - sx - mx;
    const dy = y[i] - sy - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  // Clamp: rounding can push |r| a hair past 1 for exactly linear series.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}
