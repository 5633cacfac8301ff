// The app's 3-D boundary panel (#view3d): shown for runs with a 3-D space (scene.ts), hidden for
// others. Drawn with WebGPU when the page has an adapter, else on a 2-D canvas (decisions.md). A
// pointer drag turns the camera about the scene's centre, and so do the arrow keys once the canvas
// has focus. The canvas says which renderer drew it (data-renderer), the matrix of its last frame
// (data-mvp, scene → clip, column-major) and how many frames it drew (data-frames): the page's
// tests read them to find where a point of the scene is.

import type { SimulatedRun } from '../../experiments/preset.ts';
import { canvasRenderer } from './canvasRenderer.ts';
import { INITIAL_ORBIT, modelViewProjection, projectToPixel, turned, type Orbit } from './camera.ts';
import { webGpuRenderer, type SceneRenderer } from './gpuRenderer.ts';
import { sceneMesh } from './mesh.ts';
import { boundaryScene, type BoundaryScene } from './scene.ts';

/** Radians the camera turns per pixel dragged, and per arrow key press. */
const DRAG_RADIANS = 0.01;
const KEY_RADIANS = 0.1;
/** Canvas height over width. */
const ASPECT = 0.75;

const figure = document.getElementById('view3d')!;
const caption = document.getElementById('view3d-caption')!;
const labels = document.getElementById('view3d-labels')!;
let canvas = document.getElementById('view3d-canvas') as HTMLCanvasElement;

let renderer: Promise<SceneRenderer> | null = null;
let scene: BoundaryScene | null = null;
let orbit: Orbit = INITIAL_ORBIT;
let frameRequested = false;

/** WebGPU if it starts, else the 2-D canvas (on a fresh canvas if WebGPU got as far as a context). */
async function openRenderer(): Promise<SceneRenderer> {
  try {
    const gpu = await webGpuRenderer(canvas);
    if (gpu) return gpu;
  } catch (e) {
    console.warn('3-D view: WebGPU could not start, drawing on a 2-D canvas instead', e);
    const fresh = canvas.cloneNode() as HTMLCanvasElement;
    canvas.replaceWith(fresh);
    canvas = fresh;
    listen(canvas);
  }
  const flat = canvasRenderer(canvas);
  if (!flat) throw new Error('this page can draw neither WebGPU nor a 2-D canvas');
  return flat;
}

function format(v: number): string {
  return Math.abs(v) >= 100 || Math.abs(v) < 0.01 ? v.toExponential(1) : v.toPrecision(3);
}

async function draw(): Promise<void> {
  frameRequested = false;
  if (!scene || !renderer) return;
  const r = await renderer;
  const width = Math.round(canvas.clientWidth * devicePixelRatio);
  const height = Math.round(width * ASPECT);
  if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
  const mvp = modelViewProjection(scene.box, orbit, width / height) as Float32Array<ArrayBuffer>;
  r.draw(mvp);
  // Each axis name at the middle of the box edge along that axis through the lowest corner.
  const { min, max } = scene.box;
  scene.axes.forEach((name, a) => {
    const point = [...min];
    point[a] = (min[a] + max[a]) / 2;
    const at = projectToPixel(mvp, point, canvas.clientWidth, canvas.clientWidth * ASPECT);
    const label = labels.children[a] as HTMLElement;
    label.textContent = name;
    label.style.left = `${at.x}px`;
    label.style.top = `${at.y}px`;
  });
  canvas.dataset.renderer = r.kind;
  canvas.dataset.mvp = JSON.stringify(Array.from(mvp));
  canvas.dataset.frames = String(Number(canvas.dataset.frames ?? 0) + 1);
}

function requestFrame(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => void draw());
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
  figure.hidden = false;
  delete figure.dataset.reason;
  const ranges = next.axes.map(
    (name, a) => `${name} ∈ [${format(next.box.min[a])}, ${format(next.box.max[a])}]`,
  );
  const at = next.atInput ? `; planes at input x = ${next.atInput.map(format).join(', ')}` : '';
  renderer ??= openRenderer();
  void renderer.then((r) => {
    if (scene !== next) return;
    r.setMesh(sceneMesh(next));
    caption.textContent =
      `${next.planes.length} boundary planes and the trajectory (after the 50 ms init cut): ${ranges.join(', ')}${at}. ` +
      `Drag, or focus it and use the arrow keys, to turn it. Drawn with ${r.kind === 'webgpu' ? 'WebGPU' : 'a 2-D canvas (no WebGPU adapter)'}.`;
    requestFrame();
  });
}
