// A headless browser with the app's pages served: Debian's chromium with the flags that give it a
// software WebGPU adapter (puppeteer adds --headless itself) and a Vite dev server on localhost
// (WebGPU needs a secure context). The benchmark grid's browser backend and the in-browser tests
// share it.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer';
import { createServer, type ViteDevServer } from 'vite';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const chromiumAvailable = existsSync(CHROMIUM);

export interface BrowserSession {
  browser: Browser;
  origin: string;
  close(): Promise<void>;
}

/** Serves the app (vite.config.ts), or the Vite project at `root` (its own config file, if any). */
export async function startBrowserSession(root?: string): Promise<BrowserSession> {
  const server: ViteDevServer = await createServer({
    ...(root ? { root } : { configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)) }),
    server: { port: 0, strictPort: false, hmr: false },
    logLevel: 'error',
  });
  await server.listen();
  const address = server.httpServer!.address();
  if (!address || typeof address === 'string') throw new Error('Vite: no TCP address');
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return {
    browser,
    origin: `http://localhost:${address.port}`,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
