// The Brian2 peer seen from TypeScript: runs src/bench/peers/brian2_lowrank.py on a run file and reads
// its one JSON line. Brian2 is a Python package (Debian: python3-brian), so this module only spawns
// a process; whether Brian2 is installed is asked once, up front, so a machine without it gets one
// clear message instead of a failure per row.

import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type Brian2Target = 'numpy' | 'cython' | 'cpp_standalone';
export type Brian2Form = 'latent' | 'latent-event' | 'dense';

export const BRIAN2_TARGETS: readonly Brian2Target[] = ['numpy', 'cython', 'cpp_standalone'];
export const BRIAN2_FORMS: readonly Brian2Form[] = ['latent', 'latent-event', 'dense'];

/** Debian's interpreter: it sees the python3-brian package, which a pyenv or venv python may not. */
export const DEFAULT_PYTHON = process.env.LATENTSPIKE_PYTHON ?? '/usr/bin/python3';

const SCRIPT = fileURLToPath(new URL('./brian2_lowrank.py', import.meta.url));

export interface Brian2Result {
  target: Brian2Target;
  form: Brian2Form;
  /** Brian2's version. */
  brian2: string;
  N: number;
  /** Steps simulated (samples − 1). */
  steps: number;
  repetitions: number;
  /** Code generation and compilation (first run for numpy/cython, the build for cpp_standalone). */
  buildSeconds: number;
  /** Median of the repetitions' simulation-loop time, without building. */
  runSeconds: number;
  runSecondsAll: number[];
  secondsPerStep: number;
  spikesTotal: number;
  spikesByPopulation: Record<string, number>;
  meanRateHz: number;
}

/** Brian2's version under `python`, or null with the reason it cannot be imported. */
export function brian2Version(python = DEFAULT_PYTHON): { version: string } | { reason: string } {
  const probe = spawnSync(python, ['-c', 'import brian2; print(brian2.__version__)'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (probe.error) return { reason: `${python}: ${probe.error.message}` };
  if (probe.status !== 0) {
    const last = probe.stderr.trim().split('\n').at(-1) ?? '';
    return { reason: `${python} cannot import brian2 (${last}); apt-get install python3-brian` };
  }
  return { version: probe.stdout.trim() };
}

export interface Brian2RunOptions {
  target: Brian2Target;
  form: Brian2Form;
  repetitions: number;
  python?: string;
  /** cpp_standalone project folder (the script makes a temporary one otherwise). */
  buildDir?: string;
  /** The process is killed after this long (default 1800 s). */
  timeoutSeconds?: number;
}

/** One call of the Python script: build once, run `repetitions` times, median loop time. */
export function runBrian2(runFile: string, options: Brian2RunOptions): Promise<Brian2Result> {
  const args = [
    SCRIPT,
    runFile,
    '--target',
    options.target,
    '--form',
    options.form,
    '--repetitions',
    String(options.repetitions),
    ...(options.buildDir ? ['--build-dir', options.buildDir] : []),
  ];
  const python = options.python ?? DEFAULT_PYTHON;
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timeout = (options.timeoutSeconds ?? 1800) * 1000;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const what = `brian2 ${options.target}/${options.form} on ${runFile}`;
      if (code !== 0) {
        const tail = stderr.trim().split('\n').slice(-8).join('\n');
        reject(new Error(`${what}: exit ${code ?? signal}${tail ? `\n${tail}` : ''}`));
        return;
      }
      try {
        resolve(fromJson(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')));
      } catch (err) {
        reject(new Error(`${what}: unreadable output (${(err as Error).message}): ${stdout.slice(0, 200)}`));
      }
    });
  });
}

function fromJson(o: Record<string, unknown>): Brian2Result {
  const num = (key: string): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${key}: not a finite number`);
    return v;
  };
  return {
    target: o.target as Brian2Target,
    form: o.form as Brian2Form,
    brian2: String(o.brian2),
    N: num('N'),
    steps: num('steps'),
    repetitions: num('repetitions'),
    buildSeconds: num('build_seconds'),
    runSeconds: num('run_seconds'),
    runSecondsAll: o.run_seconds_all as number[],
    secondsPerStep: num('seconds_per_step'),
    spikesTotal: num('spikes_total'),
    spikesByPopulation: o.spikes_by_population as Record<string, number>,
    meanRateHz: num('mean_rate_hz'),
  };
}
