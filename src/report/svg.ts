// Low-level SVG building blocks for report figures: escaping, number formatting, scales and their
// ticks, axes, legends and path building with pixel-aware downsampling. Dependency-free on purpose:
// reports must render from a plain Node run, with no DOM and no plotting library.

export const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

/** matplotlib's tab10 cycle: familiar to readers of the paper's figures. */
export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

// Pixel coordinates are clamped so that a wild data value (or a tight user range) can never print
// in exponent notation or bloat the file; the clamped part lies far outside the clipped plot area.
const COORD_LIMIT = 1e6;

/** A pixel coordinate with at most 2 decimals, no trailing zeros, no "-0". */
export function fmt(v: number): string {
  const clamped = Math.min(COORD_LIMIT, Math.max(-COORD_LIMIT, v));
  const r = Math.round(clamped * 100) / 100;
  return String(r === 0 ? 0 : r);
}

/**
 * Text with light math markup rendered as tspans, escaped: `^{..}` / `_{..}` for super/subscripts,
 * or a single character after `^`/`_` when it ends a word (`y^E`, `r_1`, `T_E,i`). The word-end rule
 * keeps identifiers such as `spike_count` literal.
 */
export function richText(text: string): string {
  const re = /([\^_])(?:\{([^}]*)\}|([A-Za-z0-9*+−-])(?![A-Za-z0-9]))/g;
  const SCRIPT_SIZE = 0.75;
  let out = '';
  let last = 0;
  // Baseline offset in em of the surrounding text; a script's own em is SCRIPT_SIZE of that.
  let offset = 0;
  const plain = (s: string): void => {
    if (s === '') return;
    out += offset === 0 ? escapeXml(s) : `<tspan dy="${fmt(-offset)}em">${escapeXml(s)}</tspan>`;
    offset = 0;
  };
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    plain(text.slice(last, m.index));
    const target = m[1] === '^' ? -0.35 : 0.25; // SVG y grows downwards
    const dy = fmt((target - offset) / SCRIPT_SIZE);
    out += `<tspan dy="${dy}em" font-size="${SCRIPT_SIZE * 100}%">${escapeXml(m[2] ?? m[3])}</tspan>`;
    offset = target;
    last = re.lastIndex;
  }
  plain(text.slice(last));
  return out;
}

/** Rough text width for layout (no font metrics available without a DOM). */
export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.58;
}

// ---------------------------------------------------------------------------------------------
// Scales and ticks

export interface Scale {
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  readonly log: boolean;
  /** Pixel position; NaN for values a log scale cannot show (≤ 0) and for non-finite input. */
  map(v: number): number;
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const k = (range[1] - range[0]) / (d1 - d0);
  return {
    domain,
    range,
    log: false,
    map: (v) => (Number.isFinite(v) ? range[0] + (v - d0) * k : NaN),
  };
}

export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  if (!(domain[0] > 0 && domain[1] > 0)) {
    throw new RangeError(`logScale: domain must be positive, got [${domain[0]}, ${domain[1]}]`);
  }
  const l0 = Math.log10(domain[0]);
  const k = (range[1] - range[0]) / (Math.log10(domain[1]) - l0);
  return {
    domain,
    range,
    log: true,
    map: (v) => (v > 0 && Number.isFinite(v) ? range[0] + (Math.log10(v) - l0) * k : NaN),
  };
}

/** "Nice" linear tick values (steps of 1, 2 or 5 × 10^k) covering [min, max], about `target` of them. */
export function niceTicks(min: number, max: number, target = 6): number[] {
  if (!(max > min)) return Number.isFinite(min) ? [min] : [];
  const step = niceStep((max - min) / target);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks: number[] = [];
  // Integer multiples of the step, rounded, so 0.1 + 0.2 style error never reaches a label.
  for (let i = Math.ceil(min / step - 1e-9); i * step <= max + step * 1e-9; i++) {
    ticks.push(Number((i * step).toFixed(Math.min(20, decimals + 1))));
  }
  return ticks;
}

function niceStep(rough: number): number {
  const p = 10 ** Math.floor(Math.log10(rough));
  const f = rough / p;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

/** Powers of ten inside [min, max] (min > 0). */
export function decadeTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let k = Math.ceil(Math.log10(min) - 1e-9); k <= Math.floor(Math.log10(max) + 1e-9); k++) {
    ticks.push(Number(`1e${k}`)); // exact decimal, unlike 10 ** -3
  }
  return ticks;
}

