// Property tests of the CPU reference engine over random valid run files (randomRunFiles.ts):
// float32 against float64, the delta/pulse equivalence of the spike rules, chunked runs, strided
// recording, noise per trial, and O(N·K) memory.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { benchRunFile } from '../../src/bench/cpuBench.ts';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { SpikingTrial, type Precision } from '../../src/engine/cpu/spikingTrial.ts';
import type { TrialResult } from '../../src/engine/engine.ts';
import { compileNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import type { RunFileJson } from '../../src/model/runFile.ts';
import { deltaPulsePair, isWellConditioned, validRunFile, wellConditionedRunFile } from './randomRunFiles.ts';

const SEED = 20240501;
const HORIZON = 200;

/** Spike events of every population as (population, step, neuron) triples, in emission order per population. */
function events(trial: TrialResult, below = Infinity): [number, number, number][] {
  return trial.spikes!.flatMap((train, p) =>
    Array.from(train.step, (step, q): [number, number, number] => [p, step, train.neuron[q]]).filter(
      ([, step]) => step < below,
    ),
  );
}

async function runTrial(run: RunFileJson, precision: Precision): Promise<TrialResult> {
  const result = await new CpuEngine({ precision }).run(compileNetwork(parseRunFile(run)));
  return result.trials[0];
}

/** Global indices of the neurons that spiked, per step. */
function neuronsByStep(trial: TrialResult): Map<number, number[]> {
  const byStep = new Map<number, number[]>();
  let offset = 0;
  trial.spikes!.forEach((train, p) => {
    train.step.forEach((step, q) => {
      const list = byStep.get(step) ?? [];
      list.push(offset + train.neuron[q]);
      byStep.set(step, list);
    });
    offset += trial.spikeCounts[p].length;
  });
  return byStep;
}

describe('CPU engine: float32 against float64', () => {
  it('gives identical spike trains for the first 200 steps of random valid run files', async () => {
    let active = 0;
    await fc.assert(
      fc.asyncProperty(wellConditionedRunFile(HORIZON), async (run) => {
        const f64 = await runTrial(run, 'f64');
        const f32 = await runTrial(run, 'f32');
        expect(events(f32, HORIZON)).toEqual(events(f64, HORIZON));
        if (events(f64, HORIZON).length >= 5) active++;
      }),
      { seed: SEED, numRuns: 1000 },
    );
    // Not vacuous: most networks spike within the compared horizon.
    expect(active / 1000).toBeGreaterThanOrEqual(0.5);
  });

  it('loses few run files to the conditioning filter', () => {
    const runs = fc.sample(validRunFile(), { seed: SEED, numRuns: 200 });
    const kept = runs.filter((run) => isWellConditioned(run, HORIZON)).length;
    expect(kept / runs.length).toBeGreaterThanOrEqual(0.8);
  });
});

describe('CPU engine: a delta network under `all` equals `one-per-step` while one neuron spikes per step', () => {
  it('matches spike for spike up to the first step where `all` fires two neurons', async () => {
    const horizons: number[] = [];
    const spikesCompared: number[] = [];
    await fc.assert(
      fc.asyncProperty(
        deltaPulsePair(),
        fc.constantFrom<Precision>('f64', 'f32'),
        async (pair, precision) => {
          const a = await runTrial(pair.delta, precision);
          const b = await runTrial(pair.pulse, precision);
          const multi = [...neuronsByStep(b)].filter(([, ns]) => ns.length > 1).map(([step]) => step);
          const horizon = Math.min(pair.delta.steps, ...multi);
          // The generator's promise: nobody is at threshold in step 1, where only (a) could spike.
          expect(events(a).filter(([, step]) => step === 1)).toEqual([]);
          expect(events(b, horizon)).toEqual(events(a, horizon));
          horizons.push(horizon);
          spikesCompared.push(events(a, horizon).length);
        },
      ),
      { seed: SEED, numRuns: 600 },
    );
    // Not vacuous: most cases compare a long stretch, and many of those contain spikes.
    const long = horizons.filter((h) => h >= 100).length;
    const longWithSpikes = horizons.filter((h, i) => h >= 100 && spikesCompared[i] >= 3).length;
    expect(long / horizons.length).toBeGreaterThanOrEqual(0.5);
    expect(longWithSpikes / horizons.length).toBeGreaterThanOrEqual(0.5);
  });
});

describe('CPU engine: runs, recording and noise', () => {
  it('run(1, k) then run(k, S) equals run(1, S)', () => {
    fc.assert(
      fc.property(validRunFile(), fc.double({ min: 0, max: 1, noNaN: true }), (run, split) => {
        const net = compileNetwork(parseRunFile(run));
        const k = 1 + Math.floor(split * (net.S - 1));
        const whole = new SpikingTrial(net, 0, 'f64');
        whole.run(1, net.S);
        const parts = new SpikingTrial(net, 0, 'f64');
        parts.run(1, k);
        parts.run(k, net.S);
        expect(parts.result()).toEqual(whole.result());
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('records latents with every = 3 as every = 1 subsampled', async () => {
    await fc.assert(
      fc.asyncProperty(validRunFile(), async (run) => {
        const dense = await runTrial(run, 'f64');
        const sparse = await runTrial({ ...run, record: { spikes: true, latents: true, every: 3 } }, 'f64');
        const subsample = (values: Float64Array) => values.filter((_, t) => t % 3 === 0);
        expect(sparse.latents).toEqual(dense.latents!.map(subsample));
        expect(sparse.readouts).toEqual(dense.readouts!.map(subsample));
        expect(sparse.latents![0]).toHaveLength(Math.floor((run.steps - 1) / 3) + 1);
        expect(sparse.spikes).toEqual(dense.spikes);
      }),
      { seed: SEED, numRuns: 40 },
    );
  });

  it('draws different noise per trial, and the same seed reproduces every trial exactly', async () => {
    const noisy = (seed: number): RunFileJson => {
      const run = benchRunFile({ neurons: 60, steps: 2000, sigmaV: 0.05, dt: 1e-4 });
      return { ...run, seed, trials: 3, record: { spikes: true, latents: true, every: 1 } };
    };
    const engine = new CpuEngine();
    const first = await engine.run(compileNetwork(parseRunFile(noisy(7))));
    const again = await engine.run(compileNetwork(parseRunFile(noisy(7))));
    const other = await engine.run(compileNetwork(parseRunFile(noisy(8))));
    const trains = first.trials.map((t) => events(t));
    trains.forEach((train) => expect(train.length).toBeGreaterThan(50));
    expect(trains[1]).not.toEqual(trains[0]);
    expect(trains[2]).not.toEqual(trains[0]);
    expect(trains[2]).not.toEqual(trains[1]);
    expect(again.trials).toEqual(first.trials);
    expect(events(other.trials[0])).not.toEqual(trains[0]);
  });

  it('never builds an N×N matrix: 20 000 neurons of rank 2 run in well under 50 MB', async () => {
    // A float32 20 000² matrix alone would be 1.6 GB; typed arrays live outside the V8 heap, hence
    // `arrayBuffers` is counted too.
    const used = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const run = benchRunFile({ neurons: 20_000, steps: 6, sigmaV: 0.01, dt: 1e-4 });
    const before = used();
    const result = await new CpuEngine().run(compileNetwork(parseRunFile(run)));
    const grown = used() - before;
    expect(result.trials[0].latents![0]).toHaveLength(1);
    expect(grown).toBeLessThan(50 * 2 ** 20);
  });
});
