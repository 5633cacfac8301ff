// Input signals shared by the paper's experiments (EXPERIMENTS.md, "Shared conventions"), as plain
// arrays because they go into run-file JSON.

import { linspace as linspaceTyped } from '../construct/grid.ts';

export function linspace(a: number, b: number, n: number): number[] {
  return Array.from(linspaceTyped(a, b, n));
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
