// Plots and metric helpers shared by the presets: latents against their boundary or target over
// time, the spike raster, and the trajectory in the (y^E, |y^I|) plane with both boundaries.

import { linePlot, planePlot, rasterPlot } from '../report/plots.ts';
import { sampleRange, INIT_CUT_WINDOW, type IndexRange, type TimeWindow } from '../analysis/window.ts';
import { boundaryE, boundaryI, type EINetwork } from '../construct/eiBoundary.ts';
import type { Plot, SimulatedRun } from './preset.ts';

export const E_COLOR = '#d62728';
export const I_COLOR = '#1f77b4';
export { PALETTE as PALETTE_CYCLE } from '../report/svg.ts';

/** Latent channel `name` as recorded; a clear error when the network has no such channel. */
export function latent(sim: SimulatedRun, name: string, trial = 0): Float64Array {
  const l = sim.net.channels.findIndex((c) => c.name === name);
  if (l < 0) {
    const names = sim.net.channels.map((c) => c.name).join(', ');
    throw new Error(`this network has no latent channel named ${name} (its channels: ${names})`);
  }
  return sim.result.trials[trial].latents![l];
}

/**
 * The channels the plane's axes are: the one sourced by the excitatory population and the one
 * sourced by the inhibitory population, whatever they are named (planeGeometry.ts).
 */
export function eiChannels(sim: SimulatedRun): { E: number; I: number } {
  const { channels, populations } = sim.net;
  const sourcedBy = (sign: string) =>
    channels.flatMap((c, l) => (populations[c.source].sign === sign ? [l] : []));
  const [E, I] = [sourcedBy('excitatory'), sourcedBy('inhibitory')];
  if (E.length !== 1 || I.length !== 1) {
    throw new Error(
      'the latent plane needs one channel sourced by an excitatory population and one by an inhibitory one',
    );
  }
  return { E: E[0], I: I[0] };
}

export function readout(sim: SimulatedRun, name: string, trial = 0): Float64Array {
  const q = sim.net.readouts.findIndex((r) => r.name === name);
  return sim.result.trials[trial].readouts![q];
}

/** Input dimension 0 at recorded sample k. */
export function inputAt(sim: SimulatedRun, k: number): number {
  return sim.net.x[k * sim.result.every * sim.net.J];
}

/** Recorded-sample range of a time window (default: after the 50 ms init cut). */
export function window(sim: SimulatedRun, w: TimeWindow = INIT_CUT_WINDOW): IndexRange {
  const samples = sim.result.trials[0].latents![0].length;
  return sampleRange(w, sim.net.dt, sim.result.every, samples);
}

export function totalSpikes(sim: SimulatedRun, population: string, trial = 0): number {
  const p = sim.net.populations.findIndex((q) => q.name === population);
  return sim.result.trials[trial].spikeCounts[p].reduce((a, b) => a + b, 0);
}

export function timesMs(sim: SimulatedRun, samples: number): Float64Array {
  return Float64Array.from({ length: samples }, (_, k) => k * sim.result.every * sim.net.dt * 1000);
}

export interface LatentCurve {
  name: string;
  values: ArrayLike<number>;
  color: string;
  dashed?: boolean;
}

export function latentsOverTime(
  sim: SimulatedRun,
  title: string,
  curves: LatentCurve[],
  yLabel: string,
): Plot {
  const t = timesMs(sim, curves[0].values.length);
  return {
    name: 'latents',
    svg: linePlot({
      title,
      xLabel: 'time (ms)',
      yLabel,
      series: curves.map((c) => ({ name: c.name, x: t, y: c.values, color: c.color, dashed: c.dashed })),
    }),
  };
}

/** y^E and |y^I| over time. */
export function eiLatents(sim: SimulatedRun, title: string, extra: LatentCurve[] = []): Plot {
  return latentsOverTime(
    sim,
    title,
    [
      { name: 'y^E', values: latent(sim, 'yE'), color: E_COLOR },
      { name: '|y^I|', values: latent(sim, 'yI'), color: I_COLOR },
      ...extra,
    ],
    'latent',
  );
}

export function raster(sim: SimulatedRun, title: string): Plot {
  const colors = (sign: string) => (sign === 'excitatory' ? E_COLOR : I_COLOR);
  return {
    name: 'raster',
    svg: rasterPlot({
      title,
      dt: sim.net.dt,
      steps: sim.net.S,
      populations: sim.net.populations.map((p, pi) => ({
        name: p.name,
        size: p.size,
        color: colors(p.sign),
        train: sim.result.trials[0].spikes![pi],
      })),
    }),
  };
}

/** `y^E`, or `y^E (a)` when the channel has a name of its own. */
const axisLabel = (symbol: string, name: string, usual: string) =>
  name === usual ? symbol : `${symbol} (${name})`;

/**
 * The trajectory (y^E, |y^I|) after the init cut, with both boundaries drawn at the input value
 * `x` (the last input of the run unless given): where the network should sit. The axes are the
 * channels sourced by the E and the I population (`channels`, or found by eiChannels).
 */
export function eiPlane(
  sim: SimulatedRun,
  geometry: EINetwork,
  title: string,
  x?: number,
  channels: { E: number; I: number } = eiChannels(sim),
): Plot {
  const latents = sim.result.trials[0].latents!;
  const yE = latents[channels.E];
  const yI = latents[channels.I];
  const range = window(sim);
  const xAt = x ?? inputAt(sim, yE.length - 1);
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = range.start; k < range.end; k++) {
    lo = Math.min(lo, yE[k]);
    hi = Math.max(hi, yE[k]);
  }
  const span = Math.max(hi - lo, 1);
  const grid = Float64Array.from({ length: 201 }, (_, i) => lo - 0.5 * span + (2 * span * i) / 200);
  return {
    name: 'plane',
    svg: planePlot({
      title,
      subtitle: `boundaries at x = ${xAt.toFixed(2)}`,
      xLabel: axisLabel('y^E', sim.net.channels[channels.E].name, 'yE'),
      yLabel: axisLabel('|y^I|', sim.net.channels[channels.I].name, 'yI'),
      trajectory: { x: yE.subarray(range.start, range.end), y: yI.subarray(range.start, range.end) },
      boundaries: [
        { name: 'E boundary', x: grid, y: grid.map((v) => boundaryE(geometry, xAt, v)), color: E_COLOR },
        { name: 'I boundary', x: grid, y: grid.map((v) => boundaryI(geometry, xAt, v)), color: I_COLOR },
      ],
    }),
  };
}
