// Shared by the in-browser tests: the browser session (src/bench/browserSession.ts), skipped only
// when chromium is missing and LATENTSPIKE_REQUIRE_WEBGPU is not '1', and a reader of screenshots.

import type { Page } from 'puppeteer';
import { CHROMIUM, chromiumAvailable } from '../../src/bench/browserSession.ts';

export {
  chromiumAvailable,
  startBrowserSession,
  type BrowserSession,
} from '../../src/bench/browserSession.ts';

if (!chromiumAvailable && process.env.LATENTSPIKE_REQUIRE_WEBGPU === '1') {
  throw new Error(`LATENTSPIKE_REQUIRE_WEBGPU=1 but ${CHROMIUM} is missing (apt-get install chromium)`);
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
