// `latentspike bench --backend cpu|webgpu`: neuron-updates per second on a rank-2 E/I network.
// bench/cpuBench.ts measures the CPU engine; bench/webgpuBench.ts the WebGPU engine on this
// machine's adapter, next to a bandwidth probe and a dense N×N baseline. Progress lines go to
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
    },
  });
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
