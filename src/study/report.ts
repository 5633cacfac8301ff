// A study's report: per metric, one line per combination of the non-seed axes, each point the mean
// over seeds with its 95% interval, a power-law fit where the x axis spans decades, and where every
// point came from. The same content is rendered twice: Markdown with the SVGs beside it, and one
// self-contained HTML page with the SVGs inline (no external resources, so it opens anywhere and a
// headless browser can screenshot it).

import { formatValue } from '../report/metricsTable.ts';
import { linePlot } from '../report/plots.ts';
import { escapeXml, extent, paddedDomain } from '../report/svg.ts';
import { logLogFit, meanInterval } from './stats.ts';
import type { MeanInterval, PowerLawFit } from './stats.ts';
import type { ResultRow, Study } from './types.ts';

export interface StudyReportInput {
  study: Study;
  rows: ResultRow[];
  metricColumns: string[];
}

export interface StudyReport {
  markdown: string;
  html: string;
  /** One SVG per metric with data; `name` is the file name the Markdown links to. */
  plots: { name: string; svg: string }[];
}

/** The axis averaged over: a plotted point is the mean over rows that differ only in it. */
const SEED = 'seed';
/** The x column when the study has no numeric axis. */
const NEURONS = 'neurons';
const PROVENANCE_COLUMNS = ['backend', 'adapter', 'host', 'git_commit'];

export function studyReport(input: StudyReportInput): StudyReport {
  const { study, rows, metricColumns } = input;
  const done = rows.filter((r) => r.status === 'done');
  const x = xColumn(study);
  const columns = lineColumns(study, x);
  const lines = groupLines(done, columns, study);
  const sections = metricColumns
    .filter((m) => done.some((r) => finite(r[m]) !== null))
    .map((m) => metricSection(m, x, lines));
  const plots = sections.map((s) => ({ name: plotFileName(s.metric), svg: metricPlot(s, x, study.name) }));
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: study.name },
    { kind: 'list', items: provenance(rows, x, columns) },
  ];
  sections.forEach((s, i) => blocks.push(...metricBlocks(s, x, plots[i])));
  blocks.push(...slopeBlocks(sections), ...problemBlocks(rows, study));
  return { markdown: renderMarkdown(blocks), html: renderHtml(study.name, blocks), plots };
}

// ---------------------------------------------------------------------------------------------
// Grouping

/**
 * The first axis (in study order) whose values are all numbers and not all equal, skipping the
 * seed; else the network size. A single-valued axis would put every point at one x.
 */
function xColumn(study: Study): string {
  const axis = study.axes.find(
    (a) => a.name !== SEED && a.values.every((v) => typeof v === 'number') && new Set(a.values).size > 1,
  );
  return axis?.name ?? NEURONS;
}

/**
 * Axes whose value combinations make the lines: every multi-valued axis but the seed, the x axis
 * and the axes zipped with it (those advance with x, so they do not split a line).
 */
function lineColumns(study: Study, x: string): string[] {
  const zipped = study.zip.find((group) => group.includes(x)) ?? [];
  return study.axes
    .filter((a) => a.name !== SEED && a.name !== x && !zipped.includes(a.name))
    .filter((a) => new Set(a.values).size > 1)
    .map((a) => a.name);
}

interface Line {
  label: string;
  rows: ResultRow[];
}

/** Rows split by their values of `columns`, in the order of those values in the study's axes. */
function groupLines(rows: ResultRow[], columns: string[], study: Study): Line[] {
  const rank = (row: ResultRow): number[] =>
    columns.map((c) => study.axes.find((a) => a.name === c)!.values.findIndex((v) => v === row[c]));
  const groups = new Map<string, { rank: number[]; line: Line }>();
  for (const row of rows) {
    const key = JSON.stringify(columns.map((c) => row[c] ?? null));
    let group = groups.get(key);
    if (!group) {
      const label =
        columns.length > 0 ? columns.map((c) => `${c} = ${String(row[c])}`).join(', ') : 'all points';
      group = { rank: rank(row), line: { label, rows: [] } };
      groups.set(key, group);
    }
    group.line.rows.push(row);
  }
  return [...groups.values()].sort((a, b) => compareRanks(a.rank, b.rank)).map((g) => g.line);
}

/** Lexicographic order of value positions. */
function compareRanks(a: number[], b: number[]): number {
  const i = a.findIndex((v, k) => v !== b[k]);
  return i === -1 ? 0 : a[i] - b[i];
}

