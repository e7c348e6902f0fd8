/**
 * Report charts as SVG strings: line charts, grouped bar charts, heat maps, and a grid of panels.
 * Rendered with Vega-Lite/Vega (see vegaSvg.ts), DejaVu Sans, readable font sizes. Units such as
 * "a.u." belong in the labels the caller passes.
 */
import { InputError } from '../core/errors.ts';
import { type VegaLiteSpec, vegaLiteToSvg } from './vegaSvg.ts';

/** Font used in every chart (installed with Debian's fonts-dejavu-core; resvg finds it). */
export const CHART_FONT = 'DejaVu Sans';

/** Vega-Lite config shared by every thermodiff chart (fonts, sizes, colours of axes and grid). */
export const CHART_CONFIG = {
  font: CHART_FONT,
  background: 'white',
  padding: 8,
  title: { fontSize: 15, fontWeight: 'bold', anchor: 'start', offset: 10 },
  axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'normal', gridColor: '#e6e6e6', tickColor: '#888', domainColor: '#888' },
  legend: { labelFontSize: 12, titleFontSize: 12, symbolStrokeWidth: 2.5, symbolSize: 200, labelLimit: 260 },
  view: { stroke: '#bbb' },
  line: { strokeWidth: 2.2 },
} as const;

/** Colour-blind-safe categorical palette (Tableau 10). */
export const CHART_PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** One line of a {@link lineChart}. */
export interface LineSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Draw dashed (e.g. for a bound or a reference curve). */
  dash?: boolean;
}

/** Input of {@link lineChart}. */
export interface LineChartSpec {
  title?: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  /** Logarithmic y axis (points with y <= 0 are dropped). */
  logY?: boolean;
  /** Fixed y range; points outside are clipped. */
  yDomain?: [number, number];
  /** Fixed x range. */
  xDomain?: [number, number];
  /** Plot-area width in px. @default 460 */
  width?: number;
  /** Plot-area height in px. @default 280 */
  height?: number;
}

function checkSize(v: number | undefined, name: string, where: string): void {
  if (v !== undefined && !(Number.isFinite(v) && v >= 20 && v <= 10000)) {
    throw new InputError(`expected ${name} in [20, 10000] px, got ${v}`, where);
  }
}

/**
 * Axis settings for a log axis: ticks, labels and grid lines at powers of ten only (every m-th
 * decade so that there are at most 8), instead of Vega's crowded 1-2-5 minor ticks.
 */
function logAxis(lo: number, hi: number): Record<string, unknown> {
  const k0 = Math.floor(Math.log10(lo));
  const k1 = Math.ceil(Math.log10(hi));
  if (!(Number.isFinite(k0) && Number.isFinite(k1)) || k1 - k0 < 2) return { format: '~g' };
  const step = Math.ceil((k1 - k0 + 1) / 8);
  const values: number[] = [];
  for (let k = k1; k >= k0; k -= step) values.unshift(10 ** k);
  const small = values.every((v) => v >= 0.99e-4 && v <= 1.01e5);
  return { values, format: small ? '~g' : '.0e' };
}

function titleOf(title: string | undefined): { title?: string } {
  return title ? { title } : {};
}

/**
 * Line chart with one coloured line per series (dashed when `dash`), a legend, axis titles,
 * optional log y axis. Points are joined in the order given; non-finite points (and y <= 0 with
 * logY) are dropped, so gaps are bridged.
 * @returns an SVG document as a string.
 * @throws InputError if there are no series, x and y lengths differ, a domain is invalid, or a
 *   series has no plottable point.
 */
export function lineChart(spec: LineChartSpec): string {
  return vegaLiteToSvg(lineChartVegaLite(spec));
}

