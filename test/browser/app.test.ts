// The browser app (src/web) in headless Chromium, driven like a user: presets through a shared URL,
// run files through the file input, and the numbers on the page checked against the same code run
// in Node with the CPU engine. Also saves the latent-plane screenshot README.md and docs/app.md show.
// Browser and server: ./browser.ts.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ElementHandle, Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { compileNetwork } from '../../src/model/compile.ts';
import { RunFileError } from '../../src/model/errors.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import type { RunFileJson } from '../../src/model/runFile.ts';
import { runPreset } from '../../src/experiments/runner.ts';
import { fig4Run } from '../../src/experiments/presets/fig4.ts';
import { fig5, fig5Run } from '../../src/experiments/presets/fig5.ts';
import { tooLargeMessage } from '../../src/web/gpuFit.ts';
import { parseFormula } from '../../src/web/expression.ts';
import { applyOverrides } from '../../src/web/overrides.ts';
import { planeGeometry } from '../../src/experiments/planeGeometry.ts';
import { chromiumAvailable, pixelVariety } from './browser.ts';
import { openApp, settled, useBrowserSession } from './appPage.ts';

const SCREENSHOT = fileURLToPath(new URL('../../out/app-screenshot.png', import.meta.url));

const uploads = mkdtempSync(join(tmpdir(), 'latentspike-app-'));

useBrowserSession();

/** The app at `query` in the screenshots' viewport, and the errors it reports. */
const openPage = (query = '', options: { withoutWebGpu?: boolean } = {}) =>
  openApp(query, { ...options, wide: true });

/** A row's value from the metrics or performance table (full precision, from data-value). */
function tableValue(page: Page, table: string, name: string): Promise<number> {
  return page.evaluate(
    (t, n) => {
      const cell = Array.from(document.querySelectorAll<HTMLTableRowElement>(`#${t} tr`))
        .find((r) => r.dataset.name === n)
        ?.querySelector<HTMLElement>('td[data-value]');
      return cell ? Number(cell.dataset.value) : NaN;
    },
    table,
    name,
  );
}

