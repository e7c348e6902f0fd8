import assert from 'node:assert/strict';
import test from 'node:test';
import { PNG } from 'pngjs';
import { InputError } from '../../src/core/errors.ts';
import {
  barChart,
  barChartVegaLite,
  heatmap,
  heatmapVegaLite,
  lineChart,
  lineChartVegaLite,
  panelGrid,
} from '../../src/report/charts.ts';
import { svgToPng } from '../../src/report/png.ts';
import { vegaLiteToSvg, vegaLiteView } from '../../src/report/vegaSvg.ts';

const t = Array.from({ length: 41 }, (_, i) => i / 40);
const lineSpec = {
  title: 'Speeds',
  xLabel: 't / tau',
  yLabel: 'squared speed (a.u.)',
  series: [
    { name: 'v2^2', x: t, y: t.map((s) => 1 + s * s) },
    { name: 'v_loss^2', x: t, y: t.map((s) => Math.exp(-s)), dash: true },
  ],
};
const barSpec = {
  title: 'Chain',
  yLabel: 'value (a.u.)',
  categories: ['normal', 'uniform'],
  series: [
    { name: 'eta', values: [0.1, 0.2] },
    { name: 'c1', values: [0.3, 0.4] },
    { name: 'c2', values: [1.2, 1.3] },
  ],
};
const heatSpec = {
  xLabel: 'x1 (a.u.)',
  yLabel: 'x2 (a.u.)',
  x0: -5,
  x1: 5,
  y0: -5,
  y1: 5,
  nx: 4,
  ny: 3,
  values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  colorLabel: 'density',
};

function count(s: string, sub: string | RegExp): number {
  return s.split(sub).length - 1;
}

test('synchronous Vega-Lite rendering equals the asynchronous view.toSVG() (ESM + top-level await under tsx)', async () => {
  // Vega numbers clip paths and gradients with global counters (clip1, gradient_0, ...), so those
  // ids are normalised; everything else must be byte-identical.
  const norm = (s: string) => s.replace(/clip\d+/g, 'clipN').replace(/gradient_\d+/g, 'gradient_N');
  for (const spec of [lineChartVegaLite(lineSpec), barChartVegaLite(barSpec), heatmapVegaLite(heatSpec)]) {
    const expected = await vegaLiteView(spec).toSVG();
    const actual = vegaLiteToSvg(spec);
    assert.equal(typeof actual, 'string');
    assert.ok(norm(actual) === norm(expected), 'sync and async SVG differ');
  }
});

test('lineChart: title, axis titles, legend entries, one path per series, dashed series dashed, log axis', () => {
  const svg = lineChart(lineSpec);
  assert.ok(svg.startsWith('<svg'));
  for (const text of ['Speeds', 't / tau', 'squared speed (a.u.)', 'v2^2', 'v_loss^2']) assert.ok(svg.includes(`>${text}<`), `missing text ${text}`);
  // One line-mark group per series, one of them with a dash array.
  assert.equal(count(svg, 'class="mark-line role-mark marks"'), 2);
  assert.ok(count(svg, /stroke-dasharray="7,4"/g) >= 1, 'dashed series');
  assert.ok(svg.includes('DejaVu Sans'));
  const log = lineChart({ ...lineSpec, logY: true, series: [{ name: 'a', x: [0, 1, 2], y: [1e-3, 1, 1e3] }] });
  assert.ok(log.includes('>0.001<') && log.includes('>1000<'), 'log axis labels');
});

test('lineChart drops non-finite points and (with logY) y <= 0; errors for bad input', () => {
  const svg = lineChart({ xLabel: 'x', yLabel: 'y', series: [{ name: 'a', x: [0, 1, 2, 3], y: [1, Number.NaN, 2, 3] }] });
  assert.ok(svg.includes('<svg'));
  assert.throws(() => lineChart({ xLabel: 'x', yLabel: 'y', series: [] }), InputError);
  assert.throws(
    () => lineChart({ xLabel: 'x', yLabel: 'y', series: [{ name: 'a', x: [0, 1], y: [1] }] }),
    /series\[0\] \(a\): expected x and y of equal length, got 2 and 1/,
  );
  assert.throws(() => lineChart({ xLabel: 'x', yLabel: 'y', logY: true, series: [{ name: 'a', x: [0, 1], y: [0, -1] }] }), /log axis needs y > 0/);
  assert.throws(() => lineChart({ ...lineSpec, yDomain: [1, 0] }), /yDomain: expected \[lo, hi\] with lo < hi/);
  assert.throws(() => lineChart({ ...lineSpec, series: [lineSpec.series[0], lineSpec.series[0]] }), /duplicate series name/);
  assert.throws(() => lineChart({ ...lineSpec, width: 5 }), /width in \[20, 10000\]/);
});

