// fig4 — rank-2 E/I networks sitting at the intersection of their boundaries (EXPERIMENTS.md).
import { eiRun } from '../networks.ts';
import { constant, linspace, stepInput } from '../inputs.ts';
import type { RunFileJson } from '../../model/runFile.ts';

const DT = 5e-5;
const S = 1200;

/** 1 E + 1 I; x = 0 for samples 0–99, then 1. Boundary intersection (y^E, |y^I|) = (2, 3). */
export function fig4Run(): RunFileJson {
  return eiRun(
    { dt: DT, steps: S, input: stepInput(S, 100, 0, 1), meta: { preset: 'fig4' } },
    { size: 1, D: 0.62, Eself: 1, Ecross: 1, F: 2, T: 1 },
    { size: 1, D: 1.0, Eself: 1, Ecross: 1.5, F: 1, T: 1 },
  );
}

/** 10 E + 10 I with curved boundaries, x = 0; intersection (2.887, 3.75). */
export function fig4LargeRun(): RunFileJson {
  const z = linspace(0, 5, 10);
  return eiRun(
    { dt: DT, steps: S, input: constant(S, 0), meta: { preset: 'fig4-10x10' } },
    { size: 10, D: 1.225, Eself: z.map((v) => 0.3 * v), Ecross: 1, F: 0, T: z.map((v) => 0.15 * v * v - 2.5) },
    { size: 10, D: 1.8, Eself: 1, Ecross: z.map((v) => 0.48 * v), F: 0, T: z.map((v) => 0.24 * v * v - 1.75) },
  );
}
