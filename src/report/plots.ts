// Figure-level SVG plots for reports: line plots (latents vs time, errors, sweeps), spike rasters
// and trajectories in the (y^E, |y^I|) plane. Each returns a standalone SVG string whose size is
// bounded whatever the run length or network size: lines are downsampled per pixel column and
// rasters are drawn from a pixel grid with a cap on marks.

import type { SpikeTrain } from '../model/result.ts';
import {
  BOTTOM_AXIS_MARGIN,
  PALETTE,
  axis,
  axisTicks,
  clipPath,
  escapeXml,
  extent,
  fmt,
  header,
  legend,
  legendWidth,
  linearScale,
  logScale,
  paddedDomain,
  polylinePath,
  svgDocument,
  textWidth,
  verticalAxisMargin,
} from './svg.ts';
import type { Frame, LegendEntry, Scale, Tick } from './svg.ts';

// ---------------------------------------------------------------------------------------------
// Shared layout

const PAD = 16; // outer padding around everything
const LEGEND_GAP = 14;
/** Markers are meant for sparse sweeps (accuracy vs N); beyond this many a series draws none. */
const MAX_MARKERS = 1000;
const TRAJECTORY_POINTS = 8000;

function topMargin(hasSubtitle: boolean): number {
  return hasSubtitle ? 58 : 40;
}

function makeScale(domain: [number, number], range: [number, number], log: boolean): Scale {
  return log ? logScale(domain, range) : linearScale(domain, range);
}

function verticalTickTarget(frameHeight: number): number {
  return Math.max(3, Math.min(8, Math.round(frameHeight / 55)));
}

function horizontalTickTarget(frameWidth: number): number {
  return Math.max(3, Math.round(frameWidth / 90));
}

/**
 * Lays out a frame given the figure size, the y axes' ticks (their labels set the side margins)
 * and the legend width, and returns it with the x position of the legend.
 */
function layoutFrame(
  width: number,
  height: number,
  hasSubtitle: boolean,
  leftTicks: Tick[],
  rightTicks: Tick[] | null,
  legendW: number,
): { frame: Frame; legendX: number } {
  const left = PAD + verticalAxisMargin(leftTicks);
  const rightAxis = rightTicks ? verticalAxisMargin(rightTicks) : 0;
  const legendSpace = legendW > 0 ? legendW + LEGEND_GAP : 0;
  const top = topMargin(hasSubtitle);
  const frame = {
    left,
    top,
    width: Math.max(50, width - left - rightAxis - legendSpace - PAD),
    height: Math.max(50, height - top - BOTTOM_AXIS_MARGIN - PAD),
  };
  return { frame, legendX: frame.left + frame.width + rightAxis + LEGEND_GAP };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

// A white outline behind annotation text keeps it readable where it crosses the trajectory.
const HALO = 'stroke="#fff" stroke-width="3" paint-order="stroke"';

function checkLengths(what: string, x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (x.length !== y.length) {
    throw new RangeError(`${what}: x has ${x.length} values but y has ${y.length}`);
  }
}

function strokeAttrs(color: string, width: number, dashed: boolean | undefined): string {
  const dash = dashed ? ' stroke-dasharray="6 4"' : '';
  return `fill="none" stroke="${escapeXml(color)}" stroke-width="${fmt(width)}" stroke-linejoin="round"${dash}`;
}

function markerCircles(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  xs: Scale,
  ys: Scale,
  color: string,
): string {
  if (x.length > MAX_MARKERS) return '';
  let out = '';
  for (let i = 0; i < x.length; i++) {
    const px = xs.map(x[i]);
    const py = ys.map(y[i]);
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    out += `<circle cx="${fmt(px)}" cy="${fmt(py)}" r="3.5" fill="${escapeXml(color)}"/>`;
  }
  return out;
}

/**
 * Capped vertical bars from low[i] to high[i]. On a log scale an end at or below zero lies below
 * every drawable value, so the bar runs to the scale's low end (the clip path cuts it at the frame).
 */
function errorBars(
  x: ArrayLike<number>,
  low: ArrayLike<number>,
  high: ArrayLike<number>,
  xs: Scale,
  ys: Scale,
  color: string,
): string {
  if (x.length > MAX_MARKERS) return '';
  const end = (v: number): number => (ys.log && v <= 0 ? ys.range[0] : ys.map(v));
  const CAP = 3;
  let d = '';
  for (let i = 0; i < x.length; i++) {
    const px = xs.map(x[i]);
    const p0 = end(low[i]);
    const p1 = end(high[i]);
    if (!Number.isFinite(px) || !Number.isFinite(p0) || !Number.isFinite(p1)) continue;
    d += `M${fmt(px)} ${fmt(p0)}V${fmt(p1)}M${fmt(px - CAP)} ${fmt(p0)}h${2 * CAP}M${fmt(px - CAP)} ${fmt(p1)}h${2 * CAP}`;
  }
  return d === '' ? '' : `<path d="${d}" ${strokeAttrs(color, 1.2, false)}/>`;
}

// ---------------------------------------------------------------------------------------------
// Line plot

export interface LineSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
  dashed?: boolean;
  /** Stroke width in px (default 1.6). */
  width?: number;
  /** Draw a dot at every point (sparse sweeps only: skipped above 1000 points). */
  markers?: boolean;
  /** Error bars, drawn when both are given: a capped bar from low[i] to high[i] at x[i] (sparse sweeps only). */
  low?: ArrayLike<number>;
  high?: ArrayLike<number>;
}

