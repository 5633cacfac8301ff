// The scene as things to draw, the same for every renderer: each boundary plane cut to the box as
// a translucent polygon in its population's colour (the 2-D plane's E and I colours), the box's
// edges, and the trajectory as segments, all in the scene's own coordinates.

import { E_COLOR, I_COLOR } from '../../browser.ts';
import { BOX_EDGES, boxCorners, clipPlaneToBox, type Vec3 } from './boxClip.ts';
import type { BoundaryScene } from './scene.ts';

/** Red, green, blue, alpha, each in [0, 1]. */
export type Rgba = [number, number, number, number];

export interface Polygon {
  corners: Vec3[];
  colour: Rgba;
}

export interface Segment {
  from: Vec3;
  to: Vec3;
  colour: Rgba;
}

export interface Mesh {
  polygons: Polygon[];
  segments: Segment[];
}

/** Opacity of one plane: 36 overlapping planes still let the trajectory and the far ones through. */
export const PLANE_ALPHA = 0.22;
export const BACKGROUND: Rgba = [1, 1, 1, 1];
const TRAJECTORY: Rgba = [0.1, 0.1, 0.1, 1];
const BOX: Rgba = [0.6, 0.6, 0.6, 1];

function rgba(hex: string, alpha: number): Rgba {
  const n = parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255, alpha];
}

export function sceneMesh(scene: BoundaryScene): Mesh {
  const polygons = scene.planes
    .map((plane) => ({
      corners: clipPlaneToBox(plane.normal, plane.offset, scene.box),
      colour: rgba(plane.sign === 'excitatory' ? E_COLOR : I_COLOR, PLANE_ALPHA),
    }))
    .filter((p) => p.corners.length >= 3);
  const corners = boxCorners(scene.box);
  const segments: Segment[] = BOX_EDGES.map(([a, b]) => ({ from: corners[a], to: corners[b], colour: BOX }));
  const t = scene.trajectory;
  const point = (s: number): Vec3 => [t[3 * s], t[3 * s + 1], t[3 * s + 2]];
  for (let s = 1; s < t.length / 3; s++)
    segments.push({ from: point(s - 1), to: point(s), colour: TRAJECTORY });
  return { polygons, segments };
}

/** Interleaved (x, y, z, r, g, b, a) vertices: the polygons as triangle fans, the segments as pairs. */
export function vertexArrays(mesh: Mesh): {
  triangles: Float32Array<ArrayBuffer>;
  lines: Float32Array<ArrayBuffer>;
} {
  const triangles: number[] = [];
  for (const { corners, colour } of mesh.polygons) {
    for (let k = 1; k + 1 < corners.length; k++) {
      for (const c of [corners[0], corners[k], corners[k + 1]]) triangles.push(...c, ...colour);
    }
  }
  const lines: number[] = [];
  for (const { from, to, colour } of mesh.segments) lines.push(...from, ...colour, ...to, ...colour);
  return { triangles: new Float32Array(triangles), lines: new Float32Array(lines) };
}
