// The upper envelope (pointwise maximum) of a set of lines v = slope·t + intercept: a convex,
// piecewise-linear function of t. Held as its hull (the lines that are ever maximal, by increasing
// slope) and the break points between them, so boundary intersections can be solved exactly, one
// linear piece at a time, instead of by scanning a grid.

export interface Line {
  slope: number;
  intercept: number;
}

export interface UpperEnvelope {
  /** The lines that are maximal somewhere, by increasing slope. */
  lines: Line[];
  /** breaks[k] is the t where lines[k] hands over to lines[k + 1]; increasing. */
  breaks: number[];
}

/** Where line b (steeper) overtakes line a. */
function overtake(a: Line, b: Line): number {
  return (a.intercept - b.intercept) / (b.slope - a.slope);
}

export function upperEnvelope(lines: readonly Line[]): UpperEnvelope {
  if (lines.length === 0) throw new Error('upperEnvelope: needs at least one line');
  for (const { slope, intercept } of lines) {
    if (!Number.isFinite(slope) || !Number.isFinite(intercept)) {
      throw new Error(`upperEnvelope: line (slope ${slope}, intercept ${intercept}) is not finite`);
    }
  }
  const sorted = [...lines].sort((a, b) => a.slope - b.slope || a.intercept - b.intercept);
  const hull: Line[] = [];
  for (const line of sorted) {
    // Of parallel lines only the highest (the last after sorting) can be maximal.
    if (hull.length > 0 && hull[hull.length - 1].slope === line.slope) hull.pop();
    // The top line is never maximal if the new one overtakes the one below it no later than it does.
    while (
      hull.length >= 2 &&
      overtake(hull[hull.length - 2], line) <= overtake(hull[hull.length - 2], hull[hull.length - 1])
    ) {
      hull.pop();
    }
    hull.push(line);
  }
  const breaks = hull.slice(1).map((line, k) => overtake(hull[k], line));
  return { lines: hull, breaks };
}

/** The hull line that is maximal at t (at a break point either neighbour gives the same value). */
function activeLine(envelope: UpperEnvelope, t: number): Line {
  const { lines, breaks } = envelope;
  let lo = 0;
  let hi = breaks.length;
  // Count the break points below t: that many hand-overs have happened.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (breaks[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lines[lo];
}

export function evaluateEnvelope(envelope: UpperEnvelope, t: number): number {
  const line = activeLine(envelope, t);
  return line.slope * t + line.intercept;
}
