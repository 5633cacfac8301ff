// The grid's files: grid.json (every record, rewritten after every point), grid.csv (the same
// records, one row each, fixed columns), grid.md (the finished points as a Markdown table) and one
// log-log SVG per backend and rank: µs per step against N, one line per spike rule/synapse, with
// the WebGPU bandwidth probe and dense N×N baseline where they were measured.

import { linePlot, type LineSeries } from '../../report/plots.ts';
import { PALETTE } from '../../report/svg.ts';
import type { PointRecord } from './core.ts';

export const GRID_FORMAT = 'latentspike/bench-grid@1';

export interface GridFile {
  format: typeof GRID_FORMAT;
  /** Where it ran: platform, CPU, Node version. */
  host: Record<string, string | number>;
  updated: string;
  records: PointRecord[];
}

type Column = [string, (r: PointRecord) => string | number | boolean | null | undefined];

export const CSV_COLUMNS: Column[] = [
  ['key', (r) => r.key],
  ['backend', (r) => r.backend],
  ['kernel', (r) => r.kernel],
  ['requestedNeurons', (r) => r.requestedNeurons],
  ['neurons', (r) => r.neurons],
  ['rank', (r) => r.rank],
  ['rule', (r) => r.rule],
  ['synapse', (r) => r.synapse],
  ['steps', (r) => r.steps],
  ['dt', (r) => r.dt],
  ['sigmaV', (r) => r.sigmaV],
  ['repetitions', (r) => r.repetitions],
  ['seed', (r) => r.seed],
  ['cpuThreads', (r) => r.cpuThreads],
  ['status', (r) => r.status],
  ['reason', (r) => r.reason],
  ['buildSeconds', (r) => r.buildSeconds],
  ['setupSeconds', (r) => r.setupSeconds],
  ['timedSteps', (r) => r.timedSteps],
  ['microsecondsPerStep', (r) => r.microsecondsPerStep],
  ['neuronUpdatesPerSecond', (r) => r.neuronUpdatesPerSecond],
  ['spikesPerSecond', (r) => r.spikesPerSecond],
  ['meanRateHz', (r) => r.meanRateHz],
  ['realTimeFactor', (r) => r.realTimeFactor],
  ['networkBytes', (r) => r.networkBytes],
  ['stateBytes', (r) => r.stateBytes],
  ['memoryKind', (r) => r.memoryKind],
  ['threads', (r) => r.threads],
  ['adapterDescription', (r) => r.adapter?.description],
  ['adapterVendor', (r) => r.adapter?.vendor],
  ['adapterArchitecture', (r) => r.adapter?.architecture],
  ['adapterPath', (r) => r.adapter?.path],
  ['software', (r) => r.adapter?.software],
  ['at', (r) => r.at],
];

function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function gridCsv(records: PointRecord[]): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const r of records) lines.push(CSV_COLUMNS.map(([, get]) => csvCell(get(r))).join(','));
  return `${lines.join('\n')}\n`;
}

