// Shared by the in-browser tests: Debian's chromium with the flags of the shared note
// (WEBGPU_WITHOUT_A_GPU.md; puppeteer adds --headless itself) and a Vite dev server on localhost
// (WebGPU needs a secure context). Skipped only when chromium is missing and
// LATENTSPIKE_REQUIRE_WEBGPU is not '1'.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { createServer, type ViteDevServer } from 'vite';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable && process.env.LATENTSPIKE_REQUIRE_WEBGPU === '1') {
  throw new Error(`LATENTSPIKE_REQUIRE_WEBGPU=1 but ${CHROMIUM} is missing (apt-get install chromium)`);
}

export interface BrowserSession {
  browser: Browser;
  origin: string;
  close(): Promise<void>;
}

export async function startBrowserSession(): Promise<BrowserSession> {
  const server: ViteDevServer = await createServer({
    configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
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

/** The colours of a PNG's pixels (4 bits a channel, as 0xRGB) and the share of non-white ones. */
export function pixelVariety(page: Page, png: string): Promise<{ colours: number[]; inked: number }> {
  return page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    const { data } = context.getImageData(0, 0, image.width, image.height);
    const colours = new Set<number>();
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      colours.add(((data[i] >> 4) << 8) | ((data[i + 1] >> 4) << 4) | (data[i + 2] >> 4));
      if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) inked++;
    }
    return { colours: [...colours], inked: inked / (data.length / 4) };
  }, png);
}