function finite(v: ResultRow[string] | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

// ---------------------------------------------------------------------------------------------
// Statistics per metric

interface LinePoint {
  x: number;
  interval: MeanInterval;
}

interface MetricLine {
  label: string;
  points: LinePoint[];
  /** Power law through the line's individual rows; null unless x spans more than a decade. */
  fit: PowerLawFit | null;
}

interface MetricSection {
  metric: string;
  lines: MetricLine[];
  logX: boolean;
  logY: boolean;
}

function metricSection(metric: string, x: string, lines: Line[]): MetricSection {
  const withPoints = lines
    .map((line) => ({ line, points: linePoints(line.rows, x, metric) }))
    .filter(({ points }) => points.length > 0);
  const logX = spansDecade(withPoints.flatMap(({ points }) => points.map((p) => p.x)));
  const logY = spansDecade(withPoints.flatMap(({ points }) => points.map((p) => p.interval.mean)));
  const metricLines = withPoints.map(({ line, points }) => ({
    label: line.label,
    points,
    fit: logX ? fitRows(line.rows, x, metric) : null,
  }));
  return { metric, lines: metricLines, logX, logY };
}

/** Mean and interval of the metric over the rows at each x (rows that differ only in the seed). */
function linePoints(rows: ResultRow[], x: string, metric: string): LinePoint[] {
  const byX = new Map<number, number[]>();
  for (const row of rows) {
    const xv = finite(row[x]);
    const yv = finite(row[metric]);
    if (xv === null || yv === null) continue;
    byX.set(xv, [...(byX.get(xv) ?? []), yv]);
  }
  return [...byX.entries()]
    .sort(([a], [b]) => a - b)
    .map(([xv, values]) => ({ x: xv, interval: meanInterval(values) }));
}

function fitRows(rows: ResultRow[], x: string, metric: string): PowerLawFit | null {
  const pairs = rows
    .map((r) => [finite(r[x]), finite(r[metric])])
    .filter(([a, b]) => a !== null && b !== null);
  return logLogFit(
    pairs.map(([a]) => a!),
    pairs.map(([, b]) => b!),
  );
}

/** Log scale is used where all values are positive and the largest exceeds ten times the smallest. */
function spansDecade(values: number[]): boolean {
  return values.length > 0 && values.every((v) => v > 0) && Math.max(...values) > 10 * Math.min(...values);
}

// ---------------------------------------------------------------------------------------------
// Content

function provenance(rows: ResultRow[], x: string, lines: string[]): string[] {
  const count = (status: string): number => rows.filter((r) => r.status === status).length;
  const items = [`points: ${count('done')} done, ${count('failed')} failed, ${count('refused')} refused`];
  for (const column of PROVENANCE_COLUMNS) {
    const values = [...new Set(rows.map((r) => r[column]).filter((v) => v !== null && v !== undefined))];
    if (values.length > 0) items.push(`${column}: ${values.map(String).join(', ')}`);
  }
  const split = lines.length > 0 ? `one line per ${lines.join(' × ')}` : 'one line';
  items.push(`x axis: ${x}; ${split}; each point the mean over ${SEED}s with its 95% Student-t interval`);
  return items;
}

function metricBlocks(section: MetricSection, x: string, plot: { name: string; svg: string }): Block[] {
  const { metric, lines, logX, logY } = section;
  const xs = [...new Set(lines.flatMap((l) => l.points.map((p) => p.x)))].sort((a, b) => a - b);
  const cell = (line: MetricLine, xv: number): string => {
    const p = line.points.find((q) => q.x === xv);
    return p ? formatInterval(p.interval) : '';
  };
  return [
    { kind: 'heading', level: 2, text: metric },
    { kind: 'plot', name: plot.name, svg: plot.svg, alt: metric },
    {
      kind: 'paragraph',
      text: `x: ${x} (${logX ? 'log' : 'linear'}), y: ${metric} (${logY ? 'log' : 'linear'}); cells: mean [95% interval] (n seeds)`,
    },
    {
      kind: 'table',
      header: [x, ...lines.map((l) => l.label)],
      rows: xs.map((xv) => [formatValue(xv), ...lines.map((l) => cell(l, xv))]),
    },
  ];
}

function slopeBlocks(sections: MetricSection[]): Block[] {
  const fitted = sections.filter((s) => s.logX);
  const heading: Block = { kind: 'heading', level: 2, text: 'Log-log slopes' };
  if (fitted.length === 0) {
    return [heading, { kind: 'paragraph', text: 'No metric has an x axis spanning more than a decade.' }];
  }
  const rows = fitted.flatMap((s) =>
    s.lines.map((l) =>
      l.fit
        ? [
            s.metric,
            l.label,
            formatSlope(l.fit.slope),
            `[${formatSlope(l.fit.low)}, ${formatSlope(l.fit.high)}]`,
            String(l.fit.n),
          ]
        : [s.metric, l.label, '—', '—', '—'],
    ),
  );
  return [
    heading,
    {
      kind: 'paragraph',
      text: 'Least squares of log10 metric on log10 x over the individual done points of each line.',
    },
    { kind: 'table', header: ['metric', 'line', 'slope', '95% interval', 'points'], rows },
  ];
}

function problemBlocks(rows: ResultRow[], study: Study): Block[] {
  const problems = rows.filter((r) => r.status === 'failed' || r.status === 'refused');
  const describe = (r: ResultRow): string => {
    const params = study.axes.map((a) => `${a.name} = ${String(r[a.name])}`).join(', ');
    const error = r.error === null || r.error === undefined ? 'no error recorded' : String(r.error);
    return `${String(r.status)}: ${params}: ${error}`;
  };
  return [
    { kind: 'heading', level: 2, text: 'Failed and refused points' },
    problems.length > 0
      ? { kind: 'list', items: problems.map(describe) }
      : { kind: 'paragraph', text: 'None.' },
  ];
}

function formatInterval(p: MeanInterval): string {
  return `${formatValue(p.mean)} [${formatValue(p.low)}, ${formatValue(p.high)}] (n=${p.n})`;
}

function formatSlope(v: number): string {
  return v.toFixed(3);
}

function plotFileName(metric: string): string {
  return `${metric.replace(/[^A-Za-z0-9_.-]/g, '_')}.svg`;
}

function metricPlot(section: MetricSection, x: string, studyName: string): string {
  const { metric, lines, logX, logY } = section;
  const legendName = (l: MetricLine): string =>
    l.fit
      ? `${l.label}: slope ${formatSlope(l.fit.slope)} [${formatSlope(l.fit.low)}, ${formatSlope(l.fit.high)}]`
      : l.label;
  // Padded like the y axis, so the markers and error bars at the ends of the x range stay whole.
  const xRange = paddedDomain(
    extent(
      lines.map((l) => l.points.map((p) => p.x)),
      logX,
    ),
    logX,
    0.05,
  );
  return linePlot({
    title: `${metric} vs ${x}`,
    xRange,
    subtitle: `${studyName}: mean over seeds with 95% interval`,
    xLabel: x,
    yLabel: metric,
    logX,
    logY,
    series: lines.map((l) => ({
      name: legendName(l),
      x: l.points.map((p) => p.x),
      y: l.points.map((p) => p.interval.mean),
      low: l.points.map((p) => p.interval.low),
      high: l.points.map((p) => p.interval.high),
      markers: true,
    })),
    width: 960,
  });
}

// ---------------------------------------------------------------------------------------------
// Rendering

type Block =
  | { kind: 'heading'; level: 1 | 2; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; header: string[]; rows: string[][] }
  | { kind: 'plot'; name: string; svg: string; alt: string };

/** One line of Markdown text: newlines in free text (error messages) would end a list item. */
const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ');

function renderMarkdown(blocks: Block[]): string {
  const cell = (text: string): string => oneLine(text).replace(/\|/g, '\\|');
  const render = (b: Block): string => {
    switch (b.kind) {
      case 'heading':
        return `${'#'.repeat(b.level)} ${oneLine(b.text)}`;
      case 'paragraph':
        return oneLine(b.text);
      case 'list':
        return b.items.map((item) => `- ${oneLine(item)}`).join('\n');
      case 'table':
        return [b.header, b.header.map(() => '---'), ...b.rows]
          .map((r) => `| ${r.map(cell).join(' | ')} |`)
          .join('\n');
      case 'plot':
        return `![${cell(b.alt)}](${b.name})`;
    }
  };
  return blocks.map(render).join('\n\n') + '\n';
}

const STYLE = [
  "body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#222;margin:2em auto;max-width:1000px;padding:0 1em}",
  'table{border-collapse:collapse;margin:1em 0;font-size:14px}',
  'th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}',
  'th{background:#f4f4f4}',
  '.plot svg{max-width:100%;height:auto}',
].join('\n');

function renderHtml(title: string, blocks: Block[]): string {
  const render = (b: Block): string => {
    switch (b.kind) {
      case 'heading':
        return `<h${b.level}>${escapeXml(b.text)}</h${b.level}>`;
      case 'paragraph':
        return `<p>${escapeXml(b.text)}</p>`;
      case 'list':
        return `<ul>\n${b.items.map((item) => `<li>${escapeXml(item)}</li>`).join('\n')}\n</ul>`;
      case 'table': {
        const row = (cells: string[], tag: string): string =>
          `<tr>${cells.map((c) => `<${tag}>${escapeXml(c)}</${tag}>`).join('')}</tr>`;
        return `<table>\n${row(b.header, 'th')}\n${b.rows.map((r) => row(r, 'td')).join('\n')}\n</table>`;
      }
      case 'plot':
        return `<div class="plot" role="img" aria-label="${escapeXml(b.alt)}">\n${inlineSvg(b.svg)}</div>`;
    }
  };
  return [
    '<!doctype html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${escapeXml(title)}</title><style>\n${STYLE}\n</style></head>`,
    '<body>',
    ...blocks.map(render),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * An SVG document as an HTML element. The HTML parser puts <svg> in the SVG namespace by itself,
 * so the namespace attribute goes: the page then names no URL at all.
 */
function inlineSvg(svg: string): string {
  return svg.replace(/^<svg xmlns="[^"]*"/, '<svg');
}
