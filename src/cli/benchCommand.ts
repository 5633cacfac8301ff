// `latentspike bench --backend cpu|webgpu`: neuron-updates per second on a rank-2 E/I network.
// bench/cpuBench.ts measures the CPU engine; bench/webgpuBench.ts the WebGPU engine on this
// machine's adapter, next to a bandwidth probe and a dense N×N baseline, with per-kernel GPU
// time where the adapter has timestamp-query (`--json FILE` also writes the report as JSON);
// `--peer brian2` (bench/peerBench.ts) both engines next to Brian2 on the same run file. Progress
// lines go to stderr as rows finish, the final table to stdout. `--grid` (bench/grid) runs the
// benchmark grid over N, rank, spike rule, synapse kind and backend into --out, resumably.
import { parseArgs } from 'node:util';
import { UsageError, interruptSignal, parsePositiveInt, parseThreads } from './args.ts';

const BACKENDS = ['cpu', 'webgpu'];

function parseSizes(option: string, text: string): number[] {
  return text.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 2) throw new UsageError(`--${option}: "${s}" is not an integer ≥ 2`);
    return n;
  });
}

export async function benchCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      backend: { type: 'string' },
      sizes: { type: 'string' },
      'dense-sizes': { type: 'string' },
      repetitions: { type: 'string' },
      steps: { type: 'string' },
      'max-row-seconds': { type: 'string' },
      'per-invocation': { type: 'string' },
      json: { type: 'string' },
      peer: { type: 'string' },
      targets: { type: 'string' },
      threads: { type: 'string' },
      ...GRID_OPTIONS,
    },
  });
  if (values.grid) return gridBench(values);
  for (const option of Object.keys(GRID_OPTIONS)) {
    if (values[option as keyof typeof values] !== undefined)
      throw new UsageError(`--${option}: only with --grid`);
  }
  if (values.peer !== undefined) return peerBench(values);
  if (values.targets !== undefined) throw new UsageError('--targets: only with --peer brian2');
  const backend = values.backend ?? 'cpu';
  if (!BACKENDS.includes(backend)) {
    throw new UsageError(`--backend: one of ${BACKENDS.join(', ')} (got "${backend}")`);
  }
  const repetitions = parsePositiveInt('repetitions', values.repetitions, 5)!;
  const steps = parsePositiveInt('steps', values.steps, 200)!;
  const onLine = (l: string) => process.stderr.write(`${l}\n`);

  if (backend === 'cpu') {
    for (const option of ['dense-sizes', 'max-row-seconds', 'per-invocation', 'json'] as const) {
      if (values[option] !== undefined) throw new UsageError(`--${option}: only with --backend webgpu`);
    }
    const sizes = parseSizes('sizes', values.sizes ?? '1e4,1e5,1e6');
    const { runCpuBench, formatBenchTable } = await import('../bench.ts');
    const threads = parseThreads(values.threads, 1);
    const rows = await runCpuBench({ sizes, repetitions, steps, threads, onLine });
    process.stdout.write(`${formatBenchTable(rows)}\n`);
    return 0;
  }

  const sizes = parseSizes('sizes', values.sizes ?? '1e3,1e4,1e5,1e6');
  const denseSizes = parseSizes('dense-sizes', values['dense-sizes'] ?? '4096,16384');
  const maxRowSeconds = parsePositiveInt('max-row-seconds', values['max-row-seconds'], 120)!;
  const neuronsPerInvocation = parsePositiveInt('per-invocation', values['per-invocation'], undefined);
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
    const { writeFileAtomic } = await import('./files.ts');
    writeFileAtomic(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`wrote ${jsonPath} (${report.format})\n`);
  }
  return 0;
}

