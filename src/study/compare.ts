// Two studies' results side by side: their done points matched by parameters, and per metric the
// ratio B/A at each matched point with a geometric-mean summary. A CPU study and a WebGPU study of
// the same grid match point for point, because the axes that only say where a point ran (backend,
// threads) are left out of the match when the two studies set them differently.

import type { AxisValue, ResultRow, Study } from './types.ts';

export interface StudyResults {
  study: Study;
  rows: ResultRow[];
}

export interface ComparedPoint {
  /** The matched parameters, keyed by axis name. */
  params: Record<string, AxisValue | null>;
  /** B/A per metric; null where either side has no finite value or A's is 0. */
  ratios: Record<string, number | null>;
}

export interface MetricRatioSummary {
  metric: string;
  /** Geometric mean of the positive ratios; null when there are none. */
  geometricMean: number | null;
  min: number | null;
  max: number | null;
  /** Matched points with a ratio. */
  count: number;
}

export interface StudyComparison {
  text: string;
  matched: number;
  rows: ComparedPoint[];
  summary: MetricRatioSummary[];
  /** The axis columns points were matched on. */
  matchedOn: string[];
}

/** Axes that say where a point ran rather than what it computed. */
const PLACEMENT_AXES = ['backend', 'threads'];

export function compareStudies(a: StudyResults, b: StudyResults, metricColumns: string[]): StudyComparison {
  const columns = matchColumns(a.study, b.study);
  const groupsA = groupByParams(a.rows, columns);
  const groupsB = groupByParams(b.rows, columns);
  const rows: ComparedPoint[] = [];
  for (const [key, rowsA] of groupsA) {
    const rowsB = groupsB.get(key);
    if (!rowsB) continue;
    const ratios: Record<string, number | null> = {};
    for (const m of metricColumns) ratios[m] = ratio(meanOf(rowsA, m), meanOf(rowsB, m));
    rows.push({ params: Object.fromEntries(columns.map((c) => [c, rowsA[0][c] ?? null])), ratios });
  }
  const summary = metricColumns.map((m) => summarize(m, rows));
  const unmatched = {
    a: groupsA.size - rows.length,
    b: [...groupsB.keys()].filter((k) => !groupsA.has(k)).length,
  };
  const text = [
    headline(a.study, b.study, columns, rows.length, unmatched),
    ...(rows.length > 0 ? ['', pointTable(rows, columns, metricColumns), '', summaryTable(summary)] : []),
    '',
  ].join('\n');
  return { text, matched: rows.length, rows, summary, matchedOn: columns };
}

/** A's axes, less the placement axes whose values differ between the studies (or B lacks). */
function matchColumns(a: Study, b: Study): string[] {
  const valuesOf = (study: Study, name: string): string | null => {
    const axis = study.axes.find((x) => x.name === name);
    return axis ? JSON.stringify(axis.values.map(String).sort()) : null;
  };
  return a.axes
    .map((x) => x.name)
    .filter((name) => !PLACEMENT_AXES.includes(name) || valuesOf(a, name) === valuesOf(b, name));
}

/** Done rows by their values of `columns`; a point run twice keeps both rows (its metrics average). */
function groupByParams(rows: ResultRow[], columns: string[]): Map<string, ResultRow[]> {
  const groups = new Map<string, ResultRow[]>();
  for (const row of rows) {
    if (row.status !== 'done') continue;
    const key = JSON.stringify(columns.map((c) => row[c] ?? null));
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return groups;
}

function meanOf(rows: ResultRow[], metric: string): number | null {
  const values = rows
    .map((r) => r[metric])
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return values.length > 0 ? values.reduce((s, v) => s + v, 0) / values.length : null;
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || a === 0 ? null : b / a;
}

function summarize(metric: string, rows: ComparedPoint[]): MetricRatioSummary {
  const ratios = rows.map((r) => r.ratios[metric]).filter((v): v is number => v !== null);
  const positive = ratios.filter((v) => v > 0);
  return {
    metric,
    geometricMean:
      positive.length > 0 ? Math.exp(positive.reduce((s, v) => s + Math.log(v), 0) / positive.length) : null,
    min: ratios.length > 0 ? Math.min(...ratios) : null,
    max: ratios.length > 0 ? Math.max(...ratios) : null,
    count: ratios.length,
  };
}

// ---------------------------------------------------------------------------------------------
// Text

function headline(
  a: Study,
  b: Study,
  columns: string[],
  matched: number,
  unmatched: { a: number; b: number },
): string {
  const dropped = a.axes.map((x) => x.name).filter((name) => !columns.includes(name));
  const droppedNote = dropped.length > 0 ? ` (${dropped.join(', ')} differ between the studies)` : '';
  return (
    `B = ${b.name} against A = ${a.name}: ${matched} points matched on ${columns.join(', ') || 'nothing'}` +
    `${droppedNote}; unmatched done points: ${unmatched.a} of A, ${unmatched.b} of B.`
  );
}

function pointTable(rows: ComparedPoint[], columns: string[], metrics: string[]): string {
  const header = [...columns, ...metrics.map((m) => `${m} B/A`)];
  const body = rows.map((r) => [
    ...columns.map((c) => String(r.params[c])),
    ...metrics.map((m) => formatRatio(r.ratios[m])),
  ]);
  return alignedTable(header, body, 0);
}

function summaryTable(summary: MetricRatioSummary[]): string {
  const header = ['metric', 'geo. mean B/A', 'min', 'max', 'points'];
  const body = summary.map((s) => [
    s.metric,
    formatRatio(s.geometricMean),
    formatRatio(s.min),
    formatRatio(s.max),
    String(s.count),
  ]);
  return alignedTable(header, body, 1);
}

function formatRatio(v: number | null): string {
  if (v === null) return '—';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toPrecision(3) : v.toFixed(3);
}

/** Columns padded to their widest cell: the first `textColumns` left-aligned, the rest right-aligned. */
function alignedTable(header: string[], rows: string[][], textColumns: number): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i < textColumns ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
