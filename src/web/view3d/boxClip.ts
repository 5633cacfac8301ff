// A plane cut to a box: the convex polygon {p : n·p = d} ∩ [min, max]³, which is how the 3-D view
// draws an unbounded boundary plane. The polygon's corners are where the plane crosses the box's
// twelve edges (a box corner on the plane counts once), ordered by angle around their centroid so
// they can be drawn as a fan.

export type Vec3 = [number, number, number];

export interface Box {
  min: Vec3;
  max: Vec3;
}

/** The box's eight corners, corner k taking max on axis a where bit a of k is set. */
export function boxCorners(box: Box): Vec3[] {
  return Array.from(
    { length: 8 },
    (_, k) => [0, 1, 2].map((a) => ((k >> a) & 1 ? box.max[a] : box.min[a])) as Vec3,
  );
}

/** The box's twelve edges as pairs of corner indices (corners differing in one bit). */
export const BOX_EDGES: readonly (readonly [number, number])[] = [0, 1, 2].flatMap((a) =>
  [0, 1, 2, 3, 4, 5, 6, 7].filter((k) => ((k >> a) & 1) === 0).map((k) => [k, k | (1 << a)] as const),
);

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];

/**
 * The polygon where the plane n·p = d meets the box, corners in order around it; empty when the
 * plane misses the box, only touches it at an edge or a corner, or n is zero.
 */
export function clipPlaneToBox(normal: Vec3, offset: number, box: Box): Vec3[] {
  if (dot(normal, normal) === 0) return [];
  const corners = boxCorners(box);
  const side = corners.map((c) => dot(normal, c) - offset);
  const size = Math.max(...[0, 1, 2].map((a) => box.max[a] - box.min[a]));
  // Points closer than this (relative to the box) are one corner: a plane through a box corner
  // meets the three edges there at the same point.
  const tolerance = 1e-9 * (size || 1);
  const points: Vec3[] = [];
  const add = (p: Vec3) => {
    if (!points.some((q) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]) <= tolerance)) points.push(p);
  };
  for (const [i, j] of BOX_EDGES) {
    const [a, b] = [corners[i], corners[j]];
    const [fa, fb] = [side[i], side[j]];
    if (fa === 0) add(a);
    if (fb === 0) add(b);
    if ((fa < 0 && fb > 0) || (fa > 0 && fb < 0)) {
      const s = fa / (fa - fb);
      add([a[0] + s * (b[0] - a[0]), a[1] + s * (b[1] - a[1]), a[2] + s * (b[2] - a[2])]);
    }
  }
  if (points.length < 3) return [];
  const centre = [0, 1, 2].map((a) => points.reduce((sum, p) => sum + p[a], 0) / points.length) as Vec3;
  // Two directions in the plane: u across the axis n is least aligned with, v = n × u.
  const axis: Vec3 = [0, 0, 0];
  axis[[0, 1, 2].reduce((m, a) => (Math.abs(normal[a]) < Math.abs(normal[m]) ? a : m), 0)] = 1;
  const u = cross(normal, axis);
  const v = cross(normal, u);
  const angle = (p: Vec3) => {
    const r: Vec3 = [p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]];
    return Math.atan2(dot(r, v), dot(r, u));
  };
  return points
    .map((p) => ({ p, a: angle(p) }))
    .sort((x, y) => x.a - y.a)
    .map(({ p }) => p);
}
