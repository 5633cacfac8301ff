// `latentspike study` as a user meets it, through the real bin: the issue's smoke study end to end,
// an interrupt and a rerun that ends with every point once, queries while the study runs, a bad
// study file, a point too large for the machine, index mode and export.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../bin/latentspike.js', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const tmp = () => mkdtempSync(join(tmpdir(), 'latentspike-study-'));

const SMOKE = `format: latentspike/study@1
name: smoke
base: fig12a
axes:
  redundancy: [1, 4]
  sigmaV: [0, 0.01]        # short for populations.*.sigmaV
  seed: [1, 2]
backend: cpu
steps: 3000
`;

function studyFile(dir: string, text = SMOKE): string {
  const path = join(dir, 'smoke.yaml');
  writeFileSync(path, text);
  return path;
}

/** The single value of a one-cell query. */
function scalar(dir: string, sql: string): string {
  const r = cli('study', 'query', dir, sql);
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines).toHaveLength(2);
  return lines[1];
}

/** Deterministic metric columns by id (timings and memory excluded). */
function metricsById(dir: string): Record<string, string> {
  const r = cli(
    'study',
    'query',
    dir,
    'select id, status, rmse_target, rmse_ideal, bias, fluctuation, rate_e, rate_i, isi_cv, ei_corr, sync from points order by id',
  );
  expect(r.status, r.stderr).toBe(0);
  return Object.fromEntries(
    r.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => [line.split(',')[0], line]),
  );
}

describe('latentspike study', () => {
  it('runs the smoke study; an interrupted run, started again, ends with 8 points once each', async () => {
    const dir = tmp();
    const path = studyFile(dir);
    const out = join(dir, 'out');
    // First run, interrupted with SIGINT after its first point; a query meanwhile sees the points so far.
    const child = spawn(process.execPath, [BIN, 'study', 'run', path, '--out', out, '--workers', '1'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const firstPoint = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/\] 1\/8 /.test(stderr)) resolve();
      });
    });
    await firstPoint;
    const during = Number(scalar(out, 'select count(*) from points'));
    expect(during).toBeGreaterThanOrEqual(1);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted: finished points are kept/);
    const kept = Number(scalar(out, "select count(*) from points where status = 'done'"));
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(8);

    const again = cli('study', 'run', path, '--out', out);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain(`${kept} point(s) already done, ${8 - kept} to run`);
    expect(scalar(out, "select count(*) from points where status = 'done'")).toBe('8');
    expect(scalar(out, 'select count(distinct id) = count(*) from points')).toBe('true');
    // Provenance with every row, and the axes as columns named as in the study.
    expect(
      scalar(
        out,
        "select count(*) from points where git_commit is not null and backend = 'cpu' and cores > 0 and peak_rss_mib > 0 and wall_seconds > 0",
      ),
    ).toBe('8');
    expect(scalar(out, 'select count(distinct sigmaV) from points')).toBe('2');
    // A third run has nothing left to do.
    expect(cli('study', 'run', path, '--out', out).stderr).toContain('8 point(s) already done, 0 to run');

    // Index mode gives the same numbers: one point per process, then collect.
    const shards = join(dir, 'indexed');
    for (let i = 0; i < 8; i++) {
      const r = cli(
        'study',
        'point',
        path,
        '--index',
        String(i),
        '--out',
        join(shards, 'shards'),
        '--threads',
        '1',
      );
      expect(r.status, r.stderr).toBe(0);
    }
    expect(cli('study', 'point', path, '--index', '8', '--out', join(shards, 'shards')).status).toBe(2);
    expect(cli('study', 'collect', shards).status).toBe(0);
    expect(metricsById(shards)).toEqual(metricsById(out));

    for (const format of ['csv', 'json', 'parquet']) {
      const r = cli('study', 'export', out, '--format', format);
      expect(r.status, r.stderr).toBe(0);
      expect(existsSync(join(out, `points.${format}`))).toBe(true);
    }
    expect(readFileSync(join(out, 'points.csv'), 'utf8').trim().split('\n')).toHaveLength(9);
    expect(JSON.parse(readFileSync(join(out, 'points.json'), 'utf8'))).toHaveLength(8);
  }, 240_000);

  it('a bad study file exits 2 naming the field, and nothing runs or is written', () => {
    const dir = tmp();
    const path = studyFile(dir, SMOKE.replace('sigmaV: [0, 0.01]', 'sigmaV: [0, -0.01]'));
    const r = cli('study', 'run', path, '--out', join(dir, 'out'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/axes\.sigmaV: -0\.01 gives populations\[0\]\.sigmaV: must be >= 0/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const typo = cli(
      'study',
      'run',
      studyFile(dir, SMOKE.replace('steps: 3000', 'step: 3000')),
      '--out',
      join(dir, 'out'),
    );
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/error: step: unknown field/);
    expect(cli('study', 'query', join(dir, 'nowhere'), 'select 1').status).toBe(2);
    const queue = cli('study', 'worker', '--queue', 'http://localhost:6379');
    expect(queue.status).toBe(2);
    expect(queue.stderr).toMatch(/--queue "http:\/\/localhost:6379": the scheme is not redis:\/\//);
  });

  it('a point too large for the machine is refused before it allocates, and recorded as such', () => {
    const dir = tmp();
    const path = studyFile(
      dir,
      SMOKE.replace('redundancy: [1, 4]', 'redundancy: [3e8]')
        .replace('sigmaV: [0, 0.01]', 'sigmaV: [0]')
        .replace('seed: [1, 2]', 'seed: [1]'),
    );
    const out = join(dir, 'out');
    const r = cli('study', 'run', path, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const row = cli('study', 'query', out, 'select status, neurons, error, peak_rss_mib from points')
      .stdout.trim()
      .split('\n')[1];
    expect(row).toMatch(
      /^refused,1800000000,"?does not fit in memory: needs about [\d.]+ GiB .* [\d.]+ GiB available/,
    );
    // Refused in the process's first moments: its peak is the process itself, not a network.
    expect(Number(row.split(',').at(-1))).toBeLessThan(400);
    expect(readdirSync(out)).toContain('results.duckdb');
  });

  it('latentspike scale is a study: sizes become redundancy, results and a report in --out, reruns resume', () => {
    const out = join(tmp(), 'scale');
    const args = ['scale', '--sizes', '6,60', '--steps', '700', '--backend', 'cpu', '--out', out];
    const r = cli(...args);
    expect(r.status, r.stderr).toBe(0);
    expect(scalar(out, "select count(*) from points where status = 'done'")).toBe('2');
    expect(scalar(out, "select string_agg(cast(neurons as integer), ',' order by neurons) from points")).toBe(
      '"6,60"',
    );
    for (const f of ['report.md', 'report.html', 'rmse_target.svg', 'study.json'])
      expect(readdirSync(out)).toContain(f);
    expect(cli(...args).stderr).toContain('2 point(s) already done, 0 to run');
    expect(cli('scale', '--max-seconds', '10').status).toBe(2);
  }, 120_000);
});