export interface LinePlotOptions {
  title: string;
  subtitle?: string;
  /** Axis labels should carry units, e.g. 'time (ms)'; `^`/`_` markup renders as scripts. */
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  xRange?: [number, number];
  yRange?: [number, number];
  /** Log axes get decade ticks; non-positive values are not drawn (they break the line). */
  logX?: boolean;
  logY?: boolean;
  /** A second y axis on the right with its own series (listed in the legend as "(right)"). */
  secondaryY?: { label: string; series: LineSeries[]; range?: [number, number]; log?: boolean };
  width?: number;
  height?: number;
}

/** The values a series puts on its y axis: the line and its error bars. */
function yValues(s: LineSeries): ArrayLike<number>[] {
  return [s.y, ...(s.low && s.high ? [s.low, s.high] : [])];
}

export function linePlot(options: LinePlotOptions): string {
  const { title, subtitle, xLabel, yLabel, series, logX = false, logY = false, secondaryY } = options;
  const width = options.width ?? 820;
  const height = options.height ?? 460;
  const right = secondaryY?.series ?? [];
  for (const s of [...series, ...right]) {
    checkLengths(`linePlot series '${s.name}'`, s.x, s.y);
    if (s.low) checkLengths(`linePlot series '${s.name}' low`, s.x, s.low);
    if (s.high) checkLengths(`linePlot series '${s.name}' high`, s.x, s.high);
  }

  // Colours cycle over both axes so a secondary series never repeats a primary one's colour.
  const colorOf = (s: LineSeries, i: number): string => s.color ?? PALETTE[i % PALETTE.length];
  const entries: LegendEntry[] = [
    ...series.map((s, i) => ({ name: s.name, color: colorOf(s, i), dashed: s.dashed, width: s.width })),
    ...right.map((s, i) => ({
      name: `${s.name} (right)`,
      color: colorOf(s, series.length + i),
      dashed: s.dashed,
      width: s.width,
    })),
  ];

  const xDomain =
    options.xRange ??
    paddedDomain(
      extent(
        [...series, ...right].map((s) => s.x),
        logX,
      ),
      logX,
      0,
    );
  const yDomain =
    options.yRange ??
    paddedDomain(
      extent(
        series.flatMap((s) => yValues(s)),
        logY,
      ),
      logY,
      0.05,
    );
  const y2Log = secondaryY?.log ?? false;
  const y2Domain = secondaryY
    ? (secondaryY.range ??
      paddedDomain(
        extent(
          right.flatMap((s) => yValues(s)),
          y2Log,
        ),
        y2Log,
        0.05,
      ))
    : null;

  const frameHeight = height - topMargin(Boolean(subtitle)) - BOTTOM_AXIS_MARGIN - PAD;
  const yTicks = axisTicks(yDomain, logY, verticalTickTarget(frameHeight));
  const y2Ticks = y2Domain ? axisTicks(y2Domain, y2Log, verticalTickTarget(frameHeight)) : null;
  const { frame, legendX } = layoutFrame(
    width,
    height,
    Boolean(subtitle),
    yTicks,
    y2Ticks,
    legendWidth(entries),
  );
  const bottom = frame.top + frame.height;
  const xs = makeScale(xDomain, [frame.left, frame.left + frame.width], logX);
  const ys = makeScale(yDomain, [bottom, frame.top], logY);
  const clip = clipPath(frame);

  const body: string[] = [header(title, subtitle, width)];
  body.push(
    axis('bottom', xs, axisTicks(xDomain, logX, horizontalTickTarget(frame.width)), frame, xLabel, true),
  );
  body.push(axis('left', ys, yTicks, frame, yLabel, true));
  const lines: string[] = [];
  const draw = (s: LineSeries, color: string, yScale: Scale): void => {
    const d = polylinePath(s.x, s.y, xs, yScale);
    if (d !== '') lines.push(`<path d="${d}" ${strokeAttrs(color, s.width ?? 1.6, s.dashed)}/>`);
    if (s.markers) lines.push(markerCircles(s.x, s.y, xs, yScale, color));
    if (s.low && s.high) lines.push(errorBars(s.x, s.low, s.high, xs, yScale, color));
  };
  series.forEach((s, i) => draw(s, colorOf(s, i), ys));
  if (secondaryY && y2Domain && y2Ticks) {
    const y2s = makeScale(y2Domain, [bottom, frame.top], y2Log);
    body.push(axis('right', y2s, y2Ticks, frame, secondaryY.label, false));
    right.forEach((s, i) => draw(s, colorOf(s, series.length + i), y2s));
  }
  body.push(`<g clip-path="url(#${clip.id})">\n${lines.join('\n')}\n</g>`);
  body.push(legend(entries, legendX, frame.top));
  return svgDocument(width, height, clip.def, body.join('\n'));
}

