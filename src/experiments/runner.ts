// Runs a preset for one or more seeds on an engine and aggregates its metrics (mean and s.d. over
// seeds). An abort keeps every seed that finished: the report says `interrupted` and lists them.
// So does a seed that fails (a lost GPU device the engine could not replace, an out-of-memory
// error): the seeds after it are not run, and the report names the seed and the error.

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
  /** The seed that failed and why (the seeds after it were not run), or null. */
  failed: { seed: number; error: string } | null;
  metrics: AggregatedMetric[];
  simulateSeconds: number;
}

export interface PresetOutcome {
  report: PresetReport;
  /** The runs of the first finished seed (for result.json and plots); empty if none finished. */
  firstRuns: SimulatedRun[];
  plots: Plot[];
  /** What the failed seed threw (report.failed says which seed), or null. */
  error: Error | null;
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
  let failed: PresetReport['failed'] = null;
  let error: Error | null = null;
  let simulateSeconds = 0;
  let seed = firstSeed;
  try {
    for (let s = 0; s < seeds; s++) {
      seed = firstSeed + s;
      const presetOptions: PresetOptions = { seed, trials: options.trials };
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
    if (isAbortError(e)) interrupted = true;
    else {
      error = e instanceof Error ? e : new Error(String(e));
      failed = { seed, error: error.message };
    }
  }
  return {
    report: {
      preset: preset.name,
      title: preset.title,
      backend: engine.backend,
      seeds: finishedSeeds,
      interrupted,
      failed,
      metrics: aggregate(perSeed),
      simulateSeconds,
    },
    firstRuns,
    plots: firstRuns.length > 0 ? preset.plots(firstRuns) : [],
    error,
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
