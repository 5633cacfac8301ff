// Input signals shared by the paper's experiments (EXPERIMENTS.md, "Shared conventions").

export function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  // NumPy's linspace: a + k·step, with the last sample exactly b.
  const step = (b - a) / (n - 1);
  const out = Array.from({ length: n }, (_, k) => a + k * step);
  out[n - 1] = b;
  return out;
}

/** k = floor(S/divisor) samples at −1, then linspace(−1, 1, S − k). */
export function stepThenRamp(S: number, divisor = 6): number[] {
  const k = Math.floor(S / divisor);
  return [...new Array<number>(k).fill(-1), ...linspace(-1, 1, S - k)];
}

/** `before` for the first `k` samples, `after` from then on. */
export function stepInput(S: number, k: number, before: number, after: number): number[] {
  return Array.from({ length: S }, (_, t) => (t < k ? before : after));
}

export function constant(S: number, value: number): number[] {
  return new Array<number>(S).fill(value);
}
