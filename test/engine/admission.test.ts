// Admission before allocation: a valid run too large for the machine exits 3 within seconds, naming
// the need and what is available, with nothing written; the estimate is within a factor 1.5 of the
// peak RSS a 10⁶-neuron point actually reaches.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admitRunFile } from '../../src/engine/admission.ts';
import { estimatePointMemory } from '../../src/engine/memoryNeed.ts';
import { DoesNotFitError } from '../../src/model/errors.ts';
import { fig5Run } from '../../src/experiments/presets/fig5.ts';
import { readStudyFile } from '../../src/study/studyFile.ts';
import { studyPoints } from '../../src/study/points.ts';
import { pointRunFile } from '../../src/study/network.ts';

const BIN = new URL('../../bin/latentspike.js', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const tmp = () => mkdtempSync(join(tmpdir(), 'latentspike-admission-'));

/** fig5's run file with two populations of 5·10⁸ neurons (scalar thresholds, broadcast). */
function huge(): object {
  const run = fig5Run();
  return {
    ...run,
    populations: run.populations.map((p) => ({ ...p, size: 5e8, threshold: 1, inputWeights: 1 })),
    latents: run.latents.map((l) => ({ ...l, decoder: 0.001 })),
    encoders: { E: { yE: 1, yI: -1 }, I: { yE: 1, yI: -1 } },
    record: { spikes: false, latents: true, every: 10 },
  };
}

describe('admission', () => {
  it('refuses 10⁹ neurons with exit 3 on simulate and run, on both backends, naming GiB, before allocating', () => {
    const dir = tmp();
    const path = join(dir, 'huge.json');
    writeFileSync(path, JSON.stringify(huge()));
    for (const args of [
      ['simulate', path, '--backend', 'cpu', '--out', join(dir, 'result.json')],
      ['run', path, '--backend', 'cpu', '--out', join(dir, 'run')],
      ['simulate', path, '--backend', 'webgpu', '--out', join(dir, 'result.json')],
      ['run', path, '--backend', 'webgpu', '--out', join(dir, 'run')],
    ]) {
      const t0 = performance.now();
      const r = cli(...args);
      expect(r.status, r.stderr).toBe(3);
      expect(performance.now() - t0).toBeLessThan(20_000);
      expect(r.stderr).toMatch(/does not fit in memory: needs about [\d.]+ GiB .*, [\d.]+ GiB available/);
    }
    expect(readdirSync(dir)).toEqual(['huge.json']);
  });

  it('counts recordings that grow with trials, and says what stride would fit', () => {
    const run = { ...fig5Run(), trials: 1e7 };
    expect(() => admitRunFile(run, 8 * 2 ** 30)).toThrow(DoesNotFitError);
    expect(() => admitRunFile(run, 8 * 2 ** 30)).toThrow(/latent recordings/);
    expect(() => admitRunFile(fig5Run(), 8 * 2 ** 30)).not.toThrow();
    // Malformed files are the parser's to refuse (exit 2), not admission's.
    expect(() => admitRunFile({ populations: 'no' }, 1)).not.toThrow();
    expect(() => admitRunFile({ ...fig5Run(), dt: 'soon' }, 1)).not.toThrow();
    expect(() => admitRunFile({ ...fig5Run(), record: { every: 'often' } }, 1)).not.toThrow();
    expect(() => admitRunFile({ ...fig5Run(), input: null }, 1)).not.toThrow();
    expect(() => admitRunFile({ ...fig5Run(), input: { keyframes: {} } }, 1)).not.toThrow();
    // …and the command line says so with exit 2, naming the field.
    const dir = tmp();
    const path = join(dir, 'null-input.json');
    writeFileSync(path, JSON.stringify({ ...fig5Run(), input: null }));
    const r = cli('simulate', path, '--backend', 'cpu', '--out', join(dir, 'result.json'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/input/);
    expect(r.stderr).not.toMatch(/TypeError|\n\s+at /);
    expect(existsSync(join(dir, 'result.json'))).toBe(false);
  });

  it('estimates a 10⁶-neuron point within a factor 1.5 of its measured peak RSS', () => {
    const dir = tmp();
    const studyPath = join(dir, 'million.yaml');
    writeFileSync(
      studyPath,
      'format: latentspike/study@1\nname: million\nbase: { scale: { function: fig5 } }\naxes:\n  redundancy: [166667]\nsteps: 700\n',
    );
    const r = cli(
      'study',
      'point',
      studyPath,
      '--index',
      '0',
      '--out',
      join(dir, 'shards'),
      '--threads',
      '1',
    );
    expect(r.status, r.stderr).toBe(0);
    const [file] = readdirSync(join(dir, 'shards'));
    const { record } = JSON.parse(readFileSync(join(dir, 'shards', file), 'utf8'));
    expect(record.status).toBe('done');
    const { study } = readStudyFile(studyPath);
    const point = studyPoints(study)[0];
    expect(point.neurons).toBe(1_000_002);
    const estimate =
      estimatePointMemory(pointRunFile(study, point.params), point.neurons, false).bytes / 2 ** 20;
    const measured = record.metrics.peak_rss_mib as number;
    expect(estimate / measured).toBeGreaterThan(1 / 1.5);
    expect(estimate / measured).toBeLessThan(1.5);
    expect(existsSync(join(dir, 'shards'))).toBe(true);
  }, 180_000);
});
