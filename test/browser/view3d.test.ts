// The app's 3-D boundary view in headless Chromium, on fig2e (36 tangent planes to a quadratic over
// a 2-D input): the canvas is drawn, a drag turns it (the screenshots before and after differ), the
// arrow keys turn it too, and the planes are where the construction puts them: a tangent point
// (src/experiments/presets/fig2.ts's construction) projected through the page's own camera matrix
// lands on a pixel with exactly the colour of as many translucent I-coloured layers as the scene's
// polygons (computed here in Node) cover it there. Run on the renderer the browser has (WebGPU
// on SwiftShader in this Chromium, said in the log) and on the 2-D canvas with navigator.gpu
// hidden. Networks without a 3-D space hide the panel. Saves out/view3d-screenshot.png (the panel
// as docs/img/view3d-fig2e.png shows it).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'puppeteer';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { compileNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import { FIG2E_QUADRATIC, fig2eRun, fig2eTangentPoints } from '../../src/experiments/presets/fig2.ts';
import { I_COLOR } from '../../src/experiments/figures.ts';
import { quadratic2D } from '../../src/construct/tangentNetwork.ts';
import { boundaryScene, type BoundaryScene } from '../../src/web/view3d/scene.ts';
import { PLANE_ALPHA, sceneMesh } from '../../src/web/view3d/mesh.ts';
import { projectToPixel } from '../../src/web/view3d/camera.ts';
import { chromiumAvailable } from './browser.ts';
import { openApp, settled, useBrowserSession } from './appPage.ts';

const SCREENSHOT = fileURLToPath(new URL('../../out/view3d-screenshot.png', import.meta.url));
/** A drawn colour may differ from the composited ideal by this much per 8-bit channel (rounding per layer). */
const COLOUR_TOLERANCE = 6;

let scene: BoundaryScene;

useBrowserSession();

beforeAll(async () => {
  if (!chromiumAvailable) return;
  // The app runs fig2e with seed 0 on the CPU engine (?backend=cpu): the same run in Node.
  const net = compileNetwork(parseRunFile(fig2eRun(0)));
  const sim = { run: fig2eRun(0), net, result: await new CpuEngine().run(net) };
  const s = boundaryScene(sim);
  if (typeof s === 'string') throw new Error(s);
  scene = s;
}, 120_000);

/** The app at `query` in the screenshots' viewport once its run has ended, and the errors it reports. */
async function openPage(query: string, options: { withoutWebGpu?: boolean } = {}) {
  const opened = await openApp(query, { ...options, wide: true });
  await settled(opened.page, 60_000);
  return opened;
}

/** Waits until the canvas has drawn the panel's latest scene and two more animation frames passed. */
async function drawn(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const scene = document.getElementById('view3d')!.dataset.scene;
      return scene !== undefined && document.getElementById('view3d-canvas')!.dataset.scene === scene;
    },
    { timeout: 20_000 },
  );
  await settle(page);
}

function settle(page: Page): Promise<void> {
  return page.evaluate(
    () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
  );
}

interface Frame {
  png: string;
  mvp: number[];
  width: number;
  height: number;
  renderer: string;
  frames: number;
}

/** A screenshot of the canvas, with the matrix and size (canvas pixels) of its last frame. */
async function frame(page: Page): Promise<Frame> {
  const canvas = (await page.$('#view3d-canvas'))!;
  const png = (await canvas.screenshot({ encoding: 'base64' })) as string;
  const facts = await canvas.evaluate((element) => {
    const c = element as HTMLCanvasElement;
    return {
      mvp: JSON.parse(c.dataset.mvp!) as number[],
      width: c.width,
      height: c.height,
      renderer: c.dataset.renderer!,
      frames: Number(c.dataset.frames),
    };
  });
  return { png, ...facts };
}

