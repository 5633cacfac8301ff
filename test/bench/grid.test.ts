// The benchmark grid (src/bench/grid): point enumeration, the rank-K networks, resuming an interrupted
// run, the CSV/JSON files, flag errors, and a tiny real grid on the CPU engine and WebGPU in Node
// (this machine's adapter, a software one without a GPU; skipped without an adapter unless
// LATENTSPIKE_REQUIRE_WEBGPU=1). Speed itself is not tested.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { gridSizes } from '../../src/cli/benchCommand.ts';
import { pointKey, type PointRecord } from '../../src/bench/grid/core.ts';
import { actualSize, gridNetwork, validPair } from '../../src/bench/grid/network.ts';
import { finishedKeys, pendingPoints, planGrid, skipReason } from '../../src/bench/grid/plan.ts';
import {
  CSV_COLUMNS,
  GRID_FORMAT,
  gridCsv,
  gridPlots,
  parseCsv,
  type GridFile,
} from '../../src/bench/grid/output.ts';
import { runGrid, type GridOptions } from '../../src/bench/grid/run.ts';
import { tryAcquireDevice } from '../webgpu/gpu.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'latentspike-grid-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const readGrid = (out: string) => JSON.parse(readFileSync(join(out, 'grid.json'), 'utf8')) as GridFile;

const PLAN = {
  sizes: [1000, 100, 10000],
  ranks: [1, 2, 8, 32],
  rules: ['all', 'one-per-step', 'sequential'] as const,
  synapses: ['delta', 'pulse', 'exponential'] as const,
  backends: ['cpu', 'webgpu', 'browser'] as const,
  serialMaxN: 1000,
  baselines: true,
  denseMaxN: 1000,
};
const plan = () =>
  planGrid({ ...PLAN, rules: [...PLAN.rules], synapses: [...PLAN.synapses], backends: [...PLAN.backends] });

describe('planGrid', () => {
  it('enumerates sizes ascending, valid rule/synapse pairs only, serial rules up to serialMaxN', () => {
    const points = plan();
    const networks = points.filter((p) => p.kernel === 'network');
    // Pairs: all/pulse, all/exponential, one-per-step/delta, sequential/delta.
    // N = 100, 1000: 4 ranks × 4 pairs × 3 backends; N = 10000: 4 ranks × 2 pairs × 3 backends.
    expect(networks).toHaveLength(2 * 4 * 4 * 3 + 4 * 2 * 3);
    expect(networks.every((p) => validPair(p.rule!, p.synapse!))).toBe(true);
    expect(networks.filter((p) => p.requestedNeurons === 10000).every((p) => p.rule === 'all')).toBe(true);
    const sizes = points.map((p) => p.requestedNeurons);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    // Backends innermost: one network is built once and run on each backend in turn.
    expect(networks.slice(0, 3).map((p) => p.backend)).toEqual(['cpu', 'webgpu', 'browser']);
    expect(new Set(networks.slice(0, 3).map((p) => `${p.rank}/${p.rule}/${p.synapse}`)).size).toBe(1);
    // Baselines: a probe at every size, dense up to denseMaxN, on WebGPU in Node only.
    const baselines = points.filter((p) => p.kernel !== 'network');
    expect(baselines.map((p) => `${p.kernel}@${p.requestedNeurons}`)).toEqual([
      'probe@100',
      'dense@100',
      'probe@1000',
      'dense@1000',
      'probe@10000',
    ]);
    expect(baselines.every((p) => p.backend === 'webgpu')).toBe(true);
    // Keys are unique.
    const settings = { steps: 101, dt: 1e-4, sigmaV: 0, repetitions: 5, seed: 0 };
    expect(new Set(points.map((p) => pointKey(p, settings))).size).toBe(points.length);
  });

  it('has no baselines without the webgpu backend or with baselines off', () => {
    const noGpu = planGrid({ ...PLAN, rules: ['all'], synapses: ['pulse'], backends: ['cpu'] });
    expect(noGpu.every((p) => p.kernel === 'network')).toBe(true);
    const off = planGrid({
      ...PLAN,
      rules: ['all'],
      synapses: ['pulse'],
      backends: ['webgpu'],
      baselines: false,
    });
    expect(off.every((p) => p.kernel === 'network')).toBe(true);
  });

  it('keeps only measured points as finished and predicts skips from the previous size', () => {
    const settings = { steps: 101, dt: 1e-4, sigmaV: 0, repetitions: 4, seed: 0 };
    const points = plan();
    const record = (i: number, status: PointRecord['status']): PointRecord => ({
      ...points[i],
      ...settings,
      key: pointKey(points[i], settings),
      status,
      reason: status === 'done' ? null : 'x',
      at: '',
      neurons: 102,
      microsecondsPerStep: 1000,
    });
    const done = finishedKeys([record(0, 'done'), record(1, 'skipped'), record(2, 'failed')]);
    expect(pendingPoints(points, settings, done)).toHaveLength(points.length - 1);
    // 1 ms per step at 102 neurons → 10 ms at 1020; 100 steps × (4 + 1) runs = 5 s.
    const p = { ...points[0], requestedNeurons: 1000 };
    expect(skipReason(p, 1020, record(0, 'done'), settings, 6)).toBeNull();
    expect(skipReason(p, 1020, record(0, 'done'), settings, 4)).toMatch(
      /predicted 5 s from N = 102, over --max-point-seconds 4/,
    );
    expect(skipReason(p, 1020, record(0, 'failed'), settings, 100)).toMatch(/was failed/);
    expect(skipReason(p, 1020, undefined, settings, 1)).toBeNull();
    expect(skipReason(p, 1020, record(0, 'done'), settings, 0.6, 10)).toBeNull();
    expect(skipReason(p, 1020, record(0, 'done'), settings, 0.4, 10)).toMatch(
      /over 10 × --max-point-seconds 0.4/,
    );
  });

  it('lists powers of ten up to --max-n, and --max-n itself', () => {
    expect(gridSizes(1e4)).toEqual([100, 1000, 10000]);
    expect(gridSizes(3e4)).toEqual([100, 1000, 10000, 30000]);
    expect(gridSizes(50)).toEqual([50]);
  });
});

