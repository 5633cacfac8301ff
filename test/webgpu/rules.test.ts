// The WebGPU engine's `one-per-step` and `sequential` rules, the rate model and the batched
// small-network path, against the CPU engine's f32 mode on this machine's adapter. Oracles:
//   exact over the whole run: noiseless fig2, fig4, fig5, and noisy networks of 70 000 neurons
//     and of more spikes than a submit's event slots, give identical spike trains (step,
//     population, neuron, in order); small noisy networks of both rules on both paths and both
//     adapters are in the conformance suite (test/conformance);
//   numerical: the rate model's latents within 1e-4 relative (WGSL's exp is not correctly rounded);
//   statistics over seeds/trials: fig6 (3 seeds), fig12a, figS2's batched trials — with the shared
//     Philox noise they match exactly too, which the logs report, but the criteria are the paper's
//     metrics: mean spike count within 5 %, RMSE within 0.01–0.02, count CV within 0.1.
// Software adapters run a per-step dispatch in about a millisecond, so the per-step path gets short
// horizons here; the batched path runs whole presets.

import { afterAll, describe, expect, it } from 'vitest';
import type { SimulationResult, TrialResult } from '../../src/engine/engine.ts';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine.ts';
import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import type { RunFileJson } from '../../src/model/runFile.ts';
import type { SpikeRule } from '../../src/model/spec.ts';
import { findPreset } from '../../src/experiments/presets/index.ts';
import { fig2Run } from '../../src/experiments/presets/fig2.ts';
import { fig4Run } from '../../src/experiments/presets/fig4.ts';
import { fig5Run } from '../../src/experiments/presets/fig5.ts';
import { fig6Run, fig10RateRun } from '../../src/experiments/presets/fig6.ts';
import { fig12Run, fig12bRun } from '../../src/experiments/presets/fig12.ts';
import { figS2Run } from '../../src/experiments/presets/figS2.ts';
import { spikeCountCV } from '../../src/analysis/firing.ts';
import { tryAcquireDevice } from './gpu.ts';
import { tinyEINetwork, truncated } from './networks.ts';
import { events, relativeDifference } from './compare.ts';

const gpu = await tryAcquireDevice();
const batched = gpu ? await WebGpuEngine.create({ gpu }) : null;
const perStep = gpu ? await WebGpuEngine.create({ gpu, batchSmallNetworks: false }) : null;
const cpu = new CpuEngine({ precision: 'f32' });
afterAll(() => {
  for (const e of [batched, perStep]) e?.dispose();
  gpu?.release();
});

const compile = (run: RunFileJson): CompiledNetwork => compileNetwork(parseRunFile(run));

/** max |Δy| / max(1, max |y|) over every latent series and sample. */
function latentDifference(a: TrialResult, b: TrialResult): number {
  return relativeDifference(a.latents!, b.latents!);
}

/** Runs `net` on the CPU (f32) and on `engine`; asserts identical spike trains in every trial. */
async function expectIdentical(label: string, net: CompiledNetwork, engine: WebGpuEngine) {
  const reference = await cpu.run(net);
  const result = await engine.run(net);
  result.trials.forEach((trial, t) => {
    expect(events(trial)).toEqual(events(reference.trials[t]));
    expect(trial.spikeCounts).toEqual(reference.trials[t].spikeCounts);
    const dy = latentDifference(trial, reference.trials[t]);
    console.log(
      `${label}: N=${net.N} S=${net.S} trial ${t}: ${events(trial).length} identical spikes, ` +
        `relative |Δy| = ${dy.toExponential(2)}`,
    );
    expect(dy).toBeLessThan(1e-5);
  });
  return { cpu: reference, gpu: result };
}

function metric(
  name: string,
  presetName: string,
  run: RunFileJson,
  net: CompiledNetwork,
  result: SimulationResult,
) {
  const metrics = findPreset(presetName)!.metrics([{ run, net, result }], { seed: 0 });
  return metrics.find((m) => m.name === name)!.value as number;
}

/** tinyEINetwork with delta synapses, noise and refractoriness under `rule`. */
function tinyDelta(
  rule: SpikeRule,
  o: { sizeE: number; sizeI: number; steps: number; seed: number },
): CompiledNetwork {
  return compileNetwork({
    ...tinyEINetwork({ ...o, synapse: { kind: 'delta' }, sigmaV: 0.1, refractoryMs: 0.2 }).spec,
    spikeRule: rule,
  });
}

