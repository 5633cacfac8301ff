// A function → a network → a run → how closely the network's latent tracks the function.
// Run in a project with latentspike installed: npx tsx node-basic.ts (docs/library.md).
import {
  compileNetwork,
  createEngine,
  functionNetwork,
  INIT_CUT_WINDOW,
  parseRunFile,
  rmseAgainst,
  sampleRange,
} from 'latentspike';

const f = (x: number) => 3 + Math.sin(1.1 * x) + 0.3 * Math.cos(2 * x); // any f on x ∈ [0, 10]
const { run } = functionNetwork(f, { seed: 1 }); // 50 E + 50 I neurons; the input x ramps up
const net = compileNetwork(parseRunFile(run)); // validates, as for a run file read from disk

const engine = await createEngine({ backend: 'cpu', onNotice: (line) => console.error(line) });
const result = await engine.run(net, {
  onProgress: (done, total) => process.stderr.write(`\r${Math.round((100 * done) / total)}% `),
  signal: AbortSignal.timeout(120_000), // cancels the run (an AbortError) if it takes longer
});
engine.dispose();
console.error('');

// y^E (latent 0) sampled every `every` steps, against f at that sample's input, after the init cut.
const yE = result.trials[0].latents![0];
const x = (k: number) => net.x[k * result.every];
const window = sampleRange(INIT_CUT_WINDOW, result.dt, result.every, yE.length);
const rmse = rmseAgainst(yE, (k) => f(x(k)), window);
// The best constant's error (f's spread over the same samples): what tracking f has to beat.
const fs = Array.from({ length: window.end - window.start }, (_, i) => f(x(window.start + i)));
const fMean = fs.reduce((a, b) => a + b, 0) / fs.length;
const constant = Math.sqrt(fs.reduce((a, v) => a + (v - fMean) ** 2, 0) / fs.length);
console.log(JSON.stringify({ rmse, constant, backend: result.backend }));
