// CPU engine throughput on a large rank-2 E/I network: fig5's 3 E + 3 I tangent planes, each neuron
// repeated m times with its decoder divided by m (MODEL.md §9), so N = 6m neurons compute the same
// zigzag as fig5. `all` rule with exponential synapses (the rule a large network needs), input ramped
// 0 → 10, started on the boundary intersection at x = 0. Latents every 10 steps, spikes not recorded,
// so the figure is the integrator's cost rather than the recorder's.

import { CpuEngine } from '../engine/cpu/cpuEngine.ts';
import { eiRun } from '../experiments/networks.ts';
import { linspace } from '../experiments/inputs.ts';
import { FIG5_DECODERS, FIG5_TARGET, fig5Populations } from '../experiments/presets/fig5.ts';
import { redundantRunFile } from '../experiments/scale/network.ts';
import { compileNetwork } from '../model/compile.ts';
import { parseRunFile } from '../model/parse.ts';
import type { RunFileJson } from '../model/runFile.ts';
import { logLogSlope, median } from '../analysis/stats.ts';

const SYNAPSE_RATE = 200;
/** A small spike cost, the same for every size (it only damps each neuron's own reset a little). */
const MU = 0.01;
const NOISE_LEVELS = [0, 0.01];

export interface BenchNetwork {
  /** Requested total size; the network has 6·round(neurons/6) neurons. */
  neurons: number;
  steps: number;
  sigmaV: number;
  dt?: number;
}

export interface BenchOptions {
  sizes: number[];
  repetitions: number;
  steps: number;
  /** CPU-engine threads (1: the single-core figure; 'auto': every core, from 50 000 neurons on). */
  threads?: number | 'auto';
  /** Called with each table line as soon as its row is measured (header first). */
  onLine?: (line: string) => void;
}

export interface BenchRow {
  /** Actual number of neurons (6m). */
  neurons: number;
  sigmaV: number;
  steps: number;
  repetitions: number;
  /** Median over the repetitions of simulate time / (steps − 1), seconds. */
  secondsPerStep: number;
  /** neurons / secondsPerStep. */
  updatesPerSecond: number;
  /** Network spikes per step in the last repetition (activity drives the cost of the spike pass). */
  spikesPerStep: number;
  /** Threads the engine used. */
  threads: number;
}

const repeatOf = (neurons: number): number => Math.max(1, Math.round(neurons / 6));

/**
 * The benchmark network as a run file: fig5's base network (m = 1) copied m times by the scaling
 * study's builder (src/experiments/scale/network.ts), identical copies (no threshold jitter).
 * Per-neuron arrays are plain arrays of up to 10^6 numbers, never stringified; encoders stay
 * scalars, which the parser broadcasts.
 */
export function benchRunFile({ neurons, steps, sigmaV, dt = 1e-4 }: BenchNetwork): RunFileJson {
  const m = repeatOf(neurons);
  const { E, I } = fig5Populations(FIG5_DECODERS.E, FIG5_DECODERS.I);
  const kinetics = { mu: MU, sigmaV, synapse: { kind: 'exponential' as const, rate: SYNAPSE_RATE } };
  const base = eiRun(
    { dt, steps, input: linspace(0, 10, steps), spikeRule: 'all', meta: { bench: 'cpu', m } },
    { ...E, ...kinetics },
    { ...I, ...kinetics },
  );
  return redundantRunFile(
    {
      ...base,
      initialLatent: { yE: FIG5_TARGET.yE[0], yI: FIG5_TARGET.yI[0] },
      record: { spikes: false, latents: true, every: 10 },
    },
    m,
    0,
  );
}

async function measure(neurons: number, sigmaV: number, options: BenchOptions): Promise<BenchRow> {
  const net = compileNetwork(parseRunFile(benchRunFile({ neurons, steps: options.steps, sigmaV })));
  const engine = new CpuEngine({ precision: 'f64', threads: options.threads ?? 1 });
  const perStep: number[] = [];
  let spikes = 0;
  let threads = 1;
  try {
    await engine.run(net); // warm-up: lets the JIT settle before anything is timed
    for (let r = 0; r < options.repetitions; r++) {
      const result = await engine.run(net);
      perStep.push(result.timing.simulateSeconds / (net.S - 1));
      threads = result.timing.threads ?? 1;
      spikes = result.trials[0].spikeCounts.reduce((s, counts) => counts.reduce((a, c) => a + c, s), 0);
    }
  } finally {
    engine.dispose();
  }
  const secondsPerStep = median(perStep);
  return {
    neurons: net.N,
    sigmaV,
    steps: net.S,
    repetitions: options.repetitions,
    secondsPerStep,
    updatesPerSecond: net.N / secondsPerStep,
    spikesPerStep: spikes / (net.S - 1),
    threads,
  };
}

