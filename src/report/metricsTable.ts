// Metrics as a terminal table and as a Markdown table (docs/results.md, the comparison with the paper).
import type { AggregatedMetric } from '../experiments/runner.ts';

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(3) : v.toPrecision(3);
}

function ours(m: AggregatedMetric): string {
  const unit = m.unit ? ` ${m.unit}` : '';
  return m.perSeed.length > 1
    ? `${formatValue(m.value)} ± ${formatValue(m.sd)}${unit}`
    : `${formatValue(m.value)}${unit}`;
}

const paper = (m: AggregatedMetric) => (m.paper === undefined ? '' : String(m.paper));

export function terminalTable(metrics: AggregatedMetric[]): string {
  const rows = metrics.map((m) => [m.name, ours(m), paper(m)]);
  const header = ['metric', 'latentspike', 'paper (ref)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function markdownTable(metrics: AggregatedMetric[]): string {
  const rows = metrics.map((m) => `| ${m.name.replace(/\|/g, '\\|')} | ${ours(m)} | ${paper(m)} |`);
  return ['| metric | latentspike | paper (ref) |', '|---|---|---|', ...rows].join('\n');
}
