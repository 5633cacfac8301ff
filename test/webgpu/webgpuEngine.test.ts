// The WebGPU engine's `all` rule against the CPU engine's f32 mode on this machine's adapter, with
// the shared Philox noise on, at the shapes the conformance suite (test/conformance) does not
// reach: long runs of several chunks, K > 4 and K = 67 channels, 4 and 32 neurons per invocation,
// 70 000 neurons, the benchmark grid's shared encoder rows. Criterion: the conformance suite's
// `±1 spike` tier (test/conformance/oracles.ts): u = D·ĝ is summed in another order on the GPU (a
// tree) than on the CPU (neuron order), so trains are not identical by construction.

import { afterAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../src/engine/engine.ts';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine.ts';
import type { Synapse } from '../../src/model/spec.ts';
import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import { gridNetwork } from '../../src/bench/grid/network.ts';
import { buildGpuNetwork } from '../../src/engine/webgpu/gpuNetwork.ts';
import { tryAcquireDevice } from './gpu.ts';
import { tinyEINetwork, type TinyOptions } from './networks.ts';
import { events } from './compare.ts';
import { expectTier } from '../conformance/oracles.ts';

const gpu = await tryAcquireDevice();
const engine = gpu ? await WebGpuEngine.create({ gpu }) : null;
afterAll(() => {
  engine?.dispose();
  gpu?.release();
});

function compare(options: TinyOptions, on: WebGpuEngine = engine!) {
  return compareNetwork(options.synapse.kind, tinyEINetwork(options), on);
}

async function compareNetwork(
  label: string,
  net: CompiledNetwork,
  on: WebGpuEngine = engine!,
): Promise<{ cpu: SimulationResult; gpu: SimulationResult }> {
  const cpu = await new CpuEngine({ precision: 'f32' }).run(net);
  const result = await on.run(net);
  console.log(`${label} N=${net.N} S=${net.S}: ${expectTier('±1 spike', net, result, cpu)}`);
  return { cpu, gpu: result };
}

const SYNAPSES: Synapse[] = [
  { kind: 'pulse', widthMs: 0.5 },
  { kind: 'exponential', rate: 200 },
];

describe.skipIf(!gpu)('WebGpuEngine, `all` rule, against CpuEngine f32', () => {
  describe.each(SYNAPSES)('$kind synapses', (synapse) => {
    it('reproduces 3000 noisy steps of a 65 E + 63 I network spike for spike (3 chunks)', async () => {
      const { cpu } = await compare({
        sizeE: 65,
        sizeI: 63,
        steps: 3000,
        synapse,
        sigmaV: 0.2,
        refractoryMs: 0.2,
        readout: true,
      });
      // The comparison means something only if the network is busy.
      expect(cpu.trials[0].spikeCounts.flatMap((c) => [...c]).reduce((a, b) => a + b)).toBeGreaterThan(5000);
    });

    it('handles one neuron per population and workgroup boundaries (257 + 256 neurons)', async () => {
      await compare({ sizeE: 1, sizeI: 1, steps: 500, synapse, sigmaV: 0.2 });
      await compare({ sizeE: 257, sizeI: 256, steps: 300, synapse, sigmaV: 0.2, refractoryMs: 0.3 });
    });
  });

  it('bounds the pulse history by the run when every pulse outlasts it', async () => {
    const o = {
      sizeE: 65,
      sizeI: 63,
      steps: 400,
      synapse: { kind: 'pulse', widthMs: 1e6 } as const,
      sigmaV: 0.2,
    };
    // 10⁷-step pulses: a history as deep as the pulse would take 1.25 MB per neuron.
    expect(buildGpuNetwork(tinyEINetwork(o), { lanes: 64, span: 64 }).history).toBe(o.steps + 1);
    const { cpu } = await compare(o);
    expect(cpu.trials[0].spikeCounts.flatMap((c) => [...c]).reduce((a, b) => a + b)).toBeGreaterThan(100);
  });

  it('sums the projection over many neurons per invocation and K > 4 channels (9000 neurons)', async () => {
    // 2 + 7 channels, sourced E I I I E I E I E: each population projects only its own (E 4, I 5:
    // two trees of four slots, E's fifth slot a channel it does not source), several workgroups at
    // 4 and at 32 neurons per invocation, spikes compacted per workgroup: the same trains as the
    // CPU engine. 4999 + 4001: I starts inside a quad, so on the vector path (stepAll's QUADS) E's
    // last workgroup and I's first take edge neurons through the scalar path.
    for (const neuronsPerInvocation of [4, 32]) {
      const wide = await WebGpuEngine.create({ gpu: gpu!, neuronsPerInvocation });
      try {
        const options = { sizeE: 4999, sizeI: 4001, steps: 200, synapse: SYNAPSES[1], sigmaV: 0.2 };
        const { cpu } = await compare({ ...options, readout: true, extraReadouts: 6 }, wide);
        expect(cpu.trials[0].readouts).toHaveLength(7);
      } finally {
        wide.dispose();
      }
    }
  });

  it('projects more own channels than an invocation holds (K = 67: slots 32 on in a second pass)', async () => {
    // Sources E I I, then the 64 extra readouts alternating I E: E sources 33 channels, I 34, so each
    // invocation holds 8 groups of 4 and project_rest sums slots 32 … 33 (E's slot 33 is a channel
    // of I's: zeros on E). Two workgroups per population at 4 neurons per invocation.
    const wide = await WebGpuEngine.create({ gpu: gpu!, neuronsPerInvocation: 4 });
    try {
      const options = { sizeE: 1100, sizeI: 1000, steps: 100, synapse: SYNAPSES[1], sigmaV: 0.2 };
      const { cpu } = await compare({ ...options, readout: true, extraReadouts: 64 }, wide);
      expect(cpu.trials[0].readouts).toHaveLength(65);
    } finally {
      wide.dispose();
    }
  });

  it('sums more step workgroups than latents.wgsl has lanes (70 000 neurons, 1 per lane)', async () => {
    // 157 + 118 = 275 workgroups of 256 neurons: lane w of latents.wgsl adds w and w + 256 before
    // the tree (one tree over all its lanes); fewer workgroups take trees over fewer lanes.
    const narrow = await WebGpuEngine.create({ gpu: gpu!, neuronsPerInvocation: 1 });
    try {
      const options = { sizeE: 40000, sizeI: 30000, steps: 6, synapse: SYNAPSES[1], sigmaV: 0.2 };
      await compare({ ...options, readout: true, extraReadouts: 3 }, narrow);
    } finally {
      narrow.dispose();
    }
  });

  it('shares encoder sums over runs of equal rows (benchmark grid, rank 10, 9000 neurons)', async () => {
    // Rows equal per module (5 modules of 900 neurons in each population) and L = 10: at 32
    // neurons per invocation a workgroup sums its few runs' rows once (ENCODER_RUNS); each
    // population projects its 5 own channels of 10 (yE_j, yI_j interleaved). At 1 neuron per
    // invocation every neuron reads its own row: both give the CPU engine's trains.
    const { spec } = gridNetwork({
      neurons: 9000,
      rank: 10,
      rule: 'all',
      synapse: 'exponential',
      steps: 200,
      dt: 1e-4,
      sigmaV: 0.2,
    });
    for (const neuronsPerInvocation of [1, 32]) {
      const wide = await WebGpuEngine.create({ gpu: gpu!, neuronsPerInvocation });
      try {
        const net = compileNetwork({ ...spec, record: { ...spec.record, spikes: true, every: 1 } });
        // The path taken, for 256 lanes (every adapter seen): runs only with several neurons a lane.
        const shape = { lanes: 256, span: 256 * neuronsPerInvocation };
        expect(buildGpuNetwork(net, shape).stepAll.ENCODER_RUNS).toBe(neuronsPerInvocation > 1 ? 1 : 0);
        const { cpu } = await compareNetwork(`grid K=10, ${neuronsPerInvocation}/lane`, net, wide);
        expect(cpu.trials[0].spikeCounts.flatMap((c) => [...c]).reduce((a, b) => a + b)).toBeGreaterThan(
          5000,
        );
      } finally {
        wide.dispose();
      }
    }
  });

  it('gives each trial its own noise, as the CPU engine does', async () => {
    const { gpu: result } = await compare({
      sizeE: 40,
      sizeI: 30,
      steps: 800,
      synapse: SYNAPSES[0],
      sigmaV: 0.3,
      trials: 2,
      seed: 2 ** 33 + 5,
    });
    expect(events(result.trials[0])).not.toEqual(events(result.trials[1]));
  });

  it('reports progress up to the total and honours an AbortSignal between chunks', async () => {
    const net = tinyEINetwork({ sizeE: 20, sizeI: 20, steps: 2100, synapse: SYNAPSES[1] });
    const seen: number[] = [];
    await engine!.run(net, { onProgress: (done, total) => seen.push(done / total) });
    expect(seen.at(-1)).toBe(1);
    expect(seen.length).toBeGreaterThan(2);

    const controller = new AbortController();
    const run = engine!.run(net, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses a spike rule it does not implement, naming it', async () => {
    const net = {
      ...tinyEINetwork({ sizeE: 2, sizeI: 2, steps: 10, synapse: SYNAPSES[0] }),
      spikeRule: 'sequential' as const,
    };
    await expect(engine!.run(net)).rejects.toThrow(/spikeRule 'sequential'/);
  });
});