/** RGB of the PNG's pixels at `points`, and the number of pixels where two PNGs differ by > 40 in a channel. */
function readPixels(page: Page, png: string, points: { x: number; y: number }[], other?: string) {
  return page.evaluate(
    async (a, b, at) => {
      const decode = async (base64: string) => {
        const image = new Image();
        image.src = `data:image/png;base64,${base64}`;
        await image.decode();
        const canvas = document.createElement('canvas');
        [canvas.width, canvas.height] = [image.width, image.height];
        const context = canvas.getContext('2d')!;
        context.drawImage(image, 0, 0);
        return context.getImageData(0, 0, image.width, image.height);
      };
      const first = await decode(a);
      const colours = at.map(({ x, y }) => {
        const i = 4 * (Math.floor(y) * first.width + Math.floor(x));
        return [first.data[i], first.data[i + 1], first.data[i + 2]];
      });
      let differing = 0;
      if (b) {
        const second = await decode(b);
        for (let i = 0; i < first.data.length; i += 4) {
          if ([0, 1, 2].some((c) => Math.abs(first.data[i + c] - second.data[i + c]) > 40)) differing++;
        }
      }
      return { colours, differing, pixels: first.width * first.height, size: [first.width, first.height] };
    },
    png,
    other ?? null,
    points,
  );
}

type Pixel = { x: number; y: number };
const distanceToSegment = (p: Pixel, a: Pixel, b: Pixel) => {
  const [dx, dy] = [b.x - a.x, b.y - a.y];
  const t = Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(p.x - a.x - t * dx, p.y - a.y - t * dy);
};

/**
 * The tangent point inside the box that lands farthest from every drawn line and polygon edge, its
 * pixel, and how many planes cover that pixel (by the scene's polygons through the page's matrix).
 */
function tangentPointCheck(f: Frame) {
  const project = (p: readonly number[]) => projectToPixel(f.mvp, p, f.width, f.height);
  const mesh = sceneMesh(scene);
  const lines = mesh.segments.map((s) => [project(s.from), project(s.to)]);
  const polygons = mesh.polygons.map((p) => p.corners.map(project));
  const { f: target } = quadratic2D(FIG2E_QUADRATIC);
  const { min, max } = scene.box;
  const candidates = fig2eTangentPoints(0)
    .map(([x1, x2]) => [x1, x2, -target(x1, x2)])
    .filter((p) => p.every((v, a) => v > min[a] && v < max[a]))
    .map((point) => {
      const at = project(point);
      const edges = polygons.flatMap((q) => q.map((c, k) => [c, q[(k + 1) % q.length]]));
      const clearance = Math.min(...[...lines, ...edges].map(([a, b]) => distanceToSegment(at, a, b)));
      const inside = (q: Pixel[]) => {
        const turns = q.map((c, k) => {
          const d = q[(k + 1) % q.length];
          return (d.x - c.x) * (at.y - c.y) - (d.y - c.y) * (at.x - c.x);
        });
        return turns.every((t) => t > 0) || turns.every((t) => t < 0);
      };
      return { point, at, clearance, layers: polygons.filter(inside).length };
    })
    .sort((a, b) => b.clearance - a.clearance);
  return { best: candidates[0], count: candidates.length };
}

/** White seen through `layers` translucent layers of I_COLOR, in 8-bit RGB. */
function composited(layers: number): number[] {
  const n = parseInt(I_COLOR.slice(1), 16);
  const rgb = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  const seen = 1 - (1 - PLANE_ALPHA) ** layers;
  return rgb.map((c) => 255 + (c - 255) * seen);
}

