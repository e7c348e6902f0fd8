import { InputError } from '../core/errors.ts';
import { CHART_CONFIG, CHART_PALETTE } from './charts.ts';
import { type VegaLiteSpec, vegaLiteToSvg } from './vegaSvg.ts';

/** One series of an {@link errorBarChart}: means with a symmetric error (e.g. one standard deviation). */
export interface ErrorBarSeries {
  name: string;
  /** Numbers (a quantitative axis) or labels (an ordinal axis in order of first appearance). */
  x: ArrayLike<number | string>;
  mean: ArrayLike<number>;
  /** Half-length of each bar (>= 0); 0 draws no bar. */
  error: ArrayLike<number>;
}

/** Input of {@link errorBarChart}. */
export interface ErrorBarChartSpec {
  title?: string;
  xLabel: string;
  yLabel: string;
  series: ErrorBarSeries[];
  /** Plot-area width in px. @default 460 */
  width?: number;
  /** Plot-area height in px. @default 280 */
  height?: number;
}

/**
 * Means joined by lines with points, and a vertical bar mean +- error at each x, one colour per
 * series (a sweep quantity against one grid axis, error bars over the repeated draws). Points
 * with a non-finite mean are dropped; a non-finite error draws the point without a bar.
 * @returns an SVG document as a string.
 * @throws InputError if there are no series, lengths differ, an error is negative, or nothing is plottable.
 */
export function errorBarChart(spec: ErrorBarChartSpec): string {
  return vegaLiteToSvg(errorBarChartVegaLite(spec));
}

/** The Vega-Lite specification behind {@link errorBarChart} (same validation). */
export function errorBarChartVegaLite(spec: ErrorBarChartSpec): VegaLiteSpec {
  const where = 'errorBarChart';
  if (!spec.series?.length) throw new InputError('expected at least one series', where);
  const values: { x: number | string; y: number; lo: number; hi: number; s: string }[] = [];
  const names: string[] = [];
  for (const [k, s] of spec.series.entries()) {
    const w = `${where}: series[${k}] (${s.name})`;
    if (s.x.length !== s.mean.length || s.x.length !== s.error.length) throw new InputError(`expected x, mean and error of equal length, got ${s.x.length}, ${s.mean.length}, ${s.error.length}`, w);
    if (names.includes(s.name)) throw new InputError(`duplicate series name ${JSON.stringify(s.name)}`, w);
    names.push(s.name);
    for (let i = 0; i < s.x.length; i++) {
      const e = s.error[i];
      if (e < 0) throw new InputError(`expected errors >= 0, got ${e} at ${i}`, w);
      const xi = s.x[i];
      if ((typeof xi === 'number' && !Number.isFinite(xi)) || !Number.isFinite(s.mean[i])) continue;
      const err = Number.isFinite(e) ? e : 0;
      values.push({ x: xi, y: s.mean[i], lo: s.mean[i] - err, hi: s.mean[i] + err, s: s.name });
    }
  }
  if (values.length === 0) throw new InputError('no finite point to plot', where);
  const colors = names.map((_, i) => CHART_PALETTE[i % CHART_PALETTE.length]);
  const color = { field: 's', type: 'nominal', title: null, scale: { domain: names, range: colors }, legend: names.length > 1 ? { orient: 'right' } : null };
  const numeric = values.every((v) => typeof v.x === 'number');
  const order = [...new Set(values.map((v) => String(v.x)))];
  const x = numeric
    ? { field: 'x', type: 'quantitative', title: spec.xLabel, scale: { zero: false, nice: false, padding: 18 } }
    : { field: 'x', type: 'ordinal', title: spec.xLabel, sort: order, axis: { labelAngle: 0 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(spec.title ? { title: spec.title } : {}),
    width: spec.width ?? 460,
    height: spec.height ?? 280,
    data: { values },
    encoding: { x, color },
    layer: [
      { mark: { type: 'rule', strokeWidth: 1.6 }, encoding: { y: { field: 'lo', type: 'quantitative', title: spec.yLabel, scale: { zero: false } }, y2: { field: 'hi' } } },
      { mark: { type: 'tick', orient: 'horizontal', size: 10, thickness: 1.6 }, encoding: { y: { field: 'lo', type: 'quantitative' } } },
      { mark: { type: 'tick', orient: 'horizontal', size: 10, thickness: 1.6 }, encoding: { y: { field: 'hi', type: 'quantitative' } } },
      { mark: { type: 'line', strokeWidth: 1.8 }, encoding: { y: { field: 'y', type: 'quantitative' } } },
      { mark: { type: 'point', filled: true, size: 50 }, encoding: { y: { field: 'y', type: 'quantitative' } } },
    ],
    config: CHART_CONFIG,
  };
}
