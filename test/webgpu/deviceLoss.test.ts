// A WebGPU device lost or failing mid-run (docs/device-loss.md), on both software adapters. The
// device is destroyed from the run's gate, with chunks in flight, as a driver reset would end it.
// Oracles: an engine that owns its device finishes with exactly the result of an uninterrupted run
// (trial for trial, bit for bit), which matches the CPU engine's f32 mode to the conformance
// suite's tier (test/conformance/oracles.ts: bit-equal under the delta rules, ±1 spike under
// `all`), and reruns no trial it had read back (the gate's checkpoints say which ran); an engine
// given its device rejects with a DeviceLostError; validation and out-of-memory errors end the run
// with their typed errors and leave the engine usable; `latentspike run`'s runner keeps the seeds
// that finished. A run that hangs fails on vitest's timeout.
//
// Each restart compiles every kernel again on the new device: tens of seconds on SwiftShader, so
// the tests that restart more than once (the restart bound) or need an engine of their own (the
// seeds) run on OpenGL only. An out-of-memory error can be provoked only on SwiftShader (a
// maxBufferSize allocation: llvmpipe grants it).

import { afterAll, describe, expect, it } from 'vitest';
import type { RunCheckpoint, SimulationResult } from '../../src/engine/engine.ts';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { MAX_RESTARTS, WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine.ts';
import { DeviceLostError, GpuError, GpuOutOfMemoryError } from '../../src/engine/webgpu/gpuErrors.ts';
import type { NodeAdapterPath } from '../../src/engine/webgpu/nodeAdapter.ts';
import { DoesNotFitError } from '../../src/model/errors.ts';
import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import { fig5Run } from '../../src/experiments/presets/fig5.ts';
import { runPreset } from '../../src/experiments/runner.ts';
import { runFileAsPreset } from '../../src/experiments/genericPreset.ts';
import { expectSameResult } from '../engine/gateChecks.ts';
import { onAdapterPath, tryAcquireDeviceOn } from './gpu.ts';
import { expectTier } from '../conformance/oracles.ts';
import { truncated } from './networks.ts';
import { noisyPulseNetwork } from '../engine/gateNetworks.ts';

const PATHS: NodeAdapterPath[] = ['swiftshader', 'opengl'];
const cpu = new CpuEngine({ precision: 'f32' });
const toRelease: { dispose?: () => void; release?: () => void }[] = [];
afterAll(() => toRelease.forEach((r) => (r.dispose ? r.dispose() : r.release!())));

/** An engine that acquires its own device on `path` (and replaces a lost one there: GpuDevice.path). */
async function ownedEngineOn(path: NodeAdapterPath, maxTrialsPerBatch: number): Promise<WebGpuEngine> {
  const engine = await onAdapterPath(path, () => WebGpuEngine.create({ maxTrialsPerBatch }));
  toRelease.push(engine);
  return engine;
}

/** fig5 with three trials: the batched small-network path (a delta rule, 6 neurons). */
const batched = () => compileNetwork(parseRunFile({ ...truncated(fig5Run(), 1501), trials: 3 }));
/** Three trials of 20 E + 20 I under the `all` rule, with voltage noise: the per-step path. */
const perStep = () => noisyPulseNetwork({ steps: 301, trials: 3 });

/**
 * `engine` running `net` in chunks of `chunkSteps`, whose gate records every checkpoint as
 * "trial:step" in `seen` and calls `act` at each checkpoint at `at` ("trial:step", or ":step" for
 * that step of any trial).
 */
function runActingAt(
  engine: WebGpuEngine,
  net: CompiledNetwork,
  { chunkSteps, at, seen = [] }: { chunkSteps: number; at: string; seen?: string[] },
  act: () => void,
): Promise<SimulationResult> {
  return engine.run(net, {
    chunkSteps,
    gate: async (checkpoint: RunCheckpoint) => {
      const here = `${checkpoint.trial}:${checkpoint.step}`;
      seen.push(here);
      if (here === at || `:${checkpoint.step}` === at) act();
    },
  });
}

/**
 * Per adapter: the caller's device and an engine given it (the uninterrupted reference runs, then
 * the caller-owned loss, last), and an engine that owns its device; both two trials per batch.
 */
const SETUPS = [];
for (const path of PATHS) {
  const gpu = await tryAcquireDeviceOn(path);
  if (gpu) toRelease.push(gpu);
  const given = gpu ? await WebGpuEngine.create({ gpu, maxTrialsPerBatch: 2 }) : null;
  if (given) toRelease.push(given);
  const owned = gpu ? await ownedEngineOn(path, 2) : null;
  SETUPS.push({ path, gpu, given, owned });
}

describe.each(SETUPS)(
  'WebGPU device loss on $path',
  ({ path, gpu, given, owned }) => {
    const NETWORKS = [
      // Lost in the first batch (trials 0–1): nothing had finished, the run starts again.
      {
        name: 'batched path',
        make: batched,
        chunkSteps: 250,
        lostAt: '0:500',
        before: ['0:0', '0:250', '0:500'],
      },
      // Lost in the second batch (trial 2): trials 0–1 are kept and do not run again.
      {
        name: 'per-step path',
        make: perStep,
        chunkSteps: 100,
        lostAt: '2:100',
        before: ['0:0', '0:100', '0:200', '2:0', '2:100'],
      },
    ];

    it.skipIf(!gpu).each(NETWORKS)(
      'an engine that owns its device replaces a lost one and gives the uninterrupted result: $name',
      async ({ make, chunkSteps, lostAt, before }) => {
        const net = make();
        const reference = await given!.run(net, { chunkSteps });
        expectTier(net.spikeRule === 'all' ? '±1 spike' : 'bit-equal', net, reference, await cpu.run(net));
        const first = owned!.device;
        const seen: string[] = [];
        const result = await runActingAt(owned!, net, { chunkSteps, at: lostAt, seen }, () => {
          if (owned!.device === first) first.device.destroy();
        });
        expect(owned!.device).not.toBe(first);
        expectSameResult(result, reference);
        // The batch in progress starts again from its first step; finished batches never rerun.
        const lostBatch = Number(lostAt.split(':')[0]);
        const rest = Array.from(
          { length: Math.ceil((net.S - 1) / chunkSteps) },
          (_, k) => `${lostBatch}:${k * chunkSteps}`,
        );
        const after = lostBatch === 0 ? [...rest, ...rest.map((c) => c.replace(/^0:/, '2:'))] : rest;
        expect(seen).toEqual([...before, ...after]);
      },
    );

    it.skipIf(!gpu)(
      'after a loss, the batch in progress continues from the last snapshot its gate took (--checkpoint)',
      async () => {
        const net = perStep();
        const chunkSteps = 100;
        const reference = await given!.run(net, { chunkSteps });
        const first = owned!.device;
        const seen: string[] = [];
        const result = await owned!.run(net, {
          chunkSteps,
          gate: async (at) => {
            seen.push(`${at.trial}:${at.step}`);
            if (at.trial === 0 && at.step === 100) await at.snapshot();
            if (at.trial === 0 && at.step === 200 && owned!.device === first) first.device.destroy();
          },
        });
        expect(owned!.device).not.toBe(first);
        expectSameResult(result, reference);
        // The first batch (trials 0–1) went on from its snapshot at step 100, not from step 0.
        expect(seen.slice(0, 3)).toEqual(['0:0', '0:100', '0:200']);
        expect(seen[3]).toBe('0:100');
        expect(seen.slice(3)).not.toContain('0:0');
      },
    );

    it.skipIf(!gpu)(
      'a validation error mid-run ends the run with a GpuError, and the next run is whole',
      async () => {
        const net = batched();
        const run = runActingAt(owned!, net, { chunkSteps: 250, at: ':250' }, () =>
          owned!.device.device.createBuffer({ size: 16, usage: 0 }),
        );
        await expect(run).rejects.toThrow(GpuError);
        await expect(run).rejects.toMatchObject({
          kind: 'validation',
          message: /WebGPU validation error on .*usage/,
        });
        expectSameResult(await owned!.run(net), await given!.run(net));
      },
    );

    it.skipIf(!gpu || path !== 'swiftshader')(
      'an out-of-memory error mid-run ends it as "does not fit", naming the run’s GPU bytes',
      async () => {
        const net = batched();
        const device = owned!.device.device;
        const run = runActingAt(owned!, net, { chunkSteps: 250, at: ':250' }, () =>
          device.createBuffer({ size: device.limits.maxBufferSize, usage: GPUBufferUsage.STORAGE }),
        );
        await expect(run).rejects.toThrow(GpuOutOfMemoryError);
        await expect(run).rejects.toThrow(DoesNotFitError);
        await expect(run).rejects.toThrow(
          /WebGPU out of memory on [\s\S]*GPU buffers take about \d+(\.\d)? [KMG]iB/,
        );
        expectSameResult(await owned!.run(net), await given!.run(net));
      },
    );

    it.skipIf(!gpu || path !== 'opengl')(
      `a device lost ${MAX_RESTARTS + 1} times in one run ends it with a DeviceLostError; the engine runs on`,
      async () => {
        const net = batched();
        const seen: string[] = [];
        const run = runActingAt(owned!, net, { chunkSteps: 250, at: ':250', seen }, () =>
          owned!.device.device.destroy(),
        );
        await expect(run).rejects.toThrow(DeviceLostError);
        await expect(run).rejects.toThrow(
          new RegExp(
            `device lost on .*\\(destroyed\\).*lost again after ${MAX_RESTARTS} restarts.*0 of 3 trials had finished`,
          ),
        );
        expect(seen).toEqual(Array.from({ length: MAX_RESTARTS + 1 }, () => ['0:0', '0:250']).flat());
        expectSameResult(await owned!.run(net), await given!.run(net));
      },
    );

    it.skipIf(!gpu || path !== 'opengl')(
      '`latentspike run`’s runner keeps the seeds that finished when a later one loses its device',
      async () => {
        // A device of its own, given to the engine, so a loss cannot be recovered from.
        const own = (await tryAcquireDeviceOn(path))!;
        toRelease.push(own);
        const engine = await WebGpuEngine.create({ gpu: own });
        toRelease.push(engine);
        const short = truncated(fig5Run(), 1501);
        const preset = {
          ...runFileAsPreset('fig5-short', short),
          runs: ({ seed }: { seed: number }) => [{ ...short, seed }],
        };
        const clean = await runPreset(preset, given!, { seeds: 2 });
        let runs = 0;
        const outcome = await runPreset(
          preset,
          {
            backend: engine.backend,
            adapter: engine.adapter,
            unsupported: (net: CompiledNetwork) => engine.unsupported(net),
            dispose: () => engine.dispose(),
            // The third seed's run loses the device halfway.
            run: (net, options) =>
              engine
                .run(net, {
                  ...options,
                  chunkSteps: 250,
                  gate: async (at) => {
                    if (runs === 2 && at.step === 750) own.device.destroy();
                  },
                })
                .finally(() => runs++),
          },
          { seeds: 4 },
        );
        expect(outcome.report.seeds).toEqual([0, 1]);
        expect(outcome.report.interrupted).toBe(false);
        expect(outcome.report.failed).toMatchObject({
          seed: 2,
          error: expect.stringMatching(/device lost.*cannot replace it/),
        });
        expect(outcome.error).toBeInstanceOf(DeviceLostError);
        expect(outcome.report.metrics).toEqual(clean.report.metrics);
        expect(outcome.firstRuns.length).toBe(1);
      },
    );

    it.skipIf(!gpu)(
      'an engine given its device cannot replace it: the run rejects with a DeviceLostError',
      async () => {
        const net = perStep();
        const run = runActingAt(given!, net, { chunkSteps: 100, at: '2:100' }, () => gpu!.device.destroy());
        await expect(run).rejects.toThrow(DeviceLostError);
        await expect(run).rejects.toMatchObject({
          reason: 'destroyed',
          message: expect.stringMatching(
            /^WebGPU device lost on .+ \(destroyed\): .*cannot replace it: 2 of 3 trials had finished$/,
          ),
        });
      },
    );
  },
  // A restart recompiles every kernel, and SwiftShader runs the per-step path slowly.
  600_000,
);
