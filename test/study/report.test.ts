// The study report on a hand-made grid whose metric follows a known power law, and the comparison
// of two studies matched point for point.

import { describe, expect, it } from 'vitest';
import { compareStudies } from '../../src/study/compare.ts';
import { studyReport } from '../../src/study/report.ts';
import { STUDY_FORMAT } from '../../src/study/types.ts';
import type { ResultRow, Study, StudyAxis } from '../../src/study/types.ts';

function makeStudy(name: string, axes: StudyAxis[]): Study {
  return {
    format: STUDY_FORMAT,
    name,
    base: { kind: 'scale', function: 'fig5' },
    axes,
    settings: {
      backend: 'cpu',
      steps: null,
      trials: null,
      threads: null,
      jitter: 1,
      every: null,
      retries: 0,
    },
    zip: [],
    sample: null,
  };
}

const AXES: StudyAxis[] = [
  { name: 'redundancy', path: null, values: [1, 10, 100, 1000] },
  { name: 'sigmaV', path: 'populations.*.sigmaV', values: [0, 0.1] },
  { name: 'seed', path: null, values: [1, 2, 3] },
];

/** rmse = 2·redundancy^−0.5·(1 + a few percent of seed- and point-dependent noise). */
function rmse(redundancy: number, sigmaV: number, seed: number): number {
  return 2 * redundancy ** -0.5 * (1 + 0.03 * Math.sin(seed * 7.1 + redundancy + 10 * sigmaV));
}

/** The grid's rows: (1000, 0.1, seed 3) failed, (1000, 0, seed 3) refused, the rest done. */
function gridRows(): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const redundancy of [1, 10, 100, 1000]) {
    for (const sigmaV of [0, 0.1]) {
      for (const seed of [1, 2, 3]) {
        const row: ResultRow = {
          status: 'done',
          error: null,
          redundancy,
          sigmaV,
          seed,
          neurons: 40 * redundancy,
          rmse: rmse(redundancy, sigmaV, seed),
          wall_seconds: 1 + 0.001 * redundancy + 0.01 * seed,
          gpu_ms: null,
          backend: 'cpu',
          adapter: null,
          host: seed === 1 ? 'node-a' : 'node-b',
          git_commit: 'abc1234',
        };
        if (redundancy === 1000 && seed === 3) {
          Object.assign(row, { rmse: null, wall_seconds: null });
          if (sigmaV === 0.1) Object.assign(row, { status: 'failed', error: 'out of memory\nat step 12' });
          else Object.assign(row, { status: 'refused', error: 'needs 80 GiB, 64 GiB available' });
        }
        rows.push(row);
      }
    }
  }
  return rows;
}

const METRICS = ['rmse', 'wall_seconds', 'gpu_ms'];

/** The slope rows of the Markdown: metric, line, slope, low, high, points. */
function slopes(
  markdown: string,
): { metric: string; line: string; slope: number; low: number; high: number }[] {
  const section = markdown.split('## Log-log slopes')[1].split('\n## ')[0];
  return [
    ...section.matchAll(/^\| (\w+) \| (.+?) \| (-?[\d.]+) \| \[(-?[\d.]+), (-?[\d.]+)\] \| \d+ \|$/gm),
  ].map((m) => ({ metric: m[1], line: m[2], slope: Number(m[3]), low: Number(m[4]), high: Number(m[5]) }));
}

