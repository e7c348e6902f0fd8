/**
 * The lab's charts: the library's own Vega-Lite specs (lineChartVegaLite, barChartVegaLite from
 * src/report/charts.ts, the ones behind the CLI's SVG/PNG reports), adapted for a page (container
 * width, legend below, the page's font, an accessible description) and rendered by vega-embed as SVG.
 */
import embed, { type Result } from 'vega-embed';
import { barChartVegaLite, type LineSeries, lineChartVegaLite, type SpeedAccuracyResult } from '../../src/index.ts';
import type { CompareRow } from './protocol.ts';

export type Spec = Record<string, unknown> & { encoding?: Record<string, Record<string, unknown>>; config?: Record<string, unknown> };

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';

/**
 * Fit the library spec to the page: full container width, given height, legend below the plot (one
 * entry per line, so long labels are never clipped) or none, at most 6 x ticks.
 */
export function forPage(spec: unknown, description: string, height: number, legend = true): Spec {
  const s = spec as Spec;
  s.width = 'container';
  s.height = height;
  s.autosize = { type: 'fit-x', contains: 'padding' };
  s.description = description;
  s.config = { ...s.config, font: FONT, background: null };
  for (const channel of ['color', 'strokeDash']) {
    if (s.encoding?.[channel]?.legend) s.encoding[channel].legend = legend ? { orient: 'bottom', direction: 'vertical', labelLimit: 400 } : null;
  }
  const x = s.encoding?.x;
  if (x && x.type === 'quantitative') x.axis = { ...(x.axis as object), tickCount: 6 };
  return s;
}

const views = new Map<HTMLElement, Result>();

export async function show(el: HTMLElement, spec: Spec): Promise<void> {
  views.get(el)?.finalize();
  const result = await embed(el, spec as never, {
    renderer: 'svg',
    actions: { export: true, source: false, compiled: false, editor: false },
  });
  views.set(el, result);
}

const fmt = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(4) : x.toExponential(3));

const BAR_NAMES = ['η', 'c₁', 'c₂'];

/** Bars of eta, c1, c2 (Fig. 6 top right). */
export function barsSpec(r: SpeedAccuracyResult): Spec {
  const spec = barChartVegaLite({
    yLabel: 'value (a.u.)',
    categories: BAR_NAMES,
    series: [{ name: r.protocol, values: [r.eta, r.c1, r.c2] }],
  }) as unknown as Spec;
  const s = forPage(spec, `Bar chart: eta = ${fmt(r.eta)}, c1 = ${fmt(r.c1)}, c2 = ${fmt(r.c2)} for the ${r.protocol} protocol.`, 200);
  // one series: colour by category instead of a one-entry legend
  s.encoding!.color = { field: 'c', type: 'nominal', legend: null, scale: { domain: BAR_NAMES, range: ['#59a14f', '#4e79a7', '#f28e2b'] } };
  delete s.encoding!.xOffset;
  return s;
}

/** v2^2 and vLoss^2 against t/tau (Fig. 6 bottom). */
export function speedsSpec(r: SpeedAccuracyResult): Spec {
  const x = r.curves.t.map((t) => t / r.tau);
  const series: LineSeries[] = [
    { name: 'v₂² (Wasserstein speed²)', x, y: r.curves.v2sq },
    { name: 'vₗₒₛₛ² = (∂ₜW₁)² / D₀', x, y: r.curves.vLossSq, dash: true },
  ];
  const spec = lineChartVegaLite({ xLabel: 'forward time t/τ (a.u.)', yLabel: 'squared speed (a.u.)', series, xDomain: [0, 1] });
  return forPage(
    spec,
    `Line chart of v2 squared and vLoss squared against t over tau; their integrals are c2 = ${fmt(r.c2)} and c1 = ${fmt(r.c1)}.`,
    220,
  );
}

