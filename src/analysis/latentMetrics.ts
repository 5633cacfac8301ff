// Accuracy of a recorded latent (or readout) against a reference: RMSE and the signed mean error
// (values − target, so a latent below its target has a negative mean error). Ranges are sample
// indices, usually from sampleRange(); an empty range gives NaN.

import { checkRange, wholeRange } from './window.ts';
import type { IndexRange } from './window.ts';

/** √(mean((values[k] − target(k))²)) over the range. */
export function rmseAgainst(
  values: ArrayLike<number>,
  target: (sample: number) => number,
  range: IndexRange = wholeRange(values.length),
): number {
  checkRange(range, values.length);
  let sum = 0;
  for (let k = range.start; k < range.end; k++) {
    const d = values[k] - target(k);
    sum += d * d;
  }
  return Math.sqrt(sum / (range.end - range.start));
}

/** mean(values[k] − target(k)) over the range. */
export function meanErrorAgainst(
  values: ArrayLike<number>,
  target: (sample: number) => number,
  range: IndexRange = wholeRange(values.length),
): number {
  checkRange(range, values.length);
  let sum = 0;
  for (let k = range.start; k < range.end; k++) sum += values[k] - target(k);
  return sum / (range.end - range.start);
}

function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`series lengths differ: ${a.length} and ${b.length}`);
}

/** RMSE of a against b, sample by sample, over the range. */
export function rmse(a: ArrayLike<number>, b: ArrayLike<number>, range?: IndexRange): number {
  checkSameLength(a, b);
  return rmseAgainst(a, (k) => b[k], range);
}

/** mean(a − b) over the range. */
export function meanError(a: ArrayLike<number>, b: ArrayLike<number>, range?: IndexRange): number {
  checkSameLength(a, b);
  return meanErrorAgainst(a, (k) => b[k], range);
}