describe('studyReport', () => {
  const study = makeStudy('redundancy scaling', AXES);
  const report = studyReport({ study, rows: gridRows(), metricColumns: METRICS });

  it('fits the power law: slope ≈ −0.5 per line with a narrow interval around it', () => {
    const rmseSlopes = slopes(report.markdown).filter((s) => s.metric === 'rmse');
    expect(rmseSlopes.map((s) => s.line)).toEqual(['sigmaV = 0', 'sigmaV = 0.1']);
    for (const s of rmseSlopes) {
      expect(Math.abs(s.slope + 0.5)).toBeLessThan(0.02);
      expect(s.low).toBeLessThan(s.slope);
      expect(s.high).toBeGreaterThan(s.slope);
      expect(s.high - s.low).toBeLessThan(0.05);
    }
  });

  it('makes one SVG per metric with data, named after it and linked from the Markdown', () => {
    expect(report.plots.map((p) => p.name)).toEqual(['rmse.svg', 'wall_seconds.svg']);
    for (const p of report.plots) {
      expect(p.svg.startsWith('<svg ')).toBe(true);
      expect(report.markdown).toContain(`](${p.name})`);
    }
    expect(report.markdown).toContain('![rmse](rmse.svg)');
    expect(report.markdown).not.toContain('gpu_ms');
  });

  it('uses log-log axes for a metric spanning decades and a linear y for one that does not', () => {
    expect(report.markdown).toContain('x: redundancy (log), y: rmse (log)');
    expect(report.markdown).toContain('x: redundancy (log), y: wall_seconds (linear)');
    const [rmseSvg, wallSvg] = report.plots.map((p) => p.svg);
    // Decade tick labels: 10⁰…10³ on x; 10⁻¹ on the rmse axis (2 down to 0.063).
    for (const label of ['10⁰', '10³', '10⁻¹']) expect(rmseSvg).toContain(`>${label}</text>`);
    expect(wallSvg).not.toContain('>10⁻¹</text>');
  });

  it('draws one line per sigmaV with markers and error bars, the slope in the legend', () => {
    const svg = report.plots[0].svg;
    expect(svg).toMatch(/>sigmaV = 0: slope -0\.\d{3} \[-0\.\d{3}, -0\.\d{3}\]</);
    expect(svg).toMatch(/>sigmaV = 0\.1: slope /);
    // Each error bar is a vertical segment and two 6-px caps.
    const bars = [...svg.matchAll(/M[\d.]+ [\d.]+V[\d.]+M[\d.]+ [\d.]+h6M[\d.]+ [\d.]+h6/g)];
    expect(bars.length).toBe(8);
    expect((svg.match(/<circle /g) ?? []).length).toBe(8);
  });

  it('tabulates mean [interval] (n) per x and line, averaging over the seeds that are done', () => {
    const values = [1, 2, 3].map((seed) => rmse(10, 0.1, seed));
    const mean = values.reduce((a, b) => a + b) / 3;
    const row = report.markdown.split('\n').find((l) => l.startsWith('| 10 |'))!;
    expect(row).toContain(`${mean.toPrecision(3)} [`);
    expect(report.markdown).toContain('| redundancy | sigmaV = 0 | sigmaV = 0.1 |');
    const last = report.markdown.split('\n').find((l) => l.startsWith('| 1000 |'))!;
    expect(last.match(/\(n=2\)/g)).toHaveLength(2);
  });

  it('summarizes provenance and lists the failed and refused points with their errors', () => {
    const md = report.markdown;
    expect(md.startsWith('# redundancy scaling\n')).toBe(true);
    expect(md).toContain('- points: 22 done, 1 failed, 1 refused');
    expect(md).toContain('- backend: cpu');
    expect(md).toContain('- host: node-a, node-b');
    expect(md).toContain('- git_commit: abc1234');
    expect(md).not.toContain('- adapter:');
    expect(md).toContain('- failed: redundancy = 1000, sigmaV = 0.1, seed = 3: out of memory at step 12');
    expect(md).toContain(
      '- refused: redundancy = 1000, sigmaV = 0, seed = 3: needs 80 GiB, 64 GiB available',
    );
  });

  it('renders a self-contained HTML page: inline SVGs in .plot elements, no URL anywhere', () => {
    const { html } = report;
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:/);
    expect(html).not.toMatch(/<(link|script|img)\b/);
    expect((html.match(/<div class="plot"/g) ?? []).length).toBe(2);
    expect((html.match(/<svg /g) ?? []).length).toBe(2);
    expect(html).toContain('<h2>Log-log slopes</h2>');
    expect(html).toContain(
      '<li>failed: redundancy = 1000, sigmaV = 0.1, seed = 3: out of memory\nat step 12</li>',
    );
  });

  it('falls back to the neurons column when no axis is numeric, and to one line without other axes', () => {
    const rows: ResultRow[] = [10, 100, 1000].flatMap((neurons) =>
      ['a', 'b'].map((preset) => ({ status: 'done', preset, neurons, rate: neurons ** 0.25 })),
    );
    const r = studyReport({
      study: makeStudy('by size', [{ name: 'preset', path: null, values: ['a', 'b'] }]),
      rows,
      metricColumns: ['rate'],
    });
    expect(r.markdown).toContain('x: neurons (log), y: rate (linear)');
    expect(r.markdown).toContain('| neurons | preset = a | preset = b |');
    const only = studyReport({
      study: makeStudy('one line', []),
      rows: rows.filter((row) => row.preset === 'a'),
      metricColumns: ['rate'],
    });
    expect(slopes(only.markdown)).toEqual([
      { metric: 'rate', line: 'all points', slope: 0.25, low: 0.25, high: 0.25 },
    ]);
    expect(only.markdown).toContain('- points: 3 done, 0 failed, 0 refused');
    expect(only.markdown).toContain('## Failed and refused points\n\nNone.');
  });
});

