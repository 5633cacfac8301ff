// Times the WebGPU engine's `all`-rule trials run together against the same trials run one at a
// time (WebGpuEngineOptions.maxTrialsPerBatch = 1), on the CPU bench's network (src/bench/cpuBench.ts:
// fig5's rank-2 E/I boundary copied m times, exponential synapses, noise σ_V), and checks that both
// give the same spike counts and latents. Alternates the two for --repetitions rounds after a
// warm-up of each and prints the medians of the wall time of WebGpuEngine.run (setup included) and
// of the process's CPU time over it (a software adapter's threads run in this process, so on a
// shared machine the CPU time is the steadier measure of the work done).
//
//   npx tsx scripts/webgpuTrialBatches.ts [--neurons 1e4] [--trials 16] [--steps 201]
//                                         [--repetitions 5] [--sigma 0.01]
//
// LATENTSPIKE_WEBGPU_PATH picks the adapter as for every command (swiftshader, opengl, vulkan).

import '../src/engine/nodeRuntime.ts';
import { parseArgs } from 'node:util';
import { WebGpuEngine } from '../src/engine/webgpu/webgpuEngine.ts';
import type { SimulationResult } from '../src/engine/engine.ts';
import { compileNetwork } from '../src/model/compile.ts';
import { parseRunFile } from '../src/model/parse.ts';
import { median } from '../src/analysis/stats.ts';
import { benchRunFile } from '../src/bench/cpuBench.ts';

const { values } = parseArgs({
  options: {
    neurons: { type: 'string', default: '1e4' },
    trials: { type: 'string', default: '16' },
    steps: { type: 'string', default: '201' },
    repetitions: { type: 'string', default: '5' },
    sigma: { type: 'string', default: '0.01' },
  },
});
const [neurons, trials, steps, repetitions, sigmaV] = [
  values.neurons,
  values.trials,
  values.steps,
  values.repetitions,
  values.sigma,
].map(Number);

const net = compileNetwork(parseRunFile({ ...benchRunFile({ neurons, steps, sigmaV }), trials }));
const together = await WebGpuEngine.create();
const alone = await WebGpuEngine.create({ maxTrialsPerBatch: 1 });

function sameResults(a: SimulationResult, b: SimulationResult): boolean {
  const same = (x: ArrayLike<number>[] | null, y: ArrayLike<number>[] | null) =>
    JSON.stringify(x?.map((s) => Array.from(s))) === JSON.stringify(y?.map((s) => Array.from(s)));
  return a.trials.every(
    (t, i) => same(t.spikeCounts, b.trials[i].spikeCounts) && same(t.latents, b.trials[i].latents),
  );
}

async function timed(engine: WebGpuEngine): Promise<[number, number, SimulationResult]> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = await engine.run(net);
  const used = process.cpuUsage(cpu);
  return [(performance.now() - start) / 1000, (used.user + used.system) / 1e6, result];
}

console.log(
  `adapter: ${together.adapter.description} (software: ${together.adapter.software}); ` +
    `N = ${net.N}, ${trials} trials × ${steps - 1} steps, σ_V = ${sigmaV}`,
);
const [, , reference] = await timed(alone);
const [, , batched] = await timed(together);
if (!sameResults(batched, reference)) throw new Error('batched trials differ from trials run one at a time');
const wall = { together: [] as number[], alone: [] as number[] };
const cpu = { together: [] as number[], alone: [] as number[] };
for (let r = 0; r < repetitions; r++) {
  for (const [name, engine] of [
    ['together', together],
    ['alone', alone],
  ] as const) {
    const [w, c] = await timed(engine);
    wall[name].push(w);
    cpu[name].push(c);
  }
}
const perStep = (s: number) => ((s / (trials * (steps - 1))) * 1e3).toFixed(3);
for (const [name, label] of [
  ['together', 'batched:      '],
  ['alone', 'one at a time:'],
] as const) {
  const [w, c] = [median(wall[name]), median(cpu[name])];
  console.log(
    `${label} median ${w.toFixed(2)} s wall (${perStep(w)} ms per trial-step), ${c.toFixed(2)} s CPU`,
  );
}
console.log(
  `batched / one at a time: wall ${(median(wall.together) / median(wall.alone)).toFixed(2)}, ` +
    `CPU ${(median(cpu.together) / median(cpu.alone)).toFixed(2)}; same spike counts and latents: yes`,
);
together.dispose();
alone.dispose();