export interface Tick {
  value: number;
  /** Markup for the tick label (may contain tspans); '' for an unlabelled minor tick. */
  label: string;
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/** 10^k written as "10³" with Unicode superscripts: renders everywhere, no tspan baseline games. */
export function formatDecade(k: number): string {
  return (
    '10' +
    String(k)
      .split('')
      .map((c) => SUPERSCRIPT[c])
      .join('')
  );
}

/** Labels for a set of linear ticks: fixed decimals matching the step, exponent form for extremes. */
export function formatTicks(values: number[]): string[] {
  if (values.length === 0) return [];
  const step = values.length > 1 ? Math.abs(values[1] - values[0]) : Math.abs(values[0]) || 1;
  const biggest = Math.max(...values.map(Math.abs));
  const useExp = biggest >= 1e5 || (biggest > 0 && biggest < 1e-3);
  return values.map((v) => {
    let s: string;
    if (v === 0) s = '0';
    else if (useExp) {
      const digits = Math.max(0, Math.floor(Math.log10(Math.abs(v))) - Math.floor(Math.log10(step)));
      s = v
        .toExponential(Math.min(digits, 6))
        .replace(/\.?0+e/, 'e')
        .replace('e+', 'e');
    } else {
      s = v.toFixed(Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
    }
    return s.replace('-', '−'); // typographic minus
  });
}

/**
 * Labelled ticks for an axis domain: decades (plus unlabelled 2–9 minors) on log axes, about
 * `target` nice steps otherwise.
 */
export function axisTicks(domain: readonly [number, number], log: boolean, target = 6): Tick[] {
  const lo = Math.min(domain[0], domain[1]);
  const hi = Math.max(domain[0], domain[1]);
  if (!log) {
    const values = niceTicks(lo, hi, target);
    const labels = formatTicks(values);
    return values.map((value, i) => ({ value, label: escapeXml(labels[i]) }));
  }
  const decades = decadeTicks(lo, hi);
  const ticks: Tick[] = decades.map((value) => ({
    value,
    label: formatDecade(Math.round(Math.log10(value))),
  }));
  // Less than two decades visible: label 2× and 5× too, otherwise the axis has no readable scale.
  const labelMinor = decades.length < 2;
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (let m = 2; m <= 9; m++) {
      const value = m * Number(`1e${k}`);
      if (value < lo || value > hi) continue;
      const labelled = labelMinor && (m === 2 || m === 5);
      ticks.push({ value, label: labelled ? escapeXml(formatTicks([value])[0]) : '' });
    }
  }
  return ticks.sort((a, b) => a.value - b.value);
}

/** Widest tick label in pixels. */
export function tickLabelWidth(ticks: Tick[]): number {
  return Math.max(0, ...ticks.map((t) => textWidth(t.label.replace(/&[a-z]+;/g, '_'), TICK_FONT)));
}

/** Margin a vertical axis needs beside the frame: tick labels, gap, and the rotated axis label. */
export function verticalAxisMargin(ticks: Tick[]): number {
  return tickLabelWidth(ticks) + 32;
}

/** Margin under the frame for tick labels and the axis label. */
export const BOTTOM_AXIS_MARGIN = 52;

/**
 * Data extent over several arrays, ignoring non-finite values (and non-positive ones for a log
 * axis). Null when nothing is drawable.
 */
export function extent(arrays: ArrayLike<number>[], positiveOnly = false): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (!Number.isFinite(v) || (positiveOnly && v <= 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * A plotting domain from a data extent: padded by `pad` of the span (in log space for log axes),
 * widened when degenerate, and a fallback when there is no data.
 */
export function paddedDomain(ext: [number, number] | null, log: boolean, pad: number): [number, number] {
  if (ext === null) return log ? [1, 10] : [0, 1];
  let [lo, hi] = log ? [Math.log10(ext[0]), Math.log10(ext[1])] : ext;
  if (hi === lo) {
    const half = log ? 0.5 : Math.abs(lo) * 0.1 || 1;
    lo -= half;
    hi += half;
  } else {
    const span = hi - lo;
    lo -= span * pad;
    hi += span * pad;
  }
  return log ? [10 ** lo, 10 ** hi] : [lo, hi];
}

// ---------------------------------------------------------------------------------------------
// Frame, axes, legend

/** The plot area in pixels. */
export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

export type AxisSide = 'bottom' | 'left' | 'right';

const TICK_FONT = 11;
const LABEL_FONT = 13;

/**
 * One axis: line, ticks, tick labels, optional grid lines across the frame, and the axis label
 * (rotated for vertical axes). `label` is plain text with richText markup.
 */
export function axis(
  side: AxisSide,
  scale: Scale,
  ticks: Tick[],
  frame: Frame,
  label: string,
  grid: boolean,
): string {
  const { left, top, width, height } = frame;
  const right = left + width;
  const bottom = top + height;
  const parts: string[] = [];
  const horizontal = side === 'bottom';
  for (const tick of ticks) {
    const p = scale.map(tick.value);
    const major = tick.label !== '';
    const len = major ? 5 : 3;
    if (horizontal) {
      if (grid && major) parts.push(`<path d="M${fmt(p)} ${fmt(top)}V${fmt(bottom)}" class="grid"/>`);
      parts.push(`<path d="M${fmt(p)} ${fmt(bottom)}v${len}" class="tick"/>`);
      if (major) {
        parts.push(
          `<text x="${fmt(p)}" y="${fmt(bottom + 17)}" text-anchor="middle" font-size="${TICK_FONT}">${tick.label}</text>`,
        );
      }
    } else {
      const x0 = side === 'left' ? left : right;
      const dir = side === 'left' ? -1 : 1;
      if (grid && major) parts.push(`<path d="M${fmt(left)} ${fmt(p)}H${fmt(right)}" class="grid"/>`);
      parts.push(`<path d="M${fmt(x0)} ${fmt(p)}h${dir * len}" class="tick"/>`);
      if (major) {
        parts.push(
          `<text x="${fmt(x0 + dir * 8)}" y="${fmt(p + 4)}" text-anchor="${side === 'left' ? 'end' : 'start'}" font-size="${TICK_FONT}">${tick.label}</text>`,
        );
      }
    }
  }
  if (horizontal) {
    parts.push(`<path d="M${fmt(left)} ${fmt(bottom)}H${fmt(right)}" class="axis"/>`);
    parts.push(
      `<text x="${fmt(left + width / 2)}" y="${fmt(bottom + 40)}" text-anchor="middle" font-size="${LABEL_FONT}">${richText(label)}</text>`,
    );
  } else {
    const x0 = side === 'left' ? left : right;
    const labelSpace = tickLabelWidth(ticks);
    const lx = side === 'left' ? x0 - labelSpace - 16 : x0 + labelSpace + 26;
    parts.push(`<path d="M${fmt(x0)} ${fmt(top)}V${fmt(bottom)}" class="axis"/>`);
    parts.push(
      `<text transform="translate(${fmt(lx)} ${fmt(top + height / 2)}) rotate(-90)" text-anchor="middle" font-size="${LABEL_FONT}">${richText(label)}</text>`,
    );
  }
  return parts.join('\n');
}

export interface LegendEntry {
  name: string;
  color: string;
  dashed?: boolean;
  width?: number;
  /** 'line' (a stroke sample) or 'box' (a filled square, for rasters). */
  kind?: 'line' | 'box';
}

const LEGEND_FONT = 12;
const LEGEND_ROW = 18;
const LEGEND_SAMPLE = 26;

/** Width a legend needs, so callers can reserve space before laying out the plot area. */
export function legendWidth(entries: LegendEntry[]): number {
  if (entries.length === 0) return 0;
  const longest = Math.max(...entries.map((e) => textWidth(e.name.replace(/[{}^_]/g, ''), LEGEND_FONT)));
  return LEGEND_SAMPLE + 8 + longest + 12;
}

/** A vertical legend with its top-left corner at (x, y). */
export function legend(entries: LegendEntry[], x: number, y: number): string {
  const parts = entries.map((e, i) => {
    const cy = y + i * LEGEND_ROW + LEGEND_ROW / 2;
    const color = escapeXml(e.color);
    const sample =
      e.kind === 'box'
        ? `<rect x="${fmt(x + 8)}" y="${fmt(cy - 5)}" width="10" height="10" fill="${color}"/>`
        : `<path d="M${fmt(x)} ${fmt(cy)}h${LEGEND_SAMPLE}" stroke="${color}" stroke-width="${fmt(e.width ?? 2)}" fill="none"${e.dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
    const text = `<text x="${fmt(x + LEGEND_SAMPLE + 8)}" y="${fmt(cy + 4)}" font-size="${LEGEND_FONT}">${richText(e.name)}</text>`;
    return sample + text;
  });
  return `<g class="legend">\n${parts.join('\n')}\n</g>`;
}

/** Title (and optional subtitle) centred over the figure. */
export function header(title: string, subtitle: string | undefined, width: number): string {
  let s = `<text x="${fmt(width / 2)}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${richText(title)}</text>`;
  if (subtitle) {
    s += `\n<text x="${fmt(width / 2)}" y="42" text-anchor="middle" font-size="12" fill="#555">${richText(subtitle)}</text>`;
  }
  return s;
}

/** A clip rectangle for the frame. Its id is derived from the geometry, so two figures inlined in
 * one HTML page can only share an id when their rectangles are identical. */
export function clipPath(frame: Frame): { id: string; def: string } {
  const id = `clip-${[frame.left, frame.top, frame.width, frame.height].map(fmt).join('-').replace(/\./g, 'p')}`;
  const def = `<clipPath id="${id}"><rect x="${fmt(frame.left)}" y="${fmt(frame.top)}" width="${fmt(frame.width)}" height="${fmt(frame.height)}"/></clipPath>`;
  return { id, def };
}

/** A standalone SVG document with a white background and shared styles. */
export function svgDocument(width: number, height: number, defs: string, body: string): string {
  const w = fmt(width);
  const h = fmt(height);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="${escapeXml(FONT_FAMILY)}" fill="#222">`,
    `<defs><style>.grid{stroke:#e6e6e6;stroke-width:1;fill:none}.tick,.axis{stroke:#444;stroke-width:1;fill:none}</style>${defs}</defs>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Paths

/**
 * SVG path data for a polyline through (x[i], y[i]), in pixels. Non-finite points (and points a log
 * scale cannot show) break the line. Long series are reduced per pixel column: consecutive points
 * in the same column collapse to their minimum and maximum, in order of occurrence, so the drawn
 * envelope keeps every extreme (a 10⁶-sample series becomes at most two points per column). Curves
 * that revisit columns (trajectories) can still exceed `maxPoints`; those are then thinned by
 * dropping points closer than a growing pixel tolerance to the last kept one.
 */
export function polylinePath(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  xs: Scale,
  ys: Scale,
  maxPoints = 2000,
): string {
  if (x.length !== y.length) {
    throw new RangeError(`polylinePath: x has ${x.length} values but y has ${y.length}`);
  }
  const runs = columnRuns(x, y, xs, ys);
  let total = runs.reduce((n, r) => n + r.length / 2, 0);
  let thinned = runs;
  // Beyond the figure's diagonal every run is already down to its end points.
  const diagonal = Math.hypot(xs.range[1] - xs.range[0], ys.range[1] - ys.range[0]);
  for (let tol = 1; total > maxPoints && tol <= 2 * diagonal; tol *= 1.5) {
    thinned = runs.map((r) => thinRun(r, tol));
    total = thinned.reduce((n, r) => n + r.length / 2, 0);
  }
  return thinned
    .filter((r) => r.length >= 4) // a lone point draws nothing as a stroke
    .map((r) => {
      let d = `M${fmt(r[0])} ${fmt(r[1])}`;
      for (let i = 2; i < r.length; i += 2) d += `L${fmt(r[i])} ${fmt(r[i + 1])}`;
      return d;
    })
    .join('');
}

/** Projected, column-reduced runs of finite points; each run is a flat [x0, y0, x1, y1, …]. */
function columnRuns(x: ArrayLike<number>, y: ArrayLike<number>, xs: Scale, ys: Scale): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  // The open column: its first point is kept as min or max; the pair is emitted in index order.
  let col = NaN;
  let minX = 0;
  let minY = 0;
  let minI = 0;
  let maxX = 0;
  let maxY = 0;
  let maxI = 0;
  const closeColumn = (): void => {
    if (Number.isNaN(col)) return;
    if (minI === maxI) run.push(minX, minY);
    else if (minI < maxI) run.push(minX, minY, maxX, maxY);
    else run.push(maxX, maxY, minX, minY);
    col = NaN;
  };
  for (let i = 0; i < x.length; i++) {
    const px = xs.map(x[i]);
    const py = ys.map(y[i]);
    if (!Number.isFinite(px) || !Number.isFinite(py)) {
      closeColumn();
      if (run.length > 0) runs.push(run);
      run = [];
      continue;
    }
    const c = Math.floor(px);
    if (c !== col) {
      closeColumn();
      col = c;
      minX = maxX = px;
      minY = maxY = py;
      minI = maxI = i;
    } else if (py < minY) {
      minX = px;
      minY = py;
      minI = i;
    } else if (py > maxY) {
      maxX = px;
      maxY = py;
      maxI = i;
    }
  }
  closeColumn();
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Keeps the ends of a run and every point at least `tol` pixels from the last kept one. */
function thinRun(run: number[], tol: number): number[] {
  if (run.length <= 4) return run;
  const out = [run[0], run[1]];
  let lx = run[0];
  let ly = run[1];
  for (let i = 2; i < run.length - 2; i += 2) {
    if (Math.hypot(run[i] - lx, run[i + 1] - ly) >= tol) {
      lx = run[i];
      ly = run[i + 1];
      out.push(lx, ly);
    }
  }
  out.push(run[run.length - 2], run[run.length - 1]);
  return out;
}
