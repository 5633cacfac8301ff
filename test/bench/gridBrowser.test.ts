// The benchmark grid's `browser` backend: the same grid point in headless Chromium (WebGPU on
// SwiftShader in Chromium's GPU process, src/bench/grid/browser.ts) and on the CPU engine in Node, at
// N = 100 with one repetition. Skipped without /usr/bin/chromium unless LATENTSPIKE_REQUIRE_WEBGPU=1.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GridFile } from '../../src/bench/grid/output.ts';
import { runGrid } from '../../src/bench/grid/run.ts';
import { chromiumAvailable } from '../browser/browser.ts';

const out = mkdtempSync(join(tmpdir(), 'latentspike-grid-browser-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(!chromiumAvailable)('bench --grid --backends browser', () => {
  it('measures a point in headless Chromium, names the adapter and agrees with the CPU engine', async () => {
    const lines: string[] = [];
    const summary = await runGrid({
      out,
      sizes: [100],
      ranks: [8],
      rules: ['all'],
      synapses: ['pulse'],
      backends: ['cpu', 'browser'],
      serialMaxN: 1e4,
      baselines: true,
      denseMaxN: 1e4,
      steps: 21,
      dt: 1e-4,
      sigmaV: 0,
      repetitions: 1,
      seed: 0,
      maxPointSeconds: 60,
      onLine: (l) => lines.push(l),
    });
    expect(summary, lines.join('\n')).toMatchObject({ planned: 2, measured: 2, failed: 0 });
    const [cpu, browser] = (JSON.parse(readFileSync(join(out, 'grid.json'), 'utf8')) as GridFile).records;
    expect(browser).toMatchObject({ backend: 'browser', status: 'done', neurons: 96, memoryKind: 'device' });
    expect(browser.adapter?.path).toBe('browser');
    expect(typeof browser.adapter?.software).toBe('boolean');
    expect(lines.join('\n')).toMatch(/browser: headless Chromium, .* software: (true|false)/);
    expect(browser.microsecondsPerStep).toBeGreaterThan(0);
    expect(browser.buildSeconds).toBeGreaterThan(0);
    expect(browser.stateBytes).toBeGreaterThan(0);
    // The same network in the page as in Node: same size, nearly the same firing (f32 against f64).
    expect(cpu.neurons).toBe(96);
    expect(cpu.meanRateHz).toBeGreaterThan(10);
    expect(Math.abs(browser.meanRateHz! - cpu.meanRateHz!) / cpu.meanRateHz!).toBeLessThan(0.1);
  });
});
