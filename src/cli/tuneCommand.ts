// `latentspike tune [--sizes N,…] [--steps S] [--trials T] [--repetitions R]`: times the WebGPU
// engine's speed knobs on this machine's adapter (bench/tune.ts), keeps the fastest and caches it
// for this adapter in $XDG_CACHE_HOME/latentspike/tuning.json (src/engine/webgpu/tuningCache.ts),
// where every later WebGPU run on the same adapter finds it. Progress to stderr; the chosen knobs
// and the cache's path to stdout. Interrupted once the defaults are timed, it caches the best
// candidate so far and exits 130.
import { parseArgs } from 'node:util';
import { interruptSignal, parsePositiveInt, UsageError } from './args.ts';
import { isAbortError, tuningOff, acquireDevice } from '../node.ts';

function parseSizes(text: string): number[] {
  return text.split(',').map((s) => {
    const n = Number(s);
    if (s.trim() === '' || !Number.isInteger(n) || n < 6)
      throw new UsageError(`--sizes: "${s}" is not an integer ≥ 6`);
    return n;
  });
}

export async function tuneCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      sizes: { type: 'string' },
      steps: { type: 'string' },
      trials: { type: 'string' },
      repetitions: { type: 'string' },
    },
  });
  const sizes = parseSizes(values.sizes ?? '1e5,1e6');
  const steps = parsePositiveInt('steps', values.steps, 51)!;
  if (steps < 2) throw new UsageError(`--steps: need at least 2 samples (got ${steps})`);
  const trials = parsePositiveInt('trials', values.trials, 4)!;
  const repetitions = parsePositiveInt('repetitions', values.repetitions, 3)!;
  if (tuningOff(process.env) === true)
    throw new UsageError('tune: tuning is off (LATENTSPIKE_TUNING=off or --no-tune); nothing to do');
  const { runTune, storeTuning, tuningPath, adapterIdentity, describeChoice } = await import('../bench.ts');
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const gpu = await acquireDevice();
  const { signal, dispose } = interruptSignal();
  try {
    const a = gpu.adapterInfo;
    say(
      `adapter: ${a.description || '(no description)'} [vendor '${a.vendor}', architecture '${a.architecture}'] via ${gpu.path}` +
        (a.software ? ' (software: CPU emulation)' : ''),
    );
    const result = await runTune({ gpu, sizes, steps, trials, repetitions, signal, onLine: say });
    const path = tuningPath();
    storeTuning(
      path,
      {
        adapter: adapterIdentity(a, gpu.device.limits),
        choice: result.choice,
        tunedAt: new Date().toISOString(),
        sizes,
        speedup: result.speedup,
      },
      say,
    );
    process.stdout.write(
      `adapter: ${a.description || a.vendor}\n` +
        `built-in defaults: ${describeChoice(result.defaults)}\n` +
        `tuned (${result.speedup.toFixed(2)}× the defaults at N = ${sizes.join(', ')}` +
        `${result.interrupted ? '; interrupted, the best of the candidates timed so far' : ''}): ` +
        `${describeChoice(result.choice)}\n` +
        `cached in ${path}\n`,
    );
    return result.interrupted ? 130 : 0;
  } catch (e) {
    if (isAbortError(e)) {
      say('interrupted: nothing cached');
      return 130;
    }
    throw e;
  } finally {
    dispose();
    gpu.release();
  }
}
