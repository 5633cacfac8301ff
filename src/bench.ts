// The measurement entry (Node, from a checkout): the engines' benchmarks, the benchmark grid, the
// comparison with Brian2 and the WebGPU tuner, with the tuning cache they fill. It is the front of
// the repository's harness (src/bench/), which needs what the package does not ship (Chromium through
// puppeteer and Vite for the grid's browser column, Python for Brian2), so it is no `exports` entry
// of the package; `latentspike bench` and `latentspike tune` are its command line (docs/library.md).

import './engine/nodeRuntime.ts';

export { runCpuBench, formatBenchTable } from './bench/cpuBench.ts';
export { runWebGpuBench, formatWebGpuBench } from './bench/webgpuBench.ts';
export { runPeerBench, formatPeerBench } from './bench/peerBench.ts';
export { BRIAN2_TARGETS } from './bench/peers/brian2.ts';
export { runGrid } from './bench/grid/run.ts';
export { GRID_RULES, GRID_SYNAPSES } from './bench/grid/network.ts';
export { GRID_BACKENDS } from './bench/grid/core.ts';

// The WebGPU tuner: times kernel shapes on this adapter and caches the fastest for the engine.
export { runTune } from './bench/tune.ts';
export { storeTuning, tuningPath, resolveTuning } from './engine/webgpu/tuningCache.ts';
export { adapterIdentity, describeChoice } from './engine/webgpu/tuning.ts';
