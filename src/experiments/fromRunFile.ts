// `latentspike run RUN.json`: any run file treated as a one-run preset with generic metrics
// (spikes and rates per population, latent mean and s.d. after the init cut) and plots.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseRunFileText } from '../model/parse.ts';
import type { RunFileJson } from '../model/runFile.ts';
import type { Metric, Preset } from './preset.ts';
import { mean, standardDeviation } from '../analysis/stats.ts';
import { E_COLOR, I_COLOR, PALETTE_CYCLE, latentsOverTime, raster, totalSpikes, window } from './figures.ts';

/** Returns undefined when `path` does not end in .json (so the caller can report an unknown preset). */
export function runFilePreset(path: string): Preset | undefined {
  if (!path.endsWith('.json')) return undefined;
  const text = readFileSync(path, 'utf8');
  parseRunFileText(text, path); // validate up front: a bad file must fail before anything runs
  const run = JSON.parse(text) as RunFileJson;
  return {
    name: basename(path, '.json'),
    title: `run file ${path}`,
    runs: () => [run],
    metrics: ([sim]) => {
      const seconds = sim.net.S * sim.net.dt;
      const metrics: Metric[] = sim.net.populations.flatMap((p) => {
        const spikes = totalSpikes(sim, p.name);
        return [
          { name: `${p.name} spikes`, value: spikes },
          { name: `${p.name} mean rate`, value: spikes / (p.size * seconds), unit: 'Hz' },
        ];
      });
      if (sim.result.trials[0].latents) {
        const range = window(sim);
        sim.net.channels.forEach((c, l) => {
          const values = sim.result.trials[0].latents![l];
          metrics.push(
            { name: `${c.name} mean (after 50 ms)`, value: mean(values, range) },
            { name: `${c.name} s.d. (after 50 ms)`, value: standardDeviation(values, range) },
          );
        });
      }
      return metrics;
    },
    plots: ([sim]) => {
      const plots = [];
      if (sim.result.trials[0].latents) {
        plots.push(
          latentsOverTime(
            sim,
            'latents',
            sim.net.channels.map((c, l) => ({
              name: c.name,
              values: sim.result.trials[0].latents![l],
              color:
                sim.net.populations[c.source].sign === 'excitatory'
                  ? E_COLOR
                  : l < 2
                    ? I_COLOR
                    : PALETTE_CYCLE[l % PALETTE_CYCLE.length],
            })),
            'latent',
          ),
        );
      }
      if (sim.result.trials[0].spikes) plots.push(raster(sim, 'spikes'));
      return plots;
    },
  };
}