test('barChart: one bar per category and series, legend, errors for wrong lengths and log of non-positive values', () => {
  const svg = barChart(barSpec);
  for (const text of ['Chain', 'value (a.u.)', 'eta', 'c1', 'c2', 'normal', 'uniform']) assert.ok(svg.includes(`>${text}<`), `missing ${text}`);
  // One bar item per category and series: 2 x 3.
  assert.equal(count(svg, 'aria-roledescription="bar"'), 6);
  // Log axis: bars are drawn (no NaN geometry from stacking on a log scale), decade labels only,
  // and the axis starts at least half a decade below the smallest bar (0.001 -> 1e-4).
  const log = barChart({ ...barSpec, logY: true, series: [{ name: 'eta', values: [0.001, 0.1] }, { name: 'c2', values: [1, 10] }] });
  assert.equal(count(log, 'aria-roledescription="bar"'), 4);
  // Bars must have area: count pixels of the first two palette colours in the rendered PNG. The
  // smallest bar (0.001 on an axis from 1e-4 to 10) is 1/5 of the plot height, >= 1000 px at scale 1.
  const png = PNG.sync.read(Buffer.from(svgToPng(log, { scale: 1 })));
  for (const [r, g, b] of [
    [0x4e, 0x79, 0xa7],
    [0xf2, 0x8e, 0x2b],
  ]) {
    let n = 0;
    for (let i = 0; i < png.width * png.height; i++) {
      if (Math.abs(png.data[4 * i] - r) + Math.abs(png.data[4 * i + 1] - g) + Math.abs(png.data[4 * i + 2] - b) < 12) n++;
    }
    assert.ok(n > 2000, `pixels of bar colour ${[r, g, b]}: ${n}`);
  }
  const labels = [...log.matchAll(/role-axis-label[\s\S]*?<\/g>/g)].map((m) => [...m[0].matchAll(/>([^<]+)<\/text>/g)].map((x) => x[1]));
  assert.ok(labels.some((l) => l.join(',') === '0.0001,0.001,0.01,0.1,1,10'), `log axis labels ${JSON.stringify(labels)}`);
  assert.throws(() => barChart({ ...barSpec, series: [{ name: 'eta', values: [1] }] }), /expected 2 values \(one per category\), got 1/);
  assert.throws(() => barChart({ ...barSpec, logY: true, series: [{ name: 'x', values: [1, 0] }] }), /log axis needs values > 0/);
  assert.throws(() => barChart({ ...barSpec, series: [{ name: 'x', values: [1, Number.NaN] }] }), /finite values, got NaN/);
  assert.throws(() => barChart({ ...barSpec, categories: [] }), InputError);
});

test('heatmap: nx*ny cells, colour legend title, NaN cells blank; errors for size mismatch and bad ranges', () => {
  const svg = heatmap(heatSpec);
  assert.ok(svg.includes('>density<') && svg.includes('>x1 (a.u.)<'));
  const group = svg.slice(svg.indexOf('class="mark-rect role-mark marks"'));
  assert.equal(count(group.slice(0, group.indexOf('</g>')), '<path'), 12);
  const withNaN = heatmap({ ...heatSpec, values: heatSpec.values.map((v) => (v === 5 ? Number.NaN : v)) });
  const g2 = withNaN.slice(withNaN.indexOf('class="mark-rect role-mark marks"'));
  assert.equal(count(g2.slice(0, g2.indexOf('</g>')), '<path'), 11);
  assert.throws(() => heatmap({ ...heatSpec, nx: 5 }), /expected nx\*ny = 15 values, got 12/);
  assert.throws(() => heatmap({ ...heatSpec, x1: -6 }), /x0 < x1/);
  assert.throws(() => heatmap({ ...heatSpec, ny: 0 }), InputError);
});

test('panelGrid: lays panels out in a grid, keeps ids unique, renders to PNG of the combined size', () => {
  const a = lineChart(lineSpec);
  const b = barChart(barSpec);
  const c = heatmap(heatSpec);
  const grid = panelGrid([a, b, c], 2, 'Combined');
  const size = (s: string) => {
    const tag = s.slice(0, s.indexOf('>'));
    return [Number(/width="([\d.]+)"/.exec(tag)![1]), Number(/height="([\d.]+)"/.exec(tag)![1])];
  };
  const [wa, ha] = size(a);
  const [wb, hb] = size(b);
  const [wc, hc] = size(c);
  const [W, H] = size(grid);
  // Columns take the widest panel, rows the tallest; 10 px gaps; 34 px title band.
  assert.equal(W, Math.max(wa, wc) + wb + 30);
  assert.equal(H, 34 + Math.max(ha, hb) + hc + 30);
  const ids = [...grid.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  for (const m of grid.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids.includes(m[1]), `dangling reference ${m[1]}`);
  const png = PNG.sync.read(Buffer.from(svgToPng(grid, { scale: 1 })));
  assert.equal(png.width, Math.round(W));
  assert.equal(png.height, Math.round(H));
  assert.throws(() => panelGrid([], 2), InputError);
  assert.throws(() => panelGrid([a], 0), /cols a positive integer/);
  assert.throws(() => panelGrid(['<p>not svg</p>'], 1), /expected an SVG document/);
});
