// Trials run together (WebGpuEngineOptions.maxTrialsPerBatch): the per-step path's `all` rule and
// rate model run a batch of trials in every dispatch (perStepLoop.ts, stepAll/stepRate/latents
// .wgsl), the small-network kernel a batch per job (smallNetworkLoop.ts). Oracles: every trial of a
// batched run equals the same trial run alone (maxTrialsPerBatch 1) exactly — spike counts, spike
// trains, latents and readouts bit for bit, noise included (the Philox counter holds the trial) —
// with several trials per batch and more than one batch; and matches the CPU engine's f32 mode as
// webgpuEngine.test.ts requires (identical spike trains, latents within 1e-5 relative; the rate
// model's within 1e-4, WGSL's exp not being correctly rounded).

import { afterAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../src/engine/engine.ts';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { WebGpuEngine, type WebGpuEngineOptions } from '../../src/engine/webgpu/webgpuEngine.ts';
import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import type { Synapse } from '../../src/model/spec.ts';
import { fig12bRun } from '../../src/experiments/presets/fig12.ts';
import { figS2Run } from '../../src/experiments/presets/figS2.ts';
import { tryAcquireDevice } from './gpu.ts';
import { tinyEINetwork, truncated } from './networks.ts';
import { events, relativeDifference } from './compare.ts';

const gpu = await tryAcquireDevice();
const cpu = new CpuEngine({ precision: 'f32' });
const engines: WebGpuEngine[] = [];
afterAll(() => {
  engines.forEach((e) => e.dispose());
  gpu?.release();
});

async function engine(options: WebGpuEngineOptions): Promise<WebGpuEngine> {
  const created = await WebGpuEngine.create({ gpu: gpu!, ...options });
  engines.push(created);
  return created;
}

function expectSameTrials(actual: SimulationResult, expected: SimulationResult) {
  expect(actual.trials.length).toBe(expected.trials.length);
  actual.trials.forEach((trial, t) => {
    const reference = expected.trials[t];
    expect(trial.spikeCounts).toEqual(reference.spikeCounts);
    if (reference.spikes) expect(events(trial)).toEqual(events(reference));
    expect(trial.latents).toEqual(reference.latents);
    expect(trial.readouts).toEqual(reference.readouts);
  });
}

/**
 * Runs `net` one trial at a time, in batches of `perBatch` and all together (each on `options`'
 * engine), and on the CPU; asserts the batched runs equal the one-at-a-time run and that run the CPU's.
 */
async function expectBatchesSame(
  label: string,
  net: CompiledNetwork,
  perBatch: number,
  options: WebGpuEngineOptions,
  tolerance = 1e-5,
) {
  const alone = await (await engine({ ...options, maxTrialsPerBatch: 1 })).run(net);
  const inBatches = await (await engine({ ...options, maxTrialsPerBatch: perBatch })).run(net);
  const together = await (await engine(options)).run(net);
  expectSameTrials(inBatches, alone);
  expectSameTrials(together, alone);
  const reference = await cpu.run(net);
  alone.trials.forEach((trial, t) => {
    expect(trial.spikeCounts).toEqual(reference.trials[t].spikeCounts);
    if (trial.spikes) expect(events(trial)).toEqual(events(reference.trials[t]));
    const dy = relativeDifference(trial.latents!, reference.trials[t].latents!);
    console.log(
      `${label}: N=${net.N} S=${net.S} trial ${t}: ${net.model === 'rate' ? 'rates' : `${events(trial).length} spikes`} ` +
        `identical alone, by ${perBatch} and all together; relative |Δy| vs CPU = ${dy.toExponential(2)}`,
    );
    expect(dy).toBeLessThan(tolerance);
  });
  return alone;
}

const SYNAPSES: Synapse[] = [
  { kind: 'pulse', widthMs: 0.5 },
  { kind: 'exponential', rate: 200 },
];

describe.skipIf(!gpu)('WebGpuEngine: trials batched as run one at a time', () => {
  it.each(SYNAPSES)(
    '`all` rule, $kind synapses, noisy: 5 trials in batches of 2 and of 5, 3 workgroups per trial',
    async (synapse) => {
      const net = tinyEINetwork({
        sizeE: 330,
        sizeI: 270,
        steps: 300,
        synapse,
        sigmaV: 0.2,
        refractoryMs: 0.2,
        trials: 5,
        readout: true,
      });
      // One neuron per invocation: three step-kernel workgroups (rows of partials) per trial.
      const result = await expectBatchesSame(`all ${synapse.kind}`, net, 2, { neuronsPerInvocation: 1 });
      expect(new Set(result.trials.map((t) => events(t).join())).size).toBe(5);
    },
  );

  it("`all` rule at the adapter's neurons per invocation, pulse synapses: 3 trials by 2 over 10 chunks", async () => {
    const net = tinyEINetwork({
      sizeE: 40,
      sizeI: 30,
      steps: 1201,
      synapse: SYNAPSES[0],
      sigmaV: 0.3,
      trials: 3,
    });
    // Short chunks: every trial's events come back from its own region many times.
    const alone = await (await engine({ maxTrialsPerBatch: 1 })).run(net, { chunkSteps: 120 });
    const paired = await (await engine({ maxTrialsPerBatch: 2 })).run(net, { chunkSteps: 120 });
    expectSameTrials(paired, alone);
    const reference = await cpu.run(net);
    paired.trials.forEach((trial, t) => expect(events(trial)).toEqual(events(reference.trials[t])));
  });

  it('the rate model on the per-step path: 3 trials in batches of 2 and of 3 (fig12b, first 300 steps)', async () => {
    const net = compileNetwork(parseRunFile({ ...truncated(fig12bRun(), 300), trials: 3 }));
    await expectBatchesSame('fig12b[:300] per-step', net, 2, { batchSmallNetworks: false }, 1e-4);
  });

  it('the small-network kernel: figS2 (noisy, one-per-step), 5 trials in batches of 2 and of 5', async () => {
    const run = figS2Run(0.1, true, 0, 5);
    const net = compileNetwork(parseRunFile(truncated(run, 3000)));
    await expectBatchesSame('figS2[:3000] batched', net, 2, {});
  });
});
