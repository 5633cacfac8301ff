// fig2 — noiseless inhibitory population on a stable boundary (EXPERIMENTS.md).
import { inhibitoryPopulationRun } from '../networks.ts';
import { linspace, stepThenRamp } from '../inputs.ts';
import type { RunFileJson } from '../../model/runFile.ts';

/** Target y = a·x² + b·x + c of fig2/fig6/fig10/figS2: −x² − 0.5. */
export const QUADRATIC = { a: -1, b: 0, c: -0.5 };

/**
 * Tangent lines to y = a·x² + b·x + c at `points`, computed as the reference does
 * (F = −f′(x_i), T = F·x_i + f(x_i), in that floating-point order) so spike counts match exactly.
 */
export function quadraticTangents(points: number[]): { F: number[]; T: number[] } {
  const { a, b, c } = QUADRATIC;
  const F = points.map((x) => -(2 * a * x + b));
  const T = points.map((x, i) => F[i] * x + (a * x * x + b * x + c));
  return { F, T };
}

export function fig2Run(): RunFileJson {
  const S = 3000;
  const { F, T } = quadraticTangents(linspace(-0.9, 0.9, 10));
  // The reference scales unit decoders: 2·(−0.25 + linspace(−0.15, 0.05)) = linspace(−0.8, −0.4).
  const D = linspace(-0.15, 0.05, 10).map((v) => 2 * (-0.25 + v));
  return inhibitoryPopulationRun(
    { dt: 1e-4, steps: S, input: stepThenRamp(S), meta: { preset: 'fig2' } },
    { size: 10, D, F, T, clampAtThreshold: true },
  );
}
