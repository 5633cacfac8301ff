import { describe, expect, it } from 'vitest';
import { linePlot, planePlot, rasterPlot, rowQuotas } from '../../src/report/plots.ts';

/**
 * A small well-formedness check (no XML parser among the dependencies): tags balance, attributes
 * are quoted, text and attribute values hold no raw `<` or `>` and every `&` starts an entity, and
 * there is a single <svg> root.
 */
function expectWellFormed(svg: string): void {
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g;
  const badAmp = /&(?!(?:amp|lt|gt|quot|apos|#\d+);)/;
  const stack: string[] = [];
  let roots = 0;
  let last = 0;
  for (let m = tag.exec(svg); m !== null; m = tag.exec(svg)) {
    const text = svg.slice(last, m.index);
    expect(text, `text before <${m[2]}>`).not.toMatch(/[<>]/);
    expect(text, `text before <${m[2]}>`).not.toMatch(badAmp);
    for (const a of m[3].matchAll(/="([^"]*)"/g)) {
      expect(a[1]).not.toMatch(/[<>]/);
      expect(a[1]).not.toMatch(badAmp);
    }
    const [, closing, name, , selfClosing] = m;
    if (closing) expect(stack.pop(), `closing </${name}>`).toBe(name);
    else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
    last = tag.lastIndex;
  }
  expect(svg.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  expect(svg.trimStart().startsWith('<svg ')).toBe(true);
}

/** Contents of the <text> elements, tags stripped and entities decoded. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/g)].map((m) =>
    m[1]
      .replace(/<[^>]*>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&'),
  );
}

const ramp = (n: number, scale = 1): Float64Array => Float64Array.from({ length: n }, (_, i) => i * scale);

describe('linePlot', () => {
  const basic = {
    title: 'latents vs time',
    xLabel: 'time (ms)',
    yLabel: 'y^E (a.u.)',
    series: [
      { name: 'y^E', x: ramp(100), y: ramp(100).map(Math.sin) },
      { name: 'target', x: ramp(100), y: ramp(100).map(Math.cos), dashed: true, color: '#000' },
    ],
  };

  it('is a standalone, well-formed SVG with size, viewBox and a white background', () => {
    const svg = linePlot(basic);
    expectWellFormed(svg);
    expect(svg).toMatch(
      /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="820" height="460" viewBox="0 0 820 460"/,
    );
    expect(svg).toContain('<rect width="100%" height="100%" fill="#fff"/>');
  });

  it('shows the title, axis labels with units, and every series in the legend', () => {
    const t = texts(linePlot(basic));
    expect(t).toContain('latents vs time');
    expect(t).toContain('time (ms)');
    expect(t).toContain('yE (a.u.)'); // "^E" became a superscript tspan
    expect(t).toContain('yE');
    expect(t).toContain('target');
  });

  it('draws dashed series dashed', () => {
    expect(linePlot(basic)).toMatch(/stroke="#000"[^>]*stroke-dasharray="6 4"/);
  });

  it('escapes <&> in the title, labels and series names', () => {
    const svg = linePlot({
      ...basic,
      title: 'a <b> & c',
      xLabel: 'x <&>',
      series: [{ name: 'y < 0 & y > 1', x: [0, 1], y: [0, 1] }],
    });
    expectWellFormed(svg);
    expect(svg).toContain('a &lt;b&gt; &amp; c');
    expect(svg).toContain('x &lt;&amp;&gt;');
    expect(texts(svg)).toContain('y < 0 & y > 1');
  });

  it('keeps the global minimum and maximum of a 10⁶-point noisy series in the drawn path', () => {
    const n = 1_000_000;
    let seed = 99;
    const y = Float64Array.from({ length: n }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    });
    y[400_001] = 5;
    y[900_003] = -4;
    const svg = linePlot({
      title: 'noise',
      xLabel: 't (ms)',
      yLabel: 'v',
      series: [{ name: 'v', x: ramp(n), y }],
    });
    expectWellFormed(svg);
    expect(svg.length).toBeLessThan(100_000);
    const d = /<path d="(M[^"]*)" fill="none"/.exec(svg)![1];
    const ys = [...d.matchAll(/[ML]-?[\d.]+ (-?[\d.]+)/g)].map((m) => Number(m[1]));
    expect(ys.length).toBeLessThanOrEqual(2000);
    // The y axis spans [-4.45, 5.45] (5% padding) over the frame, so the extremes sit 5% inside it.
    const top = Math.min(...ys);
    const bottom = Math.max(...ys);
    const span = bottom - top;
    expect(span).toBeGreaterThan(200);
    // 5 and -4 map to the path's extreme pixels: the values in between form the bulk at [0, 1].
    const at = (v: number): number => bottom - ((v + 4) / 9) * span;
    const bulk = ys.filter((p) => p !== top && p !== bottom);
    expect(Math.min(...bulk)).toBeGreaterThanOrEqual(at(1) - 0.02);
    expect(Math.max(...bulk)).toBeLessThanOrEqual(at(0) + 0.02);
  });

  it('prints no NaN or Infinity when inputs contain them, even an all-NaN series or a log axis with zeros', () => {
    const svg = linePlot({
      title: 'bad data',
      xLabel: 'N',
      yLabel: 'error',
      logX: true,
      logY: true,
      series: [
        { name: 'mixed', x: [0, 1, 10, NaN, 100, Infinity], y: [1, NaN, 0.1, 2, -1, 3], markers: true },
        { name: 'nothing finite', x: [NaN, NaN], y: [NaN, NaN] },
      ],
      secondaryY: { label: 'other', series: [{ name: 'inf', x: [1, 2], y: [Infinity, -Infinity] }] },
    });
    expectWellFormed(svg);
    expect(svg).not.toMatch(/NaN|Infinity/);
    const empty = linePlot({ title: 'empty', xLabel: 'x', yLabel: 'y', series: [] });
    expectWellFormed(empty);
    expect(empty).not.toMatch(/NaN|Infinity/);
  });

  it('puts log-axis tick labels at decades', () => {
    const N = [1e2, 1e3, 1e4, 1e5, 1e6];
    const svg = linePlot({
      title: 'accuracy vs N',
      xLabel: 'N (neurons)',
      yLabel: 'RMSE',
      logX: true,
      logY: true,
      series: [{ name: 'rmse', x: N, y: N.map((v) => 1 / Math.sqrt(v)), markers: true }],
    });
    expectWellFormed(svg);
    const t = texts(svg);
    for (const label of ['10²', '10³', '10⁴', '10⁵', '10⁶', '10⁻¹', '10⁻²']) expect(t).toContain(label);
    // Labels at decades only: nothing like "2000" or "0.005" on these axes.
    const tickLabels = t.filter((s) => /^[\d.−⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+$/.test(s));
    expect(tickLabels.every((s) => /^10[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+$/.test(s))).toBe(true);
    // Decades are evenly spaced on the x axis.
    const xs = [...svg.matchAll(/<text x="([\d.]+)"[^>]*>10[⁰¹²³⁴⁵⁶⁷⁸⁹]+<\/text>/g)].map((m) => Number(m[1]));
    const gaps = xs.slice(1).map((x, i) => x - xs[i]);
    for (const g of gaps) expect(g).toBeCloseTo(gaps[0], 1);
  });

  it('adds a labelled right axis for secondary series', () => {
    const svg = linePlot({
      ...basic,
      secondaryY: { label: 'input x', series: [{ name: 'x', x: ramp(100), y: ramp(100, -0.01) }] },
    });
    expectWellFormed(svg);
    expect(texts(svg)).toContain('input x');
    expect(texts(svg)).toContain('x (right)');
  });

  it('refuses a series whose x and y differ in length, naming it', () => {
    expect(() => linePlot({ ...basic, series: [{ name: 'broken', x: [1, 2], y: [1] }] })).toThrow(/'broken'/);
  });
});

describe('rasterPlot', () => {
  /** `count` spikes spread over neurons and steps deterministically. */
  const train = (size: number, steps: number, count: number) => ({
    step: Int32Array.from({ length: count }, (_, k) => Math.floor((k * steps) / count)),
    neuron: Int32Array.from({ length: count }, (_, k) => (k * 7919) % size),
  });

  it('draws every neuron and says nothing about subsets at or below maxNeurons', () => {
    const svg = rasterPlot({
      title: 'small raster',
      dt: 1e-4,
      steps: 1000,
      populations: [
        { name: 'E', size: 150, color: '#d62728', train: train(150, 1000, 300) },
        { name: 'I', size: 50, color: '#1f77b4', train: train(50, 1000, 300) },
      ],
    });
    expectWellFormed(svg);
    expect(svg).not.toContain('showing');
    expect(texts(svg)).toContain('small raster');
    expect(texts(svg)).toContain('time (ms)');
    expect(texts(svg)).toContain('E: 150 neurons, 300 spikes');
    // 1000 steps of 0.1 ms: the time axis ends at 100 ms.
    expect(texts(svg)).toContain('100');
  });

  it('shows an evenly spaced subset above maxNeurons and says so', () => {
    const svg = rasterPlot({
      title: 'big raster',
      dt: 1e-4,
      steps: 1000,
      populations: [
        { name: 'E', size: 8000, color: '#d62728', train: train(8000, 1000, 5000) },
        { name: 'I', size: 2000, color: '#1f77b4', train: train(2000, 1000, 5000) },
      ],
    });
    expectWellFormed(svg);
    expect(svg).toContain('showing 200 of 10000 neurons');
  });

  it('caps the drawn marks, earliest first, and notes the truncation', () => {
    const steps = 100_000;
    const svg = rasterPlot({
      title: 'huge run',
      dt: 1e-4,
      steps,
      maxMarks: 5000,
      populations: [{ name: 'E', size: 1000, color: '#d62728', train: train(1000, steps, 2_000_000) }],
    });
    expectWellFormed(svg);
    const d = /<path d="([^"]*)" stroke="#d62728"/.exec(svg)![1];
    const marks = (d.match(/M/g) ?? []).length;
    expect(marks).toBeLessThanOrEqual(5000);
    expect(marks).toBeGreaterThan(4000);
    expect(svg).toMatch(/\d+ of \d+ marks drawn \(cap 5000\): spikes after [\d.]+ ms not shown/);
    expect(svg.length).toBeLessThan(200_000);
  });

  it('bounds the file by the pixel grid even without a cap', () => {
    const svg = rasterPlot({
      title: 'dense',
      dt: 1e-4,
      steps: 10_000,
      maxMarks: Infinity,
      populations: [{ name: 'I', size: 200, color: '#1f77b4', train: train(200, 10_000, 1_000_000) }],
    });
    const d = /<path d="([^"]*)" stroke="#1f77b4"/.exec(svg)![1];
    // One mark per occupied cell of the 200-row grid (≤ 820 columns), not one per spike (10⁶).
    expect((d.match(/M/g) ?? []).length).toBeLessThanOrEqual(200 * 820);
  });

  it('refuses spikes outside the population or the run', () => {
    const bad = (step: number, neuron: number) => () =>
      rasterPlot({
        title: 'bad',
        dt: 1e-4,
        steps: 10,
        populations: [
          {
            name: 'I',
            size: 5,
            color: '#1f77b4',
            train: { step: Int32Array.of(step), neuron: Int32Array.of(neuron) },
          },
        ],
      });
    expect(bad(1, 5)).toThrow(/'I' has neuron index 5 outside \[0, 5\)/);
    expect(bad(10, 0)).toThrow(/'I' has spike step 10 outside \[0, 10\)/);
  });
});