/** The Vega-Lite specification behind {@link lineChart} (same validation), e.g. to embed it in HTML. */
export function lineChartVegaLite(spec: LineChartSpec): VegaLiteSpec {
  const where = 'lineChart';
  if (!spec.series || spec.series.length === 0) throw new InputError('expected at least one series', where);
  checkSize(spec.width, 'width', where);
  checkSize(spec.height, 'height', where);
  const values: { x: number; y: number; s: string; i: number }[] = [];
  const names: string[] = [];
  for (const [k, s] of spec.series.entries()) {
    if (s.x.length !== s.y.length) {
      throw new InputError(`expected x and y of equal length, got ${s.x.length} and ${s.y.length}`, `${where}: series[${k}] (${s.name})`);
    }
    if (names.includes(s.name)) throw new InputError(`duplicate series name ${JSON.stringify(s.name)}`, `${where}: series[${k}]`);
    names.push(s.name);
    let kept = 0;
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i];
      const y = s.y[i];
      if (!Number.isFinite(x) || !Number.isFinite(y) || (spec.logY && y <= 0)) continue;
      values.push({ x, y, s: s.name, i });
      kept++;
    }
    if (kept === 0) throw new InputError('series has no finite point to plot' + (spec.logY ? ' (log axis needs y > 0)' : ''), `${where}: series[${k}] (${s.name})`);
  }
  for (const [name, d] of [['yDomain', spec.yDomain], ['xDomain', spec.xDomain]] as const) {
    if (d && !(Number.isFinite(d[0]) && Number.isFinite(d[1]) && d[0] < d[1] && (!spec.logY || name !== 'yDomain' || d[0] > 0))) {
      throw new InputError(`expected [lo, hi] with lo < hi${spec.logY && name === 'yDomain' ? ' and lo > 0' : ''}, got [${d}]`, `${where}: ${name}`);
    }
  }
  const colors = names.map((_, i) => CHART_PALETTE[i % CHART_PALETTE.length]);
  const dashes = spec.series.map((s) => (s.dash ? [7, 4] : [1, 0]));
  let yLo = Infinity;
  let yHi = -Infinity;
  for (const v of values) {
    yLo = Math.min(yLo, v.y);
    yHi = Math.max(yHi, v.y);
  }
  if (spec.yDomain) [yLo, yHi] = spec.yDomain;
  const vlSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...titleOf(spec.title),
    width: spec.width ?? 460,
    height: spec.height ?? 280,
    data: { values },
    mark: { type: 'line', clip: true },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: spec.xLabel,
        scale: { zero: false, nice: !spec.xDomain, ...(spec.xDomain ? { domain: spec.xDomain } : {}) },
        axis: { tickCount: 8 },
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: spec.yLabel,
        scale: { type: spec.logY ? 'log' : 'linear', ...(spec.logY ? {} : { zero: false }), ...(spec.yDomain ? { domain: spec.yDomain } : {}) },
        ...(spec.logY ? { axis: logAxis(yLo, yHi) } : {}),
      },
      color: { field: 's', type: 'nominal', title: null, scale: { domain: names, range: colors }, legend: names.length > 1 ? { orient: 'right' } : null },
      strokeDash: { field: 's', type: 'nominal', title: null, scale: { domain: names, range: dashes }, legend: names.length > 1 ? { orient: 'right' } : null },
      order: { field: 'i', type: 'quantitative' },
    },
    config: CHART_CONFIG,
  } as unknown as VegaLiteSpec;
  return vlSpec;
}

/** Input of {@link barChart}. */
export interface BarChartSpec {
  title?: string;
  yLabel: string;
  /** Groups along the x axis, in this order. */
  categories: string[];
  /** One bar per category per series; values[i] belongs to categories[i]. */
  series: { name: string; values: number[] }[];
  /** Logarithmic y axis (values must be > 0). */
  logY?: boolean;
  /** x-axis title. @default none */
  xLabel?: string;
  /** Plot-area width in px. @default 60 px per category, at least 300 */
  width?: number;
  /** Plot-area height in px. @default 260 */
  height?: number;
}

/**
 * Grouped bar chart: categories along x, one coloured bar per series inside each group, legend.
 * @returns an SVG document as a string.
 * @throws InputError for no categories or series, a values array of the wrong length, non-finite
 *   values, or values <= 0 with logY.
 */
export function barChart(spec: BarChartSpec): string {
  return vegaLiteToSvg(barChartVegaLite(spec));
}

