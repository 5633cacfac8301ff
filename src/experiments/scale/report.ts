// The scaling study as a Markdown table and two log–log SVG plots (accuracy and time per step
// against N). Missing values (no spike trains, an empty window) print as "n/a".

import { linePlot } from '../../report/plots.ts';
import { E_COLOR, I_COLOR } from '../figures.ts';
import type { Plot } from '../preset.ts';
import type { ScaleReport, ScaleRow } from './study.ts';

const num = (v: number | null, digits = 3): string =>
  v === null || !Number.isFinite(v) ? 'n/a' : v.toPrecision(digits);

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

const COLUMNS: [string, (r: ScaleRow) => string][] = [
  ['N', (r) => String(r.neurons)],
  ['m', (r) => String(r.m)],
  ['steps', (r) => `${r.steps}${r.capped ? ' (capped)' : ''}`],
  ['RMSE y^E', (r) => num(r.rmseE)],
  ['rate E (Hz)', (r) => num(r.rateE)],
  ['rate I (Hz)', (r) => num(r.rateI)],
  ['ISI CV E', (r) => num(r.isiCvE)],
  ['ISI CV I', (r) => num(r.isiCvI)],
  ['E/I corr.', (r) => num(r.eiCorrelation, 4)],
  ['µs/step', (r) => num(r.microsecondsPerStep, 4)],
  ['updates/s', (r) => r.neuronUpdatesPerSecond.toExponential(2)],
  ['peak RSS (MiB)', (r) => mib(r.peakRssBytes)],
  ['backend', (r) => r.backend],
];

export function scaleTable(rows: ScaleRow[]): string {
  return [
    `| ${COLUMNS.map(([h]) => h).join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${COLUMNS.map(([, f]) => f(r)).join(' | ')} |`),
  ].join('\n');
}

export function scaleMarkdown(report: ScaleReport): string {
  const s = report.settings;
  const a = report.adapter;
  const adapter = a
    ? `WebGPU adapter: ${a.description || a.vendor}${a.software ? ' (software: not GPU speed)' : ''}.`
    : '';
  return [
    `# Scaling study: ${report.title}`,
    '',
    `\`all\` rule, fig12a's pulse synapses (E 2.5 ms, I 1 ms) and spike costs (μ_E 0.25, μ_I 0.05), σ_V = ${s.sigma}, threshold jitter ${s.jitter} spike jump(s), ` +
      `dt = ${s.dt * 1000} ms, ${s.steps} steps requested (budget ${s.maxSeconds} s per size), seed ${s.seed}.`,
    'Input held for the 50 ms init cut, then ramped across the target; RMSE and E/I correlation after the',
    'cut; rates over the whole run from spike counts; ISI CV only where spike trains were recorded.',
    adapter,
    report.interrupted ? '\n**Interrupted**: the sizes below finished; the rest did not run.\n' : '',
    scaleTable(report.rows),
    '',
  ].join('\n');
}

export function scalePlots(report: ScaleReport): Plot[] {
  const N = report.rows.map((r) => r.neurons);
  const subtitle = `${report.function}, ${report.rows[0]?.backend ?? 'no'} backend, σ_V = ${report.settings.sigma}`;
  return [
    {
      name: 'accuracy',
      svg: linePlot({
        title: 'Accuracy against network size',
        subtitle,
        xLabel: 'neurons N',
        yLabel: 'RMSE of y^E vs target',
        // RMSE varies within a factor of a few: a linear axis keeps its ticks labelled.
        logX: true,
        series: [
          { name: 'RMSE y^E', x: N, y: report.rows.map((r) => r.rmseE), color: E_COLOR, markers: true },
        ],
      }),
    },
    {
      name: 'time',
      svg: linePlot({
        title: 'Simulation time per step against network size',
        subtitle,
        xLabel: 'neurons N',
        yLabel: 'time per step (µs)',
        logX: true,
        logY: true,
        series: [
          {
            name: 'µs per step',
            x: N,
            y: report.rows.map((r) => r.microsecondsPerStep),
            color: I_COLOR,
            markers: true,
          },
        ],
      }),
    },
  ];
}
