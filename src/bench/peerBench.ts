// latentspike next to a real peer, Brian2, on the same network (`latentspike bench --peer brian2`).
// Every size writes src/bench/cpuBench.ts's network (fig5's rank-2 E/I boundary in redundant copies,
// `all` rule, exponential synapses, σ_V = 0.01) to one run file; our CPU engine, our WebGPU engine
// (when this machine has an adapter; software adapters are flagged, their times are CPU emulation)
// and Brian2 under each code-generation target and form (src/bench/peers/brian2_lowrank.py) all run
// that file. Times are simulation loop only, median of the repetitions (Brian2: without code
// generation and compilation, reported apart). Noise streams differ between the simulators, so
// spike statistics are compared (per-population totals within a tolerance), not spike trains.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuEngine } from '../engine/cpu/cpuEngine.ts';
import type { Engine } from '../engine/engine.ts';
import { WebGpuEngine } from '../engine/webgpu/webgpuEngine.ts';
import { compileNetwork } from '../model/compile.ts';
import { parseRunFile } from '../model/parse.ts';
import { logLogSlope } from '../analysis/stats.ts';
import { benchRunFile, SLOPE_FROM_NEURONS } from './cpuBench.ts';
import {
  BRIAN2_FORMS,
  brian2Version,
  runBrian2,
  type Brian2Form,
  type Brian2Result,
  type Brian2Target,
} from './peers/brian2.ts';
import { spikeAgreement, timeEngine, type EngineTiming } from './peers/ours.ts';

export interface PeerBenchOptions {
  sizes: number[];
  /** Samples S of every run (S − 1 steps). */
  steps: number;
  targets: Brian2Target[];
  /** At least 3 for a median that means something. */
  repetitions: number;
  /** Brian2 forms (default all three); dense runs only at N ≤ denseMaxNeurons (default 2000). */
  forms?: readonly Brian2Form[];
  denseMaxNeurons?: number;
  sigmaV?: number;
  /** false: no WebGPU column even when an adapter exists. */
  webgpu?: boolean;
  /**
   * A size is skipped for one engine when that engine's previous size, scaled by N, predicts more
   * than this for its warm-up and repetitions (default 300 s).
   */
  maxRowSeconds?: number;
  /** Relative tolerance of the per-population spike totals (default 0.1). */
  tolerance?: number;
  python?: string;
  onLine?: (line: string) => void;
}

export interface PeerRow {
  /** Actual network size (6·round(N/6)). */
  neurons: number;
  steps: number;
  cpu: EngineTiming | null;
  webgpu: EngineTiming | null;
  brian2: Brian2Result[];
  /** Engines not run at this size, with the reason. */
  skipped: string[];
}

export interface PeerBenchReport {
  brian2Version: string;
  /** The WebGPU adapter as described by the engine, or why there is no WebGPU column. */
  webgpu: { adapter: string; software: boolean } | { reason: string };
  sigmaV: number;
  tolerance: number;
  rows: PeerRow[];
}

const FORM_CODE: Record<Brian2Form, string> = { latent: 'L', 'latent-event': 'E', dense: 'D' };

/** Predicts each engine's time at the next size from its time at the previous one. */
class Budget {
  private readonly last = new Map<string, { neurons: number; secondsPerStep: number }>();
  constructor(
    private readonly maxSeconds: number,
    private readonly runs: number,
    private readonly steps: number,
  ) {}
  /** null when `key` may run at `neurons`, else why not. */
  check(key: string, neurons: number): string | null {
    const prev = this.last.get(key);
    if (!prev) return null;
    const predicted = prev.secondsPerStep * (neurons / prev.neurons) * this.steps * this.runs;
    if (predicted <= this.maxSeconds) return null;
    return `${key} at N = ${neurons}: skipped, about ${predicted.toFixed(0)} s predicted (budget ${this.maxSeconds} s)`;
  }
  record(key: string, neurons: number, secondsPerStep: number): void {
    this.last.set(key, { neurons, secondsPerStep });
  }
}

async function openWebGpu(
  wanted: boolean,
): Promise<{ engine: WebGpuEngine | null; info: PeerBenchReport['webgpu'] }> {
  if (!wanted) return { engine: null, info: { reason: 'not requested' } };
  try {
    const engine = await WebGpuEngine.create();
    const a = engine.adapter!;
    return {
      engine,
      info: { adapter: `${a.description || a.architecture} (${a.vendor})`, software: a.software },
    };
  } catch (err) {
    return { engine: null, info: { reason: `no adapter: ${(err as Error).message.split('\n')[0]}` } };
  }
}