// ---------------------------------------------------------------------------------------------
// Spike raster

export interface RasterPopulation {
  name: string;
  size: number;
  color: string;
  train: SpikeTrain;
}

export interface RasterPlotOptions {
  title: string;
  subtitle?: string;
  /** Time step in seconds (the run file's `dt`); the axis shows milliseconds. */
  dt: number;
  steps: number;
  /** Drawn top to bottom in this order. */
  populations: RasterPopulation[];
  /** Rows shown at most; larger networks show an evenly spaced subset (default 200). */
  maxNeurons?: number;
  /** Spike marks drawn at most, earliest first (default 20000). */
  maxMarks?: number;
  width?: number;
  height?: number;
}

export function rasterPlot(options: RasterPlotOptions): string {
  const { title, dt, steps, populations } = options;
  const width = options.width ?? 820;
  const height = options.height ?? 460;
  const maxMarks = options.maxMarks ?? 20000;
  if (!(dt > 0) || !(steps > 0)) {
    throw new RangeError(`rasterPlot: dt and steps must be positive, got dt = ${dt}, steps = ${steps}`);
  }
  const total = populations.reduce((n, p) => n + p.size, 0);
  const quotas = rowQuotas(
    populations.map((p) => p.size),
    options.maxNeurons ?? 200,
  );
  const rows = quotas.reduce((a, b) => a + b, 0);
  const notes: string[] = [];
  if (options.subtitle) notes.push(options.subtitle);
  if (rows < total) notes.push(`showing ${rows} of ${total} neurons (evenly spaced)`);

  const entries: LegendEntry[] = populations.map((p) => ({
    name: `${p.name}: ${plural(p.size, 'neuron')}, ${plural(p.train.step.length, 'spike')}`,
    color: p.color,
    kind: 'box',
  }));
  // The subtitle line is always reserved: a truncation note is only known after gridding.
  const { frame, legendX } = layoutFrame(width, height, true, [], null, legendWidth(entries));
  // Population names replace numeric ticks, so the left margin is sized by them.
  const nameW = Math.max(0, ...populations.map((p) => textWidth(p.name, 13)));
  frame.left += nameW;
  frame.width -= nameW;
  const tEndMs = steps * dt * 1000;
  const xs = linearScale([0, tEndMs], [frame.left, frame.left + frame.width]);
  const cols = Math.max(1, Math.floor(frame.width));
  const rowH = frame.height / Math.max(1, rows);

  // Spikes land on a rows × columns pixel grid: coincident marks merge, so the file size is bounded
  // by the grid whatever the spike count, and the cap below counts what would actually be drawn.
  const grid = new Uint8Array(Math.max(1, rows) * cols);
  const perCol = new Int32Array(cols);
  let rowBase = 0;
  populations.forEach((p, pi) => {
    const rowOf = subsetRows(p.size, quotas[pi]);
    const { step, neuron } = p.train;
    if (step.length !== neuron.length) {
      throw new RangeError(
        `rasterPlot: population '${p.name}' has ${step.length} steps but ${neuron.length} neurons`,
      );
    }
    for (let k = 0; k < step.length; k++) {
      const n = neuron[k];
      const s = step[k];
      if (!(n >= 0 && n < p.size)) {
        throw new RangeError(
          `rasterPlot: population '${p.name}' has neuron index ${n} outside [0, ${p.size})`,
        );
      }
      if (!(s >= 0 && s < steps)) {
        throw new RangeError(`rasterPlot: population '${p.name}' has spike step ${s} outside [0, ${steps})`);
      }
      const r = rowOf[n];
      if (r < 0) continue;
      const c = Math.min(cols - 1, Math.floor(((s * dt * 1000) / tEndMs) * cols));
      const cell = (rowBase + r) * cols + c;
      if (grid[cell] === 0) {
        grid[cell] = 1;
        perCol[c]++;
      }
    }
    rowBase += quotas[pi];
  });

  // Keep whole columns, earliest first, while the cap allows: a truncated raster is then a
  // faithful picture of the run's beginning rather than a thinned (rate-distorting) one.
  let drawnCols = 0;
  let marks = 0;
  let allMarks = 0;
  for (let c = 0; c < cols; c++) allMarks += perCol[c];
  while (drawnCols < cols && marks + perCol[drawnCols] <= maxMarks) marks += perCol[drawnCols++];
  const cutMs = (drawnCols / cols) * tEndMs;
  if (drawnCols < cols) {
    notes.push(
      `${marks} of ${allMarks} marks drawn (cap ${maxMarks}): spikes after ${cutMs.toFixed(1)} ms not shown`,
    );
  }

  const subtitle = notes.length > 0 ? notes.join(' · ') : undefined;
  const body: string[] = [header(title, subtitle, width)];
  const bottom = frame.top + frame.height;
  const markH = rowH >= 2 ? rowH * 0.8 : rowH;
  rowBase = 0;
  populations.forEach((p, pi) => {
    let d = '';
    for (let r = rowBase; r < rowBase + quotas[pi]; r++) {
      const y = frame.top + r * rowH + (rowH - markH) / 2;
      for (let c = 0; c < drawnCols; c++) {
        if (grid[r * cols + c] !== 0) d += `M${fmt(frame.left + c + 0.5)} ${fmt(y)}v${fmt(markH)}`;
      }
    }
    if (d !== '') {
      body.push(`<path d="${d}" stroke="${escapeXml(p.color)}" stroke-width="1.5" fill="none"/>`);
    }
    const bandTop = frame.top + rowBase * rowH;
    const bandMid = bandTop + (quotas[pi] * rowH) / 2;
    body.push(
      `<text x="${fmt(frame.left - 8)}" y="${fmt(bandMid + 4)}" text-anchor="end" font-size="13" fill="${escapeXml(p.color)}">${escapeXml(p.name)}</text>`,
    );
    if (pi > 0)
      body.push(
        `<path d="M${fmt(frame.left)} ${fmt(bandTop)}H${fmt(frame.left + frame.width)}" class="grid"/>`,
      );
    rowBase += quotas[pi];
  });
  if (drawnCols < cols) {
    const x = fmt(frame.left + drawnCols);
    body.push(
      `<path d="M${x} ${fmt(frame.top)}V${fmt(bottom)}" stroke="#888" stroke-dasharray="4 3" fill="none"/>`,
    );
  }
  body.push(
    axis(
      'bottom',
      xs,
      axisTicks([0, tEndMs], false, horizontalTickTarget(frame.width)),
      frame,
      'time (ms)',
      false,
    ),
  );
  body.push(`<path d="M${fmt(frame.left)} ${fmt(frame.top)}V${fmt(bottom)}" class="axis"/>`);
  body.push(
    `<text transform="translate(${fmt(frame.left - nameW - 24)} ${fmt(frame.top + frame.height / 2)}) rotate(-90)" text-anchor="middle" font-size="13">neuron</text>`,
  );
  body.push(legend(entries, legendX, frame.top));
  return svgDocument(width, height, '', body.join('\n'));
}

