// `latentspike bench --backend cpu|webgpu`: neuron-updates per second on a rank-2 E/I network.
// bench/cpuBench.ts measures the CPU engine; bench/webgpuBench.ts the WebGPU engine on this
// machine's adapter, next to a bandwidth probe and a dense N×N baseline; `--peer brian2`
// (bench/peerBench.ts) both engines next to Brian2 on the same run file. Progress lines go to
// stderr as rows finish, the final table to stdout.
import { parseArgs } from 'node:util';
import { UsageError, parsePositiveInt } from './main.ts';

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
      peer: { type: 'string' },
      targets: { type: 'string' },
    },
  });
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
    for (const option of ['dense-sizes', 'max-row-seconds'] as const) {
      if (values[option] !== undefined) throw new UsageError(`--${option}: only with --backend webgpu`);
    }
    const sizes = parseSizes('sizes', values.sizes ?? '1e4,1e5,1e6');
    const { runCpuBench, formatBenchTable } = await import('../../bench/cpuBench.ts');
    const rows = await runCpuBench({ sizes, repetitions, steps, onLine });
    process.stdout.write(`${formatBenchTable(rows)}\n`);
    return 0;
  }

  const sizes = parseSizes('sizes', values.sizes ?? '1e3,1e4,1e5,1e6');
  const denseSizes = parseSizes('dense-sizes', values['dense-sizes'] ?? '4096,16384');
  const maxRowSeconds = parsePositiveInt('max-row-seconds', values['max-row-seconds'], 120)!;
  const { runWebGpuBench, formatWebGpuBench } = await import('../../bench/webgpuBench.ts');
  const report = await runWebGpuBench({ sizes, denseSizes, repetitions, steps, maxRowSeconds, onLine });
  process.stdout.write(`${formatWebGpuBench(report)}\n`);
  return 0;
}

/** `--peer brian2 [--sizes …] [--targets numpy,cython,cpp_standalone] [--steps S] [--repetitions R]`. */
async function peerBench(values: Record<string, string | boolean | undefined>): Promise<number> {
  if (values.peer !== 'brian2') throw new UsageError(`--peer: only brian2 (got "${values.peer}")`);
  for (const option of ['backend', 'dense-sizes'] as const) {
    if (values[option] !== undefined) throw new UsageError(`--${option}: not with --peer`);
  }
  const { BRIAN2_TARGETS } = await import('../../bench/peers/brian2.ts');
  const targets = String(values.targets ?? BRIAN2_TARGETS.join(',')).split(',');
  for (const t of targets) {
    if (!(BRIAN2_TARGETS as readonly string[]).includes(t)) {
      throw new UsageError(`--targets: one or more of ${BRIAN2_TARGETS.join(', ')} (got "${t}")`);
    }
  }
  const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);
  const { runPeerBench, formatPeerBench } = await import('../../bench/peerBench.ts');
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