/** Rank of a dense matrix by Gaussian elimination with partial pivoting. */
function matrixRank(a: number[][], tolerance = 1e-9): number {
  const m = a.map((row) => [...row]);
  let rank = 0;
  for (let col = 0; col < m[0].length && rank < m.length; col++) {
    let pivot = rank;
    for (let r = rank + 1; r < m.length; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (Math.abs(m[pivot][col]) < tolerance) continue;
    [m[rank], m[pivot]] = [m[pivot], m[rank]];
    for (let r = rank + 1; r < m.length; r++) {
      const f = m[r][col] / m[rank][col];
      for (let c = col; c < m[r].length; c++) m[r][c] -= f * m[rank][c];
    }
    rank++;
  }
  return rank;
}

describe('gridNetwork', () => {
  it.each([1, 2, 8, 32])('builds rank %i: K channels, Dale signs, W = E·D of rank K', (rank) => {
    const neurons = rank === 1 ? 30 : 6 * rank;
    const { spec, m } = gridNetwork({
      neurons,
      rank,
      rule: 'all',
      synapse: 'pulse',
      steps: 20,
      dt: 1e-4,
      sigmaV: 0,
    });
    expect(spec.latents).toHaveLength(rank);
    const N = spec.populations.reduce((s, p) => s + p.size, 0);
    expect(N).toBe(actualSize(rank, neurons));
    expect(m).toBe(rank === 1 ? 3 : 2);
    // Dale: decoders ≥ 0; encoders of channels sourced by E ≥ 0 everywhere, by I ≤ 0.
    spec.latents.forEach((l, li) => {
      expect(l.decoder.every((d) => d >= 0)).toBe(true);
      const sign = spec.populations[l.source].sign === 'excitatory' ? 1 : -1;
      spec.encoders.forEach((row) => expect(row[li].every((e) => sign * e >= 0)).toBe(true));
    });
    // The dense W (N × N) that the simulator never builds: rank exactly K.
    const starts = spec.populations.map((_, p) =>
      spec.populations.slice(0, p).reduce((s, q) => s + q.size, 0),
    );
    const W = Array.from({ length: N }, () => new Array<number>(N).fill(0));
    spec.populations.forEach((pop, p) => {
      for (let i = 0; i < pop.size; i++) {
        spec.latents.forEach((l, li) => {
          for (let k = 0; k < l.decoder.length; k++) {
            W[starts[p] + i][starts[l.source] + k] += spec.encoders[p][li][i] * l.decoder[k];
          }
        });
      }
    });
    expect(matrixRank(W)).toBe(rank);
  });

  it('divides decoders by m and jitters thresholds without moving their mean', () => {
    const small = gridNetwork({
      neurons: 6,
      rank: 2,
      rule: 'all',
      synapse: 'exponential',
      steps: 20,
      dt: 1e-4,
      sigmaV: 0,
    });
    const big = gridNetwork({
      neurons: 600,
      rank: 2,
      rule: 'all',
      synapse: 'exponential',
      steps: 20,
      dt: 1e-4,
      sigmaV: 0,
    });
    expect(big.m).toBe(100);
    const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
    big.spec.latents.forEach((l, li) =>
      expect(sum(l.decoder)).toBeCloseTo(sum(small.spec.latents[li].decoder), 10),
    );
    big.spec.populations.forEach((p, pi) => {
      expect(sum(p.threshold) / 100).toBeCloseTo(sum(small.spec.populations[pi].threshold), 9);
      expect(new Set(p.threshold).size).toBe(p.size);
    });
  });
});

const tinyGrid = (out: string, extra: Partial<GridOptions> = {}): GridOptions => ({
  out,
  sizes: [100, 300],
  ranks: [1, 2],
  rules: ['all', 'one-per-step'],
  synapses: ['exponential', 'delta'],
  backends: ['cpu'],
  serialMaxN: 1e4,
  baselines: true,
  denseMaxN: 1e4,
  steps: 21,
  dt: 1e-4,
  sigmaV: 0,
  repetitions: 1,
  seed: 0,
  maxPointSeconds: 60,
  ...extra,
});

describe('runGrid resume', () => {
  it('keeps the points finished before an interruption and does not run them again', async () => {
    const out = tempDir();
    const controller = new AbortController();
    const first: PointRecord[] = [];
    const interrupted = await runGrid(
      tinyGrid(out, {
        signal: controller.signal,
        onRecord: (r) => {
          first.push(r);
          if (first.length === 3) controller.abort();
        },
      }),
    );
    // 2 sizes × 2 ranks × 2 pairs on the CPU: 8 points; stopped after 3.
    expect(interrupted.planned).toBe(8);
    expect(interrupted).toMatchObject({ interrupted: true, measured: 3, resumed: 0 });
    const saved = readGrid(out);
    expect(saved.format).toBe(GRID_FORMAT);
    expect(saved.records.map((r) => r.key)).toEqual(first.map((r) => r.key));
    expect(saved.records.every((r) => r.status === 'done')).toBe(true);

    const second: PointRecord[] = [];
    const resumed = await runGrid(tinyGrid(out, { onRecord: (r) => second.push(r) }));
    expect(resumed).toMatchObject({ interrupted: false, planned: 8, resumed: 3, measured: 5 });
    // Nothing finished before was measured again; all 8 are there, the first 3 unchanged.
    expect(second.map((r) => r.key).filter((k) => first.some((f) => f.key === k))).toEqual([]);
    const all = readGrid(out).records;
    expect(all).toHaveLength(8);
    expect(all.slice(0, 3)).toEqual(saved.records);
    // Same shape for resumed and new records.
    const shape = (r: PointRecord) => Object.keys(r).sort();
    for (const r of all) expect(shape(r)).toEqual(shape(all[0]));

    // A third run with the same settings measures nothing.
    const third = await runGrid(tinyGrid(out));
    expect(third).toMatchObject({ resumed: 8, measured: 0 });
    expect(readGrid(out).records).toEqual(all);
  });

  it('gives up a point after its warm-up when the repetitions would exceed the budget', async () => {
    const out = tempDir();
    const summary = await runGrid(
      tinyGrid(out, {
        ranks: [2],
        rules: ['all'],
        synapses: ['exponential'],
        repetitions: 3,
        maxPointSeconds: 1e-6,
      }),
    );
    expect(summary).toMatchObject({ planned: 2, measured: 0, skipped: 2, failed: 0 });
    const [small, large] = readGrid(out).records;
    expect(small.status).toBe('skipped');
    expect(small.reason).toMatch(/^over budget: the warm-up run took .* so 3 repetitions would take/);
    // The larger size of the same series is not tried.
    expect(large.reason).toMatch(/^N = 100 of this series was skipped/);
    // Skipped points are not finished: a rerun with a budget measures them.
    const rerun = await runGrid(
      tinyGrid(out, { ranks: [2], rules: ['all'], synapses: ['exponential'], repetitions: 3 }),
    );
    expect(rerun).toMatchObject({ resumed: 0, measured: 2 });
  });

  it('keys CPU points by --threads and records the threads the engine used', async () => {
    const out = tempDir();
    const options = { sizes: [100], ranks: [2], rules: ['all' as const], synapses: ['exponential' as const] };
    await runGrid(tinyGrid(out, options));
    const two = await runGrid(tinyGrid(out, { ...options, cpuThreads: 2 }));
    // Another thread count is another point: measured, not resumed.
    expect(two).toMatchObject({ resumed: 0, measured: 1 });
    const [one, other] = readGrid(out).records;
    expect(one.key).toMatch(/\/threads1$/);
    expect(other.key).toMatch(/\/threads2$/);
    expect(other.cpuThreads).toBe(2);
    expect(other.adapter?.description).toMatch(/^CPU engine, --threads 2/);
    // 102 neurons give the worker threads no slice to share: the engine integrated them on one.
    expect(other.threads).toBe(1);
  });

  it('refuses an --out whose grid.json is something else', async () => {
    const out = tempDir();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(out, 'grid.json'), JSON.stringify({ format: 'other', records: [] }));
    await expect(runGrid(tinyGrid(out))).rejects.toThrow(/not a latentspike\/bench-grid@1 file/);
  });
});