/**
 * Rows per population when at most `maxRows` fit: proportional to size (largest remainder), at
 * least one per non-empty population so a single special neuron (fig8's "E2") stays visible.
 */
export function rowQuotas(sizes: number[], maxRows: number): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total <= maxRows) return sizes.slice();
  const nonEmpty = sizes.filter((s) => s > 0).length;
  const budget = Math.max(maxRows, nonEmpty) - nonEmpty;
  const exact = sizes.map((s) => (s > 0 ? (budget * s) / total : 0));
  const quotas = sizes.map((s, i) => (s > 0 ? 1 + Math.floor(exact[i]) : 0));
  let left = budget - exact.reduce((n, e) => n + Math.floor(e), 0);
  const order = sizes.map((_, i) => i).sort((a, b) => (exact[b] % 1) - (exact[a] % 1));
  for (const i of order) {
    if (left === 0) break;
    if (sizes[i] > quotas[i]) {
      quotas[i]++;
      left--;
    }
  }
  return quotas;
}

/** Row of each neuron within its population's band, or −1 when it is not shown. */
function subsetRows(size: number, rows: number): Int32Array {
  const rowOf = new Int32Array(size).fill(-1);
  for (let j = 0; j < rows; j++) rowOf[Math.floor((j * size) / rows)] = j;
  return rowOf;
}