/** The Vega-Lite specification behind {@link barChart} (same validation), e.g. to embed it in HTML. */
export function barChartVegaLite(spec: BarChartSpec): VegaLiteSpec {
  const where = 'barChart';
  if (!spec.categories || spec.categories.length === 0) throw new InputError('expected at least one category', where);
  if (!spec.series || spec.series.length === 0) throw new InputError('expected at least one series', where);
  checkSize(spec.width, 'width', where);
  checkSize(spec.height, 'height', where);
  const values: { c: string; s: string; v: number }[] = [];
  const names = spec.series.map((s) => s.name);
  for (const [k, s] of spec.series.entries()) {
    const w = `${where}: series[${k}] (${s.name})`;
    if (s.values.length !== spec.categories.length) {
      throw new InputError(`expected ${spec.categories.length} values (one per category), got ${s.values.length}`, w);
    }
    for (const [i, v] of s.values.entries()) {
      if (!Number.isFinite(v)) throw new InputError(`expected finite values, got ${v} at index ${i}`, w);
      if (spec.logY && !(v > 0)) throw new InputError(`log axis needs values > 0, got ${v} at index ${i}`, w);
      values.push({ c: spec.categories[i], s: s.name, v });
    }
  }
  const colors = names.map((_, i) => CHART_PALETTE[i % CHART_PALETTE.length]);
  // Log bars start at the bottom of the axis: put it at least half a decade below the smallest bar.
  let vMin = Infinity;
  let vMax = -Infinity;
  for (const v of values) {
    vMin = Math.min(vMin, v.v);
    vMax = Math.max(vMax, v.v);
  }
  const logDomain = [10 ** Math.floor(Math.log10(vMin) - 0.3), 10 ** Math.ceil(Math.log10(vMax))];
  const vlSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...titleOf(spec.title),
    width: spec.width ?? Math.max(300, 60 * spec.categories.length * Math.max(1, names.length / 2)),
    height: spec.height ?? 260,
    data: { values },
    mark: { type: 'bar', cornerRadiusEnd: 1 },
    encoding: {
      x: {
        field: 'c',
        type: 'nominal',
        title: spec.xLabel ?? null,
        sort: spec.categories,
        axis: { labelAngle: 0, labelFontSize: 12, labelLimit: 200 },
        scale: { paddingInner: 0.25 },
      },
      xOffset: { field: 's', type: 'nominal', sort: names, scale: { paddingInner: 0.05 } },
      y: {
        field: 'v',
        type: 'quantitative',
        title: spec.yLabel,
        stack: null,
        scale: spec.logY ? { type: 'log', domain: logDomain } : { zero: true, nice: 5 },
        ...(spec.logY ? { axis: logAxis(logDomain[0], logDomain[1]) } : {}),
      },
      color: { field: 's', type: 'nominal', title: null, scale: { domain: names, range: colors }, legend: { orient: 'right' } },
      tooltip: [{ field: 'v', type: 'quantitative' }],
    },
    config: CHART_CONFIG,
  } as unknown as VegaLiteSpec;
  return vlSpec;
}

/** Input of {@link heatmap}. */
export interface HeatmapSpec {
  title?: string;
  xLabel: string;
  yLabel: string;
  /** Cell grid covers [x0, x1] x [y0, y1] with nx x ny equal cells. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  nx: number;
  ny: number;
  /** Row-major, values[iy * nx + ix]; iy = 0 is the bottom row (y near y0). Non-finite cells are left blank. */
  values: ArrayLike<number>;
  /** Title of the colour legend. */
  colorLabel?: string;
  /** Vega colour scheme name. @default 'viridis' */
  scheme?: string;
  /** Logarithmic colour scale (cells <= 0 blank). @default false */
  logColor?: boolean;
  /** Plot-area width in px. @default 300 */
  width?: number;
  /** Plot-area height in px. @default same aspect as the data ranges, at most 400 */
  height?: number;
}

/**
 * Heat map of gridded values (e.g. a density on [-5, 5]^2) with numeric axes and a colour legend.
 * @returns an SVG document as a string.
 * @throws InputError if the grid size does not match values.length, or the ranges are invalid.
 */
export function heatmap(spec: HeatmapSpec): string {
  return vegaLiteToSvg(heatmapVegaLite(spec));
}

/** The Vega-Lite specification behind {@link heatmap} (same validation), e.g. to embed it in HTML. */
export function heatmapVegaLite(spec: HeatmapSpec): VegaLiteSpec {
  const where = 'heatmap';
  const { nx, ny, x0, x1, y0, y1 } = spec;
  if (!(Number.isInteger(nx) && nx > 0 && Number.isInteger(ny) && ny > 0)) {
    throw new InputError(`expected positive integers nx, ny, got nx = ${nx}, ny = ${ny}`, where);
  }
  if (spec.values.length !== nx * ny) throw new InputError(`expected nx*ny = ${nx * ny} values, got ${spec.values.length}`, where);
  if (!(Number.isFinite(x0) && Number.isFinite(x1) && x0 < x1 && Number.isFinite(y0) && Number.isFinite(y1) && y0 < y1)) {
    throw new InputError(`expected finite ranges with x0 < x1 and y0 < y1, got [${x0}, ${x1}] x [${y0}, ${y1}]`, where);
  }
  checkSize(spec.width, 'width', where);
  checkSize(spec.height, 'height', where);
  const dx = (x1 - x0) / nx;
  const dy = (y1 - y0) / ny;
  const values: { a: number; b: number; c: number; d: number; v: number }[] = [];
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) {
      const v = spec.values[iy * nx + ix];
      if (!Number.isFinite(v) || (spec.logColor && v <= 0)) continue;
      values.push({ a: x0 + ix * dx, b: x0 + (ix + 1.25) * dx, c: y0 + iy * dy, d: y0 + (iy + 1.25) * dy, v });
    }
  }
  const width = spec.width ?? 300;
  const height = spec.height ?? Math.min(400, Math.round((width * (y1 - y0)) / (x1 - x0)));
  const colorScale = { scheme: spec.scheme ?? 'viridis', type: spec.logColor ? 'log' : 'linear', ...(spec.logColor ? {} : { zero: true }) };
  const vlSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...titleOf(spec.title),
    width,
    height,
    data: { values },
    // Cells overlap the next cell by a quarter cell (drawn underneath it), so anti-aliasing leaves no
    // seams; the overhang of the last row and column is clipped.
    mark: { type: 'rect', strokeWidth: 0, clip: true },
    encoding: {
      x: { field: 'a', type: 'quantitative', title: spec.xLabel, scale: { domain: [x0, x1], nice: false, zero: false }, axis: { grid: false } },
      x2: { field: 'b' },
      y: { field: 'c', type: 'quantitative', title: spec.yLabel, scale: { domain: [y0, y1], nice: false, zero: false }, axis: { grid: false } },
      y2: { field: 'd' },
      color: {
        field: 'v',
        type: 'quantitative',
        title: spec.colorLabel ?? null,
        scale: colorScale,
        legend: { type: 'gradient', orient: 'right', gradientLength: Math.max(80, height - 20), format: '~g', tickCount: 5 },
      },
    },
    config: { ...CHART_CONFIG, view: { stroke: '#888' } },
  } as unknown as VegaLiteSpec;
  return vlSpec;
}

