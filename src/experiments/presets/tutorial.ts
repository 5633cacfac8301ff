// tutorial — any 1-D function with 50 E + 50 I: piecewise-linear fit, difference-of-convex split,
// tangent planes at y^E = 5 along x (EXPERIMENTS.md, the authors' tutorial notebook).
import { eiGeometry, eiRun, type EIPopulation } from '../networks.ts';
import { linspace } from '../inputs.ts';
import type { RunFileJson } from '../../model/runFile.ts';
import type { Metric, Preset, SimulatedRun } from '../preset.ts';
import {
  buildDifferenceOfConvex,
  type DifferenceOfConvexNetwork,
} from '../../construct/differenceOfConvex.ts';
import { rmseAgainst } from '../../analysis/latentMetrics.ts';
import { eiPlane, inputAt, latent, raster, totalSpikes, window, eiLatents } from '../figures.ts';

export const tutorialTarget = (x: number): number => 3 + Math.sin(1.1 * x) + 0.6 * Math.sin(2.3 * x + 0.5);
const X_RANGE: [number, number] = [0, 10];
const SEGMENTS = 40;
const NEURONS_PER_POPULATION = 50;

export function tutorialConstruction(): DifferenceOfConvexNetwork {
  return buildDifferenceOfConvex({ f: tutorialTarget, xRange: X_RANGE, segments: SEGMENTS });
}

/**
 * One neuron per tangent point x_j = linspace(0, 10, 50) and population: the boundary piece active at
 * (x_j, y^E = 5). Where a boundary is linear over several x_j its neurons share one line (redundant
 * copies), as in the paper's construction of a fixed-size network.
 */
export function tutorialPopulations(dc = tutorialConstruction()): { E: EIPopulation; I: EIPopulation } {
  const xs = linspace(X_RANGE[0], X_RANGE[1], NEURONS_PER_POPULATION);
  const yEv = 5;
  const pick = (self: Float64Array, cross: Float64Array, F: Float64Array, T: Float64Array) =>
    xs.map((x) => {
      let best = 0;
      let bestValue = -Infinity;
      for (let i = 0; i < T.length; i++) {
        const v = (self[i] * yEv + F[i] * x - T[i]) / cross[i];
        if (v > bestValue) {
          bestValue = v;
          best = i;
        }
      }
      return best;
    });
  const e = pick(dc.E_EE, dc.E_EI, dc.F_E, dc.T_E);
  const i = pick(dc.E_IE, dc.E_II, dc.F_I, dc.T_I);
  return {
    E: {
      size: e.length,
      D: 0.5,
      Eself: e.map((k) => dc.E_EE[k]),
      Ecross: e.map((k) => dc.E_EI[k]),
      F: e.map((k) => dc.F_E[k]),
      T: e.map((k) => dc.T_E[k]),
      mu: 0.01,
      sigmaV: 0.01,
    },
    I: {
      size: i.length,
      D: 1.0,
      Eself: i.map((k) => dc.E_II[k]),
      Ecross: i.map((k) => dc.E_IE[k]),
      F: i.map((k) => dc.F_I[k]),
      T: i.map((k) => dc.T_I[k]),
      mu: 0.01,
      sigmaV: 0.01,
    },
  };
}

export interface FunctionRunOptions {
  /** The run's seed (default 0). */
  seed?: number;
  /** Steps of 50 µs over which the input ramps from −2.5 to 10 (default 5000: 250 ms). */
  steps?: number;
  /** Free-form provenance copied into the run file. */
  meta?: Record<string, unknown>;
}

/**
 * The run of a constructed network (tutorialConstruction, or buildDifferenceOfConvex of any f on
 * [0, 10]): its 50 E + 50 I tangent neurons (tutorialPopulations), the input ramping from −2.5 to 10.
 */
export function functionRun(dc: DifferenceOfConvexNetwork, options: FunctionRunOptions = {}): RunFileJson {
  const { seed = 0, steps = 5000, meta } = options;
  const { E, I } = tutorialPopulations(dc);
  return eiRun({ dt: 5e-5, steps, input: linspace(-2.5, 10, steps), seed, ...(meta ? { meta } : {}) }, E, I);
}

export interface FunctionNetwork {
  /** The piecewise-linear fit of f, split into a difference of convex boundaries. */
  construction: DifferenceOfConvexNetwork;
  /** A run file for parseRunFile / compileNetwork (latent yE tracks f(x) as x ramps). */
  run: RunFileJson;
}

/** Any f on x ∈ [0, 10] as a network of 50 E + 50 I neurons, built as the tutorial builds its own. */
export function functionNetwork(f: (x: number) => number, options: FunctionRunOptions = {}): FunctionNetwork {
  const construction = buildDifferenceOfConvex({ f, xRange: X_RANGE, segments: SEGMENTS });
  return { construction, run: functionRun(construction, options) };
}

export function tutorialRun(seed: number): RunFileJson {
  return functionRun(tutorialConstruction(), { seed, meta: { preset: 'tutorial' } });
}

/** Spikes, and y^E against the network's boundary intersection and against the target itself. */
export function functionMetrics(
  sim: SimulatedRun,
  dc: DifferenceOfConvexNetwork,
  f: (x: number) => number,
): Metric[] {
  const range = window(sim);
  const yE = latent(sim, 'yE');
  return [
    { name: 'E spikes', value: totalSpikes(sim, 'E') },
    { name: 'I spikes', value: totalSpikes(sim, 'I') },
    {
      name: 'RMSE y^E vs boundary intersection',
      value: rmseAgainst(yE, (k) => dc.yEStar(inputAt(sim, k)), range),
    },
    { name: 'RMSE y^E vs f', value: rmseAgainst(yE, (k) => f(inputAt(sim, k)), range) },
  ];
}

export const tutorial: Preset = {
  name: 'tutorial',
  title: 'tutorial — f(x) = 3 + sin(1.1x) + 0.6 sin(2.3x + 0.5) with 50 E + 50 I',
  runs: ({ seed }) => [tutorialRun(seed)],
  target: tutorialTarget,
  metrics: ([sim]) => functionMetrics(sim, tutorialConstruction(), tutorialTarget),
  plots: ([sim]) => tutorialPlots(sim),
};

function tutorialPlots(sim: SimulatedRun) {
  const dc = tutorialConstruction();
  const yE = latent(sim, 'yE');
  const { E, I } = tutorialPopulations(dc);
  return [
    eiLatents(sim, 'tutorial: y^E against f', [
      {
        name: 'f(x)',
        values: yE.map((_, k) => tutorialTarget(inputAt(sim, k))),
        color: '#000',
        dashed: true,
      },
    ]),
    raster(sim, 'tutorial: spikes'),
    eiPlane(sim, eiGeometry(E, I), 'tutorial: trajectory in the latent plane'),
  ];
}
