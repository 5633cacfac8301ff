// Any run file as a one-run preset with generic metrics (spikes and mean rate per population,
// latent mean and s.d. after the 50 ms init cut) and plots, the latent plane among them where the
// network has one (planeGeometry.ts). Free of Node APIs: the command line
// (fromRunFile.ts, which reads the file) and the browser app both use it.

import type { RunFileJson } from '../model/runFile.ts';
import type { Metric, Preset } from './preset.ts';
import { mean, standardDeviation } from '../analysis/stats.ts';
import { E_COLOR, I_COLOR, PALETTE_CYCLE, latentsOverTime, raster, totalSpikes, window } from './figures.ts';
import { planeFigure } from './planeGeometry.ts';

export const genericMetrics: Preset['metrics'] = ([sim]) => {
  const seconds = sim.net.S * sim.net.dt;
  const metrics: Metric[] = sim.net.populations.flatMap((p) => {
    const spikes = totalSpikes(sim, p.name);
    return [
      { name: `${p.name} spikes`, value: spikes },
      { name: `${p.name} mean rate`, value: spikes / (p.size * seconds), unit: 'Hz' },
    ];
  });
  const latents = sim.result.trials[0].latents;
  if (latents) {
    const range = window(sim);
    sim.net.channels.forEach((c, l) => {
      metrics.push(
        { name: `${c.name} mean (after 50 ms)`, value: mean(latents[l], range) },
        { name: `${c.name} s.d. (after 50 ms)`, value: standardDeviation(latents[l], range) },
      );
    });
  }
  return metrics;
};

export const genericPlots: Preset['plots'] = ([sim]) => {
  const { latents, spikes } = sim.result.trials[0];
  const plots = [];
  if (latents) {
    const color = (l: number) => {
      const sign = sim.net.populations[sim.net.channels[l].source].sign;
      return sign === 'excitatory' ? E_COLOR : l < 2 ? I_COLOR : PALETTE_CYCLE[l % PALETTE_CYCLE.length];
    };
    const curves = sim.net.channels.map((c, l) => ({ name: c.name, values: latents[l], color: color(l) }));
    plots.push(latentsOverTime(sim, 'latents', curves, 'latent'));
  }
  if (spikes) plots.push(raster(sim, 'spikes'));
  const plane = planeFigure(sim, 'trajectory in the latent plane');
  if ('svg' in plane) plots.push(plane);
  return plots;
};

/** A run file as a one-run preset named `name`. */
export function runFileAsPreset(name: string, run: RunFileJson): Preset {
  return {
    name,
    title: `run file ${name}`,
    runs: () => [run],
    metrics: genericMetrics,
    plots: genericPlots,
  };
}
