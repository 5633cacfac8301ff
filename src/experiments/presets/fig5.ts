// fig5 — function approximation as a difference of convex functions, 3 E + 3 I (EXPERIMENTS.md).
import { eiRun } from '../networks.ts';
import { linspace } from '../inputs.ts';
import type { RunFileJson } from '../../model/runFile.ts';

/** Tangent planes at x_v = 0, 5, 10 with y^E_v = 5 (EXPERIMENTS.md gives the resulting numbers). */
export const FIG5_NEURONS = {
  E: { Eself: 0.3, Ecross: 1, F: [0.4, 1.2, 2.8], T: [-0.535, 1.025, 10.545] },
  I: { Eself: 1, Ecross: 0.9, F: [0.4, 2.0, 3.6], T: [1.135, 7.455, 20.175] },
};

/** The boundary intersection y^E*(x) and |y^I|*(x) at x = 0, 2, …, 10 (piecewise linear between). */
export const FIG5_TARGET = {
  x: [0, 2, 4, 6, 8, 10],
  yE: [2.8, 2.85, 5.4, 2.85, 5.4, 2.7],
  yI: [1.38, 2.23, 5.4, 7.11, 13.48, 18.25],
};

export function fig5Run(): RunFileJson {
  const S = 5000;
  const { E, I } = FIG5_NEURONS;
  return eiRun(
    { dt: 5e-5, steps: S, input: linspace(-2.5, 10, S), meta: { preset: 'fig5' } },
    { size: 3, D: [1.05, 1.075, 1.025].map((v) => 0.75 * v), ...E },
    { size: 3, D: [0.9, 1.5, 2.5].map((v) => 0.75 * v), ...I },
  );
}
