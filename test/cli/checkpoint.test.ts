// `simulate --checkpoint / --resume` as a user meets it: a run killed with SIGKILL (or stopped with
// Ctrl-C) once a checkpoint exists and then resumed writes the same spikes and latents, bit for
// bit, as the run not interrupted; a checkpoint of another run file, a damaged one or one of
// another precision is refused with exit 2. Runs the real bin in child processes.

import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchRunFile } from '../../src/bench/cpuBench.ts';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine.ts';
import { tryAcquireDeviceOn } from '../webgpu/gpu.ts';
import { decodeSnapshot } from '../../src/engine/snapshotCodec.ts';
import { compileNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import { toResultJson } from '../../src/model/resultFile.ts';

/** The WebGPU runs here go to llvmpipe (Dawn's OpenGL ES backend), in this process and the children. */
const WEBGPU_ENV = { LATENTSPIKE_WEBGPU_PATH: 'opengl' };
const BIN = new URL('../../bin/latentspike.js', import.meta.url).pathname;
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...WEBGPU_ENV } });

/** 2400 neurons under the `all` rule, 3 trials of 4000 steps: several CPU chunks per trial. */
const RUN = {
  ...benchRunFile({ neurons: 2400, steps: 4000, sigmaV: 0.01 }),
  trials: 3,
  record: { spikes: true, latents: true, every: 10 },
};

/** The uninterrupted run's result file, minus its timing (the one part that differs). */
async function reference(engine: Engine = new CpuEngine()): Promise<Record<string, unknown>> {
  const net = compileNetwork(parseRunFile(RUN));
  return comparable(toResultJson(net, await engine.run(net)));
}

function comparable(result: object): Record<string, unknown> {
  const { timing: _timing, ...rest } = JSON.parse(JSON.stringify(result));
  return rest;
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'latentspike-ckpt-'));
  const run = join(dir, 'run.json');
  writeFileSync(run, JSON.stringify(RUN));
  return { dir, run, checkpoint: join(dir, 'run.ckpt'), out: join(dir, 'result.json') };
}

/**
 * Starts `simulate` with a checkpoint every 50 ms and sends `signal` once the first checkpoint is
 * on disk; resolves with the exit code (null after a kill) and the signal that ended it.
 */
function interruptAfterCheckpoint(
  run: string,
  checkpoint: string,
  out: string,
  signal: NodeJS.Signals,
  backend: 'cpu' | 'webgpu' = 'cpu',
): Promise<{ code: number | null; by: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'simulate',
      run,
      '--backend',
      backend,
      '--checkpoint',
      checkpoint,
      '--checkpoint-every',
      '0.05',
      '--out',
      out,
    ],
    { env: { ...process.env, ...WEBGPU_ENV } },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const poll = setInterval(() => {
    if (existsSync(checkpoint)) {
      clearInterval(poll);
      child.kill(signal);
    }
  }, 10);
  return new Promise((resolve) =>
    child.on('exit', (code, by) => {
      clearInterval(poll);
      resolve({ code, by, stderr });
    }),
  );
}

/** done / total of a checkpoint file, from its header. */
function progressOf(checkpoint: string): { done: number; total: number } {
  const { fields } = decodeSnapshot(new Uint8Array(readFileSync(checkpoint)));
  return { done: fields.done as number, total: fields.total as number };
}