// ---------------------------------------------------------------------------------------------
// Latent plane

export interface PlaneCurve {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color: string;
  dashed?: boolean;
}

export interface PlanePlotOptions {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  trajectory: { x: ArrayLike<number>; y: ArrayLike<number>; name?: string; color?: string };
  /** Each population's boundary as a polyline computed by the caller. */
  boundaries: PlaneCurve[];
  markers?: { x: number; y: number; label: string; color?: string }[];
  /** Default: everything given (trajectory, boundaries, markers), padded by 5%. */
  xRange?: [number, number];
  yRange?: [number, number];
  width?: number;
  height?: number;
}

export function planePlot(options: PlanePlotOptions): string {
  const { title, subtitle, xLabel, yLabel, trajectory, boundaries } = options;
  const markers = options.markers ?? [];
  const width = options.width ?? 700;
  const height = options.height ?? 540;
  checkLengths('planePlot trajectory', trajectory.x, trajectory.y);
  for (const b of boundaries) checkLengths(`planePlot boundary '${b.name}'`, b.x, b.y);

  const trajColor = trajectory.color ?? '#333333';
  const entries: LegendEntry[] = [
    { name: trajectory.name ?? 'trajectory', color: trajColor, width: 1.2 },
    ...boundaries.map((b) => ({ name: b.name, color: b.color, dashed: b.dashed, width: 2 })),
  ];
  const xDomain =
    options.xRange ??
    paddedDomain(extent([trajectory.x, ...boundaries.map((b) => b.x), markers.map((m) => m.x)]), false, 0.05);
  const yDomain =
    options.yRange ??
    paddedDomain(extent([trajectory.y, ...boundaries.map((b) => b.y), markers.map((m) => m.y)]), false, 0.05);

  const frameHeight = height - topMargin(Boolean(subtitle)) - BOTTOM_AXIS_MARGIN - PAD;
  const yTicks = axisTicks(yDomain, false, verticalTickTarget(frameHeight));
  const { frame, legendX } = layoutFrame(
    width,
    height,
    Boolean(subtitle),
    yTicks,
    null,
    legendWidth(entries),
  );
  const xs = linearScale(xDomain, [frame.left, frame.left + frame.width]);
  const ys = linearScale(yDomain, [frame.top + frame.height, frame.top]);
  const clip = clipPath(frame);

  const body: string[] = [header(title, subtitle, width)];
  body.push(
    axis('bottom', xs, axisTicks(xDomain, false, horizontalTickTarget(frame.width)), frame, xLabel, true),
  );
  body.push(axis('left', ys, yTicks, frame, yLabel, true));
  const inside: string[] = [];
  for (const b of boundaries) {
    const d = polylinePath(b.x, b.y, xs, ys);
    if (d !== '') inside.push(`<path d="${d}" ${strokeAttrs(b.color, 2, b.dashed)}/>`);
  }
  // The trajectory goes on top of the boundaries: it is what the figure is about.
  // It also gets a larger point budget: a trajectory revisits pixels, so column reduction alone
  // does not bound it, and its fine structure is the point of the figure (~100 KB at most).
  const d = polylinePath(trajectory.x, trajectory.y, xs, ys, TRAJECTORY_POINTS);
  if (d !== '') inside.push(`<path d="${d}" ${strokeAttrs(trajColor, 1.2, false)}/>`);
  for (const m of markers) {
    const px = xs.map(m.x);
    const py = ys.map(m.y);
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    const color = escapeXml(m.color ?? '#000000');
    inside.push(
      `<circle cx="${fmt(px)}" cy="${fmt(py)}" r="4.5" fill="${color}" stroke="#fff" stroke-width="1"/>` +
        `<text x="${fmt(px + 7)}" y="${fmt(py - 7)}" font-size="12" fill="${color}" ${HALO}>${escapeXml(m.label)}</text>`,
    );
  }
  body.push(`<g clip-path="url(#${clip.id})">\n${inside.join('\n')}\n</g>`);
  body.push(legend(entries, legendX, frame.top));
  return svgDocument(width, height, clip.def, body.join('\n'));
}