describe('grid files', () => {
  it('writes CSV rows that match the JSON records column for column', async () => {
    const out = tempDir();
    const summary = await runGrid(
      tinyGrid(out, { sizes: [100], ranks: [2], rules: ['all'], synapses: ['exponential'] }),
    );
    expect(summary.files).toEqual(['grid.json', 'grid.csv', 'grid.md', 'time-cpu-K2.svg']);
    const records = readGrid(out).records;
    const rows = parseCsv(readFileSync(join(out, 'grid.csv'), 'utf8'));
    expect(rows[0]).toEqual(CSV_COLUMNS.map(([name]) => name));
    expect(rows).toHaveLength(records.length + 1);
    rows.slice(1).forEach((row, i) => {
      expect(row).toHaveLength(CSV_COLUMNS.length);
      const cell = (name: string) => row[CSV_COLUMNS.findIndex(([n]) => n === name)];
      expect(cell('key')).toBe(records[i].key);
      expect(Number(cell('microsecondsPerStep'))).toBe(records[i].microsecondsPerStep);
      expect(Number(cell('neurons'))).toBe(102);
      expect(cell('status')).toBe('done');
      expect(cell('adapterPath')).toBe('cpu');
      expect(cell('software')).toBe('');
    });
    const svg = readFileSync(join(out, 'time-cpu-K2.svg'), 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('all/exponential');
  });

  it('quotes cells with commas and quotes, and draws the probe and dense baselines', () => {
    const record = {
      key: 'k',
      backend: 'webgpu',
      kernel: 'network',
      requestedNeurons: 100,
      neurons: 102,
      rank: 2,
      rule: 'all',
      synapse: 'pulse',
      steps: 11,
      dt: 1e-4,
      sigmaV: 0,
      repetitions: 1,
      seed: 0,
      status: 'failed',
      reason: 'out of memory, "W" too big',
      at: '',
    } as PointRecord;
    const rows = parseCsv(gridCsv([record]));
    expect(rows[1][CSV_COLUMNS.findIndex(([n]) => n === 'reason')]).toBe('out of memory, "W" too big');
    const done = (kernel: PointRecord['kernel'], n: number, us: number): PointRecord => ({
      ...record,
      key: `${kernel}${n}`,
      kernel,
      neurons: n,
      status: 'done',
      reason: null,
      microsecondsPerStep: us,
    });
    const plots = gridPlots([
      done('network', 100, 10),
      done('network', 1000, 50),
      done('probe', 100, 1),
      done('dense', 100, 20),
    ]);
    expect(plots.map((p) => p.name)).toEqual(['time-webgpu-K2']);
    expect(plots[0].svg).toContain('WebGPU bandwidth probe');
    expect(plots[0].svg).toContain('WebGPU dense N×N');
  });
});

describe('latentspike bench --grid flags', () => {
  const run = async (...args: string[]) => {
    const errors: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      errors.push(String(chunk));
      return true;
    });
    try {
      return { code: await main(['bench', ...args]), stderr: errors.join('') };
    } finally {
      spy.mockRestore();
    }
  };

  it.each([
    [['--grid', '--ranks', '3'], '--ranks: "3" is not 1 or an even integer'],
    [['--grid', '--rules', 'all,fast'], '--rules: one or more of all, one-per-step, sequential (got "fast")'],
    [['--grid', '--synapses', 'alpha'], '--synapses: one or more of delta, pulse, exponential'],
    [['--grid', '--backends', 'gpu'], '--backends: one or more of cpu, webgpu, browser (got "gpu")'],
    [['--grid', '--max-n', '1'], '--max-n: "1" is not an integer ≥ 2'],
    [['--grid', '--sizes', '100,abc'], '--sizes: "abc" is not an integer ≥ 2'],
    [['--grid', '--sizes', '100', '--max-n', '1e4'], '--sizes: give either --sizes or --max-n'],
    [['--grid', '--repetitions', '0'], '--repetitions: must be a positive integer'],
    [['--grid', '--dt=-1'], '--dt: must be a number > 0'],
    [['--grid', '--max-point-seconds', 'x'], '--max-point-seconds: must be a number > 0'],
    [['--grid', '--backend', 'cpu'], '--backend: not with --grid (use --backends)'],
    [['--grid', '--threads', '0'], '--threads: must be a positive integer'],
    [['--ranks', '2'], '--ranks: only with --grid'],
    [['--grid', '--bogus'], "Unknown option '--bogus'"],
  ])('%j → exit 2 naming the flag', async (args, message) => {
    const out = join(tempDir(), 'never');
    const { code, stderr } = await run(...args, ...(args.includes('--grid') ? ['--out', out] : []));
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(existsSync(out)).toBe(false);
  });
});

