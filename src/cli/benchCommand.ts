// `latentspike bench --backend cpu|webgpu`: neuron-updates per second on a rank-2 E/I network.
// src/bench/cpuBench.ts measures the CPU engine; src/bench/webgpuBench.ts the WebGPU engine on this
// machine's adapter, next to a bandwidth probe and a dense N×N baseline, with per-kernel GPU
// time where the adapter has timestamp-query (`--json FILE` also writes the report as JSON);
// `--peer brian2` (src/bench/peerBench.ts) both engines next to Brian2 on the same run file. Progress
// lines go to stderr as rows finish, the final table to stdout. `--grid` (src/bench/grid) runs the
// benchmark grid over N, rank, spike rule, synapse kind and backend into --out, resumably.
import { writeFileAtomic } from '../node.ts';
import { UsageError, interruptSignal, parsePositiveInt, parseThreads } from './args.ts';
import { parseOptions, type CommandSpec } from './options.ts';

const BACKENDS = ['cpu', 'webgpu'];

/**
 * The options of every form (--backend cpu|webgpu, --peer, --grid); each form refuses the others'
 * options by name. Defaults that differ between forms are given per form.
 */
export const BENCH = {
  synopsis: [
    'bench --backend cpu|webgpu [options]',
    'bench --peer brian2 [options]',
    'bench --grid [options]',
  ],
  summary:
    'Benchmarks neuron-updates per second (CPU), µs per step next to a bandwidth probe and a dense ' +
    'N×N kernel (WebGPU), both engines next to Brian2 (--peer), or the N × rank × rule × synapse × ' +
    'backend grid into --out, resumably (--grid).',
  tuned: true,
  options: {
    backend: { arg: BACKENDS.join('|'), help: 'engine to measure', default: 'cpu' },
    sizes: {
      arg: 'N,N,…',
      help: 'network sizes (--grid: instead of --max-n)',
      default: { cpu: '1e4,1e5,1e6', webgpu: '1e3,1e4,1e5,1e6', peer: '1e3,1e4,1e5,1e6' },
    },
    repetitions: {
      arg: 'R',
      help: 'timed runs per size',
      default: { cpu: '5', webgpu: '5', peer: '3', grid: '5' },
    },
    steps: {
      arg: 'S',
      help: 'steps per run',
      default: { cpu: '200', webgpu: '200', peer: '200', grid: '101' },
    },
    threads: {
      arg: '1|N|auto',
      help: 'CPU-engine threads (1: the single-core figure)',
      default: { cpu: '1', grid: '1' },
    },
    'dense-sizes': { arg: 'N,N', help: 'webgpu: sizes of the dense N×N baseline', default: '4096,16384' },
    'max-row-seconds': {
      arg: 'S',
      help: 'webgpu and --peer: time budget per size',
      default: { webgpu: '120', peer: '300' },
    },
    'per-invocation': { arg: 'N', help: 'webgpu: neurons per shader invocation' },
    json: { arg: 'FILE', help: 'webgpu: also write the report, per-kernel GPU times included, as JSON' },
    peer: { arg: 'brian2', help: 'measure Brian2 on the same run files' },
    targets: {
      arg: 'numpy,cython,cpp_standalone',
      help: '--peer: Brian2 code-generation targets (default: all)',
    },
    grid: { flag: true, help: 'the benchmark grid (docs/performance.md: Benchmark grid)' },
    out: { arg: 'DIR', help: '--grid: output folder; rerun to resume', default: 'out/bench-grid' },
    'max-n': { arg: 'N', help: '--grid: sizes 10², 10³, … up to N, or give --sizes', default: '1e3' },
    ranks: { arg: '1,2,8,32', help: '--grid: ranks K (1 or even)', default: '1,2,8,32' },
    rules: { arg: 'all,one-per-step,sequential', help: '--grid: spike rules (default: all)' },
    synapses: { arg: 'delta,pulse,exponential', help: '--grid: synapse kinds (default: all)' },
    backends: { arg: 'cpu,webgpu,browser', help: '--grid: backends (default: all)' },
    dt: { arg: 'S', help: '--grid: time step', default: '1e-4' },
    sigma: { arg: 'σ', help: '--grid: voltage noise', default: '0' },
    seed: { arg: 'S', help: '--grid: noise seed', default: '0' },
    'serial-max-n': {
      arg: 'N',
      help: '--grid: largest N for one-per-step and sequential',
      default: '1e4',
    },
    'dense-max-n': { arg: 'N', help: '--grid: largest N of the dense baseline', default: '1e4' },
    'no-baselines': { flag: true, help: '--grid: no bandwidth probe or dense baseline' },
    'max-point-seconds': { arg: 'S', help: '--grid: time budget per point', default: '30' },
  },
} as const satisfies CommandSpec;

type BenchValues = ReturnType<typeof parseOptions<typeof BENCH.options>>['values'];