describe('simulate --checkpoint / --resume', () => {
  it('a run killed with SIGKILL resumes from its checkpoint to the uninterrupted result, bit for bit', async () => {
    const { run, checkpoint, out } = setup();
    const killed = await interruptAfterCheckpoint(run, checkpoint, out, 'SIGKILL');
    expect(killed.by, killed.stderr).toBe('SIGKILL');
    expect(existsSync(out)).toBe(false);
    const { done, total } = progressOf(checkpoint);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(total);

    const resumed = cli('simulate', run, '--resume', checkpoint, '--checkpoint', checkpoint, '--out', out);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(comparable(JSON.parse(readFileSync(out, 'utf8')))).toEqual(await reference());
    // The result supersedes the checkpoint.
    expect(existsSync(checkpoint)).toBe(false);
  }, 300_000);

  it('Ctrl-C writes a last checkpoint and exits 130; resuming it gives the uninterrupted result', async () => {
    const { run, checkpoint, out } = setup();
    const stopped = await interruptAfterCheckpoint(run, checkpoint, out, 'SIGINT');
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain(
      `checkpoint written to ${checkpoint}; continue with --resume ${checkpoint}`,
    );
    expect(existsSync(out)).toBe(false);
    expect(progressOf(checkpoint).done).toBeGreaterThan(0);

    const resumed = cli('simulate', run, '--resume', checkpoint, '--out', out);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(comparable(JSON.parse(readFileSync(out, 'utf8')))).toEqual(await reference());
    // Without --checkpoint on the resumed run, the checkpoint it came from is kept.
    expect(existsSync(checkpoint)).toBe(true);
  }, 300_000);

  it('on WebGPU (llvmpipe), a run killed with SIGKILL resumes to the uninterrupted result, bit for bit', async () => {
    const gpu = await tryAcquireDeviceOn('opengl');
    if (!gpu) return;
    const engine = await WebGpuEngine.create({ gpu });
    try {
      const { run, checkpoint, out } = setup();
      const killed = await interruptAfterCheckpoint(run, checkpoint, out, 'SIGKILL', 'webgpu');
      expect(killed.by, killed.stderr).toBe('SIGKILL');
      const { done, total } = progressOf(checkpoint);
      expect(done).toBeGreaterThan(0);
      expect(done).toBeLessThan(total);
      // The checkpoint's backend is taken without --backend.
      const resumed = cli('simulate', run, '--resume', checkpoint, '--out', out);
      expect(resumed.status, resumed.stderr).toBe(0);
      const result = JSON.parse(readFileSync(out, 'utf8'));
      expect(result.backend).toBe('webgpu');
      expect(comparable(result)).toEqual(await reference(engine));
    } finally {
      engine.dispose();
      gpu.release();
    }
  }, 600_000);

  it('refuses another run file, a damaged checkpoint and another precision with exit 2, writing nothing', async () => {
    const { dir, run, checkpoint, out } = setup();
    await interruptAfterCheckpoint(run, checkpoint, out, 'SIGKILL');
    expect(existsSync(checkpoint)).toBe(true);

    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ ...RUN, seed: 5 }));
    const wrongRun = cli('simulate', other, '--resume', checkpoint, '--out', out);
    expect(wrongRun.status).toBe(2);
    expect(wrongRun.stderr).toMatch(/--resume .*run\.ckpt: it was taken from run file ".*run\.json"/);

    const f32 = cli('simulate', run, '--resume', checkpoint, '--precision', 'f32', '--out', out);
    expect(f32.status).toBe(2);
    expect(f32.stderr).toMatch(/precision "f64", this run has "f32"/);

    const bytes = readFileSync(checkpoint);
    bytes[bytes.length >> 1] ^= 0xff;
    const damaged = join(dir, 'damaged.ckpt');
    writeFileSync(damaged, bytes);
    const corrupt = cli('simulate', run, '--resume', damaged, '--out', out);
    expect(corrupt.status).toBe(2);
    expect(corrupt.stderr).toMatch(/checksum does not match/);

    const everyAlone = cli('simulate', run, '--checkpoint-every', '5');
    expect(everyAlone.status).toBe(2);
    expect(everyAlone.stderr).toMatch(/--checkpoint-every: only with --checkpoint FILE/);
    const badEvery = cli('simulate', run, '--checkpoint', checkpoint, '--checkpoint-every', '0');
    expect(badEvery.status).toBe(2);
    expect(badEvery.stderr).toMatch(/--checkpoint-every: must be a positive number of seconds/);
    expect(existsSync(out)).toBe(false);
  }, 300_000);
});
