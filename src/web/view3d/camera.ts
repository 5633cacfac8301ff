// The 3-D view's orbit camera (gl-matrix): the scene's box is scaled to the cube [−1, 1]³ (its axes
// have unrelated units), the third axis points up, and the eye circles the cube's centre at a fixed
// distance, turned by `yaw` about the vertical and tilted by `pitch` above the horizontal. The
// projection maps depth to [0, 1] (WebGPU's clip space).

import { mat4, vec4 } from 'gl-matrix';
import type { Box } from './boxClip.ts';

export interface Orbit {
  /** Radians about the vertical axis. */
  yaw: number;
  /** Radians above the horizontal, kept inside ±PITCH_LIMIT. */
  pitch: number;
}

export const INITIAL_ORBIT: Orbit = { yaw: -0.9, pitch: 0.45 };
export const PITCH_LIMIT = 1.5;
const DISTANCE = 4.6;
const FIELD_OF_VIEW = (40 * Math.PI) / 180;

export function turned(orbit: Orbit, dYaw: number, dPitch: number): Orbit {
  const pitch = Math.max(-PITCH_LIMIT, Math.min(PITCH_LIMIT, orbit.pitch + dPitch));
  return { yaw: orbit.yaw + dYaw, pitch };
}

/**
 * The model-view-projection matrix (column-major) from the scene's own coordinates to clip space:
 * box → cube, cube → eye, eye → clip.
 */
export function modelViewProjection(box: Box, orbit: Orbit, aspect: number): mat4 {
  const model = mat4.create();
  const half = [0, 1, 2].map((a) => (box.max[a] - box.min[a]) / 2 || 1);
  mat4.scale(model, model, [1 / half[0], 1 / half[1], 1 / half[2]]);
  mat4.translate(
    model,
    model,
    [0, 1, 2].map((a) => -(box.max[a] + box.min[a]) / 2) as [number, number, number],
  );
  const { yaw, pitch } = orbit;
  const eye: [number, number, number] = [
    DISTANCE * Math.cos(pitch) * Math.cos(yaw),
    DISTANCE * Math.cos(pitch) * Math.sin(yaw),
    DISTANCE * Math.sin(pitch),
  ];
  const view = mat4.lookAt(mat4.create(), eye, [0, 0, 0], [0, 0, 1]);
  const projection = mat4.perspectiveZO(mat4.create(), FIELD_OF_VIEW, aspect, 0.1, 20);
  return mat4.multiply(mat4.create(), projection, mat4.multiply(view, view, model));
}

/** Where a scene point lands on a canvas of `width` × `height` pixels, and its clip-space w. */
export function projectToPixel(
  mvp: ArrayLike<number>,
  point: readonly number[],
  width: number,
  height: number,
): { x: number; y: number; w: number } {
  const clip = vec4.transformMat4(vec4.create(), [point[0], point[1], point[2], 1], mvp as mat4);
  return { x: ((clip[0] / clip[3] + 1) / 2) * width, y: ((1 - clip[1] / clip[3]) / 2) * height, w: clip[3] };
}