describe('rowQuotas', () => {
  it('keeps all rows when they fit', () => {
    expect(rowQuotas([50, 1, 50], 200)).toEqual([50, 1, 50]);
  });

  it('splits maxRows proportionally, keeping at least one row for a tiny population', () => {
    const q = rowQuotas([10_000, 1, 2_500], 200);
    expect(q.reduce((a, b) => a + b, 0)).toBe(200);
    expect(q[1]).toBe(1);
    expect(q[0] / q[2]).toBeCloseTo(4, 0);
  });
});

describe('planePlot', () => {
  it('draws the trajectory, both boundaries and labelled markers, well-formed and free of NaN', () => {
    const n = 10_000;
    const x = Float64Array.from({ length: n }, (_, i) => 2 + Math.exp(-i / 2000) * Math.cos(i / 100));
    const y = Float64Array.from({ length: n }, (_, i) => 3 + Math.exp(-i / 2000) * Math.sin(i / 100));
    x[5000] = NaN;
    const svg = planePlot({
      title: 'fig4 plane',
      xLabel: 'y^E',
      yLabel: '|y^I|',
      trajectory: { x, y },
      boundaries: [
        { name: 'E boundary', x: [0, 5], y: [-1, 9], color: '#d62728' },
        { name: 'I boundary', x: [0, 5], y: [0, 7.5], color: '#1f77b4', dashed: true },
      ],
      markers: [{ x: 2, y: 3, label: 'intersection (2, 3)' }],
    });
    expectWellFormed(svg);
    expect(svg).not.toMatch(/NaN|Infinity/);
    const t = texts(svg);
    for (const s of [
      'fig4 plane',
      'yE',
      '|yI|',
      'trajectory',
      'E boundary',
      'I boundary',
      'intersection (2, 3)',
    ]) {
      expect(t).toContain(s);
    }
    expect(svg).toMatch(/stroke="#1f77b4"[^>]*stroke-dasharray/);
    expect(svg.length).toBeLessThan(200_000);
  });
});
