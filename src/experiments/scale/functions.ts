// The functions a scaling study approximates. Each is a small E/I network of the paper's
// construction (one neuron per boundary piece, the "base", m = 1) together with the target y^E
// should follow; the study repeats every base neuron m times (network.ts).

import { FIG5_DECODERS, fig5Populations, FIG5_TARGET, interpolate } from '../presets/fig5.ts';
import { tutorialPopulations, tutorialTarget } from '../presets/tutorial.ts';
import type { EIPopulation } from '../networks.ts';

export type ScaleFunctionName = 'fig5' | 'tutorial';
export const SCALE_FUNCTIONS: readonly ScaleFunctionName[] = ['fig5', 'tutorial'];

export interface ScaleFunction {
  name: ScaleFunctionName;
  title: string;
  /** The base network in paper units; mu, noise and synapses are the study's, not these. */
  E: EIPopulation;
  I: EIPopulation;
  /** The input range swept after the init cut (the target's domain). */
  xRange: [number, number];
  target(x: number): number;
}

export function scaleFunction(name: ScaleFunctionName): ScaleFunction {
  if (name === 'fig5') {
    // fig5Run's decoders; the target is fig5's boundary intersection, as fig5Accuracy measures it.
    const { E, I } = fig5Populations(FIG5_DECODERS.E, FIG5_DECODERS.I);
    return {
      name,
      title: 'fig5 zigzag (3 E + 3 I boundary neurons)',
      E,
      I,
      xRange: [0, 10],
      target: (x) => interpolate(FIG5_TARGET.x, FIG5_TARGET.yE, x),
    };
  }
  const { E, I } = tutorialPopulations();
  return {
    name,
    title: 'tutorial f(x) = 3 + sin(1.1x) + 0.6 sin(2.3x + 0.5) (50 E + 50 I neurons)',
    E,
    I,
    xRange: [0, 10],
    target: tutorialTarget,
  };
}

/** Neurons of the base network (m = 1). */
export function baseSize(fn: ScaleFunction): number {
  return fn.E.size + fn.I.size;
}