describe('compareStudies', () => {
  const cpuAxes: StudyAxis[] = [...AXES, { name: 'backend', path: null, values: ['cpu'] }];
  const gpuAxes: StudyAxis[] = [...AXES, { name: 'backend', path: null, values: ['webgpu'] }];
  const cpuRows: ResultRow[] = gridRows().map((r) => ({ ...r, backend: 'cpu' }));
  // B: half the wall time, the same rmse, and one point (redundancy 1, sigmaV 0, seed 1) missing.
  const gpuRows: ResultRow[] = gridRows()
    .filter((r) => !(r.redundancy === 1 && r.sigmaV === 0 && r.seed === 1))
    .map((r) => ({
      ...r,
      backend: 'webgpu',
      wall_seconds: r.wall_seconds === null ? null : Number(r.wall_seconds) / 2,
    }));
  const cmp = compareStudies(
    { study: makeStudy('cpu', cpuAxes), rows: cpuRows },
    { study: makeStudy('webgpu', gpuAxes), rows: gpuRows },
    ['rmse', 'wall_seconds'],
  );

  it('matches done points on the axes other than a differing backend', () => {
    expect(cmp.matchedOn).toEqual(['redundancy', 'sigmaV', 'seed']);
    expect(cmp.matched).toBe(21);
    expect(cmp.rows[0].params).toEqual({ redundancy: 1, sigmaV: 0, seed: 2 });
    expect(cmp.text).toContain('21 points matched on redundancy, sigmaV, seed (backend differ');
    expect(cmp.text).toContain('unmatched done points: 1 of A, 0 of B');
  });

  it('reports B/A per point and a geometric-mean summary per metric', () => {
    for (const r of cmp.rows) {
      expect(r.ratios.rmse).toBe(1);
      expect(r.ratios.wall_seconds).toBeCloseTo(0.5, 12);
    }
    const wall = cmp.summary.find((s) => s.metric === 'wall_seconds')!;
    expect(wall.geometricMean).toBeCloseTo(0.5, 12);
    expect(wall.count).toBe(21);
    expect(cmp.text).toMatch(/^wall_seconds\s+0\.500\s+0\.500\s+0\.500\s+21$/m);
  });

  it('prints aligned columns', () => {
    const lines = cmp.text.split('\n');
    const header = lines.findIndex((l) => l.startsWith('redundancy'));
    const table = lines.slice(header, header + 2 + cmp.matched);
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
    expect(table[2]).toMatch(/^\s+1\s+0\s+2\s+1\.000\s+0\.500$/);
  });

  it('keeps an axis both studies share, and matches nothing across different grids', () => {
    const same = compareStudies(
      { study: makeStudy('a', cpuAxes), rows: cpuRows },
      { study: makeStudy('b', cpuAxes), rows: cpuRows },
      ['rmse'],
    );
    expect(same.matchedOn).toEqual(['redundancy', 'sigmaV', 'seed', 'backend']);
    expect(same.matched).toBe(22);
    const none = compareStudies(
      { study: makeStudy('a', cpuAxes), rows: cpuRows },
      { study: makeStudy('b', gpuAxes), rows: cpuRows.map((r) => ({ ...r, seed: Number(r.seed) + 10 })) },
      ['rmse'],
    );
    expect(none.matched).toBe(0);
    expect(none.text).toContain('0 points matched');
  });
});
