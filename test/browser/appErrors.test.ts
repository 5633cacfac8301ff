// Bad input in the browser app (src/web) in headless Chromium: a link with parameters the form
// cannot show, a dropped or chosen run file that is not valid JSON or fails validation, and a run
// file whose populations and channels carry unusual names. Every failure is shown on the page,
// in words for the user (the field, what is wrong) — never a blank page, never a program's own
// error text such as "Cannot read properties of undefined". Browser and server: ./browser.ts.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/experiments/presets/index.ts';
import { fig5Run } from '../../src/experiments/presets/fig5.ts';
import { queryProblems } from '../../src/web/appState.ts';
import { renamedFig5 } from '../experiments/renamedFig5.ts';
import { chromiumAvailable } from './browser.ts';
import { openApp, settled, useBrowserSession } from './appPage.ts';

const uploads = mkdtempSync(join(tmpdir(), 'latentspike-app-errors-'));

useBrowserSession();

/** Text of a program's own errors, which must never reach the page. */
const INTERNAL =
  /Cannot read propert|undefined|is not a function|is not defined|TypeError|RangeError|\n\s+at /;

/** The app at `query` on the CPU engine: these tests are about messages, not about the adapter. */
function openPage(query = '') {
  const separator = query === '' ? '?' : '&';
  return openApp(`${query}${query.includes('backend=') ? '' : `${separator}backend=cpu`}`);
}

/** What the page shows: its error box (when visible), the plane panel's text, and that the form is there. */
function shown(page: Page) {
  return page.evaluate(() => {
    const error = document.getElementById('error')!;
    return {
      error: error.hidden ? '' : (error.textContent ?? ''),
      path: error.querySelector('.path')?.textContent ?? null,
      plane: document.getElementById('plane')!.textContent ?? '',
      planeSvg: document.querySelector('#plane svg') !== null,
      presets: document.querySelectorAll('select[name=preset] option').length,
    };
  });
}

async function upload(page: Page, name: string, text: string): Promise<void> {
  const path = join(uploads, name);
  writeFileSync(path, text);
  const input = (await page.$('#file')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(path);
}

describe('link parameters the form cannot show (Node)', () => {
  const names = PRESETS.map((p) => p.name);
  it('names each bad parameter and accepts a good link', () => {
    expect(queryProblems('?preset=fig4&m=3&rule=all&input=sine&backend=cpu&pause=100', names)).toEqual([]);
    expect(queryProblems('?preset=fig99&rule=fast&m=two&pause=soon&source=gpu', names)).toEqual([
      'source: unknown value "gpu"; allowed: preset, formula, file',
      'rule: unknown value "fast"; allowed: (empty), one-per-step, all, sequential',
      `preset: unknown preset "fig99"; allowed: ${names.join(', ')}`,
      'm: the redundancy must be a whole number ≥ 1 (got "two")',
      'pause: must be a step ≥ 0 (got "soon")',
    ]);
  });
});

describe.skipIf(!chromiumAvailable)('bad input in the browser app', () => {
  it.each([
    { query: '?preset=fig99', words: ['this link', 'preset', 'fig99'] },
    { query: '?preset=fig5&input=square', words: ['input', 'square'] },
    { query: '?preset=fig5&m=lots', words: ['redundancy', 'lots'] },
    { query: '?preset=fig5&backend=gpu', words: ['backend', 'gpu'] },
    { query: '?preset=fig5&steps=-5', words: ['steps', 'integer ≥ 2', '-5'] },
    { query: '?preset=fig5&dt=1e-300', words: ['failed validation', 'dt', 'leak × dt'] },
    { query: '?preset=fig5&sigma=%F0%9F%A7%A0', words: ['noise σ', '🧠'] },
    { query: '?source=formula&formula=sin(', words: ['formula'] },
    { query: '?preset=fig5&m=1000000000', words: ["does not fit in this page's memory", 'GiB available'] },
  ])('shows what is wrong with $query on the page', async ({ query, words }) => {
    const { page, errors } = await openPage(query);
    expect(await settled(page)).toBe('error');
    const view = await shown(page);
    for (const w of words) expect(view.error).toContain(w);
    expect(view.error).not.toMatch(INTERNAL);
    expect(view.presets).toBeGreaterThan(10);
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each([
    {
      name: 'cut.json',
      text: JSON.stringify(fig5Run()).slice(0, 500),
      path: 'cut.json',
      words: ['not valid JSON'],
    },
    { name: 'list.json', text: '[1, 2]', path: '(root)', words: ['must be an object'] },
    {
      name: 'swapped.json',
      text: JSON.stringify({ ...fig5Run(), populations: { E: 3 } }),
      path: 'populations',
      words: ['must be an array'],
    },
    {
      name: 'nan.json',
      text: JSON.stringify(fig5Run()).replace('"threshold":[', '"threshold":[null,'),
      path: 'populations[0].threshold',
      words: ['must have 3 values'],
    },
    {
      name: 'key.json',
      text: JSON.stringify({ ...fig5Run(), '': 1 }),
      path: '[""]',
      words: ['unknown field'],
    },
  ])('shows the field of a bad run file, $name', async ({ name, text, path, words }) => {
    const { page, errors } = await openPage();
    await upload(page, name, text);
    expect(await settled(page)).toBe('error');
    const view = await shown(page);
    expect(view.path).toBe(path);
    expect(view.error).toContain(name);
    for (const w of words) expect(view.error).toContain(w);
    expect(view.error).not.toMatch(INTERNAL);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a dropped run file too large for the page before building it', async () => {
    const { page, errors } = await openPage();
    const run = fig5Run();
    const huge = {
      ...run,
      populations: run.populations.map((p) => ({ ...p, size: 1e9, threshold: 1, inputWeights: 1 })),
      latents: run.latents.map((l) => ({ ...l, decoder: 0.001 })),
      encoders: { E: { yE: 1, yI: -1 }, I: { yE: 1, yI: -1 } },
    };
    await upload(page, 'huge.json', JSON.stringify(huge));
    expect(await settled(page)).toBe('error');
    const view = await shown(page);
    expect(view.error).toContain('huge.json');
    expect(view.error).toMatch(/does not fit in this page's memory: needs about [\d.]+ GiB/);
    expect(view.error).not.toMatch(INTERNAL);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the latent plane of fig5’s run file with every name changed', async () => {
    const { page, errors } = await openPage();
    await upload(page, 'renamed.json', JSON.stringify(renamedFig5()));
    expect(await settled(page)).toBe('done');
    const view = await shown(page);
    expect(view.error).toBe('');
    expect(view.planeSvg).toBe(true);
    expect(view.plane).not.toContain('no latent plane');
    expect(view.plane).toContain('(a)');
    expect(view.plane).not.toMatch(INTERNAL);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says plainly when a network has no latent plane', async () => {
    const { page, errors } = await openPage('?preset=fig2');
    expect(await settled(page)).toBe('done');
    const view = await shown(page);
    expect(view.planeSvg).toBe(false);
    expect(view.plane).toBe(
      'no latent plane: the latent plane needs one excitatory and one inhibitory population with one latent channel each',
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