/** Parses gridCsv's output back into rows of strings (RFC 4180 quoting). For tests and tools. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (ch !== '\r') cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

const sci = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toPrecision(digits);
const mib = (b: number | null | undefined) =>
  b === null || b === undefined ? 'n/a' : (b / 2 ** 20).toFixed(b < 2 ** 20 ? 2 : 1);

/** The finished points as a Markdown table, in record order. */
export function gridMarkdown(records: PointRecord[]): string {
  const head = [
    'backend',
    'kernel',
    'N',
    'K',
    'rule',
    'synapse',
    'µs/step',
    'neuron-updates/s',
    'spikes/s',
    'rate (Hz)',
    'wall/sim s',
    'setup (ms)',
    'state (MiB)',
    'adapter',
  ];
  const rows = records
    .filter((r) => r.status === 'done')
    .map((r) => [
      r.backend,
      r.kernel,
      String(r.neurons),
      r.rank === null ? '' : String(r.rank),
      r.rule ?? '',
      r.synapse ?? '',
      sci(r.microsecondsPerStep),
      sci(r.neuronUpdatesPerSecond),
      sci(r.spikesPerSecond),
      sci(r.meanRateHz),
      sci(r.realTimeFactor),
      r.setupSeconds === null || r.setupSeconds === undefined ? 'n/a' : (r.setupSeconds * 1e3).toFixed(1),
      `${mib(r.stateBytes)} ${r.memoryKind ?? ''}`.trim(),
      `${r.adapter?.description ?? ''}${r.adapter?.software ? ' (software)' : ''}`,
    ]);
  const skipped = records.filter((r) => r.status !== 'done');
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
    '',
    ...(skipped.length > 0
      ? ['Not measured:', '', ...skipped.map((r) => `- ${r.key}: ${r.status}, ${r.reason}`)]
      : []),
    '',
  ].join('\n');
}

export interface GridPlot {
  name: string;
  svg: string;
}

const byN = (a: PointRecord, b: PointRecord) => (a.neurons ?? 0) - (b.neurons ?? 0);

function lineOf(name: string, records: PointRecord[], extra: Partial<LineSeries> = {}): LineSeries {
  const sorted = [...records].sort(byN);
  return {
    name,
    x: sorted.map((r) => r.neurons ?? r.requestedNeurons),
    y: sorted.map((r) => r.microsecondsPerStep ?? NaN),
    markers: true,
    ...extra,
  };
}

/** One plot per (backend, rank) with finished network points. */
export function gridPlots(records: PointRecord[]): GridPlot[] {
  const done = records.filter((r) => r.status === 'done' && r.microsecondsPerStep !== undefined);
  const networks = done.filter((r) => r.kernel === 'network');
  const probe = done.filter((r) => r.kernel === 'probe');
  const dense = done.filter((r) => r.kernel === 'dense');
  const plots: GridPlot[] = [];
  const backends = [...new Set(networks.map((r) => r.backend))];
  for (const backend of backends) {
    const ranks = [...new Set(networks.filter((r) => r.backend === backend).map((r) => r.rank!))].sort(
      (a, b) => a - b,
    );
    for (const rank of ranks) {
      const ofPlot = networks.filter((r) => r.backend === backend && r.rank === rank);
      const pairs = [...new Set(ofPlot.map((r) => `${r.rule}/${r.synapse}`))];
      const series = pairs.map((pair, i) =>
        lineOf(
          pair,
          ofPlot.filter((r) => `${r.rule}/${r.synapse}` === pair),
          { color: PALETTE[i % PALETTE.length] },
        ),
      );
      const soft = (rs: PointRecord[]) => (rs[0]?.adapter?.software ? ' (software adapter)' : '');
      if (probe.length > 0) {
        series.push(lineOf(`WebGPU bandwidth probe${soft(probe)}`, probe, { dashed: true, color: '#555' }));
      }
      if (dense.length > 0) {
        series.push(lineOf(`WebGPU dense N×N${soft(dense)}`, dense, { dashed: true, color: '#aaa' }));
      }
      const a = ofPlot[0].adapter;
      const s = ofPlot[0];
      const adapter =
        backend === 'cpu'
          ? (a?.description ?? 'CPU engine')
          : `${a?.description ?? 'adapter'}${a?.software ? ' — software adapter, not GPU speed' : ''}`;
      plots.push({
        name: `time-${backend}-K${rank}`,
        svg: linePlot({
          title: `Time per step against N: ${backend}, rank K = ${rank}`,
          subtitle: `${adapter}; median of ${s.repetitions} runs of ${s.steps - 1} steps, σ_V = ${s.sigmaV}`,
          xLabel: 'neurons N',
          yLabel: 'time per step (µs)',
          logX: true,
          logY: true,
          series,
        }),
      });
    }
  }
  return plots;
}
