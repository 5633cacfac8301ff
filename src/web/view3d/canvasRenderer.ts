// Draws the 3-D view's mesh on a 2-D canvas, for pages without a WebGPU adapter: the same camera
// matrix projects every corner (camera.ts), the planes are filled farthest first (painter's order,
// by their corners' mean clip-space w) and the lines are stroked over them.

import { projectToPixel } from './camera.ts';
import { BACKGROUND, type Mesh, type Rgba } from './mesh.ts';
import type { SceneRenderer } from './gpuRenderer.ts';

const css = ([r, g, b, a]: Rgba) =>
  `rgba(${Math.round(r * 255)}, ${Math.round(g * 255)}, ${Math.round(b * 255)}, ${a})`;

function paint(context: CanvasRenderingContext2D, mesh: Mesh, mvp: Float32Array<ArrayBuffer>): void {
  const { width, height } = context.canvas;
  const project = (p: readonly number[]) => projectToPixel(mvp, p, width, height);
  context.fillStyle = css(BACKGROUND);
  context.fillRect(0, 0, width, height);
  const polygons = mesh.polygons
    .map(({ corners, colour }) => {
      const points = corners.map(project);
      return { points, colour, depth: points.reduce((sum, p) => sum + p.w, 0) / points.length };
    })
    .filter(({ points }) => points.every((p) => p.w > 0))
    .sort((a, b) => b.depth - a.depth);
  for (const { points, colour } of polygons) {
    context.beginPath();
    points.forEach((p, k) => (k === 0 ? context.moveTo(p.x, p.y) : context.lineTo(p.x, p.y)));
    context.closePath();
    context.fillStyle = css(colour);
    context.fill();
  }
  context.lineWidth = 1;
  for (const { from, to, colour } of mesh.segments) {
    const [a, b] = [project(from), project(to)];
    if (a.w <= 0 || b.w <= 0) continue;
    context.beginPath();
    context.moveTo(a.x, a.y);
    context.lineTo(b.x, b.y);
    context.strokeStyle = css(colour);
    context.stroke();
  }
}

export function canvasRenderer(canvas: HTMLCanvasElement): SceneRenderer | null {
  const context = canvas.getContext('2d');
  if (!context) return null;
  let mesh: Mesh = { polygons: [], segments: [] };
  return {
    kind: 'canvas2d',
    setMesh(next) {
      mesh = next;
    },
    draw(mvp) {
      paint(context, mesh, mvp);
      return Promise.resolve();
    },
  };
}
