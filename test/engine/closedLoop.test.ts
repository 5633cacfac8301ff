// Closed-loop input (RunOptions.input) on the CPU engine, f64 and f32, one thread and the `all`
// rule's kernel team of worker threads (closedLoopChecks.ts has the networks and the oracles).

import { afterAll, describe, expect, it } from 'vitest';
import { CpuEngine, PARALLEL_MIN_NEURONS } from '../../src/engine/cpu/cpuEngine.ts';
import { SLICE_NEURONS } from '../../src/engine/cpu/slices.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import { benchRunFile } from '../../src/bench/cpuBench.ts';
import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import {
  allRule,
  checkBadSources,
  checkClosedLoop,
  checkFedAsGiven,
  checkResume,
  deltaRule,
  rateModel,
} from './closedLoopChecks.ts';

const engines = {
  f64: new CpuEngine({ precision: 'f64', threads: 1 }),
  f32: new CpuEngine({ precision: 'f32', threads: 1 }),
};
afterAll(() => Object.values(engines).forEach((e) => e.dispose()));

const NETWORKS = [
  { name: 'all rule', net: allRule },
  { name: 'rate model', net: rateModel },
  { name: 'one-per-step', net: () => deltaRule('one-per-step') },
  { name: 'sequential', net: () => deltaRule('sequential') },
];

describe.each(['f64', 'f32'] as const)('CpuEngine %s: closed-loop input', (precision) => {
  const engine = engines[precision];
  it.each(NETWORKS)('$name: fed span by span = given ahead of time', async ({ net }) => {
    await checkFedAsGiven(engine, net(), 70);
  });

  it('a snapshot at a span boundary resumes with the input it was given', async () => {
    await checkResume(engine, allRule(), 50, { trial: 1, step: 100 });
  });

  it('a source that breaks the contract rejects the run with an InputError naming the problem', async () => {
    await checkBadSources(engine, deltaRule('one-per-step'));
  });
});

/** fig5's zigzag copied to 2.5 slices per population: one trial's neurons shared by worker threads. */
function teamNetwork(): CompiledNetwork {
  const run = benchRunFile({ neurons: 6 * Math.round((2.5 * SLICE_NEURONS) / 3), steps: 31, sigmaV: 0.01 });
  return compileNetwork(
    parseRunFile({ ...run, trials: 1, record: { spikes: true, latents: true, every: 1 } }),
  );
}

describe('CpuEngine: a closed loop', () => {
  it('gives the same bits on one thread and on a kernel team of worker threads', async () => {
    const net = teamNetwork();
    expect(net.N).toBeGreaterThanOrEqual(PARALLEL_MIN_NEURONS);
    const team = new CpuEngine({ precision: 'f32', threads: 2 });
    try {
      const result = await checkClosedLoop(team, engines.f32, net, 6);
      expect(result.timing.threads).toBe(2);
    } finally {
      team.dispose();
    }
  }, 120_000);
});