async function checkProjection(page: Page, f: Frame, label: string) {
  const { best, count } = tangentPointCheck(f);
  const { colours, size } = await readPixels(page, f.png, [best.at, { x: 2, y: 2 }]);
  // The screenshot is the canvas's box on the page, rounded to whole pixels.
  [0, 1].forEach((k) => expect(Math.abs(size[k] - [f.width, f.height][k])).toBeLessThanOrEqual(1));
  const [pixel, corner] = colours;
  const expected = composited(best.layers);
  console.log(
    `${label} (${f.renderer}): tangent point (${best.point.map((v) => v.toFixed(2)).join(', ')}) of ${count} ` +
      `in the box at pixel (${best.at.x.toFixed(1)}, ${best.at.y.toFixed(1)}), ${best.clearance.toFixed(1)} px ` +
      `from any edge, under ${best.layers} planes: drawn rgb(${pixel}), expected rgb(${expected.map(Math.round)})`,
  );
  expect(best.clearance).toBeGreaterThan(3);
  expect(best.layers).toBeGreaterThan(0);
  // The plane's colour, not the background's, and as many layers of it as the geometry says.
  pixel.forEach((c, k) => expect(Math.abs(c - expected[k])).toBeLessThanOrEqual(COLOUR_TOLERANCE));
  expect(Math.max(...pixel.map((c) => 255 - c))).toBeGreaterThan(30);
  // Outside the box's projection: the background.
  expect(corner).toEqual([255, 255, 255]);
}

async function drag(page: Page, dx: number, dy: number) {
  const canvas = (await page.$('#view3d-canvas'))!;
  await canvas.scrollIntoView();
  const box = (await canvas.boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 8 });
  await page.mouse.up();
  await settle(page);
}

describe.skipIf(!chromiumAvailable)("the app's 3-D boundary view", () => {
  it("draws fig2e's planes where the construction puts them and turns with a drag and the arrow keys", async () => {
    const { page, errors } = await openPage('?preset=fig2e&backend=cpu');
    await drawn(page);
    expect(await page.$eval('#view3d', (f) => (f as HTMLElement).hidden)).toBe(false);
    const before = await frame(page);
    expect(before.renderer).toBe(
      (await page.evaluate(async () => Boolean(await navigator.gpu?.requestAdapter())))
        ? 'webgpu'
        : 'canvas2d',
    );
    const figure = (await page.$('#view3d'))!;
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    writeFileSync(
      SCREENSHOT,
      Buffer.from((await figure.screenshot({ encoding: 'base64' })) as string, 'base64'),
    );
    await checkProjection(page, before, 'before the drag');
    expect(await page.$eval('#view3d-caption', (c) => c.textContent)).toContain('36 boundary planes');

    await drag(page, 150, 40);
    const after = await frame(page);
    expect(after.frames).toBeGreaterThan(before.frames);
    expect(after.mvp).not.toEqual(before.mvp);
    const { differing, pixels } = await readPixels(page, before.png, [], after.png);
    console.log(`drag 150 × 40 px: ${differing} of ${pixels} pixels differ by more than 40 in a channel`);
    expect(differing / pixels).toBeGreaterThan(0.05);
    await checkProjection(page, after, 'after the drag');

    await page.focus('#view3d-canvas');
    await page.keyboard.press('ArrowUp');
    await settle(page);
    const turned = await frame(page);
    expect(turned.mvp).not.toEqual(after.mvp);
    await checkProjection(page, turned, 'after ArrowUp');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the same on a 2-D canvas when the page has no WebGPU', async () => {
    const { page, errors } = await openPage('?preset=fig2e&backend=cpu', { withoutWebGpu: true });
    await drawn(page);
    const before = await frame(page);
    expect(before.renderer).toBe('canvas2d');
    await checkProjection(page, before, 'no WebGPU');
    await drag(page, -120, 0);
    const after = await frame(page);
    const { differing, pixels } = await readPixels(page, before.png, [], after.png);
    expect(differing / pixels).toBeGreaterThan(0.05);
    await checkProjection(page, after, 'no WebGPU, after the drag');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('hides the panel for a network with a 1-D input and two latents', async () => {
    const { page, errors } = await openPage('?preset=fig4&backend=cpu');
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('done');
    const panel = await page.$eval('#view3d', (f) => ({
      hidden: (f as HTMLElement).hidden,
      reason: (f as HTMLElement).dataset.reason,
    }));
    expect(panel.hidden).toBe(true);
    expect(panel.reason).toMatch(/needs a 2-D input with one latent channel, or three latent channels/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
