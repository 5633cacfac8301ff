// Redundancy, the route to large networks (MODEL.md §9): every neuron is repeated m times and each
// copy gets 1/m of its decoder, so the copies share one threshold line, the boundaries and the
// latent fixed point stay where they were, and each spike kicks the latent m times less.

import { symmetricUniform } from './rng.ts';

export interface RedundancyOptions<K extends string> {
  /** The key of the array that holds the decoders (the only one that is scaled). */
  decoder: NoInfer<K>;
  /**
   * Optional multiplicative jitter on each copy's decoder: D·(1 + jitter·u)/m with u uniform in
   * [−1, 1), independent per copy. Unbiased (the expected decoder mass is kept, not the exact one).
   * Limited to [0, 1] so a decoder never changes sign (Dale's law). Thresholds are not jittered.
   */
  jitter?: number;
  /** Uniform [0, 1) source for the jitter, e.g. `mulberry32(seed)`. Required when jitter > 0. */
  rand?: () => number;
}

/**
 * `source` holds rows of `row` values, one per neuron; each row repeated m times, copies adjacent
 * (row i becomes rows i·m … i·m + m − 1).
 */
export function repeatCopies(source: ArrayLike<number>, m: number, row = 1): Float64Array {
  const n = source.length / row;
  const copy = new Float64Array(source.length * m);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < m; c++) {
      for (let k = 0; k < row; k++) copy[(i * m + c) * row + k] = source[i * row + k];
    }
  }
  return copy;
}

/**
 * Repeats each neuron m times, copies adjacent (neuron i becomes i·m … i·m + m − 1). Every array
 * in `params` is per neuron; an array of k·n values (n = number of decoders) is read as n rows of
 * k, e.g. 2-D input weights, and its rows are repeated.
 */
export function redundant<K extends string>(
  params: Record<K, ArrayLike<number>>,
  m: number,
  options: RedundancyOptions<K>,
): Record<K, Float64Array> {
  const { decoder, jitter = 0 } = options;
  if (!Number.isInteger(m) || m < 1) throw new Error(`redundant: m must be a positive integer, got ${m}`);
  if (!(jitter >= 0 && jitter <= 1)) throw new Error(`redundant: jitter must lie in [0, 1], got ${jitter}`);
  if (jitter > 0 && options.rand === undefined) throw new Error('redundant: jitter needs a rand source');
  const n = params[decoder].length;
  const keys = Object.keys(params) as K[];
  const out = {} as Record<K, Float64Array>;
  for (const key of keys) {
    const source = params[key];
    if (n === 0 || source.length % n !== 0) {
      throw new Error(`redundant: '${key}' has ${source.length} values, not a multiple of ${n} neurons`);
    }
    out[key] = repeatCopies(source, m, source.length / n);
  }
  const noise = jitter > 0 && options.rand !== undefined ? symmetricUniform(options.rand) : () => 0;
  const decoders = out[decoder];
  for (let i = 0; i < decoders.length; i++) decoders[i] *= (1 + jitter * noise()) / m;
  return out;
}
