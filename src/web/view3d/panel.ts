// The app's 3-D boundary panel (#view3d): shown for runs with a 3-D space (scene.ts), hidden for
// others. Drawn with WebGPU when the page has an adapter, else on a 2-D canvas (decisions.md). A
// pointer drag turns the camera about the scene's centre, and so do the arrow keys once the canvas
// has focus. The canvas says which renderer drew it (data-renderer), the matrix of its last frame
// (data-mvp, scene → clip, column-major), how many frames it drew (data-frames) and which scene
// it drew last (data-scene, the count of scenes shown, as the panel's data-scene says when it is
// shown): the page's tests read them to find where a point of the scene is.

import type { SimulatedRun } from '../../browser.ts';
import { canvasRenderer } from './canvasRenderer.ts';
import { INITIAL_ORBIT, modelViewProjection, projectToPixel, turned, type Orbit } from './camera.ts';
import { webGpuRenderer, type SceneRenderer } from './gpuRenderer.ts';
import { sceneMesh } from './mesh.ts';
import { boundaryScene, type BoundaryScene } from './scene.ts';

/** Radians the camera turns per pixel dragged, and per arrow key press. */
const DRAG_RADIANS = 0.01;
const KEY_RADIANS = 0.1;
/** Axis names stand this many CSS pixels outside the box's edges. */
const LABEL_OFFSET = 16;

const figure = document.getElementById('view3d')!;
const caption = document.getElementById('view3d-caption')!;
const labels = document.getElementById('view3d-labels')!;
const canvas = document.getElementById('view3d-canvas') as HTMLCanvasElement;

let renderer: Promise<SceneRenderer> | null = null;
/** The latest scene to show, and the one whose mesh the renderer holds (with its number). */
let scene: BoundaryScene | null = null;
let loaded: { scene: BoundaryScene; index: number } | null = null;
/** Scenes shown so far. */
let scenes = 0;
let orbit: Orbit = INITIAL_ORBIT;
let frameRequested = false;
/** Frames are drawn one after the other: a WebGPU frame waits for its pixels to come back. */
let drawing: Promise<void> = Promise.resolve();

/** WebGPU if it starts, else the 2-D canvas alone (both put their frames on the same 2-D context). */
async function openRenderer(): Promise<SceneRenderer> {
  try {
    const gpu = await webGpuRenderer(canvas);
    if (gpu) return gpu;
  } catch (e) {
    console.warn('3-D view: WebGPU could not start, drawing on a 2-D canvas instead', e);
  }
  const flat = canvasRenderer(canvas);
  if (!flat) throw new Error('this page can draw neither WebGPU nor a 2-D canvas');
  return flat;
}

function format(v: number): string {
  return Math.abs(v) >= 100 || Math.abs(v) < 0.01 ? v.toExponential(1) : v.toPrecision(3);
}

