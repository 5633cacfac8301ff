// The Brian2 peer bench. Formatting and the agreement rule run everywhere; the Brian2 runs need
// python3-brian (Debian) and are skipped with the reason when it is missing, unless
// LATENTSPIKE_REQUIRE_BRIAN=1 makes that a failure. Noiseless runs pin Brian2's step semantics to
// our CPU engine's spike counts; the noisy bench compares statistics only.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchRunFile } from '../../src/bench/cpuBench.ts';
import { formatPeerBench, runPeerBench, type PeerBenchReport } from '../../src/bench/peerBench.ts';
import { brian2Version, runBrian2, type Brian2Result } from '../../src/bench/peers/brian2.ts';
import { spikeAgreement, timeEngine } from '../../src/bench/peers/ours.ts';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { compileNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import type { RunFileJson } from '../../src/model/runFile.ts';

const brian2 = brian2Version();
const missing = 'reason' in brian2 ? brian2.reason : null;
if (missing && process.env.LATENTSPIKE_REQUIRE_BRIAN === '1') {
  throw new Error(`LATENTSPIKE_REQUIRE_BRIAN=1 but ${missing}`);
}
if (missing) console.warn(`Brian2 peer tests skipped: ${missing}`);

const stats = (E: number, I: number) => ({
  spikesTotal: E + I,
  spikesByPopulation: { E, I },
  meanRateHz: 0,
});

describe('spikeAgreement', () => {
  it('compares every population within a relative tolerance and reports the worst, signed', () => {
    expect(spikeAgreement(stats(100, 200), stats(105, 190), 0.1)).toEqual({ agree: true, worst: 0.05 });
    const off = spikeAgreement(stats(100, 200), stats(100, 150), 0.1);
    expect(off.agree).toBe(false);
    expect(off.worst).toBeCloseTo(-0.25);
    expect(spikeAgreement(stats(0, 10), stats(1, 10), 0.1).agree).toBe(false);
  });
});

describe('formatPeerBench', () => {
  /** One Brian2 timing of `sps` seconds per step at N neurons (199 steps), with these spike stats. */
  const b2 = (
    target: Brian2Result['target'],
    form: Brian2Result['form'],
    sps: number,
    N = 1002,
    spikes = stats(3100, 8700),
  ): Brian2Result => ({
    target,
    form,
    brian2: '2.5.1',
    N,
    steps: 199,
    repetitions: 3,
    buildSeconds: 1,
    runSeconds: sps * 199,
    runSecondsAll: [sps * 199],
    secondsPerStep: sps,
    ...spikes,
  });

  it('shows each target’s fastest form, the speedups and the agreement', () => {
    const report: PeerBenchReport = {
      brian2Version: '2.5.1',
      webgpu: { reason: 'no adapter' },
      sigmaV: 0.01,
      tolerance: 0.1,
      rows: [
        {
          neurons: 1002,
          steps: 199,
          cpu: { secondsPerStep: 50e-6, repetitions: 3, ...stats(3000, 8800) },
          webgpu: null,
          brian2: [
            b2('numpy', 'latent', 200e-6),
            b2('numpy', 'latent-event', 150e-6),
            b2('cpp_standalone', 'latent', 10e-6),
          ],
          skipped: [],
        },
      ],
    };
    const text = formatPeerBench(report);
    const row = text.split('\n').find((l) => l.startsWith('| 1002'))!;
    expect(row).toContain('150.0 E'); // numpy's fastest form
    expect(row).toContain('10.00 L');
    expect(row).toContain('0.20×'); // Brian2's best (10 µs) ÷ ours (50 µs)
    expect(row).toContain('yes (worst +3.3%)');
    expect(text).toContain('webgpu: no adapter');
  });

  it('fits the slope of log t against log N from 10⁵ on, for each engine timed there', () => {
    const row = (neurons: number, ours: number, brian2: number) => ({
      neurons,
      steps: 199,
      cpu: { secondsPerStep: ours, repetitions: 3, ...stats(3000, 8800) },
      webgpu: null,
      brian2: [b2('cython', 'latent', brian2, neurons, stats(3000, 8800))],
      skipped: [],
    });
    const text = formatPeerBench({
      brian2Version: '2.5.1',
      webgpu: { reason: 'no adapter' },
      sigmaV: 0.01,
      tolerance: 0.1,
      // The 10⁴ row is left out of the fit: ours would otherwise not come out at log10(8).
      rows: [row(1e4, 1e-3, 1e-4), row(1e5, 1e-3, 2e-3), row(1e6, 8e-3, 2e-2)],
    });
    expect(text).toContain(
      'slope of log t vs log N for N ≥ 100000 (least squares): ours cpu 0.90; brian2 best 1.00',
    );
  });
});

describe.skipIf(missing !== null)(`the Brian2 peer${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentspike-peer-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, json: RunFileJson) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(json));
    return file;
  };

  it('reproduces our CPU engine’s spike counts on a noiseless network, in every form (numpy)', async () => {
    const json = benchRunFile({ neurons: 120, steps: 200, sigmaV: 0 });
    const file = write('noiseless.json', json);
    const ours = await timeEngine(new CpuEngine({ precision: 'f64' }), compileNetwork(parseRunFile(json)), 1);
    expect(ours.spikesTotal).toBeGreaterThan(100);
    for (const form of ['latent', 'latent-event', 'dense'] as const) {
      const peer = await runBrian2(file, { target: 'numpy', form, repetitions: 1 });
      expect(peer.N).toBe(120);
      expect(peer.steps).toBe(199);
      // Same arithmetic up to rounding: at most a spike or two may flip.
      for (const pop of ['E', 'I']) {
        expect(Math.abs(peer.spikesByPopulation[pop] - ours.spikesByPopulation[pop])).toBeLessThanOrEqual(2);
      }
    }
  });

  it('refuses a run file outside its scope with a message', async () => {
    const json = {
      ...benchRunFile({ neurons: 12, steps: 20, sigmaV: 0 }),
      spikeRule: 'one-per-step' as const,
    };
    await expect(
      runBrian2(write('rule.json', json), { target: 'numpy', form: 'latent', repetitions: 1 }),
    ).rejects.toThrow(/spikeRule/);
  });

  it('runs the bench end to end and finds the noisy spike statistics in agreement', async () => {
    const lines: string[] = [];
    const report = await runPeerBench({
      sizes: [600],
      steps: 200,
      targets: ['numpy'],
      forms: ['latent'],
      repetitions: 1,
      webgpu: false,
      onLine: (l) => lines.push(l),
    });
    expect(report.rows).toHaveLength(1);
    const [row] = report.rows;
    expect(row.neurons).toBe(600);
    expect(row.cpu!.secondsPerStep).toBeGreaterThan(0);
    expect(row.brian2).toHaveLength(1);
    expect(spikeAgreement(row.cpu!, row.brian2[0], 0.1).agree).toBe(true);
    expect(formatPeerBench(report)).toMatch(/^\| 600 \|/m);
    expect(lines.some((l) => l.includes('brian2 numpy/latent'))).toBe(true);
  });
});
