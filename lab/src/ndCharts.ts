/**
 * Charts of the 2-D tab: the library's line-chart spec (lineChartVegaLite), fitted to the page by
 * charts.ts, for W1(t) and the rates along the protocol; densities are drawn by ndSvg.ts.
 */
import { type LineSeries, lineChartVegaLite, type SpeedAccuracyNdResult } from '../../src/index.ts';
import { forPage, show } from './charts.ts';
import type { GaussianExact } from './gaussianExact.ts';

const fmt = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(4) : x.toExponential(3));

/** W1 between the clouds against t/tau, with the exact curve for Gaussian data. */
export async function renderNdCharts(r: SpeedAccuracyNdResult, exact: GaussianExact | null, els: { w1: HTMLElement; speeds: HTMLElement }): Promise<void> {
  const tau = r.tau;
  const w1Series: LineSeries[] = [{ name: `W₁, ${r.estimator} estimate`, x: r.curves.t.map((t) => t / tau), y: r.curves.w1 }];
  if (exact) {
    const xs = Array.from({ length: 101 }, (_, i) => i / 100);
    w1Series.push({ name: 'W₁, exact (Gaussian data)', x: xs, y: xs.map((f) => exact.w1At(f * tau)), dash: true });
  }
  const w1 = forPage(
    lineChartVegaLite({ xLabel: 'forward time t/τ (a.u.)', yLabel: 'W₁(Pₜ, P̃ₜ) (a.u.)', series: w1Series, xDomain: [0, 1] }),
    `Line chart of the Wasserstein-1 error from ${fmt(r.w1Start)} at t = tau to ${fmt(r.w1End)} at t = 0${exact ? `; exact values ${fmt(exact.w1Start)} and ${fmt(exact.w1End)}` : ''}.`,
    220,
  );
  const all: LineSeries[] = [
    { name: 'v₂² (excess rate)', x: r.curves.tSplit.map((t) => t / tau), y: r.curves.v2sq },
    { name: 'housekeeping rate', x: r.curves.tSplit.map((t) => t / tau), y: r.curves.housekeepingRate, dash: true },
    { name: 'vₗₒₛₛ² = (∂ₜW₁)² / D₀', x: r.curves.tMid.map((t) => t / tau), y: r.curves.vLossSq },
  ];
  // a log axis cannot show a rate that is 0 everywhere (housekeeping at g = 0): the description says so
  const speeds = all.filter((s) => Array.from(s.y).some((y) => y > 0));
  const sp = forPage(
    lineChartVegaLite({ xLabel: 'forward time t/τ (a.u.)', yLabel: 'rate (a.u.)', series: speeds, xDomain: [0, 1], logY: true }),
    `Line chart (log scale) of the excess rate v2 squared, the housekeeping rate and vLoss squared against t over tau; integrals c2 = ${fmt(r.c2)}, housekeeping = ${fmt(r.housekeeping)}${r.housekeeping === 0 ? ' (zero rate, not drawn on the log axis)' : ''}, c1 = ${fmt(r.c1)}.`,
    220,
  );
  await Promise.all([show(els.w1, w1), show(els.speeds, sp)]);
}