/** W1(P_t, P~_t) against t/tau. */
export function w1Spec(r: SpeedAccuracyResult): Spec {
  const x = r.curves.t.map((t) => t / r.tau);
  const spec = lineChartVegaLite({
    xLabel: 'forward time t/τ (a.u.)',
    yLabel: 'W₁(Pₜ, P̃ₜ) (a.u.)',
    series: [{ name: 'W₁', x, y: r.curves.w1 }],
    xDomain: [0, 1],
  });
  return forPage(spec, `Line chart of the Wasserstein-1 error from ${fmt(r.w1Start)} at t = tau to ${fmt(r.w1End)} at t = 0.`, 200);
}

const TIMES = ['t = 0 (q and p)', 't = τ/3', 't = 2τ/3', 't = τ (start)'];

/** One panel per snapshot time: P_t (solid) and P~_t (dashed) on x in [-4, 4], shared y range. */
export function densitySpecs(r: SpeedAccuracyResult): Spec[] {
  const { x, forward, estimated, tOverTau } = r.snapshots;
  let yMax = 0;
  for (const ys of [...forward, ...estimated]) for (const y of ys) if (Number.isFinite(y)) yMax = Math.max(yMax, y);
  yMax = Math.ceil((yMax * 1.05) / 0.1) * 0.1 || 1;
  return tOverTau.map((f, k) => {
    const label = TIMES[k] ?? `t/τ = ${f.toPrecision(3)}`;
    const spec = lineChartVegaLite({
      title: label,
      xLabel: 'x (a.u.)',
      yLabel: 'density (1/a.u.)',
      series: [
        { name: 'Pₜ (true)', x, y: forward[k] },
        { name: 'P̃ₜ (estimated)', x, y: estimated[k], dash: true },
      ],
      xDomain: [x[0], x[x.length - 1]],
      yDomain: [0, yMax],
    });
    // one legend for the four panels is in the page (index.html)
    const s = forPage(spec, `Densities at ${label}: true forward marginal (solid) and estimated reverse marginal (dashed).`, 160, false);
    (s as { title?: unknown }).title = { text: (s as { title?: string }).title ?? '', fontSize: 13 };
    return s;
  });
}

/** Render every chart of a result into the page. */
export async function renderCharts(r: SpeedAccuracyResult, els: { bars: HTMLElement; speeds: HTMLElement; w1: HTMLElement; densities: HTMLElement }): Promise<void> {
  const jobs = [show(els.bars, barsSpec(r)), show(els.speeds, speedsSpec(r)), show(els.w1, w1Spec(r))];
  const specs = densitySpecs(r);
  while (els.densities.children.length < specs.length) {
    const fig = document.createElement('div');
    fig.className = 'chart density';
    els.densities.appendChild(fig);
  }
  for (const [k, s] of specs.entries()) jobs.push(show(els.densities.children[k] as HTMLElement, s));
  await Promise.all(jobs);
}

/** eta, c1, c2 of every protocol as grouped bars on a log axis (Fig. 6 b-e, top right). */
export async function renderCompare(rows: CompareRow[], el: HTMLElement): Promise<void> {
  if (rows.length === 0) return;
  const spec = barChartVegaLite({
    yLabel: 'value (a.u., log scale)',
    categories: rows.map((r) => r.protocol),
    series: [
      { name: 'η', values: rows.map((r) => r.eta) },
      { name: 'c₁', values: rows.map((r) => r.c1) },
      { name: 'c₂', values: rows.map((r) => r.c2) },
    ],
    logY: true,
  });
  const s = forPage(spec, `Grouped bar chart of eta, c1 and c2 for the protocols ${rows.map((r) => r.protocol).join(', ')} (log scale).`, 220);
  s.encoding!.color = {
    ...s.encoding!.color,
    scale: { domain: BAR_NAMES, range: ['#59a14f', '#4e79a7', '#f28e2b'] },
    legend: { orient: 'bottom', direction: 'horizontal' },
  };
  await show(el, s);
}
