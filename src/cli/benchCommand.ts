// `latentspike bench --backend cpu`: neuron-updates per second of the CPU engine on a rank-2 E/I
// network (bench/cpuBench.ts does the measuring).
import { parseArgs } from 'node:util';
import { UsageError, parsePositiveInt } from './main.ts';

export async function benchCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      backend: { type: 'string' },
      sizes: { type: 'string' },
      repetitions: { type: 'string' },
      steps: { type: 'string' },
    },
  });
  const backend = values.backend ?? 'cpu';
  if (backend !== 'cpu')
    throw new UsageError(`--backend: bench supports "cpu" in this build (got "${backend}")`);
  const sizes = (values.sizes ?? '1e4,1e5,1e6').split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 2) throw new UsageError(`--sizes: "${s}" is not an integer ≥ 2`);
    return n;
  });
  const repetitions = parsePositiveInt('repetitions', values.repetitions, 5)!;
  const steps = parsePositiveInt('steps', values.steps, 200)!;
  const { runCpuBench, formatBenchTable } = await import('../../bench/cpuBench.ts');
  const rows = await runCpuBench({
    sizes,
    repetitions,
    steps,
    onLine: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(`${formatBenchTable(rows)}\n`);
  return 0;
}