const gpu = await tryAcquireDevice();
afterAll(() => gpu?.release());

describe.skipIf(!gpu)('a tiny real grid: N = 100, one repetition, CPU and WebGPU in Node', () => {
  it('measures both backends and the baselines, with the adapter named and flagged', async () => {
    const out = tempDir();
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    let code: number;
    try {
      code = await main([
        'bench',
        '--grid',
        '--sizes',
        '100',
        '--ranks',
        '2',
        '--rules',
        'all',
        '--synapses',
        'exponential',
        '--backends',
        'cpu,webgpu',
        '--repetitions',
        '1',
        '--steps',
        '21',
        '--out',
        out,
      ]);
    } finally {
      spy.mockRestore();
    }
    expect(code, lines.join('')).toBe(0);
    const records = readGrid(out).records;
    expect(records.map((r) => `${r.backend}/${r.kernel}/${r.status}`)).toEqual([
      'cpu/network/done',
      'webgpu/network/done',
      'webgpu/probe/done',
      'webgpu/dense/done',
    ]);
    for (const r of records) {
      expect(r.microsecondsPerStep).toBeGreaterThan(0);
      expect(Number.isFinite(r.microsecondsPerStep)).toBe(true);
      expect(r.neuronUpdatesPerSecond).toBeCloseTo((r.neurons! / r.microsecondsPerStep!) * 1e6, 3);
    }
    const [cpu, webgpu] = records;
    expect(cpu.adapter).toMatchObject({ path: 'cpu', software: null });
    expect(webgpu.adapter).toMatchObject({
      software: gpu!.adapterInfo.software,
      description: gpu!.adapterInfo.description,
    });
    expect(webgpu.memoryKind).toBe('device');
    expect(webgpu.stateBytes).toBeGreaterThan(0);
    // The same network on both: 102 neurons, and nearly the same spikes (f64 against f32).
    expect(cpu.neurons).toBe(102);
    expect(webgpu.neurons).toBe(102);
    expect(cpu.meanRateHz).toBeGreaterThan(10);
    expect(Math.abs(webgpu.meanRateHz! - cpu.meanRateHz!) / cpu.meanRateHz!).toBeLessThan(0.1);
    expect(cpu.realTimeFactor).toBeCloseTo((cpu.microsecondsPerStep! * 1e-6) / 1e-4, 6);
    expect(lines.join('')).toMatch(/\[1\/4\] cpu N=102 K=2 all\/exponential: .* µs\/step/);
    expect(lines.join('')).toMatch(/webgpu: .* software: (true|false)/);
    const files = ['grid.json', 'grid.csv', 'grid.md', 'time-cpu-K2.svg', 'time-webgpu-K2.svg'];
    for (const f of files) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'time-webgpu-K2.svg'), 'utf8')).toContain('WebGPU bandwidth probe');
  });
});
