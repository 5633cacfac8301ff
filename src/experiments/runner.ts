// Runs a preset for one or more seeds on an engine and aggregates its metrics (mean and s.d. over
// seeds). An abort keeps every seed that finished: the report says `interrupted` and lists them.

import type { Engine } from '../engine/engine.ts';
import { parseRunFile } from '../model/parse.ts';
import { compileNetwork } from '../model/compile.ts';
import type { Metric, Plot, Preset, PresetOptions, SimulatedRun } from './preset.ts';
import { mean, standardDeviation } from '../analysis/stats.ts';

export interface AggregatedMetric {
  name: string;
  /** Mean over seeds. */
  value: number;
  /** Population s.d. over seeds (0 for one seed). */
  sd: number;
  perSeed: number[];
  paper?: number | string;
  unit?: string;
}

export interface PresetReport {
  preset: string;
  title: string;
  backend: string;
  seeds: number[];
  interrupted: boolean;
  metrics: AggregatedMetric[];
  simulateSeconds: number;
}

export interface PresetOutcome {
  report: PresetReport;
  /** The runs of the first finished seed (for result.json and plots); empty if none finished. */
  firstRuns: SimulatedRun[];
  plots: Plot[];
}

export interface RunPresetOptions {
  seeds?: number;
  firstSeed?: number;
  trials?: number;
  /** Fraction of the whole job done, in [0, 1]. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

export async function runPreset(
  preset: Preset,
  engine: Engine,
  options: RunPresetOptions = {},
): Promise<PresetOutcome> {
  const seeds = options.seeds ?? 1;
  const firstSeed = options.firstSeed ?? 0;
  const perSeed: Metric[][] = [];
  const finishedSeeds: number[] = [];
  let firstRuns: SimulatedRun[] = [];
  let interrupted = false;
  let simulateSeconds = 0;
  try {
    for (let s = 0; s < seeds; s++) {
      const presetOptions: PresetOptions = { seed: firstSeed + s, trials: options.trials };
      const runs = preset.runs(presetOptions);
      const simulated: SimulatedRun[] = [];
      for (let r = 0; r < runs.length; r++) {
        const net = compileNetwork(parseRunFile(runs[r]));
        const result = await engine.run(net, {
          signal: options.signal,
          onProgress: (done, total) => options.onProgress?.((s + (r + done / total) / runs.length) / seeds),
        });
        simulateSeconds += result.timing.simulateSeconds;
        simulated.push({ run: runs[r], net, result });
      }
      perSeed.push(preset.metrics(simulated, presetOptions));
      finishedSeeds.push(firstSeed + s);
      if (s === 0) firstRuns = simulated;
    }
  } catch (e) {
    if (!isAbortError(e)) throw e;
    interrupted = true;
  }
  return {
    report: {
      preset: preset.name,
      title: preset.title,
      backend: engine.backend,
      seeds: finishedSeeds,
      interrupted,
      metrics: aggregate(perSeed),
      simulateSeconds,
    },
    firstRuns,
    plots: firstRuns.length > 0 ? preset.plots(firstRuns) : [],
  };
}

function aggregate(perSeed: Metric[][]): AggregatedMetric[] {
  if (perSeed.length === 0) return [];
  return perSeed[0].map((m, i) => {
    const values = perSeed.map((metrics) => metrics[i].value);
    return {
      name: m.name,
      value: mean(values),
      sd: standardDeviation(values),
      perSeed: values,
      paper: m.paper,
      unit: m.unit,
    };
  });
}
