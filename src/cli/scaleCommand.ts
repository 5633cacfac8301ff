// `latentspike scale`: the scaling study (src/experiments/scale). report.json is rewritten after
// every finished size, so Ctrl-C (or a crash at a size too large) keeps the sizes already done;
// report.md and the SVG plots follow at the end, interrupted or not (exit code 130 when interrupted).
// Options and defaults: --sizes 1e2,…,1e7, --function fig5|tutorial (fig5), --backend (auto),
// --steps 2000, --dt 1e-4, --sigma 0.01, --jitter 1 (spike jumps), --every 10, --seed 0,
// --max-seconds 300 (per-size budget, see study.ts), --out out/scale.

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../engine/select.ts';
import { SCALE_FUNCTIONS, scaleFunction, type ScaleFunctionName } from '../experiments/scale/functions.ts';
import { runScaleStudy, type ScaleReport } from '../experiments/scale/study.ts';
import { scaleMarkdown, scalePlots, scaleTable } from '../experiments/scale/report.ts';
import { interruptSignal, parseBackend, parsePositiveInt, parseThreads, UsageError } from './main.ts';
import { progressBar, type Progress } from './progress.ts';
import { writeFileAtomic } from './files.ts';

const DEFAULT_SIZES = '1e2,1e3,1e4,1e5,1e6,1e7';
function parseSizes(text: string): number[] {
  return text.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--sizes: "${s}" is not a positive integer`);
    return n;
  });
}

function parseNonNegative(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const v = Number(value);
  if (!(v >= 0 && Number.isFinite(v)))
    throw new UsageError(`--${name}: must be a number ≥ 0 (got "${value}")`);
  return v;
}

function parsePositive(name: string, value: string | undefined, fallback: number): number {
  const v = parseNonNegative(name, value, fallback);
  if (v === 0) throw new UsageError(`--${name}: must be > 0`);
  return v;
}

function parseFunction(value: string | undefined): ScaleFunctionName {
  const v = value ?? 'fig5';
  if (!(SCALE_FUNCTIONS as readonly string[]).includes(v)) {
    throw new UsageError(`--function: one of ${SCALE_FUNCTIONS.join(', ')} (got "${v}")`);
  }
  return v as ScaleFunctionName;
}

export async function scaleCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      sizes: { type: 'string' },
      backend: { type: 'string' },
      function: { type: 'string' },
      steps: { type: 'string' },
      sigma: { type: 'string' },
      jitter: { type: 'string' },
      dt: { type: 'string' },
      every: { type: 'string' },
      'max-seconds': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      threads: { type: 'string' },
    },
  });
  const fn = scaleFunction(parseFunction(values.function));
  const dt = parsePositive('dt', values.dt, 1e-4);
  const steps = parsePositiveInt('steps', values.steps, 2000)!;
  if (steps * dt <= 0.06)
    throw new UsageError(`--steps: ${steps} steps of ${dt} s do not outlast the 50 ms init cut`);
  const options = {
    fn,
    sizes: parseSizes(values.sizes ?? DEFAULT_SIZES),
    steps,
    dt,
    sigma: parseNonNegative('sigma', values.sigma, 0.01),
    jitter: parseNonNegative('jitter', values.jitter, 1),
    seed: parseNonNegative('seed', values.seed, 0),
    every: parsePositiveInt('every', values.every, 10)!,
    maxSeconds: parsePositive('max-seconds', values['max-seconds'], 300),
  };
  if (!Number.isInteger(options.seed)) throw new UsageError('--seed: must be an integer');
  const outDir = values.out ?? join('out', 'scale');
  const stderr = (line: string) => process.stderr.write(`${line}\n`);
  const engine = await createEngine(parseBackend(values.backend), stderr, {
    threads: parseThreads(values.threads),
  });
  const { signal, dispose } = interruptSignal();
  const writeJson = (report: ScaleReport) =>
    writeFileAtomic(join(outDir, 'report.json'), JSON.stringify(report, null, 2));
  let bar: Progress | null = null;
  let barSize = 0;
  try {
    const report = await runScaleStudy(engine, {
      ...options,
      signal,
      onProgress: (neurons, fraction) => {
        if (neurons !== barSize) {
          bar = progressBar(`N = ${neurons}`);
          barSize = neurons;
        }
        bar!.update(fraction);
      },
      onRow: (row, partial) => {
        bar?.done();
        stderr(
          `N = ${row.neurons}: ${row.steps} steps, RMSE ${row.rmseE.toPrecision(3)}, ` +
            `${row.microsecondsPerStep.toPrecision(4)} µs/step, peak RSS ${(row.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
        );
        writeJson(partial);
      },
    });
    writeJson(report);
    writeFileAtomic(join(outDir, 'report.md'), scaleMarkdown(report));
    for (const plot of scalePlots(report)) writeFileAtomic(join(outDir, `${plot.name}.svg`), plot.svg);
    process.stdout.write(`${scaleTable(report.rows)}\n`);
    stderr(`wrote report.json, report.md, accuracy.svg, time.svg to ${outDir}/`);
    if (report.interrupted) {
      stderr(`interrupted: ${report.rows.length} of ${options.sizes.length} sizes finished and were kept`);
      return 130;
    }
    return 0;
  } finally {
    dispose();
    engine.dispose();
  }
}
