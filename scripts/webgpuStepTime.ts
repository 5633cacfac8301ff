// Times the WebGPU engine's `all` step (ms per step, median of --repetitions runs after a warm-up,
// the engine's own simulate time) on two networks of --neurons neurons that fire at very
// different rates, and prints the spikes per neuron and step that tells them apart:
//   bench   src/bench/cpuBench.ts's network (fig5's rank-2 E/I boundary copied m times, identical
//           copies): copies fire together, most of the neurons every step;
//   sparse  the scaling study's network of the same size (src/experiments/scale/network.ts: the
//           copies' thresholds spread over one spike jump, pulse synapses, a larger spike cost): the
//           copies take turns, and far fewer neurons fire per step.
// For side-by-side comparisons of two commits, run it in each checkout alternately.
//
//   npx tsx scripts/webgpuStepTime.ts [--neurons 1e6] [--steps 41] [--repetitions 5] [--sigma 0.01]
//
// LATENTSPIKE_WEBGPU_PATH picks the adapter as for every command (swiftshader, opengl, vulkan).

import '../src/engine/nodeRuntime.ts';
import { parseArgs } from 'node:util';
import { WebGpuEngine } from '../src/engine/webgpu/webgpuEngine.ts';
import type { CompiledNetwork } from '../src/model/compile.ts';
import { compileNetwork } from '../src/model/compile.ts';
import { parseRunFile } from '../src/model/parse.ts';
import { median } from '../src/analysis/stats.ts';
import { benchRunFile } from '../src/bench/cpuBench.ts';
import { buildScaleNetwork } from '../src/experiments/scale/network.ts';
import { scaleFunction } from '../src/experiments/scale/functions.ts';

const { values } = parseArgs({
  options: {
    neurons: { type: 'string', default: '1e6' },
    steps: { type: 'string', default: '41' },
    repetitions: { type: 'string', default: '5' },
    sigma: { type: 'string', default: '0.01' },
  },
});
const neurons = Number(values.neurons);
const steps = Number(values.steps);
const repetitions = Number(values.repetitions);
const sigmaV = Number(values.sigma);
if (!(neurons >= 4 && steps >= 2 && repetitions >= 1 && sigmaV >= 0)) {
  console.error('webgpuStepTime: --neurons ≥ 4, --steps ≥ 2, --repetitions ≥ 1 and --sigma ≥ 0 are required');
  process.exit(2);
}

const networks: [string, CompiledNetwork][] = [
  ['bench', compileNetwork(parseRunFile(benchRunFile({ neurons, steps, sigmaV })))],
  [
    'sparse',
    compileNetwork(
      buildScaleNetwork({
        fn: scaleFunction('fig5'),
        neurons,
        dt: 1e-4,
        steps,
        sigma: sigmaV,
        jitter: 1,
        seed: 0,
        every: 10,
        recordSpikes: false,
      }).spec,
    ),
  ],
];
const engine = await WebGpuEngine.create();
console.log(`adapter: ${engine.adapter.description} (software: ${engine.adapter.software})`);
try {
  for (const [name, compiled] of networks) {
    const net = { ...compiled, record: { ...compiled.record, spikes: false } };
    await engine.run(net);
    const perStep: number[] = [];
    let spikes = 0;
    for (let r = 0; r < repetitions; r++) {
      const result = await engine.run(net);
      perStep.push((result.timing.simulateSeconds / (net.S - 1)) * 1000);
      spikes = result.trials[0].spikeCounts.reduce((s, counts) => counts.reduce((a, c) => a + c, s), 0);
    }
    const rate = spikes / net.N / (net.S - 1);
    console.log(
      `${name.padEnd(6)} N=${net.N} sigmaV=${sigmaV}: ${median(perStep).toFixed(2)} ms/step ` +
        `(median of ${repetitions}), ${rate.toFixed(4)} spikes per neuron and step`,
    );
  }
} finally {
  engine.dispose();
}
