// A page that fits a function with a spiking network (construct), copies it to ~10⁵ neurons, runs
// it on WebGPU (the CPU engine where the page has no adapter) and steers its input x with the
// pointer through closed-loop input (RunOptions.input): every span of steps asks for x, which
// glides to where the pointer is, and gets y^E so far, drawn against f(x). URL parameters: N
// (neurons, default 100 000) and steps (per run, default 400 000; the page starts a new run at the
// end). Served by Vite from a project with latentspike installed: copy this folder there and run
// `npx vite`, then open /browser-closed-loop/.
import {
  compileNetwork,
  createEngine,
  functionNetwork,
  linePlot,
  parseRunFile,
  type Engine,
  type InputSource,
  type RunFileJson,
  type ShaderLoader,
} from 'latentspike';

// The WGSL kernels, inlined by Vite from the installed package.
const SHADERS = '/node_modules/latentspike/shaders';
const files = import.meta.glob<string>('/node_modules/latentspike/shaders/*.wgsl', {
  query: '?raw',
  import: 'default',
});
const shaderLoader: ShaderLoader = (name) => files[`${SHADERS}/${name}.wgsl`]();

const params = new URLSearchParams(location.search);
const neurons = Number(params.get('N') ?? 100_000);
const steps = Number(params.get('steps') ?? 400_000);
/** Steps per span of input: 10 ms of the network's time at dt = 50 µs. */
const SPAN = 200;
/** Samples of y^E kept for the plot: the last 2 s of the network's time. */
const KEPT = 2 / (SPAN * 5e-5);

const f = (x: number) => 3 + Math.sin(1.1 * x) + 0.3 * Math.cos(2 * x);

/**
 * f's network (50 E + 50 I, one spike per step) with every neuron copied m times, m = N / 100: a
 * copy keeps its decoder, so the network's latents move as the small one's, its spikes shared out
 * among the copies by their voltage noise.
 */
function copied(run: RunFileJson, m: number): RunFileJson {
  const repeat = (values: unknown) => (values as number[]).flatMap((v) => new Array<number>(m).fill(v));
  return {
    ...run,
    populations: run.populations.map((p) => ({
      ...p,
      size: p.size * m,
      threshold: repeat(p.threshold),
      inputWeights: repeat(p.inputWeights),
    })),
    encoders: Object.fromEntries(
      Object.entries(run.encoders ?? {}).map(([pop, byLatent]) => [
        pop,
        Object.fromEntries(Object.entries(byLatent).map(([latent, e]) => [latent, repeat(e)])),
      ]),
    ),
    record: { spikes: false, latents: true, every: SPAN },
  };
}

const status = document.querySelector('#status')!;
const pad = document.querySelector<HTMLElement>('#pad')!;
const marker = document.querySelector<HTMLElement>('#marker')!;
let notice = '';
async function openEngine(): Promise<Engine> {
  try {
    return await createEngine({ backend: 'webgpu', shaderLoader });
  } catch (e) {
    notice = ` (WebGPU unavailable: ${(e as Error).message})`;
    return createEngine({ backend: 'cpu' });
  }
}

// The pointer's x ∈ [0, 10]; the input glides from where it is to it over each span.
let pointer = 5;
pad.addEventListener('pointermove', (e) => {
  const box = pad.getBoundingClientRect();
  pointer = Math.min(10, Math.max(0, (10 * (e.clientX - box.left)) / box.width));
  marker.style.left = `${(pointer / 10) * box.width}px`;
});

const m = Math.max(1, Math.round(neurons / 100));
const { run } = functionNetwork(f, { seed: 1, steps });
const engine = await openEngine();
/** x and y^E after the last step of each span so far (the last 2 s). */
const history: { x: number; yE: number }[] = [];
const shown = { backend: engine.backend, N: 0, runs: 0, step: 0, x: pointer, yE: 0, fx: f(pointer), history };
Object.assign(window, { latentspikeClosedLoop: shown });

function draw(): void {
  const t = history.map((_, k) => (k - history.length + 1) * SPAN * 5e-2); // ms, now = 0
  document.querySelector('#plot')!.innerHTML = linePlot({
    title: 'y^E against f(x), the last 2 s',
    xLabel: 'time (ms)',
    yLabel: 'y^E',
    series: [
      { name: 'y^E', x: t, y: history.map((h) => h.yE) },
      { name: 'f(x)', x: t, y: history.map((h) => f(h.x)), dashed: true },
    ],
  });
  status.textContent =
    `${engine.backend}${notice}, ${shown.N} neurons: x = ${shown.x.toFixed(2)}, ` +
    `y^E = ${shown.yE.toFixed(2)}, f(x) = ${shown.fx.toFixed(2)}`;
}
setInterval(draw, 250);

for (;;) {
  // Each run starts where the pointer is: x[0] sets the initial state; the rest comes from `input`.
  let x = pointer;
  const net = compileNetwork(
    parseRunFile(copied({ ...run, input: { dims: 1, samples: [new Array<number>(steps).fill(x)] } }, m)),
  );
  shown.N = net.N;
  const input: InputSource = (fromStep, toStep, { latents }) => {
    const values = new Float32Array(toStep - fromStep);
    // y^E after step fromStep − 1, where x was `from`.
    const from = x;
    Object.assign(shown, { step: fromStep - 1, x: from, yE: latents[0], fx: f(from) });
    history.push({ x: from, yE: latents[0] });
    for (let k = 0; k < values.length; k++) values[k] = from + ((pointer - from) * (k + 1)) / values.length;
    x = pointer;
    if (history.length > KEPT) history.shift();
    return values;
  };
  await engine.run(net, { input, chunkSteps: SPAN });
  shown.runs++;
}
