// `latentspike run` over several seeds when one cannot complete (docs/device-loss.md): the seeds
// before it are kept and written, metrics.json names the failed seed and its error, the exit status
// says what kind of failure it was, and the seeds after it do not run. The failure is injected by
// an engine wrapper around the CPU engine that throws the WebGPU engine's own errors for one seed;
// test/webgpu/deviceLoss.test.ts loses a real device under the same runner.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../src/engine/engine.ts';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { DeviceLostError, GpuOutOfMemoryError } from '../../src/engine/webgpu/gpuErrors.ts';
import { findPreset } from '../../src/experiments/presets/index.ts';
import { runCommand } from '../../src/cli/runCommand.ts';

/**
 * The CPU engine, except that its run number `failing` (fig4 has one run file per seed: the run of
 * seed `failing`) throws `error`; counts its runs in `runs.count`.
 */
function failingOn(failing: number, error: Error, runs: { count: number }): Engine {
  const cpu = new CpuEngine();
  return {
    backend: cpu.backend,
    adapter: cpu.adapter,
    unsupported: () => cpu.unsupported(),
    dispose: () => cpu.dispose(),
    run: (net, options) => (runs.count++ === failing ? Promise.reject(error) : cpu.run(net, options)),
  };
}

async function run(args: string[], engine: Engine): Promise<number> {
  const stderr = process.stderr.write;
  process.stderr.write = () => true;
  const stdout = process.stdout.write;
  process.stdout.write = () => true;
  try {
    return await runCommand(args, {
      findPreset: (name) => findPreset(name),
      createEngine: async () => engine,
    });
  } finally {
    process.stderr.write = stderr;
    process.stdout.write = stdout;
  }
}

describe('latentspike run with a seed that fails', () => {
  it('keeps and writes the seeds before it, names it in metrics.json, and exits 1 for a lost device', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentspike-'));
    const clean = join(dir, 'clean');
    expect(await run(['fig4', '--seeds', '2', '--out', clean], new CpuEngine())).toBe(0);

    const out = join(dir, 'failed');
    const runs = { count: 0 };
    const lost = new DeviceLostError('unknown', 'WebGPU device lost on test (unknown): driver reset');
    expect(await run(['fig4', '--seeds', '4', '--out', out], failingOn(2, lost, runs))).toBe(1);
    expect(runs.count).toBe(3);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.seeds).toEqual([0, 1]);
    expect(metrics.interrupted).toBe(false);
    expect(metrics.failed).toEqual({ seed: 2, error: lost.message });
    // What was kept is what two seeds give alone.
    const expected = JSON.parse(readFileSync(join(clean, 'metrics.json'), 'utf8'));
    expect(metrics.metrics).toEqual(expected.metrics);
    const result = (folder: string) => {
      const { timing, ...rest } = JSON.parse(readFileSync(join(folder, 'result.json'), 'utf8'));
      return timing && rest;
    };
    expect(result(out)).toEqual(result(clean));
    expect(readdirSync(out).sort()).toEqual(readdirSync(clean).sort());
  });

  it('exits 3 ("does not fit") for an out-of-memory error, and writes metrics.json with no seed', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'latentspike-')), 'oom');
    const runs = { count: 0 };
    const oom = new GpuOutOfMemoryError('WebGPU out of memory on test: vkAllocateMemory failed');
    expect(await run(['fig4', '--seeds', '3', '--out', out], failingOn(0, oom, runs))).toBe(3);
    expect(runs.count).toBe(1);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({ seeds: [], failed: { seed: 0, error: oom.message }, metrics: [] });
    expect(readdirSync(out)).toEqual(['metrics.json']);
  });
});
