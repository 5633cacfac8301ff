// Worker threads for the `all` rule (kernelTeam.ts, slices.ts): the slicing is fixed by the network,
// so any number of threads must give the very same spikes, latents and readouts as one thread —
// with noise, with exponential and pulse synapses, and over several trials.

import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { SLICE_NEURONS, sliceNetwork } from '../../src/engine/cpu/slices.ts';
import { compileNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import type { RunFileJson } from '../../src/model/runFile.ts';
import type { SimulationResult } from '../../src/engine/engine.ts';
import { benchRunFile } from '../../src/bench/cpuBench.ts';

/** fig5's zigzag copied to 2.5 slices per population, recording spikes and every latent. */
function network(synapse: 'exponential' | 'pulse', sigmaV: number): RunFileJson {
  const run = benchRunFile({ neurons: 6 * Math.round((2.5 * SLICE_NEURONS) / 3), steps: 40, sigmaV });
  const populations = run.populations.map((pop) =>
    synapse === 'pulse' ? { ...pop, synapse: { kind: 'pulse' as const, widthMs: 0.5 } } : pop,
  );
  return { ...run, populations, trials: 2, record: { spikes: true, latents: true, every: 1 } };
}

/** Elements that differ (Object.is: bit-level for floats, NaN and −0 included); −1 on a length mismatch. */
function differences(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -1;
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) n++;
  return n;
}

function same(a: SimulationResult, b: SimulationResult): void {
  expect(b.trials.length).toBe(a.trials.length);
  a.trials.forEach((ta, k) => {
    const tb = b.trials[k];
    const pairs: [ArrayLike<number>, ArrayLike<number>][] = [
      ...ta.spikeCounts.map((c, p) => [c, tb.spikeCounts[p]] as [Int32Array, Int32Array]),
      ...ta.spikes!.flatMap((s, p) => [
        [s.step, tb.spikes![p].step] as [Int32Array, Int32Array],
        [s.neuron, tb.spikes![p].neuron] as [Int32Array, Int32Array],
      ]),
      ...ta.latents!.map((y, l) => [y, tb.latents![l]] as [Float64Array, Float64Array]),
    ];
    expect(pairs.map(([x, y]) => differences(x, y))).toEqual(pairs.map(() => 0));
  });
}

describe('CPU engine worker threads', () => {
  it('cuts every population into fixed slices', () => {
    const net = compileNetwork(parseRunFile(network('exponential', 0)));
    const slices = sliceNetwork(net.populations);
    expect(slices.length).toBe(2 * 3);
    expect(slices.every((s) => s.end - s.start <= SLICE_NEURONS)).toBe(true);
  });

  for (const [synapse, sigmaV] of [
    ['exponential', 0.01],
    ['pulse', 0.01],
    ['exponential', 0],
  ] as const) {
    it(`gives one thread's bits with 3 threads (${synapse}, σ_V = ${sigmaV})`, async () => {
      const net = compileNetwork(parseRunFile(network(synapse, sigmaV)));
      const one = await new CpuEngine({ threads: 1 }).run(net);
      const engine = new CpuEngine({ threads: 3 });
      const three = await engine.run(net);
      // The team is kept between runs: a second run on warm workers gives the same bits again.
      const again = await engine.run(net);
      engine.dispose();
      const spikes = one.trials[0].spikeCounts.reduce((s, c) => c.reduce((a, v) => a + v, s), 0);
      expect(spikes).toBeGreaterThan(1000); // the comparison covers real activity
      expect([one.timing.threads, three.timing.threads]).toEqual([1, 3]);
      same(one, three);
      same(one, again);
    }, 120_000);
  }

  it('runs two runs started together on one engine, the second on one thread, with the same bits', async () => {
    const net = compileNetwork(parseRunFile(network('exponential', 0.01)));
    const engine = new CpuEngine({ threads: 2 });
    const [a, b] = await Promise.all([engine.run(net), engine.run(net)]);
    engine.dispose();
    expect([a.timing.threads, b.timing.threads]).toEqual([2, 1]);
    same(a, b);
  }, 120_000);

  it('refuses a thread count that is not a positive integer', () => {
    expect(() => new CpuEngine({ threads: 0 })).toThrow(/threads/);
    expect(() => new CpuEngine({ threads: 1.5 })).toThrow(/threads/);
  });
});