describe.skipIf(!gpu)('WebGpuEngine: every rule against CpuEngine f32', () => {
  describe('noiseless presets (one-per-step) are reproduced spike for spike', () => {
    it.each([
      ['fig2', fig2Run()],
      ['fig4', fig4Run()],
      ['fig5', fig5Run()],
    ])('%s, batched', async (name, run) => {
      const net = compile(run);
      const { cpu: reference, gpu: result } = await expectIdentical(`${name} batched`, net, batched!);
      if (name === 'fig5') {
        const rmse = (r: SimulationResult) => metric('RMSE y^E vs target', 'fig5', run, net, r);
        console.log(`fig5 RMSE y^E: cpu ${rmse(reference).toFixed(4)}, gpu ${rmse(result).toFixed(4)}`);
        expect(Math.abs(rmse(result) - rmse(reference))).toBeLessThan(0.02);
      }
    });

    it('fig4 and the first 600 steps of fig5 on the per-step path', async () => {
      await expectIdentical('fig4 per-step', compile(fig4Run()), perStep!);
      await expectIdentical('fig5[:600] per-step', compile(truncated(fig5Run(), 600)), perStep!);
    });
  });

  it('one-per-step at N = 70 000: sliced dispatches, 274 candidate rows', async () => {
    await expectIdentical(
      'one-per-step sliced',
      tinyDelta('one-per-step', { sizeE: 40000, sizeI: 30000, steps: 12, seed: 4 }),
      perStep!,
    );
  });

  it('resumes a trial whose event slots fill up (more than 4096 spikes in one submit)', async () => {
    const { gpu: result } = await expectIdentical(
      'one-per-step, busy',
      tinyDelta('one-per-step', { sizeE: 20, sizeI: 12, steps: 10000, seed: 5 }),
      batched!,
    );
    expect(events(result.trials[0]).length).toBeGreaterThan(4096);
  });

  describe('the rate model', () => {
    it.each([
      ['fig10-rate', fig10RateRun(), batched],
      ['fig12b', fig12bRun(), batched],
      ['fig12b[:400] per-step', truncated(fig12bRun(), 400), perStep],
    ] as const)('%s: latents within 1e-4 relative', async (name, run, engine) => {
      const net = compile(run);
      const reference = await cpu.run(net);
      const result = await engine!.run(net);
      const dy = latentDifference(result.trials[0], reference.trials[0]);
      console.log(`${name}: relative |Δy| = ${dy.toExponential(2)}`);
      expect(dy).toBeLessThan(1e-4);
    });
  });

  describe('noisy statistics', () => {
    it('fig6 over 3 seeds: mean spike count within 5 %, RMSE y − envelope within 0.01', async () => {
      const stats = { cpu: { spikes: 0, rmse: 0 }, gpu: { spikes: 0, rmse: 0 } };
      for (const seed of [0, 1, 2]) {
        const run = fig6Run(seed);
        const net = compile(run);
        for (const [side, engine] of [
          ['cpu', cpu],
          ['gpu', batched!],
        ] as const) {
          const result = await engine.run(net);
          stats[side].spikes += metric('spikes per trial', 'fig6', run, net, result) / 3;
          stats[side].rmse += metric('RMSE y − envelope', 'fig6', run, net, result) / 3;
        }
      }
      console.log(`fig6, 3 seeds: ${JSON.stringify(stats)}`);
      expect(Math.abs(stats.gpu.spikes / stats.cpu.spikes - 1)).toBeLessThan(0.05);
      expect(Math.abs(stats.gpu.rmse - stats.cpu.rmse)).toBeLessThan(0.01);
    });

    it('fig12a (all rule, pulse synapses): spike counts within 5 %, RMSE y^E within 0.02', async () => {
      const run = fig12Run('a', 0);
      const net = compile(run);
      const [reference, result] = [await cpu.run(net), await perStep!.run(net)];
      for (const name of ['E spikes', 'I spikes', 'RMSE y^E vs target']) {
        const [c, g] = [
          metric(name, 'fig12a', run, net, reference),
          metric(name, 'fig12a', run, net, result),
        ];
        console.log(`fig12a ${name}: cpu ${c}, gpu ${g}`);
        if (name.startsWith('RMSE')) expect(Math.abs(g - c)).toBeLessThan(0.02);
        else expect(Math.abs(g / c - 1)).toBeLessThan(0.05);
      }
    });

    it("figS2 batched: 60 trials at σ = 0.1 in one job, neuron 12's counts and CV", async () => {
      const net = compile(truncated(figS2Run(0.1, true, 0, 60), 3000));
      let t0 = performance.now();
      const reference = await cpu.run(net);
      const cpuMs = performance.now() - t0;
      t0 = performance.now();
      const result = await batched!.run(net);
      const gpuMs = performance.now() - t0;
      const counts = (r: SimulationResult) => r.trials.map((t) => t.spikeCounts[0][12]);
      const same = counts(result).filter((c, t) => c === counts(reference)[t]).length;
      const [cvCpu, cvGpu] = [spikeCountCV(reference.trials, 0, 12), spikeCountCV(result.trials, 0, 12)];
      console.log(
        `figS2 60 trials × 3000 steps: cpu f32 ${cpuMs.toFixed(0)} ms, webgpu batched ${gpuMs.toFixed(0)} ms ` +
          `(${batched!.adapter.description}); neuron 12 counts equal in ${same}/60 trials; ` +
          `CV cpu ${cvCpu.toFixed(4)}, gpu ${cvGpu.toFixed(4)}`,
      );
      expect(counts(result).slice(0, 20)).toEqual(counts(reference).slice(0, 20));
      expect(Math.abs(cvGpu - cvCpu)).toBeLessThan(0.1);
    });
  });
});
