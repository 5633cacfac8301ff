// Pause, Step, Reset and parameter changes of the browser app (src/web/main.ts) in headless
// Chromium, on the page's default backend (WebGPU on SwiftShader here): a paused run does not move,
// Step advances exactly one chunk, Reset goes back to step 0, a paused view's URL reopens paused at
// the same step, a field changed mid-run restarts the run with it, and none of this changes the
// result: spike counts equal those of an uninterrupted run. Browser and server: ./browser.ts.

import type { Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STATE,
  chunkSteps,
  pauseFromQuery,
  queryFromState,
  stateFromQuery,
  withPause,
} from '../../src/web/appState.ts';
import { chromiumAvailable } from './browser.ts';
import { openApp, settled, useBrowserSession } from './appPage.ts';

useBrowserSession();

/** fig5 made long enough (20 000 steps, a few seconds on SwiftShader) to be paused mid-run. */
const CHUNK = 100;
const STEPS = 20_000;
const LONG_FIG5 = `?preset=fig5&steps=${STEPS}&chunk=${CHUNK}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const openPage = (query: string) => openApp(query);

/** The page state and the step counter (steps done, total). */
function status(page: Page): Promise<{ state: string; step: number; total: number }> {
  return page.evaluate(() => {
    const counter = document.getElementById('step-counter')!;
    return {
      state: document.body.dataset.state ?? '',
      step: Number(counter.dataset.step),
      total: Number(counter.dataset.total),
    };
  });
}

/** Waits until the page is paused at `step` (any step when not given). */
async function pausedAt(page: Page, step?: number): Promise<number> {
  await page.waitForFunction(
    (s) =>
      document.body.dataset.state === 'paused' &&
      (s === null || Number(document.getElementById('step-counter')!.dataset.step) === s),
    { timeout: 60_000, polling: 20 },
    step ?? null,
  );
  return (await status(page)).step;
}

async function finished(page: Page): Promise<void> {
  await settled(page, 120_000);
  expect(await page.$eval('#error', (e) => e.textContent)).toBe('');
  expect(await status(page)).toEqual({ state: 'done', step: STEPS - 1, total: STEPS - 1 });
}

/** Spike counts per population from the page's result download, and the backend that ran. */
function resultOf(page: Page): Promise<{ backend: string; spikeCounts: Record<string, number[]> }> {
  return page.evaluate(async () => {
    const link = document.querySelector<HTMLAnchorElement>('#download-result')!;
    return (await fetch(link.href)).json() as Promise<{
      backend: string;
      spikeCounts: Record<string, number[]>;
    }>;
  });
}

/** The result of the same URL run straight through in a fresh page. */
async function uninterrupted(query: string) {
  const { page, errors } = await openPage(query);
  await finished(page);
  const result = await resultOf(page);
  expect(errors).toEqual([]);
  await page.close();
  return result;
}

describe('chunk length and pause in the URL (Node)', () => {
  it('cuts a run into ~100 round chunks unless told, and refuses a bad chunk length', () => {
    const auto = (steps: number) => chunkSteps(DEFAULT_STATE, steps);
    expect([auto(3), auto(799), auto(4999), auto(19_999), auto(791_900)]).toEqual([1, 10, 50, 200, 10_000]);
    expect(chunkSteps({ ...DEFAULT_STATE, chunk: '37' }, 4999)).toBe(37);
    expect(() => chunkSteps({ ...DEFAULT_STATE, chunk: '0' }, 4999)).toThrow(/steps per chunk/);
    expect(() => chunkSteps({ ...DEFAULT_STATE, chunk: '2.5' }, 4999)).toThrow(/steps per chunk/);
  });

  it('round-trips the chunk and the pause step through the query', () => {
    const state = { ...DEFAULT_STATE, preset: 'fig4', chunk: '100' };
    const query = withPause(queryFromState(state), 1900);
    expect(query).toBe('?preset=fig4&chunk=100&pause=1900');
    expect(stateFromQuery(query)).toEqual(state);
    expect(pauseFromQuery(query)).toBe(1900);
    expect(withPause('', 0)).toBe('?pause=0');
    expect([pauseFromQuery('?preset=fig5'), pauseFromQuery('?pause=-1'), pauseFromQuery('?pause=x')]).toEqual(
      [null, null, null],
    );
  });
});

describe.skipIf(!chromiumAvailable)('the browser app: pause, step, reset, changes while running', () => {
  it('pauses, steps one chunk, resets to step 0 and ends with the uninterrupted spike counts', async () => {
    // A link with pause=0 opens paused before step 1.
    const { page, errors } = await openPage(`${LONG_FIG5}&pause=0`);
    expect(await pausedAt(page, 0)).toBe(0);
    await sleep(1000);
    expect(await status(page)).toEqual({ state: 'paused', step: 0, total: STEPS - 1 });
    expect(await page.$eval('#pause', (b) => b.textContent)).toBe('Resume');

    // Step: exactly one chunk, then paused again.
    await page.click('#step');
    expect(await pausedAt(page, CHUNK)).toBe(CHUNK);
    await page.click('#step');
    expect(await pausedAt(page, 2 * CHUNK)).toBe(2 * CHUNK);
    await sleep(500);
    expect((await status(page)).step).toBe(2 * CHUNK);
    // The paused page shows the run so far.
    expect(await page.$eval('#title', (e) => e.textContent)).toContain(`step ${2 * CHUNK} (paused)`);
    expect(await page.$eval('#latents svg', (s) => s.outerHTML.length)).toBeGreaterThan(1000);

    // Resume, then Pause mid-run: the counter stops at a chunk boundary and stays there.
    await page.click('#pause');
    await page.waitForFunction(
      (s) => Number(document.getElementById('step-counter')!.dataset.step) >= s,
      { timeout: 60_000, polling: 20 },
      20 * CHUNK,
    );
    expect(await page.$eval('#pause', (b) => b.textContent)).toBe('Pause');
    await page.click('#pause');
    const held = await pausedAt(page);
    expect(held % CHUNK).toBe(0);
    expect(held).toBeGreaterThanOrEqual(20 * CHUNK);
    expect(held).toBeLessThan(STEPS - 1);
    await sleep(1000);
    expect(await status(page)).toEqual({ state: 'paused', step: held, total: STEPS - 1 });
    // Past the 50 ms init cut the paused view has the plane, with the trajectory so far.
    expect(await page.$eval('#title', (e) => e.textContent)).toContain(`step ${held} (paused)`);
    expect(await page.$eval('#plane svg', (s) => s.textContent)).toContain('boundaries at x =');
    expect(await page.$eval('#plane-x-control', (e) => (e as HTMLElement).hidden)).toBe(false);
    // The URL holds the paused view: opened elsewhere, it pauses at the same step.
    const url = new URL(page.url());
    expect(url.searchParams.get('pause')).toBe(String(held));
    const shared = await openPage(url.search);
    expect(await pausedAt(shared.page, held)).toBe(held);
    expect(shared.errors).toEqual([]);
    await shared.page.close();

    // Reset: back to step 0, still paused; then Resume runs to the end.
    await page.click('#reset');
    expect(await pausedAt(page, 0)).toBe(0);
    await page.click('#step');
    expect(await pausedAt(page, CHUNK)).toBe(CHUNK);
    await page.click('#pause');
    await finished(page);
    expect(new URL(page.url()).searchParams.get('pause')).toBeNull();
    const interrupted = await resultOf(page);
    expect(errors).toEqual([]);
    await page.close();

    const straight = await uninterrupted(LONG_FIG5);
    console.log(
      `app controls on ${interrupted.backend}: paused at 0, ${CHUNK}, ${2 * CHUNK}, ${held}; ` +
        `spikes ${Object.values(straight.spikeCounts).flat().join(',')}`,
    );
    expect(interrupted.backend).toBe(straight.backend);
    expect(interrupted.spikeCounts).toEqual(straight.spikeCounts);
    expect(
      Object.values(straight.spikeCounts)
        .flat()
        .reduce((a, b) => a + b),
    ).toBeGreaterThan(0);
  });

  it('restarts with a field changed while running, and from step 0 when changed while paused', async () => {
    const sigma = '0.05';
    const { page, errors } = await openPage(LONG_FIG5);
    await page.waitForFunction(
      (s) => Number(document.getElementById('step-counter')!.dataset.step) >= s,
      { timeout: 60_000, polling: 20 },
      20 * CHUNK,
    );
    const before = (await status(page)).step;
    // Type a noise level and commit it (a change event), as a user leaving the field.
    await page.$eval(
      'input[name=sigma]',
      (input, value) => {
        (input as HTMLInputElement).value = value;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      },
      sigma,
    );
    expect(new URL(page.url()).searchParams.get('sigma')).toBe(sigma);
    expect((await status(page)).step).toBeLessThan(before); // started again
    await finished(page);
    const changed = await resultOf(page);

    // Changed while paused: back to step 0, still paused, with the change in the URL.
    await page.click('#step');
    expect(await pausedAt(page, CHUNK)).toBe(CHUNK);
    await page.$eval('input[name=seed]', (input) => {
      (input as HTMLInputElement).value = '3';
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(await pausedAt(page, 0)).toBe(0);
    const url = new URL(page.url());
    expect([url.searchParams.get('seed'), url.searchParams.get('pause')]).toEqual(['3', '0']);
    await page.click('#stop');
    await page.waitForFunction(() => document.body.dataset.state === 'stopped');
    expect(errors).toEqual([]);
    await page.close();

    const straight = await uninterrupted(`${LONG_FIG5}&sigma=${sigma}`);
    expect(changed.spikeCounts).toEqual(straight.spikeCounts);
    // The change mattered: without it the counts differ.
    const original = await uninterrupted(LONG_FIG5);
    expect(original.spikeCounts).not.toEqual(straight.spikeCounts);
  });
});