/** Every size with and without noise, smallest first; rows in that order. */
export async function runCpuBench(options: BenchOptions): Promise<BenchRow[]> {
  if (!(options.repetitions >= 1 && options.steps >= 2)) {
    throw new Error(
      `runCpuBench: need repetitions >= 1 and steps >= 2 (got ${options.repetitions}, ${options.steps})`,
    );
  }
  const rows: BenchRow[] = [];
  options.onLine?.(HEADER);
  for (const sigmaV of NOISE_LEVELS) {
    for (const neurons of [...options.sizes].sort((a, b) => a - b)) {
      const row = await measure(neurons, sigmaV, options);
      options.onLine?.(formatRow(row, rows.at(-1)?.sigmaV === sigmaV ? rows.at(-1) : undefined));
      rows.push(row);
    }
  }
  return rows;
}

const COLUMNS = [
  'neurons',
  'sigmaV',
  'steps',
  'reps',
  'thr',
  'ms/step',
  'updates/s',
  'spikes/step',
  't/t_prev',
];
const WIDTHS = [10, 7, 6, 5, 4, 10, 10, 12, 16];
const line = (cells: string[]): string => cells.map((c, i) => c.padStart(WIDTHS[i])).join(' ');
const HEADER = line(COLUMNS);

/** `prev`: the row of the next smaller size with the same noise, for the scaling column. */
function formatRow(row: BenchRow, prev: BenchRow | undefined): string {
  const scaling = prev
    ? `${(row.secondsPerStep / prev.secondsPerStep).toFixed(2)} (N×${(row.neurons / prev.neurons).toFixed(1)})`
    : '';
  return line([
    String(row.neurons),
    String(row.sigmaV),
    String(row.steps),
    String(row.repetitions),
    String(row.threads),
    (row.secondsPerStep * 1e3).toPrecision(4),
    row.updatesPerSecond.toExponential(2),
    row.spikesPerStep.toFixed(1),
    scaling,
  ]);
}

/** Sizes from which the scaling target applies (time per step linear in N above 10⁵). */
export const SLOPE_FROM_NEURONS = 1e5;

/**
 * Per noise level, the least-squares slope of log(ms/step) against log N over the sizes from
 * SLOPE_FROM_NEURONS on (at least two of them), e.g. "σ_V = 0: 1.02 over 3 sizes".
 */
export function scalingSlopes(rows: BenchRow[]): string[] {
  return [...new Set(rows.map((r) => r.sigmaV))].flatMap((sigmaV) => {
    const big = rows.filter((r) => r.sigmaV === sigmaV && r.neurons >= SLOPE_FROM_NEURONS);
    if (new Set(big.map((r) => r.neurons)).size < 2) return [];
    const slope = logLogSlope(
      big.map((r) => r.neurons),
      big.map((r) => r.secondsPerStep),
    );
    return [`σ_V = ${sigmaV}: ${slope.toFixed(2)} over ${big.length} sizes`];
  });
}

/**
 * The rows as a fixed-width table (t/t_prev compares each size with the next smaller one at the
 * same noise), then the slope of log t against log N from 10⁵ on.
 */
export function formatBenchTable(rows: BenchRow[]): string {
  const slopes = scalingSlopes(rows);
  return [
    HEADER,
    ...rows.map((row, i) =>
      formatRow(row, i > 0 && rows[i - 1].sigmaV === row.sigmaV ? rows[i - 1] : undefined),
    ),
    ...(slopes.length > 0
      ? [`slope of log t vs log N for N ≥ ${SLOPE_FROM_NEURONS} (least squares): ${slopes.join('; ')}`]
      : []),
  ].join('\n');
}