/** `--peer brian2 [--sizes …] [--targets numpy,cython,cpp_standalone] [--steps S] [--repetitions R]`. */
async function peerBench(values: Record<string, string | boolean | undefined>): Promise<number> {
  if (values.peer !== 'brian2') throw new UsageError(`--peer: only brian2 (got "${values.peer}")`);
  for (const option of ['backend', 'dense-sizes', 'per-invocation', 'json'] as const) {
    if (values[option] !== undefined) throw new UsageError(`--${option}: not with --peer`);
  }
  const { BRIAN2_TARGETS } = await import('../bench.ts');
  const targets = String(values.targets ?? BRIAN2_TARGETS.join(',')).split(',');
  for (const t of targets) {
    if (!(BRIAN2_TARGETS as readonly string[]).includes(t)) {
      throw new UsageError(`--targets: one or more of ${BRIAN2_TARGETS.join(', ')} (got "${t}")`);
    }
  }
  const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);
  const { runPeerBench, formatPeerBench } = await import('../bench.ts');
  const report = await runPeerBench({
    sizes: parseSizes('sizes', str(values.sizes) ?? '1e3,1e4,1e5,1e6'),
    steps: parsePositiveInt('steps', str(values.steps), 200)!,
    repetitions: parsePositiveInt('repetitions', str(values.repetitions), 3)!,
    targets: targets as (typeof BRIAN2_TARGETS)[number][],
    maxRowSeconds: parsePositiveInt('max-row-seconds', str(values['max-row-seconds']), 300)!,
    onLine: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(`${formatPeerBench(report)}\n`);
  return 0;
}

const GRID_OPTIONS = {
  grid: { type: 'boolean' },
  out: { type: 'string' },
  'max-n': { type: 'string' },
  ranks: { type: 'string' },
  rules: { type: 'string' },
  synapses: { type: 'string' },
  backends: { type: 'string' },
  dt: { type: 'string' },
  sigma: { type: 'string' },
  seed: { type: 'string' },
  'serial-max-n': { type: 'string' },
  'dense-max-n': { type: 'string' },
  'no-baselines': { type: 'boolean' },
  'max-point-seconds': { type: 'string' },
} as const;

/** A size: an integer ≥ 2, written plainly or as 1e4. */
function parseSize(option: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 2) {
    throw new UsageError(`--${option}: "${text}" is not an integer ≥ 2`);
  }
  return n;
}

function parseNumber(
  option: string,
  text: string | undefined,
  fallback: number,
  min: number,
  strict: boolean,
): number {
  if (text === undefined) return fallback;
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

/** `--grid`: bench/grid/run.ts; options and defaults in docs/performance.md (Benchmark grid). */
async function gridBench(values: Record<string, string | boolean | undefined>): Promise<number> {
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
  const str = (name: string) => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const { GRID_RULES, GRID_SYNAPSES, GRID_BACKENDS } = await import('../bench.ts');
  if (str('sizes') !== undefined && str('max-n') !== undefined) {
    throw new UsageError('--sizes: give either --sizes or --max-n, not both');
  }
  const sizes =
    str('sizes') !== undefined
      ? str('sizes')!
          .split(',')
          .map((s) => parseSize('sizes', s))
      : gridSizes(parseSize('max-n', str('max-n') ?? '1e3'));
  const ranks = (str('ranks') ?? '1,2,8,32').split(',').map((text) => {
    const k = Number(text);
    if (!(Number.isInteger(k) && (k === 1 || (k >= 2 && k % 2 === 0)))) {
      throw new UsageError(`--ranks: "${text}" is not 1 or an even integer ≥ 2 (K/2 E and K/2 I channels)`);
    }
    return k;
  });
  const rules = parseList('rules', str('rules'), GRID_RULES);
  const synapses = parseList('synapses', str('synapses'), GRID_SYNAPSES);
  const backends = parseList('backends', str('backends'), GRID_BACKENDS);
  const steps = parsePositiveInt('steps', str('steps'), 101)!;
  if (steps < 2) throw new UsageError(`--steps: need at least 2 samples (got ${steps})`);
  const seed = parseNumber('seed', str('seed'), 0, 0, false);
  if (!Number.isInteger(seed))
    throw new UsageError(`--seed: must be a non-negative integer (got "${str('seed')}")`);
  const options = {
    out: str('out') ?? 'out/bench-grid',
    sizes,
    ranks: [...new Set(ranks)],
    rules,
    synapses,
    backends,
    steps,
    dt: parseNumber('dt', str('dt'), 1e-4, 0, true),
    sigmaV: parseNumber('sigma', str('sigma'), 0, 0, false),
    repetitions: parsePositiveInt('repetitions', str('repetitions'), 5)!,
    seed,
    serialMaxN: parseSize('serial-max-n', str('serial-max-n') ?? '1e4'),
    denseMaxN: parseSize('dense-max-n', str('dense-max-n') ?? '1e4'),
    baselines: values['no-baselines'] !== true,
    maxPointSeconds: parseNumber('max-point-seconds', str('max-point-seconds'), 30, 0, true),
    cpuThreads: parseThreads(str('threads'), 1),
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