/** The options only --grid takes. */
const GRID_ONLY = [
  'grid',
  'out',
  'max-n',
  'ranks',
  'rules',
  'synapses',
  'backends',
  'dt',
  'sigma',
  'seed',
  'serial-max-n',
  'dense-max-n',
  'no-baselines',
  'max-point-seconds',
] as const;

function parseSizes(option: string, text: string): number[] {
  return text.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 2) throw new UsageError(`--${option}: "${s}" is not an integer ≥ 2`);
    return n;
  });
}

export async function benchCommand(args: string[]): Promise<number> {
  const { values } = parseOptions(BENCH, args);
  if (values.grid) return gridBench(values);
  for (const option of GRID_ONLY) {
    if (values[option] !== undefined) throw new UsageError(`--${option}: only with --grid`);
  }
  if (values.peer !== undefined) return peerBench(values);
  if (values.targets !== undefined) throw new UsageError('--targets: only with --peer brian2');
  const backend = values.backend ?? BENCH.options.backend.default;
  if (!BACKENDS.includes(backend)) {
    throw new UsageError(`--backend: one of ${BACKENDS.join(', ')} (got "${backend}")`);
  }
  const o = BENCH.options;
  const form = backend as 'cpu' | 'webgpu';
  const repetitions = parsePositiveInt('repetitions', values.repetitions ?? o.repetitions.default[form]);
  const steps = parsePositiveInt('steps', values.steps ?? o.steps.default[form]);
  const onLine = (l: string) => process.stderr.write(`${l}\n`);

  if (backend === 'cpu') {
    for (const option of ['dense-sizes', 'max-row-seconds', 'per-invocation', 'json'] as const) {
      if (values[option] !== undefined) throw new UsageError(`--${option}: only with --backend webgpu`);
    }
    const sizes = parseSizes('sizes', values.sizes ?? o.sizes.default.cpu);
    const { runCpuBench, formatBenchTable } = await import('../bench.ts');
    const threads = parseThreads(values.threads ?? o.threads.default.cpu);
    const rows = await runCpuBench({ sizes, repetitions, steps, threads, onLine });
    process.stdout.write(`${formatBenchTable(rows)}\n`);
    return 0;
  }

  const sizes = parseSizes('sizes', values.sizes ?? o.sizes.default.webgpu);
  const denseSizes = parseSizes('dense-sizes', values['dense-sizes'] ?? o['dense-sizes'].default);
  const maxRowSeconds = parsePositiveInt(
    'max-row-seconds',
    values['max-row-seconds'] ?? o['max-row-seconds'].default.webgpu,
  );
  const neuronsPerInvocation = parsePositiveInt('per-invocation', values['per-invocation']);
  const jsonPath = values.json;
  if (jsonPath !== undefined && jsonPath.trim() === '') throw new UsageError('--json: needs a file name');
  const { runWebGpuBench, formatWebGpuBench, resolveTuning } = await import('../bench.ts');
  const report = await runWebGpuBench({
    tuning: (gpu) => resolveTuning(gpu, onLine),
    sizes,
    denseSizes,
    repetitions,
    steps,
    maxRowSeconds,
    neuronsPerInvocation,
    onLine,
  });
  process.stdout.write(`${formatWebGpuBench(report)}\n`);
  if (jsonPath !== undefined) {
    writeFileAtomic(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`wrote ${jsonPath} (${report.format})\n`);
  }
  return 0;
}

/** `--peer brian2 [--sizes …] [--targets numpy,cython,cpp_standalone] [--steps S] [--repetitions R]`. */
async function peerBench(values: BenchValues): Promise<number> {
  if (values.peer !== 'brian2') throw new UsageError(`--peer: only brian2 (got "${values.peer}")`);
  for (const option of ['backend', 'dense-sizes', 'per-invocation', 'json'] as const) {
    if (values[option] !== undefined) throw new UsageError(`--${option}: not with --peer`);
  }
  const { BRIAN2_TARGETS } = await import('../bench.ts');
  const targets = (values.targets ?? BRIAN2_TARGETS.join(',')).split(',');
  for (const t of targets) {
    if (!(BRIAN2_TARGETS as readonly string[]).includes(t)) {
      throw new UsageError(`--targets: one or more of ${BRIAN2_TARGETS.join(', ')} (got "${t}")`);
    }
  }
  const o = BENCH.options;
  const { runPeerBench, formatPeerBench } = await import('../bench.ts');
  const report = await runPeerBench({
    sizes: parseSizes('sizes', values.sizes ?? o.sizes.default.peer),
    steps: parsePositiveInt('steps', values.steps ?? o.steps.default.peer),
    repetitions: parsePositiveInt('repetitions', values.repetitions ?? o.repetitions.default.peer),
    targets: targets as (typeof BRIAN2_TARGETS)[number][],
    maxRowSeconds: parsePositiveInt(
      'max-row-seconds',
      values['max-row-seconds'] ?? o['max-row-seconds'].default.peer,
    ),
    onLine: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(`${formatPeerBench(report)}\n`);
  return 0;
}

/** A size: an integer ≥ 2, written plainly or as 1e4. */
function parseSize(option: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 2) {
    throw new UsageError(`--${option}: "${text}" is not an integer ≥ 2`);
  }
  return n;
}

function parseNumber(option: string, text: string, min: number, strict: boolean): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || (strict ? v <= min : v < min)) {
    throw new UsageError(`--${option}: must be a number ${strict ? '>' : '≥'} ${min} (got "${text}")`);
  }
  return v;
}

