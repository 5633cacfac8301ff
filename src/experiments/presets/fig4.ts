// fig4 — rank-2 E/I networks sitting at the intersection of their boundaries (EXPERIMENTS.md).
import { eiGeometry, eiRun, type EIPopulation } from '../networks.ts';
import { constant, linspace, stepInput } from '../inputs.ts';
import type { RunFileJson } from '../../model/runFile.ts';
import type { Preset, SimulatedRun } from '../preset.ts';
import { boundaryIntersection } from '../../construct/eiBoundary.ts';
import { mean } from '../../analysis/stats.ts';
import { eiPlane, latent, raster, totalSpikes, window, eiLatents } from '../figures.ts';

const DT = 5e-5;
const S = 1200;

const SMALL = {
  E: { size: 1, D: 0.62, Eself: 1, Ecross: 1, F: 2, T: 1 } satisfies EIPopulation,
  I: { size: 1, D: 1.0, Eself: 1, Ecross: 1.5, F: 1, T: 1 } satisfies EIPopulation,
};

function largeNetwork(): { E: EIPopulation; I: EIPopulation } {
  const z = linspace(0, 5, 10);
  return {
    E: {
      size: 10,
      D: 1.225,
      Eself: z.map((v) => 0.3 * v),
      Ecross: 1,
      F: 0,
      T: z.map((v) => 0.15 * v * v - 2.5),
    },
    I: {
      size: 10,
      D: 1.8,
      Eself: 1,
      Ecross: z.map((v) => 0.48 * v),
      F: 0,
      T: z.map((v) => 0.24 * v * v - 1.75),
    },
  };
}

/** 1 E + 1 I; x = 0 for samples 0–99, then 1. Boundary intersection (y^E, |y^I|) = (2, 3). */
export function fig4Run(): RunFileJson {
  return eiRun(
    { dt: DT, steps: S, input: stepInput(S, 100, 0, 1), meta: { preset: 'fig4' } },
    SMALL.E,
    SMALL.I,
  );
}

/** 10 E + 10 I with curved boundaries, x = 0; intersection (2.887, 3.75). */
export function fig4LargeRun(): RunFileJson {
  const { E, I } = largeNetwork();
  return eiRun({ dt: DT, steps: S, input: constant(S, 0), meta: { preset: 'fig4-10x10' } }, E, I);
}

function latentSummary(sim: SimulatedRun, t0: number, x: number, geometry: ReturnType<typeof eiGeometry>) {
  const range = window(sim, { t0, t1: Infinity });
  const yE = latent(sim, 'yE');
  const point = boundaryIntersection(geometry, x)!;
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = range.start; k < range.end; k++) {
    lo = Math.min(lo, yE[k]);
    hi = Math.max(hi, yE[k]);
  }
  return { meanE: mean(yE, range), meanI: mean(latent(sim, 'yI'), range), lo, hi, point };
}

export const fig4: Preset = {
  name: 'fig4',
  title: 'fig4 — 1 E + 1 I at the boundary intersection',
  runs: () => [fig4Run()],
  metrics: ([sim]) => {
    const s = latentSummary(sim, 0.03, 1, eiGeometry(SMALL.E, SMALL.I));
    return [
      { name: 'E spikes', value: totalSpikes(sim, 'E'), paper: 20 },
      { name: 'I spikes', value: totalSpikes(sim, 'I'), paper: 20 },
      { name: 'mean y^E (t > 30 ms)', value: s.meanE, paper: 1.9 },
      { name: 'min y^E (t > 30 ms)', value: s.lo, paper: 1.61 },
      { name: 'max y^E (t > 30 ms)', value: s.hi, paper: 2.23 },
      { name: 'mean |y^I| (t > 30 ms)', value: s.meanI, paper: 3.07 },
      { name: 'intersection y^E', value: s.point.yE, paper: 2 },
      { name: 'intersection |y^I|', value: s.point.yI, paper: 3 },
    ];
  },
  plots: ([sim]) => [
    eiLatents(sim, 'fig4: latents'),
    raster(sim, 'fig4: spikes'),
    eiPlane(sim, eiGeometry(SMALL.E, SMALL.I), 'fig4: trajectory in the latent plane'),
  ],
};

export const fig4Large: Preset = {
  name: 'fig4-10x10',
  title: 'fig4 — 10 E + 10 I with curved boundaries',
  runs: () => [fig4LargeRun()],
  metrics: ([sim]) => {
    const { E, I } = largeNetwork();
    const s = latentSummary(sim, 0.03, 0, eiGeometry(E, I));
    return [
      { name: 'E spikes', value: totalSpikes(sim, 'E') },
      { name: 'I spikes', value: totalSpikes(sim, 'I') },
      { name: 'mean y^E (t > 30 ms)', value: s.meanE },
      { name: 'mean |y^I| (t > 30 ms)', value: s.meanI },
      { name: 'intersection y^E', value: s.point.yE, paper: 2.887 },
      { name: 'intersection |y^I|', value: s.point.yI, paper: 3.75 },
    ];
  },
  plots: ([sim]) => {
    const { E, I } = largeNetwork();
    return [
      eiLatents(sim, 'fig4 (10+10): latents'),
      raster(sim, 'fig4 (10+10): spikes'),
      eiPlane(sim, eiGeometry(E, I), 'fig4 (10+10): trajectory in the latent plane'),
    ];
  },
};
