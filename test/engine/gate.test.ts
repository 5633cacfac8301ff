// Pausing, stepping and watching a run of the CPU engine through RunOptions.gate (gateChecks.ts).

import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { checkOpenGate, checkPauseAndStep } from './gateChecks.ts';
import { fig5Network, noisyPulseNetwork } from './gateNetworks.ts';

const NETWORKS = [
  { name: 'fig5 (one-per-step, delta synapses)', net: fig5Network },
  {
    name: '2 trials of 20 E + 20 I (all rule, pulse synapses, noise)',
    net: () => noisyPulseNetwork({ steps: 1001, trials: 2 }),
  },
];

describe.each(NETWORKS)('CpuEngine gate: $name', ({ net: make }) => {
  const engine = new CpuEngine();

  it('stops before every chunk of chunkSteps, shows the run so far, and changes nothing', async () => {
    const net = make();
    const reference = await engine.run(net);
    await checkOpenGate(engine, net, 100, reference);
    // Chunk sizes that do not divide the run give the same result too.
    await checkOpenGate(engine, net, 333, reference);
  });

  it('pauses, steps one chunk at a time, resumes to the same result, and aborts while paused', async () => {
    const net = make();
    await checkPauseAndStep(engine, net, 250, await engine.run(net));
  });
});

describe('CpuEngine gate timing', () => {
  it('does not count time paused at the gate as simulation time', async () => {
    const net = fig5Network();
    let first = true;
    const result = await new CpuEngine().run(net, {
      chunkSteps: 1000,
      gate: async () => {
        if (first) await new Promise((resolve) => setTimeout(resolve, 400));
        first = false;
      },
    });
    expect(result.timing.simulateSeconds).toBeLessThan(0.3);
  });

  it('refuses a chunk length that is not a positive integer', async () => {
    const net = fig5Network();
    await expect(new CpuEngine().run(net, { chunkSteps: 0 })).rejects.toThrow(/chunkSteps/);
  });
});
