// What the page shows for one simulated run: the preset's own latent and raster plots and metrics
// where they apply, the generic ones otherwise (a multi-run preset seen through its first run, a
// loaded file), and the (y^E, |y^I|) plane of any E/I network with both boundaries. While a run is
// paused or in progress, the same figures of its recordings so far (liveViewOf).

import {
  type Metric,
  type Plot,
  type Preset,
  type SimulatedRun,
  genericMetrics,
  genericPlots,
  planeFigure,
} from '../browser.ts';

/** The plane's SVG, or why there is none. */
export type PlaneView = { svg: string } | { reason: string };

export interface RunView {
  latents: string | null;
  raster: string | null;
  plane: PlaneView;
  planeTitle: string;
  metrics: Metric[];
  /** Said above the metrics when they are not the preset's own. */
  metricsNote: string | null;
}

/** The preset's own result, or the generic one with the reason the preset's could not be used. */
function presetOrGeneric<T>(
  own: () => T,
  generic: () => T,
  multiRun: boolean,
): { value: T; note: string | null } {
  if (multiRun)
    return { value: generic(), note: 'this preset simulates several runs: generic metrics of the first' };
  try {
    return { value: own(), note: null };
  } catch (e) {
    return {
      value: generic(),
      note: `the preset's metrics do not apply to this run (${(e as Error).message})`,
    };
  }
}

/** The figures of a run: the preset's latents and raster (or the generic ones) and the plane. */
function figuresOf(preset: Preset, sim: SimulatedRun, multiRun: boolean) {
  const plots = presetOrGeneric(
    () => preset.plots([sim]),
    () => genericPlots([sim]),
    multiRun,
  ).value;
  const planeTitle = `${preset.name}: trajectory in the latent plane`;
  const svg = (name: string) => plots.find((p: Plot) => p.name === name)?.svg ?? null;
  return { latents: svg('latents'), raster: svg('raster'), plane: planeView(sim, planeTitle), planeTitle };
}

export function viewOf(preset: Preset, sim: SimulatedRun, seed: number, multiRun: boolean): RunView {
  const metrics = presetOrGeneric(
    () => preset.metrics([sim], { seed }),
    () => genericMetrics([sim], { seed }),
    multiRun,
  );
  return { ...figuresOf(preset, sim, multiRun), metrics: metrics.value, metricsNote: metrics.note };
}

/**
 * The trajectory with both boundaries drawn at input `x` (default: the run's last input), or why
 * there is none. A failure while drawing is a bug: the page says the plane could not be drawn and
 * the console has the error, so no internal message reaches the page.
 */
export function planeView(sim: SimulatedRun, title: string, x?: number): PlaneView {
  try {
    const figure = planeFigure(sim, title, x);
    return 'svg' in figure ? { svg: figure.svg } : figure;
  } catch (e) {
    console.error(e);
    return { reason: 'it could not be drawn for this run (the browser console has the details)' };
  }
}

/** The figures of a run in progress (`sim` holds its recordings so far); metrics wait for the end. */
export function liveViewOf(preset: Preset, sim: SimulatedRun, multiRun: boolean): RunView {
  return {
    ...figuresOf(preset, sim, multiRun),
    metrics: [],
    metricsNote: 'metrics are computed when the run finishes',
  };
}
