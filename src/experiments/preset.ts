// What a paper experiment is, as code: the run files it simulates and how its figure's metrics and
// plots are computed from the results. The runner (runner.ts) does the simulating.

import type { RunFileJson } from '../model/runFile.ts';
import type { CompiledNetwork } from '../model/compile.ts';
import type { SimulationResult } from '../engine/engine.ts';

export interface Metric {
  name: string;
  value: number;
  /** The paper's (reference simulator's) value, where EXPERIMENTS.md gives one. */
  paper?: number | string;
  unit?: string;
}

export interface Plot {
  /** File stem, e.g. "latents" → latents.svg. */
  name: string;
  svg: string;
}

export interface SimulatedRun {
  run: RunFileJson;
  net: CompiledNetwork;
  result: SimulationResult;
}

export interface PresetOptions {
  seed: number;
  /** Override of the number of trials for presets that sweep many (figS2, fig8 mistuning). */
  trials?: number;
}

export interface Preset {
  name: string;
  title: string;
  /** Run files for one seed. */
  runs(options: PresetOptions): RunFileJson[];
  /** Metrics over the simulated runs (in the order `runs` returned them). */
  metrics(runs: SimulatedRun[], options: PresetOptions): Metric[];
  /** Plots of the first seed. */
  plots(runs: SimulatedRun[]): Plot[];
  /** The function y^E should follow, of input dimension 0, where the preset approximates one. */
  target?: (x: number) => number;
}