export async function runPeerBench(options: PeerBenchOptions): Promise<PeerBenchReport> {
  if (!(options.repetitions >= 1 && options.steps >= 2 && options.targets.length > 0)) {
    throw new Error('runPeerBench: need repetitions >= 1, steps >= 2 and at least one target');
  }
  const brian2 = brian2Version(options.python);
  if ('reason' in brian2) throw new Error(`the Brian2 peer is not available: ${brian2.reason}`);
  const emit = (line: string) => options.onLine?.(line);
  const sigmaV = options.sigmaV ?? 0.01;
  const tolerance = options.tolerance ?? 0.1;
  const forms = options.forms ?? BRIAN2_FORMS;
  const denseMax = options.denseMaxNeurons ?? 2000;
  const budget = new Budget(options.maxRowSeconds ?? 300, options.repetitions + 1, options.steps - 1);
  const dir = mkdtempSync(join(tmpdir(), 'latentspike-peer-'));
  const cpu = new CpuEngine({ precision: 'f64' });
  const gpu = await openWebGpu(options.webgpu ?? true);
  const report: PeerBenchReport = {
    brian2Version: brian2.version,
    webgpu: gpu.info,
    sigmaV,
    tolerance,
    rows: [],
  };
  emit(`brian2 ${brian2.version}; ${describeWebGpu(report.webgpu)}`);
  try {
    for (const size of [...options.sizes].sort((a, b) => a - b)) {
      const json = benchRunFile({ neurons: size, steps: options.steps, sigmaV });
      const file = join(dir, `bench-${size}.json`);
      writeFileSync(file, JSON.stringify(json));
      const net = compileNetwork(parseRunFile(json));
      const row: PeerRow = {
        neurons: net.N,
        steps: net.S - 1,
        cpu: null,
        webgpu: null,
        brian2: [],
        skipped: [],
      };
      const timed = async (key: string, engine: Engine): Promise<EngineTiming | null> => {
        const skip = budget.check(key, net.N);
        if (skip) return (row.skipped.push(skip), emit(skip), null);
        const t = await timeEngine(engine, net, options.repetitions);
        budget.record(key, net.N, t.secondsPerStep);
        emit(
          `N = ${net.N} ${key}: ${(t.secondsPerStep * 1e6).toPrecision(4)} µs/step, ${t.spikesTotal} spikes`,
        );
        return t;
      };
      row.cpu = await timed('ours cpu', cpu);
      if (gpu.engine) row.webgpu = await timed('ours webgpu', gpu.engine);
      for (const target of options.targets) {
        for (const form of forms.filter((f) => f !== 'dense' || net.N <= denseMax)) {
          const key = `brian2 ${target}/${form}`;
          const skip = budget.check(key, net.N);
          if (skip) {
            row.skipped.push(skip);
            emit(skip);
            continue;
          }
          try {
            const r = await runBrian2(file, {
              target,
              form,
              repetitions: options.repetitions,
              python: options.python,
              buildDir: join(dir, `cpp-${net.N}-${form}`),
            });
            budget.record(key, net.N, r.secondsPerStep);
            row.brian2.push(r);
            emit(detailLine(r, row.cpu ?? row.webgpu, tolerance));
          } catch (err) {
            const why = `${key} at N = ${net.N}: failed: ${(err as Error).message.split('\n').slice(-1)[0]}`;
            row.skipped.push(why);
            emit(why);
          }
        }
      }
      report.rows.push(row);
    }
    return report;
  } finally {
    cpu.dispose();
    gpu.engine?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

function describeWebGpu(w: PeerBenchReport['webgpu']): string {
  if ('reason' in w) return `webgpu: ${w.reason}`;
  return `webgpu adapter: ${w.adapter}${w.software ? ', software (CPU emulation, not GPU performance)' : ''}`;
}

const us = (secondsPerStep: number): string => (secondsPerStep * 1e6).toPrecision(4);
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;

function detailLine(r: Brian2Result, reference: EngineTiming | null, tolerance: number): string {
  const pops = Object.entries(r.spikesByPopulation)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  const vs = reference ? ` vs ours ${pct(spikeAgreement(reference, r, tolerance).worst)}` : '';
  return (
    `N = ${r.N} brian2 ${r.target}/${r.form}: ${us(r.secondsPerStep)} µs/step (build ${r.buildSeconds.toFixed(1)} s), ` +
    `${r.spikesTotal} spikes (${pops}), ${r.meanRateHz.toFixed(1)} Hz${vs}`
  );
}

/** Brian2's fastest form under `target` at this row. */
function bestOf(row: PeerRow, target?: Brian2Target): Brian2Result | null {
  const runs = row.brian2.filter((r) => target === undefined || r.target === target);
  return runs.reduce<Brian2Result | null>(
    (a, r) => (a && a.secondsPerStep <= r.secondsPerStep ? a : r),
    null,
  );
}

function targetsOf(report: PeerBenchReport): Brian2Target[] {
  return [...new Set(report.rows.flatMap((r) => r.brian2.map((b) => b.target)))];
}

/** Spike statistics of every peer run and of WebGPU against our CPU engine. */
function agreementCell(row: PeerRow, tolerance: number): string {
  const reference = row.cpu ?? row.webgpu;
  const others = [...row.brian2, ...(row.cpu && row.webgpu ? [row.webgpu] : [])];
  if (!reference || others.length === 0) return '–';
  const checks = others.map((o) => spikeAgreement(reference, o, tolerance));
  const worst = checks.reduce((a, c) => (Math.abs(c.worst) > Math.abs(a) ? c.worst : a), 0);
  return `${checks.every((c) => c.agree) ? 'yes' : 'NO'} (worst ${pct(worst)})`;
}

/** The table (µs/step; Brian2 per target: fastest form, L latent, E latent-event, D dense), then details. */
export function formatPeerBench(report: PeerBenchReport): string {
  const targets = targetsOf(report);
  const header = [
    'N',
    'spikes/step',
    'ours cpu',
    'ours webgpu',
    ...targets.map((t) => `brian2 ${t}`),
    'cpu speedup',
    'webgpu speedup',
    `spikes agree (±${(100 * report.tolerance).toFixed(0)}%)`,
  ];
  const rows = report.rows.map((row) => {
    const best = bestOf(row);
    const speedup = (ours: EngineTiming | null) =>
      ours && best ? `${(best.secondsPerStep / ours.secondsPerStep).toFixed(2)}×` : '–';
    const reference = row.cpu ?? row.webgpu;
    return [
      String(row.neurons),
      reference ? (reference.spikesTotal / row.steps).toFixed(0) : '–',
      row.cpu
        ? `${us(row.cpu.secondsPerStep)}${(row.cpu.threads ?? 1) > 1 ? ` (${row.cpu.threads} thr)` : ''}`
        : '–',
      row.webgpu ? us(row.webgpu.secondsPerStep) : '–',
      ...targets.map((t) => {
        const b = bestOf(row, t);
        return b ? `${us(b.secondsPerStep)} ${FORM_CODE[b.form]}` : '–';
      }),
      speedup(row.cpu),
      speedup(row.webgpu),
      agreementCell(row, report.tolerance),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  const details = report.rows.flatMap((row) => [
    ...row.brian2.map((r) => detailLine(r, row.cpu ?? row.webgpu, report.tolerance)),
    ...row.skipped,
  ]);
  const slopes = peerSlopes(report);
  return [
    `brian2 ${report.brian2Version}; ${describeWebGpu(report.webgpu)}; σ_V = ${report.sigmaV}`,
    'µs per step, simulation loop only, median of the repetitions; Brian2 per target: its fastest form',
    '(L latent summed, E latent event-driven, D dense N×N); speedup = Brian2 best ÷ ours (> 1: ours faster).',
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
    ...(slopes ? [slopes] : []),
    ...details,
  ].join('\n');
}

/**
 * The least-squares slope of log(µs/step) against log N from 10⁵ on (the issue's linearity target)
 * for each engine timed at two sizes or more there; null when none was.
 */
function peerSlopes(report: PeerBenchReport): string | null {
  const big = report.rows.filter((r) => r.neurons >= SLOPE_FROM_NEURONS);
  const engines: [string, (r: PeerRow) => number | undefined][] = [
    ['ours cpu', (r) => r.cpu?.secondsPerStep],
    ['ours webgpu', (r) => r.webgpu?.secondsPerStep],
    ['brian2 best', (r) => bestOf(r)?.secondsPerStep],
  ];
  const cells = engines.flatMap(([name, time]) => {
    const timed = big.filter((r) => time(r) !== undefined);
    if (timed.length < 2) return [];
    const slope = logLogSlope(
      timed.map((r) => r.neurons),
      timed.map((r) => time(r)!),
    );
    return [`${name} ${slope.toFixed(2)}`];
  });
  return cells.length > 0
    ? `slope of log t vs log N for N ≥ ${SLOPE_FROM_NEURONS} (least squares): ${cells.join('; ')}`
    : null;
}