function parseList<T extends string>(option: string, text: string | undefined, allowed: readonly T[]): T[] {
  if (text === undefined) return [...allowed];
  const items = text.split(',');
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new UsageError(`--${option}: one or more of ${allowed.join(', ')} (got "${item}")`);
    }
  }
  return [...new Set(items)] as T[];
}

/** 10², 10³, … up to maxN, and maxN itself. */
export function gridSizes(maxN: number): number[] {
  const sizes: number[] = [];
  for (let n = 100; n <= maxN; n *= 10) sizes.push(n);
  if (sizes.at(-1) !== maxN) sizes.push(maxN);
  return sizes;
}

/** `--grid`: src/bench/grid/run.ts; options and defaults in docs/performance.md (Benchmark grid). */
async function gridBench(values: BenchValues): Promise<number> {
  for (const option of [
    'backend',
    'peer',
    'targets',
    'dense-sizes',
    'max-row-seconds',
    'per-invocation',
    'json',
  ] as const) {
    if (values[option] !== undefined) {
      throw new UsageError(`--${option}: not with --grid${option === 'backend' ? ' (use --backends)' : ''}`);
    }
  }
  const o = BENCH.options;
  const { GRID_RULES, GRID_SYNAPSES, GRID_BACKENDS } = await import('../bench.ts');
  if (values.sizes !== undefined && values['max-n'] !== undefined) {
    throw new UsageError('--sizes: give either --sizes or --max-n, not both');
  }
  const sizes =
    values.sizes !== undefined
      ? values.sizes.split(',').map((s) => parseSize('sizes', s))
      : gridSizes(parseSize('max-n', values['max-n'] ?? o['max-n'].default));
  const ranks = (values.ranks ?? o.ranks.default).split(',').map((text) => {
    const k = Number(text);
    if (!(Number.isInteger(k) && (k === 1 || (k >= 2 && k % 2 === 0)))) {
      throw new UsageError(`--ranks: "${text}" is not 1 or an even integer ≥ 2 (K/2 E and K/2 I channels)`);
    }
    return k;
  });
  const rules = parseList('rules', values.rules, GRID_RULES);
  const synapses = parseList('synapses', values.synapses, GRID_SYNAPSES);
  const backends = parseList('backends', values.backends, GRID_BACKENDS);
  const steps = parsePositiveInt('steps', values.steps ?? o.steps.default.grid);
  if (steps < 2) throw new UsageError(`--steps: need at least 2 samples (got ${steps})`);
  const seedText = values.seed ?? o.seed.default;
  const seed = parseNumber('seed', seedText, 0, false);
  if (!Number.isInteger(seed))
    throw new UsageError(`--seed: must be a non-negative integer (got "${seedText}")`);
  const options = {
    out: values.out ?? o.out.default,
    sizes,
    ranks: [...new Set(ranks)],
    rules,
    synapses,
    backends,
    steps,
    dt: parseNumber('dt', values.dt ?? o.dt.default, 0, true),
    sigmaV: parseNumber('sigma', values.sigma ?? o.sigma.default, 0, false),
    repetitions: parsePositiveInt('repetitions', values.repetitions ?? o.repetitions.default.grid),
    seed,
    serialMaxN: parseSize('serial-max-n', values['serial-max-n'] ?? o['serial-max-n'].default),
    denseMaxN: parseSize('dense-max-n', values['dense-max-n'] ?? o['dense-max-n'].default),
    baselines: values['no-baselines'] !== true,
    maxPointSeconds: parseNumber(
      'max-point-seconds',
      values['max-point-seconds'] ?? o['max-point-seconds'].default,
      0,
      true,
    ),
    cpuThreads: parseThreads(values.threads ?? o.threads.default.grid),
  };
  const { runGrid } = await import('../bench.ts');
  const { signal, dispose } = interruptSignal();
  try {
    const summary = await runGrid({ ...options, signal, onLine: (l) => process.stderr.write(`${l}\n`) });
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    process.stdout.write(readFileSync(join(options.out, 'grid.md'), 'utf8'));
    process.stderr.write(
      `grid: ${summary.planned} points, ${summary.resumed} from an earlier run, ${summary.measured} measured, ` +
        `${summary.skipped} skipped, ${summary.failed} failed; wrote ${summary.files.join(', ')} to ${options.out}/\n`,
    );
    if (summary.interrupted) {
      process.stderr.write('interrupted: finished points are kept; run the same command again to resume\n');
      return 130;
    }
    return 0;
  } finally {
    dispose();
  }
}
