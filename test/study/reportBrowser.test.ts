// The study report's HTML page opened from disk in headless Chromium: the page loads nothing from
// elsewhere, and each plot renders to a visible, coloured picture. Chromium's presence is checked
// (and required under LATENTSPIKE_REQUIRE_WEBGPU=1) by ../browser/browser.ts.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studyReport } from '../../src/study/report.ts';
import { STUDY_FORMAT } from '../../src/study/types.ts';
import type { ResultRow, Study } from '../../src/study/types.ts';
import { chromiumAvailable, pixelVariety } from '../browser/browser.ts';

const CHROMIUM = '/usr/bin/chromium';
// A static page needs no GPU and no network; puppeteer adds --headless itself.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const study: Study = {
  format: STUDY_FORMAT,
  name: 'redundancy scaling',
  base: { kind: 'scale', function: 'fig5' },
  axes: [
    { name: 'redundancy', path: null, values: [1, 10, 100, 1000] },
    { name: 'sigmaV', path: 'populations.*.sigmaV', values: [0, 0.1] },
    { name: 'seed', path: null, values: [1, 2, 3] },
  ],
  settings: { backend: 'cpu', steps: null, trials: null, threads: null, jitter: 1, every: null, retries: 0 },
  zip: [],
  sample: null,
};

function rows(): ResultRow[] {
  return [1, 10, 100, 1000].flatMap((redundancy) =>
    [0, 0.1].flatMap((sigmaV) =>
      [1, 2, 3].map((seed) => ({
        status: 'done',
        error: null,
        redundancy,
        sigmaV,
        seed,
        rmse: 2 * redundancy ** -0.5 * (1 + 0.05 * Math.sin(seed + redundancy) + sigmaV),
        wall_seconds: 1 + 0.001 * redundancy + 0.05 * seed,
      })),
    ),
  );
}

// PALETTE[0] = #1f77b4 and PALETTE[1] = #ff7f0e at 4 bits a channel.
const TAB_BLUE = 0x17b;
const TAB_ORANGE = 0xf70;

let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'latentspike-report-'));

beforeAll(async () => {
  if (!chromiumAvailable) return;
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!chromiumAvailable)('study report in headless Chromium', () => {
  it('shows every plot of report.html, opened from disk, with colour and no outside request', async () => {
    const report = studyReport({ study, rows: rows(), metricColumns: ['rmse', 'wall_seconds'] });
    const file = join(dir, 'report.html');
    writeFileSync(file, report.html);
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 900 });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });
    // Only the page itself is fetched (the screenshots below decode through data: URLs).
    expect(requests).toEqual([url]);

    const plots = await page.$$('.plot');
    expect(plots).toHaveLength(report.plots.length);
    for (const plot of plots) {
      const box = (await plot.boundingBox())!;
      expect(box.width).toBeGreaterThan(300);
      expect(box.height).toBeGreaterThan(200);
      const png = await plot.screenshot({ encoding: 'base64' });
      const variety = await pixelVariety(page, png);
      // White, the greys of axes and text, and the lines in the palette's first two colours.
      expect(variety.colours.length).toBeGreaterThan(8);
      expect(variety.colours).toContain(TAB_BLUE);
      expect(variety.colours).toContain(TAB_ORANGE);
      expect(variety.inked).toBeGreaterThan(0.01);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