async function upload(page: Page, name: string, json: unknown): Promise<void> {
  const path = join(uploads, name);
  writeFileSync(path, JSON.stringify(json));
  const input = (await page.$('#file')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(path);
}

describe('app helpers (Node)', () => {
  it('parses formulas without eval, with positions in errors', () => {
    expect(parseFormula('3 + sin(1.1*x)')(2)).toBeCloseTo(3 + Math.sin(2.2), 12);
    expect(parseFormula('-x^2 + 2**3 / pi')(3)).toBeCloseTo(-9 + 8 / Math.PI, 12);
    expect(() => parseFormula('alert(1)')).toThrow(/unknown name 'alert'.*character 1/);
    expect(() => parseFormula('sin(x')).toThrow(/expected '\)'/);
  });

  it('makes a redundant network with the same boundaries and 1/m of the decoders', () => {
    const plain = parseRunFile(fig5Run());
    const copies = parseRunFile(applyOverrides(fig5Run(), { m: 4, rule: 'all', pulseMs: 1 }));
    expect(copies.populations.map((p) => p.size)).toEqual([12, 12]);
    expect(copies.populations.map((p) => p.synapse)).toEqual([
      { kind: 'pulse', widthMs: 1 },
      { kind: 'pulse', widthMs: 1 },
    ]);
    expect(copies.latents[0].decoder[5]).toBeCloseTo(plain.latents[0].decoder[1] / 4, 15);
    expect(planeGeometry(copies)).toEqual(planeGeometry(plain));
  });

  it("says what a network too large for the adapter needs, in the engine's words", () => {
    const net = compileNetwork(parseRunFile(fig5Run()));
    expect(tooLargeMessage(net, { bindingError: () => null })).toBeNull();
    const reason =
      'WebGpuEngine: the constants (…) buffer needs 600000000 bytes (572.2 MiB), above the 4 × 128.0 MiB';
    const message = tooLargeMessage(net, { bindingError: (n) => (n === net ? reason : null) });
    expect(message).toBe(
      'This network is too large for the WebGPU adapter (6 neurons): the constants (…) buffer needs ' +
        '600000000 bytes (572.2 MiB), above the 4 × 128.0 MiB',
    );
  });
});

describe.skipIf(!chromiumAvailable)('the browser app in headless Chromium', () => {
  it('loads without console errors', async () => {
    const { page, errors } = await openPage();
    const presets = await page.$$eval('select[name=preset] option', (o) => o.length);
    expect(presets).toBeGreaterThan(10);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("runs fig5 from a shared URL with the CLI's RMSE, and saves the latent plane", async () => {
    const cli = await runPreset(fig5, new CpuEngine());
    const reference = cli.report.metrics.find((m) => m.name === 'RMSE y^E vs target')!.value;
    const { page, errors } = await openPage('?preset=fig5');
    expect(await settled(page)).toBe('done');
    const rmse = await tableValue(page, 'metrics', 'RMSE y^E vs target');
    const backend = await page.$eval(
      '#performance tr[data-name=backend] td:last-child',
      (c) => c.textContent,
    );
    console.log(`app fig5 on ${backend}: RMSE ${rmse.toFixed(4)} (CLI, CPU f64: ${reference.toFixed(4)})`);
    expect(Math.abs(rmse - reference)).toBeLessThan(0.05);
    expect(Math.abs(reference - 0.353)).toBeLessThan(0.001);

    const plane = (await page.$('#plane'))!;
    const png = await plane.screenshot({ encoding: 'base64' });
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    writeFileSync(SCREENSHOT, Buffer.from(png, 'base64'));
    const variety = await pixelVariety(page, png);
    expect(variety.colours.length).toBeGreaterThan(8);
    expect(variety.inked).toBeGreaterThan(0.01);

    // The x slider redraws the boundaries at another input.
    await page.$eval('#plane-x', (slider) => {
      (slider as HTMLInputElement).value = '4';
      slider.dispatchEvent(new Event('input'));
    });
    expect(await page.$eval('#plane svg', (s) => s.textContent)).toContain('boundaries at x = 4.00');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs an uploaded run file with the spike counts of the Node CPU engine', async () => {
    const run = fig4Run();
    const { page, errors } = await openPage();
    await upload(page, 'fig4.json', run);
    expect(await settled(page)).toBe('done');
    const result = await page.evaluate(async () => {
      const link = document.querySelector<HTMLAnchorElement>('#download-result')!;
      return (await fetch(link.href)).json() as Promise<{
        backend: string;
        spikeCounts: Record<string, number[]>;
      }>;
    });
    const precision = result.backend === 'webgpu' ? 'f32' : 'f64';
    const net = compileNetwork(parseRunFile(run));
    const cpu = await new CpuEngine({ precision }).run(net);
    const expected = Object.fromEntries(
      net.populations.map((p, i) => [p.name, Array.from(cpu.trials[0].spikeCounts[i])]),
    );
    expect(result.spikeCounts).toEqual(expected);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the field path and reason of a run file that fails validation', async () => {
    const broken: RunFileJson = fig5Run();
    broken.latents[1].decoder = [0.7, -1, 0.8];
    let expected: RunFileError | undefined;
    try {
      parseRunFile(broken);
    } catch (e) {
      expected = e as RunFileError;
    }
    expect(expected).toBeInstanceOf(RunFileError);
    const { page } = await openPage();
    await upload(page, 'broken.json', broken);
    expect(await settled(page)).toBe('error');
    const shown = await page.$eval('#error', (e) => ({
      path: e.querySelector('.path')?.textContent,
      text: e.textContent,
    }));
    expect(shown.path).toBe(expected!.path);
    expect(shown.path).toContain('latents[1].decoder');
    expect(shown.text).toContain('broken.json');
    expect(shown.text).toContain(expected!.problem);
    await page.close();
  });

  it('turns a typed formula into a network, and reports a bad one', async () => {
    const { page, errors } = await openPage(
      `?source=formula&formula=${encodeURIComponent('3 + sin(1.1*x)')}`,
    );
    expect(await settled(page)).toBe('done');
    expect(await tableValue(page, 'metrics', 'RMSE y^E vs f')).toBeLessThan(1);
    expect(await page.$eval('#plane svg', (s) => s.outerHTML.length)).toBeGreaterThan(1000);
    await page.$eval('input[name=formula]', (i) => ((i as HTMLInputElement).value = '3 + sin(1.1*y)'));
    await page.click('#run');
    expect(await settled(page)).toBe('error');
    expect(await page.$eval('#error', (e) => e.textContent)).toMatch(/formula.*unknown name 'y'/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('falls back to the CPU engine with a notice when the browser has no WebGPU', async () => {
    const { page, errors } = await openPage('?preset=fig5&m=500&steps=2000', { withoutWebGpu: true });
    expect(await settled(page)).toBe('done');
    expect(await page.$eval('#notice', (e) => e.textContent)).toMatch(/WebGPU is not available/);
    expect(await page.$eval('#performance tr[data-name=backend] td:last-child', (c) => c.textContent)).toBe(
      'cpu',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  // SwiftShader steps this network about twice a second (~0.5 s per step on two cores), so the few
  // hundred steps run on the page's CPU engine and WebGPU gets a handful: enough to show that the
  // network fits the adapter and that the page measures it.
  it.each([
    { backend: 'cpu', steps: 300 },
    { backend: 'auto', steps: 4 },
  ])(
    'runs a 10^5-neuron redundant fig5 network (all rule, pulse synapses, noise), $steps steps on $backend',
    async ({ backend, steps }) => {
      const query = `?preset=fig5&m=16667&rule=all&sigma=0.01&steps=${steps}&backend=${backend}`;
      const { page, errors } = await openPage(query);
      expect(await settled(page)).toBe('done');
      const neurons = await tableValue(page, 'performance', 'neurons');
      const stepsPerSecond = await tableValue(page, 'performance', 'steps/s');
      const adapter = await page.$eval(
        '#performance tr[data-name=adapter] td:last-child',
        (c) => c.textContent,
      );
      console.log(
        `app: ${neurons} neurons, ${steps} steps at ${stepsPerSecond.toFixed(2)} steps/s on ${adapter}`,
      );
      expect(neurons).toBe(100_002);
      expect(await tableValue(page, 'performance', 'steps')).toBe(steps - 1);
      expect(stepsPerSecond).toBeGreaterThan(0);
      expect(await tableValue(page, 'performance', 'neuron-updates/s')).toBeCloseTo(
        stepsPerSecond * neurons,
        0,
      );
      expect(await page.$eval('#raster', (e) => e.textContent)).toContain('showing 200 of 100002 neurons');
      expect(errors).toEqual([]);
      await page.close();
    },
  );
});
