// The package as a user gets it: `npm pack` (which builds dist/ through prepack) ships only what
// users need, every `exports` target is in it, and examples/node-basic.ts, copied into a fresh project
// outside the repository that installs the tarball (its dependencies from npm's cache where they are
// there, else the registry), typechecks against the shipped .d.ts files and prints the same RMSE as
// the example run from source, which beats the best constant's. examples/study.ts runs its study
// there (each point in the package's own child program) and prints the source's very table.
// The installed `latentspike` bin says the command line runs from a checkout. examples/browser-basic,
// served by Vite from that project in Chromium, runs on WebGPU and gets the spike counts of the CPU
// engine; examples/browser-closed-loop runs there on WebGPU and its y^E follows f(x) as the pointer
// moves.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { functionNetwork } from '../../src/experiments/presets/tutorial.ts';
import { compileNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import { chromiumAvailable, startBrowserSession } from '../browser/browser.ts';
import { rmseAgainst } from '../../src/analysis/latentMetrics.ts';
import { INIT_CUT_WINDOW, sampleRange } from '../../src/analysis/window.ts';
import type { CompiledNetwork } from '../../src/model/compile.ts';
import type { SimulationResult } from '../../src/engine/engine.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SHIPPED = [
  /^dist\/.+\.(js|d\.ts)$/,
  /^dist\/engine\/cpu\/noise\.wasm$/,
  /^shaders\/[a-zA-Z0-9]+\.wgsl$/,
];
const ALSO_SHIPPED = [
  'package.json',
  'README.md',
  'bin/latentspike.js',
  'docs/library.md',
  'schemas/run.schema.json',
  'schemas/study.schema.json',
];

