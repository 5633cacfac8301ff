// `latentspike tune [--sizes N,…] [--steps S] [--trials T] [--repetitions R]`: times the WebGPU
// engine's speed knobs on this machine's adapter (src/bench/tune.ts), keeps the fastest and caches it
// for this adapter in $XDG_CACHE_HOME/latentspike/tuning.json (src/engine/webgpu/tuningCache.ts),
// where every later WebGPU run on the same adapter finds it. Progress to stderr; the chosen knobs
// and the cache's path to stdout. Interrupted once the defaults are timed, it caches the best
// candidate so far and exits 130.
import { interruptSignal, parsePositiveInt, UsageError } from './args.ts';
import { parseOptions, type CommandSpec } from './options.ts';
import { isAbortError, tuningOff, acquireDevice } from '../node.ts';

function parseSizes(text: string): number[] {
  return text.split(',').map((s) => {
    const n = Number(s);
    if (s.trim() === '' || !Number.isInteger(n) || n < 6)
      throw new UsageError(`--sizes: "${s}" is not an integer ≥ 6`);
    return n;
  });
}

export const TUNE = {
  synopsis: ['tune [options]'],
  summary:
    "Times the WebGPU engine's speed knobs (workgroup size, neurons per invocation, stepAll's vector " +
    'path, neuron-steps per command buffer, trials per batch) on this adapter, keeps the fastest and ' +
    'caches it per adapter in $XDG_CACHE_HOME/latentspike/tuning.json (~/.cache when unset); WebGPU ' +
    'runs on that adapter then use it. Every candidate gives the same spikes (docs/gpu-runs.md).',
  options: {
    sizes: { arg: 'N,N,…', help: 'network sizes to time at', default: '1e5,1e6' },
    steps: { arg: 'S', help: 'samples per timed run', default: '51' },
    trials: { arg: 'T', help: 'trials per timed run', default: '4' },
    repetitions: { arg: 'R', help: 'timed runs per candidate and size', default: '3' },
  },
} as const satisfies CommandSpec;

export async function tuneCommand(args: string[]): Promise<number> {
  const { values } = parseOptions(TUNE, args);
  const o = TUNE.options;
  const sizes = parseSizes(values.sizes ?? o.sizes.default);
  const steps = parsePositiveInt('steps', values.steps ?? o.steps.default);
  if (steps < 2) throw new UsageError(`--steps: need at least 2 samples (got ${steps})`);
  const trials = parsePositiveInt('trials', values.trials ?? o.trials.default);
  const repetitions = parsePositiveInt('repetitions', values.repetitions ?? o.repetitions.default);
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
