// Puts a run's view into the page: the SVG figures (drawn by src/report/plots.ts, the same as the
// command line's files), the metrics table and the performance table. Numbers also go into
// data-value attributes at full precision, for tests and for copying.

import type { Metric, SimulationResult } from '../browser.ts';
import type { PlaneView, RunView } from './view.ts';

/** Metrics tables list at most this many rows (a redundant network has a row per neuron in fig5). */
const MAX_METRIC_ROWS = 40;

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

function figure(id: string, svg: string | null, missing: string): void {
  const element = byId(id);
  if (svg) element.innerHTML = svg;
  else {
    element.replaceChildren(document.createElement('p'));
    element.firstElementChild!.textContent = missing;
  }
}

function format(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en');
  return Math.abs(value) >= 1e4 || Math.abs(value) < 1e-3 ? value.toExponential(3) : value.toPrecision(4);
}

function row(cells: (string | { text: string; value: number })[], name: string): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset.name = name;
  for (const cell of cells) {
    const td = document.createElement('td');
    if (typeof cell === 'string') td.textContent = cell;
    else {
      td.textContent = cell.text;
      td.className = 'number';
      td.dataset.value = String(cell.value);
    }
    tr.append(td);
  }
  return tr;
}

function metricRows(metrics: Metric[]): HTMLTableRowElement[] {
  const rows = metrics
    .slice(0, MAX_METRIC_ROWS)
    .map((m) =>
      row(
        [
          m.name,
          { text: `${format(m.value)}${m.unit ? ` ${m.unit}` : ''}`, value: m.value },
          m.paper === undefined ? '' : `paper ${typeof m.paper === 'number' ? format(m.paper) : m.paper}`,
        ],
        m.name,
      ),
    );
  if (metrics.length > MAX_METRIC_ROWS) {
    rows.push(row([`… ${metrics.length - MAX_METRIC_ROWS} more rows not shown`, '', ''], 'more'));
  }
  return rows;
}

export function renderPlane(plane: PlaneView): void {
  figure(
    'plane',
    'svg' in plane ? plane.svg : null,
    'reason' in plane ? `no latent plane: ${plane.reason}` : '',
  );
}

export function renderView(title: string, view: RunView): void {
  byId('title').textContent = title;
  renderPlane(view.plane);
  figure('latents', view.latents, 'no latent plot: latents were not recorded');
  figure('raster', view.raster, 'no raster: spikes were not recorded (or a rate model)');
  const note = byId('metrics-note');
  note.hidden = view.metricsNote === null;
  note.textContent = view.metricsNote ?? '';
  byId('metrics').replaceChildren(...metricRows(view.metrics));
}

export function renderPerformance(result: SimulationResult, neurons: number): void {
  const { timing, adapter } = result;
  const number = (v: number, unit = '') => ({ text: `${format(v)}${unit}`, value: v });
  byId('performance').replaceChildren(
    row(['backend', result.backend], 'backend'),
    row(
      [
        'adapter',
        adapter
          ? `${adapter.description || adapter.vendor}${adapter.software ? ' (software)' : ''}`
          : 'none (CPU engine)',
      ],
      'adapter',
    ),
    row(['neurons', number(neurons)], 'neurons'),
    row(['steps × trials', number((result.steps - 1) * result.trials.length)], 'steps'),
    row(['setup', number(timing.setupSeconds, ' s')], 'setup'),
    row(['simulation', number(timing.simulateSeconds, ' s')], 'simulation'),
    row(['steps/s', number(timing.stepsPerSecond)], 'steps/s'),
    row(['neuron-updates/s', number(timing.stepsPerSecond * neurons)], 'neuron-updates/s'),
  );
}