async function draw(): Promise<void> {
  if (!scene || !renderer) return;
  const r = await renderer;
  const shown = loaded;
  if (!shown || shown.scene !== scene) return;
  const { box, axes } = shown.scene;
  const rect = canvas.getBoundingClientRect();
  const width = Math.round(rect.width * devicePixelRatio);
  const height = Math.round(rect.height * devicePixelRatio);
  if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
  const mvp = modelViewProjection(box, orbit, width / height) as Float32Array<ArrayBuffer>;
  await r.draw(mvp);
  // Each axis name beside the outermost of the four box edges along that axis (its middle farthest
  // from the box centre on screen), pushed away from the centre.
  const { min, max } = box;
  const project = (p: number[]) => projectToPixel(mvp, p, rect.width, rect.height);
  const centre = project(min.map((v, b) => (v + max[b]) / 2));
  axes.forEach((name, a) => {
    const middles = [0, 1, 2, 3].map((k) => {
      const others = [0, 1, 2].filter((b) => b !== a);
      const point = min.map((v, b) =>
        b === a ? (v + max[b]) / 2 : (k >> others.indexOf(b)) & 1 ? max[b] : v,
      );
      return project(point);
    });
    const distance = (p: { x: number; y: number }) => Math.hypot(p.x - centre.x, p.y - centre.y);
    const at = middles.reduce((best, p) => (distance(p) > distance(best) ? p : best));
    const away = LABEL_OFFSET / (distance(at) || 1);
    const label = labels.children[a] as HTMLElement;
    label.textContent = name;
    // Kept on the canvas when the edge's middle projects near or past its border.
    label.style.left = `${Math.min(Math.max(at.x + (at.x - centre.x) * away, 12), rect.width - 12)}px`;
    label.style.top = `${Math.min(Math.max(at.y + (at.y - centre.y) * away, 10), rect.height - 10)}px`;
  });
  canvas.dataset.renderer = r.kind;
  canvas.dataset.mvp = JSON.stringify(Array.from(mvp));
  canvas.dataset.scene = String(shown.index);
  canvas.dataset.frames = String(Number(canvas.dataset.frames ?? 0) + 1);
}

function requestFrame(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    drawing = drawing.then(draw).catch((e: unknown) => console.error('3-D view:', e));
  });
}

function turn(dYaw: number, dPitch: number): void {
  orbit = turned(orbit, dYaw, dPitch);
  requestFrame();
}

function listen(target: HTMLCanvasElement): void {
  let last: { x: number; y: number } | null = null;
  target.addEventListener('pointerdown', (e) => {
    last = { x: e.clientX, y: e.clientY };
    target.setPointerCapture(e.pointerId);
  });
  target.addEventListener('pointermove', (e) => {
    if (!last) return;
    turn(-(e.clientX - last.x) * DRAG_RADIANS, (e.clientY - last.y) * DRAG_RADIANS);
    last = { x: e.clientX, y: e.clientY };
  });
  const release = () => (last = null);
  target.addEventListener('pointerup', release);
  target.addEventListener('pointercancel', release);
  target.addEventListener('keydown', (e) => {
    const step = {
      ArrowLeft: [KEY_RADIANS, 0],
      ArrowRight: [-KEY_RADIANS, 0],
      ArrowUp: [0, KEY_RADIANS],
      ArrowDown: [0, -KEY_RADIANS],
    }[e.key];
    if (!step) return;
    e.preventDefault();
    turn(step[0], step[1]);
  });
}
listen(canvas);
// A resized window changes the canvas's size: draw again at the new size.
window.addEventListener('resize', requestFrame);

/** Shows the run's planes and trajectory, or hides the panel when the run has no 3-D space. */
export function showBoundaryView(sim: SimulatedRun): void {
  const next = boundaryScene(sim);
  if (typeof next === 'string') {
    scene = null;
    figure.hidden = true;
    figure.dataset.reason = next;
    return;
  }
  scene = next;
  scenes++;
  figure.dataset.scene = String(scenes);
  figure.hidden = false;
  delete figure.dataset.reason;
  const ranges = next.axes.map(
    (name, a) => `${name} ∈ [${format(next.box.min[a])}, ${format(next.box.max[a])}]`,
  );
  const at = next.atInput ? `; planes at input x = ${next.atInput.map(format).join(', ')}` : '';
  renderer ??= openRenderer();
  const index = scenes;
  void renderer.then((r) => {
    if (scene !== next) return;
    r.setMesh(sceneMesh(next));
    loaded = { scene: next, index };
    caption.textContent =
      `${next.planes.length} boundary planes and the trajectory (after the 50 ms init cut): ${ranges.join(', ')}${at}. ` +
      `Drag, or focus it and use the arrow keys, to turn it. Drawn with ${r.kind === 'webgpu' ? 'WebGPU' : 'a 2-D canvas (no WebGPU adapter)'}.`;
    requestFrame();
  });
}
