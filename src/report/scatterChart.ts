/**
 * Scatter plot of 2-D point sets (e.g. generated samples over held-out data), as an SVG string.
 */
import { InputError } from '../core/errors.ts';
import { CHART_CONFIG, CHART_PALETTE } from './charts.ts';
import { type VegaLiteSpec, vegaLiteToSvg } from './vegaSvg.ts';

/** One point set of a {@link scatterChart}: interleaved coordinates [x0, y0, x1, y1, ...]. */
export interface ScatterSeries {
  name: string;
  xy: ArrayLike<number>;
  color?: string;
  /** Marker opacity in (0, 1]. @default 0.5 */
  opacity?: number;
}

/** Input of {@link scatterChart}. */
export interface ScatterChartSpec {
  title?: string;
  xLabel: string;
  yLabel: string;
  series: ScatterSeries[];
  /** Plot-area width and height in px (square). @default 420 */
  size?: number;
  /** Marker area in px^2. @default 6 */
  pointSize?: number;
}

/** Grey for the first series (the reference data underneath), then the chart palette. */
const PALETTE = [CHART_PALETTE[9], CHART_PALETTE[0], CHART_PALETTE[3], CHART_PALETTE[2]];

/**
 * Scatter plot with equal axis ranges (the union of all points, padded by 5 %), so shapes are not
 * distorted. Series are drawn in order (the first underneath).
 * @returns an SVG document as a string.
 * @throws InputError if a series has an odd number of coordinates, a non-finite coordinate, or no points at all.
 */
export function scatterChart(spec: ScatterChartSpec): string {
  return vegaLiteToSvg(scatterChartVegaLite(spec));
}

/** The Vega-Lite specification behind {@link scatterChart} (same validation). */
export function scatterChartVegaLite(spec: ScatterChartSpec): VegaLiteSpec {
  const where = 'scatterChart';
  const values: { x: number; y: number; s: string; o: number }[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of spec.series) {
    if (s.xy.length % 2 !== 0) throw new InputError(`expected interleaved (x, y) pairs, got ${s.xy.length} numbers`, `${where} series ${s.name}`);
    for (let i = 0; i < s.xy.length; i += 2) {
      const x = s.xy[i];
      const y = s.xy[i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) throw new InputError(`expected finite coordinates, got (${x}, ${y}) at point ${i / 2}`, `${where} series ${s.name}`);
      lo = Math.min(lo, x, y);
      hi = Math.max(hi, x, y);
      values.push({ x, y, s: s.name, o: s.opacity ?? 0.5 });
    }
  }
  if (values.length === 0) throw new InputError('expected at least one point', where);
  const pad = 0.05 * Math.max(hi - lo, 1e-9);
  const domain = [lo - pad, hi + pad];
  const size = spec.size ?? 420;
  const names = spec.series.map((s) => s.name);
  const colors = spec.series.map((s, k) => s.color ?? PALETTE[k % PALETTE.length]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    ...(spec.title ? { title: spec.title } : {}),
    width: size,
    height: size,
    data: { values },
    mark: { type: 'circle', size: spec.pointSize ?? 6 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: spec.xLabel, scale: { domain, nice: false, zero: false } },
      y: { field: 'y', type: 'quantitative', title: spec.yLabel, scale: { domain, nice: false, zero: false } },
      color: { field: 's', type: 'nominal', title: null, scale: { domain: names, range: colors }, legend: { orient: 'right', symbolOpacity: 1 } },
      opacity: { field: 'o', type: 'quantitative', legend: null, scale: null },
    },
    config: { ...CHART_CONFIG, legend: { ...CHART_CONFIG.legend, symbolSize: 120 } },
  } as unknown as VegaLiteSpec;
}
