// Shared by the app's in-browser tests (app, appControls, appErrors, view3d): one browser session
// per test file (./browser.ts), and the app opened on a new page of it with the page's console
// errors and uncaught exceptions collected.

import type { Page } from 'puppeteer';
import { afterAll, beforeAll } from 'vitest';
import { chromiumAvailable, startBrowserSession, type BrowserSession } from './browser.ts';

let session: BrowserSession | undefined;

/** Starts this file's browser session before its tests (where chromium is present) and closes it after them. */
export function useBrowserSession(): void {
  beforeAll(async () => {
    if (chromiumAvailable) session = await startBrowserSession();
  }, 60_000);
  afterAll(async () => {
    await session?.close();
  });
}

export interface OpenOptions {
  /** Hides navigator.gpu, as a browser without WebGPU has it. */
  withoutWebGpu?: boolean;
  /** A 1400 × 1000 viewport (the saved screenshots'), else puppeteer's default. */
  wide?: boolean;
}

/** The app at `query` (e.g. '?preset=fig5') on a new page, loaded, and the errors it reports. */
export async function openApp(
  query = '',
  options: OpenOptions = {},
): Promise<{ page: Page; errors: string[] }> {
  const page = await session!.browser.newPage();
  if (options.wide) await page.setViewport({ width: 1400, height: 1000 });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  if (options.withoutWebGpu) {
    await page.evaluateOnNewDocument(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });
    });
  }
  await page.goto(`${session!.origin}/${query}`, { waitUntil: 'load' });
  return { page, errors };
}

/** Waits for the run to end and returns the page state ('done' or 'error'). */
export async function settled(page: Page, timeout = 45_000): Promise<string> {
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), {
    timeout,
  });
  return page.evaluate(() => document.body.dataset.state!);
}
