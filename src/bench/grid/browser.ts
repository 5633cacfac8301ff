// The grid's `browser` backend: headless Debian Chromium (puppeteer) on the app page served by
// Vite (src/bench/browserSession.ts: flags, secure localhost origin), with src/bench/grid/browserEntry.ts
// imported into the page through Vite's /@fs/ route; each point is one page.evaluate. Ctrl-C
// cannot reach into the page: the point in progress is abandoned when the browser closes.

import { fileURLToPath } from 'node:url';
import type { Page } from 'puppeteer';
import type { AdapterFacts, GridPoint, GridSettings, Measurement } from './core.ts';

export interface BrowserBackend {
  adapter: AdapterFacts;
  describe(): string;
  measure(
    point: GridPoint,
    settings: GridSettings,
    maxSeconds?: number,
    signal?: AbortSignal,
  ): Promise<Measurement>;
  close(): Promise<void>;
}

interface GridModule {
  adapterInPage(): Promise<AdapterFacts>;
  measureInPage(point: GridPoint, settings: GridSettings, maxSeconds?: number): Promise<Measurement>;
}

const abortError = () => Object.assign(new Error('aborted'), { name: 'AbortError' });

const ENTRY = `/@fs${fileURLToPath(new URL('./browserEntry.ts', import.meta.url))}`;

/**
 * Loads the entry into the page once (kept on globalThis) and calls one of its functions. The
 * page-side code is a string, not a function: a test runner's transform would rewrite a
 * function's dynamic import() into its own helper, which does not exist in the page.
 */
async function callInPage<T>(page: Page, method: keyof GridModule, ...args: unknown[]): Promise<T> {
  const expression =
    `(async () => {` +
    ` globalThis.latentspikeGrid ??= import(${JSON.stringify(ENTRY)});` +
    ` const module = await globalThis.latentspikeGrid;` +
    ` return module[${JSON.stringify(method)}](...${JSON.stringify(args)});` +
    ` })()`;
  return page.evaluate(expression) as Promise<T>;
}

export async function openBrowserBackend(): Promise<BrowserBackend> {
  const { chromiumAvailable, startBrowserSession } = await import('../browserSession.ts');
  if (!chromiumAvailable)
    throw new Error('the browser backend needs /usr/bin/chromium (apt-get install chromium)');
  const session = await startBrowserSession();
  try {
    const page = await session.browser.newPage();
    page.setDefaultTimeout(0);
    await page.goto(`${session.origin}/`, { waitUntil: 'load' });
    const adapter = await callInPage<AdapterFacts>(page, 'adapterInPage');
    return {
      adapter,
      describe: () =>
        `headless Chromium, ${adapter.description} via ${adapter.path}, software: ${adapter.software}` +
        (adapter.software ? ' (CPU emulation: these times are not GPU performance)' : ''),
      async measure(point, settings, maxSeconds, signal) {
        if (signal?.aborted) throw abortError();
        const run = callInPage<Measurement>(page, 'measureInPage', point, settings, maxSeconds);
        if (!signal) return run;
        return new Promise<Measurement>((resolve, reject) => {
          const onAbort = () => reject(abortError());
          signal.addEventListener('abort', onAbort, { once: true });
          run.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
        });
      },
      close: () => session.close(),
    };
  } catch (err) {
    await session.close();
    throw err;
  }
}