interface PackResult {
  filename: string;
  files: { path: string }[];
}

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The example's JSON line: its RMSE against f and the best constant's. */
function exampleOutput(stdout: string): { rmse: number; constant: number; backend: string } {
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

/** y^E's RMSE against f after the init cut, as the examples compute it. */
function rmseOf(net: CompiledNetwork, result: SimulationResult, f: (x: number) => number): number {
  const yE = result.trials[0].latents![0];
  const window = sampleRange(INIT_CUT_WINDOW, result.dt, result.every, yE.length);
  return rmseAgainst(yE, (k) => f(net.x[k * result.every]), window);
}

describe('the packed package', () => {
  let work: string;
  let pack: PackResult;
  let project: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'latentspike-pack-'));
    [pack] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], REPO)) as PackResult[];
    project = join(work, 'project');
    run('mkdir', ['-p', project], work);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
    run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, pack.filename)],
      project,
    );
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships dist/, shaders/, the JSON Schemas, the bin, README and the library docs, nothing else', () => {
    const paths = pack.files.map((f) => f.path);
    const unexpected = paths.filter((p) => !ALSO_SHIPPED.includes(p) && !SHIPPED.some((re) => re.test(p)));
    expect(unexpected).toEqual([]);
    for (const p of ALSO_SHIPPED) expect(paths).toContain(p);
    expect(paths).toContain('dist/engine/cpu/kernelWorker.js');
    // Every file that `exports` names is in the tarball.
    const pkg = JSON.parse(run('tar', ['-xOzf', join(work, pack.filename), 'package/package.json'], work));
    const targets = JSON.stringify(pkg.exports).match(/"\.\/dist\/[^"]+"/g)!;
    for (const t of targets) expect(paths).toContain(t.slice(3, -1));
  });

  it('runs examples/node-basic.ts from the installed tarball as from source', () => {
    copyFileSync(join(REPO, 'examples/node-basic.ts'), join(project, 'node-basic.ts'));
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          types: ['node'],
        },
        files: ['node-basic.ts'],
      }),
    );
    // The shipped .d.ts files carry the types (the repository's tsc and @types/node, the project's package).
    run(
      process.execPath,
      [
        join(REPO, 'node_modules/typescript/bin/tsc'),
        '-p',
        project,
        '--typeRoots',
        join(REPO, 'node_modules/@types'),
      ],
      project,
    );

    const installed = exampleOutput(run(join(project, 'node_modules/.bin/tsx'), ['node-basic.ts'], project));
    const source = exampleOutput(run(join(REPO, 'node_modules/.bin/tsx'), ['examples/node-basic.ts'], REPO));
    expect(installed.backend).toBe('cpu');
    // The CPU engine is deterministic: the installed build gives the source's very number.
    expect(installed.rmse).toBe(source.rmse);
    // The network tracks f: closer than the best constant (f's spread over the same samples).
    expect(installed.rmse).toBeGreaterThan(0);
    expect(installed.rmse).toBeLessThan(installed.constant);
  }, 300_000);

  it('runs examples/study.ts from the installed tarball as from source', () => {
    copyFileSync(join(REPO, 'examples/study.ts'), join(project, 'study.ts'));
    // Each run: its points in child processes, its table (sigmaV, mean RMSE, points) on stdout.
    const study = (tsx: string, script: string, cwd: string, out: string) => {
      const r = spawnSync(tsx, [script, out], { cwd, encoding: 'utf8' });
      expect(r.stderr).toContain('4 of 4 points done');
      expect(r.status).toBe(0);
      expect(existsSync(join(out, 'results.duckdb'))).toBe(true);
      return r.stdout.trim().split('\n');
    };
    const installed = study(
      join(project, 'node_modules/.bin/tsx'),
      'study.ts',
      project,
      join(work, 'study-installed'),
    );
    const source = study(
      join(REPO, 'node_modules/.bin/tsx'),
      'examples/study.ts',
      REPO,
      join(work, 'study-source'),
    );
    // The CPU engine is deterministic: the same points give the same metrics wherever they run.
    expect(installed).toEqual(source);
    expect(installed[0]).toBe('sigmaV\trmse\tn');
    const rows = installed.slice(1).map((line) => line.split('\t').map(Number));
    expect(rows.map(([sigmaV, , n]) => [sigmaV, n])).toEqual([
      [0, 2],
      [0.01, 2],
    ]);
    for (const [, rmse] of rows) expect(rmse).toBeGreaterThan(0);
  }, 300_000);

  it('the installed bin says the command line runs from a checkout', () => {
    const r = spawnSync(join(project, 'node_modules/.bin/latentspike'), ['list'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/runs from a checkout of the repository/);
  });

  it.skipIf(!chromiumAvailable)(
    'runs examples/browser-basic from the installed tarball on WebGPU in Chromium',
    async () => {
      for (const file of ['index.html', 'main.ts']) {
        copyFileSync(join(REPO, 'examples/browser-basic', file), join(project, file));
      }
      const session = await startBrowserSession(project);
      try {
        const page = await session.browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(`${session.origin}/`, { waitUntil: 'load' });
        await page.waitForFunction(() => 'latentspikeResult' in window, { timeout: 120_000 });
        const shown = (await page.evaluate(
          () => (window as unknown as { latentspikeResult: unknown }).latentspikeResult,
        )) as {
          backend: string;
          rmse: number;
        };
        expect(errors).toEqual([]);
        expect(shown.backend).toBe('webgpu');
        expect(
          await page.$eval('#plot svg', (svg) => svg.querySelectorAll('path, polyline').length),
        ).toBeGreaterThan(0);
        // The page's network, run on the CPU engine in f32 here: the same spikes, so the same latent.
        const f = (x: number) => 3 + Math.sin(1.1 * x) + 0.3 * Math.cos(2 * x);
        const net = compileNetwork(parseRunFile(functionNetwork(f, { seed: 1, steps: 2000 }).run));
        const cpu = await new CpuEngine({ precision: 'f32' }).run(net);
        const status = await page.$eval('#status', (p) => p.textContent ?? '');
        expect(status).toMatch(/^webgpu: RMSE/);
        expect(shown.rmse).toBeCloseTo(rmseOf(net, cpu, f), 6);
      } finally {
        await session.close();
      }
    },
    300_000,
  );

  it.skipIf(!chromiumAvailable)(
    'runs examples/browser-closed-loop from the installed tarball: y^E follows f(x) as the pointer steers x',
    async () => {
      const folder = join(project, 'browser-closed-loop');
      mkdirSync(folder, { recursive: true });
      for (const file of ['index.html', 'main.ts']) {
        copyFileSync(join(REPO, 'examples/browser-closed-loop', file), join(folder, file));
      }
      const session = await startBrowserSession(project);
      try {
        const page = await session.browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        // 1000 neurons (10 copies of f's 50 E + 50 I): the per-step path, quick on a software adapter.
        await page.goto(`${session.origin}/browser-closed-loop/?N=1000&steps=1000000`, { waitUntil: 'load' });
        type Shown = {
          backend: string;
          N: number;
          step: number;
          x: number;
          history: { x: number; yE: number }[];
        };
        const shown = () =>
          page.evaluate(() => (window as unknown as { latentspikeClosedLoop: Shown }).latentspikeClosedLoop);
        await page.waitForFunction(
          () =>
            ((window as unknown as { latentspikeClosedLoop?: Shown }).latentspikeClosedLoop?.step ?? 0) > 0,
          { timeout: 120_000 },
        );
        const pad = (await (await page.$('#pad'))!.boundingBox())!;
        const f = (x: number) => 3 + Math.sin(1.1 * x) + 0.3 * Math.cos(2 * x);
        // The pointer at x; once 250 ms of the network's time have run there, y^E's mean over the
        // last 100 ms (10 spans) and the x those spans had.
        const steer = async (x: number) => {
          await page.mouse.move(pad.x + (pad.width * x) / 10, pad.y + pad.height / 2);
          const from = (await shown()).step;
          await page.waitForFunction(
            (after) =>
              (window as unknown as { latentspikeClosedLoop: Shown }).latentspikeClosedLoop.step >= after,
            { timeout: 120_000 },
            from + 5000,
          );
          const recent = (await shown()).history.slice(-10);
          return {
            xs: recent.map((h) => h.x),
            yE: recent.reduce((s, h) => s + h.yE, 0) / recent.length,
          };
        };
        // f(4.3) = 1.8 (its minimum on [0, 10]) and f(7) = 4.0: the CPU engine holds y^E's mean
        // within 0.12 of f at either after the same moves.
        const low = await steer(4.3);
        const high = await steer(7);
        const lowAgain = await steer(4.3);
        expect(errors).toEqual([]);
        const { backend, N } = await shown();
        expect([backend, N]).toEqual(['webgpu', 1000]);
        for (const { xs, yE } of [low, high, lowAgain]) {
          // The input is where the pointer is (within the bar's pixel), held over those spans.
          expect(Math.max(...xs) - Math.min(...xs)).toBe(0);
          expect(Math.abs(yE - f(xs[0]))).toBeLessThan(0.3);
        }
        expect(low.xs[0]).toBeCloseTo(4.3, 1);
        expect(high.xs[0]).toBeCloseTo(7, 1);
        // y^E rises and falls with the pointer, by about f(7) − f(4.3) = 2.2.
        expect(high.yE - low.yE).toBeGreaterThan(1.5);
        expect(high.yE - lowAgain.yE).toBeGreaterThan(1.5);
      } finally {
        await session.close();
      }
    },
    300_000,
  );
});
