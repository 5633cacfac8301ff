// A page that imports the package's browser entry, runs a function's network on WebGPU (the CPU
// engine where the page has no adapter) and shows how closely y^E tracks f. Served by Vite from a
// project with latentspike installed: copy index.html and main.ts there and run `npx vite`.
import {
  compileNetwork,
  createEngine,
  functionNetwork,
  INIT_CUT_WINDOW,
  linePlot,
  parseRunFile,
  rmseAgainst,
  sampleRange,
  type Engine,
  type ShaderLoader,
} from 'latentspike';

// The WGSL kernels, inlined by Vite from the installed package.
const SHADERS = '/node_modules/latentspike/shaders';
const files = import.meta.glob<string>('/node_modules/latentspike/shaders/*.wgsl', {
  query: '?raw',
  import: 'default',
});
const shaderLoader: ShaderLoader = (name) => files[`${SHADERS}/${name}.wgsl`]();

const status = document.querySelector('#status')!;
let notice = '';
async function openEngine(): Promise<Engine> {
  try {
    return await createEngine({ backend: 'webgpu', shaderLoader });
  } catch (e) {
    notice = ` (WebGPU unavailable: ${(e as Error).message})`;
    return createEngine({ backend: 'cpu' });
  }
}

const f = (x: number) => 3 + Math.sin(1.1 * x) + 0.3 * Math.cos(2 * x);
const { run } = functionNetwork(f, { seed: 1, steps: 2000 });
const net = compileNetwork(parseRunFile(run));
const engine = await openEngine();
const result = await engine.run(net, {
  onProgress: (done, total) => (status.textContent = `running… ${Math.round((100 * done) / total)}%`),
});
engine.dispose();

const yE = result.trials[0].latents![0];
const x = (k: number) => net.x[k * result.every];
const rmse = rmseAgainst(
  yE,
  (k) => f(x(k)),
  sampleRange(INIT_CUT_WINDOW, result.dt, result.every, yE.length),
);
const tMs = Array.from(yE, (_, k) => k * result.every * result.dt * 1e3);
document.querySelector('#plot')!.innerHTML = linePlot({
  title: 'y^E against f(x)',
  xLabel: 'time (ms)',
  yLabel: 'y^E',
  series: [
    { name: 'y^E', x: tMs, y: yE },
    { name: 'f(x)', x: tMs, y: tMs.map((_, k) => f(x(k))), dashed: true },
  ],
});
status.textContent = `${result.backend}${notice}: RMSE of y^E against f ${rmse.toFixed(3)}`;
Object.assign(window, { latentspikeResult: { backend: result.backend, rmse } });