/** Width and height of a root <svg> element (from its width/height attributes). */
function svgSize(svg: string, index: number): { w: number; h: number; start: number } {
  const start = svg.indexOf('<svg');
  if (start < 0) throw new InputError('expected an SVG document (no <svg> element found)', `panelGrid: svgs[${index}]`);
  const tagEnd = svg.indexOf('>', start);
  const tag = svg.slice(start, tagEnd);
  const w = Number(/\swidth="([\d.]+)"/.exec(tag)?.[1]);
  const h = Number(/\sheight="([\d.]+)"/.exec(tag)?.[1]);
  if (!(w > 0 && h > 0)) throw new InputError('expected numeric width and height attributes on the <svg> element', `panelGrid: svgs[${index}]`);
  return { w, h, start };
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Combine SVG charts into one SVG laid out in a grid of `cols` columns (row-major), with an
 * optional title on top. Each panel keeps its own size; columns and rows take the largest panel.
 * Element ids are prefixed per panel so clip paths and gradients do not collide.
 * @throws InputError if there are no panels, cols is not a positive integer, or a panel is not an
 *   SVG document with width and height.
 */
export function panelGrid(svgs: string[], cols: number, title?: string): string {
  const where = 'panelGrid';
  if (!svgs || svgs.length === 0) throw new InputError('expected at least one SVG panel', where);
  if (!(Number.isInteger(cols) && cols > 0)) throw new InputError(`expected cols a positive integer, got ${cols}`, where);
  const sizes = svgs.map((s, i) => svgSize(s, i));
  const nCols = Math.min(cols, svgs.length);
  const nRows = Math.ceil(svgs.length / nCols);
  const colW = new Array<number>(nCols).fill(0);
  const rowH = new Array<number>(nRows).fill(0);
  sizes.forEach((s, i) => {
    colW[i % nCols] = Math.max(colW[i % nCols], s.w);
    rowH[Math.floor(i / nCols)] = Math.max(rowH[Math.floor(i / nCols)], s.h);
  });
  const gap = 10;
  const titleH = title ? 34 : 0;
  const width = colW.reduce((a, b) => a + b, 0) + gap * (nCols + 1);
  const height = titleH + rowH.reduce((a, b) => a + b, 0) + gap * (nRows + 1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  if (title) {
    parts.push(
      `<text x="${width / 2}" y="${gap + 18}" text-anchor="middle" font-family="${CHART_FONT}, sans-serif" font-size="17" font-weight="bold" fill="#000">${escapeXml(title)}</text>`,
    );
  }
  svgs.forEach((svg, i) => {
    const c = i % nCols;
    const r = Math.floor(i / nCols);
    let x = gap;
    for (let k = 0; k < c; k++) x += colW[k] + gap;
    let y = titleH + gap;
    for (let k = 0; k < r; k++) y += rowH[k] + gap;
    const p = `p${i}_`;
    let body = svg.slice(sizes[i].start);
    body = body
      .replace(/\sid="([^"]+)"/g, ` id="${p}$1"`)
      .replace(/url\(#([^)]+)\)/g, `url(#${p}$1)`)
      .replace(/href="#([^"]+)"/g, `href="#${p}$1"`);
    body = body.replace('<svg', `<svg x="${x}" y="${y}"`);
    parts.push(body);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
