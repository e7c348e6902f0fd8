/**
 * The optimize-schedule report: markdown tables and three figures (SVG -> PNG):
 * v2 before and after the constant-speed time change, the grids on a time axis, and error vs NFE
 * (log-log) for every grid. Node only (PNG rendering); the CLI imports it lazily.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG, CHART_PALETTE, lineChartVegaLite } from '../report/charts.ts';
import { fmt, markdownImage, markdownTable } from '../report/markdown.ts';
import { svgToPng } from '../report/png.ts';
import { vegaLiteToSvg } from '../report/vegaSvg.ts';
import type { OptimizeScheduleResult } from '../grids/optimizeSchedule.ts';

/** Report files: report.md and PNG figures, by file name. */
export interface OptimizeScheduleReport {
  markdown: string;
  figures: { name: string; png: Uint8Array }[];
}

function speedFigure(r: OptimizeScheduleResult): string {
  const vl = lineChartVegaLite({
    title: `Wasserstein speed of the ${r.protocol} path`,
    xLabel: 'time t (before) or new time s (after), same units as tau',
    yLabel: 'v₂ (a.u. per unit time)',
    series: [
      { name: 'v₂(t), as parametrised', x: r.curves.t, y: r.curves.v2 },
      { name: 'v₂(s), constant-speed clock', x: r.curves.s, y: r.curves.v2After },
      { name: 'L / τ', x: [0, r.tau], y: [r.L / r.tau, r.L / r.tau], dash: true },
    ],
    xDomain: [0, r.tau],
  });
  return vegaLiteToSvg(vl);
}

function accelerationFigure(r: OptimizeScheduleResult): string | null {
  const d = r.diagnostics;
  if (!d) return null;
  return vegaLiteToSvg(
    lineChartVegaLite({
      title: 'Speed v₂ (sets the length) and acceleration A (sets Euler\'s error)',
      xLabel: 'time t (same units as tau)',
      yLabel: 'v₂ (a.u./time), A (a.u./time²)',
      series: [
        { name: 'v₂(t): speed', x: r.curves.t, y: r.curves.v2 },
        { name: 'A(t) = ‖Du/Dt‖', x: d.acceleration.t, y: d.acceleration.a },
      ],
      xDomain: [0, r.tau],
    }),
  );
}

function gridsFigure(r: OptimizeScheduleResult): string {
  const values = r.grids.flatMap((g) => g.times.map((t) => ({ t, grid: g.name })));
  const names = r.grids.map((g) => g.name);
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Step grids at NFE ${r.nfe} (${r.solver}, ${r.steps} steps)`,
    width: 520,
    height: 36 * names.length,
    data: { values },
    mark: { type: 'tick', thickness: 2, size: 22 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time t (data at 0, source at τ)', scale: { domain: [0, r.tau] } },
      y: { field: 'grid', type: 'nominal', title: null, sort: names },
      color: { field: 'grid', type: 'nominal', legend: null, scale: { domain: names, range: CHART_PALETTE.slice(0, names.length) } },
    },
    config: CHART_CONFIG,
  } as unknown as TopLevelSpec;
  return vegaLiteToSvg(spec);
}

function sweepFigure(r: OptimizeScheduleResult, k: number, measure: 'w2' | 'endpointError'): string | null {
  const s = r.sweep[k];
  const series = s.grids
    .map((g) => ({ name: g.name, x: s.nfe, y: (measure === 'w2' ? g.w2 : g.endpointError).map((v) => (v === null ? Number.NaN : v)) }))
    .filter((g) => g.y.some((v) => Number.isFinite(v) && v > 0));
  if (series.length === 0) return null;
  const vl = lineChartVegaLite({
    title: `${measure === 'w2' ? 'W₂ to the data' : 'endpoint error vs fine-step solution'} (${s.solver})`,
    xLabel: 'NFE (velocity evaluations)',
    yLabel: measure === 'w2' ? 'W₂(generated, data) (a.u.)' : 'RMS endpoint distance (a.u.)',
    series,
    logY: true,
  }) as unknown as { encoding: { x: { scale: Record<string, unknown> } }; mark: unknown };
  vl.encoding.x.scale = { type: 'log', domain: [Math.min(...s.nfe), Math.max(...s.nfe)] };
  vl.mark = { type: 'line', point: true, clip: true };
  return vegaLiteToSvg(vl as unknown as TopLevelSpec);
}

/** Build the report of one result (the figures are rendered here). */
export function optimizeScheduleReport(r: OptimizeScheduleResult): OptimizeScheduleReport {
  const figures: OptimizeScheduleReport['figures'] = [];
  const add = (name: string, svg: string | null) => {
    if (svg) figures.push({ name, png: svgToPng(svg) });
    return svg ? name : null;
  };
  const md: string[] = [];
  md.push(`# optimize-schedule: ${r.protocol}, ${r.dim}-D, tau = ${fmt(r.tau)}`, '');
  md.push(`Field: ${r.field}.`, '');
  md.push('## Constant-speed time change (Eq. 92)', '');
  md.push(
    markdownTable(
      ['quantity', 'value'],
      [
        ['thermodynamic length L = ∫ v2 dt', fmt(r.L, 6)],
        ['c2 = ∫ v2² dt (as parametrised)', fmt(r.c2, 6)],
        ['c2 after the time change, L²/τ', fmt(r.c2ConstantSpeed, 6)],
        ['c2 after, recomputed on the new clock', fmt(r.c2After, 6)],
        ['reduction c2 / (L²/τ)', fmt(r.c2 / r.c2ConstantSpeed, 4)],
      ],
    ),
    '',
  );
  const f1 = add('speed.png', speedFigure(r));
  if (f1) md.push(markdownImage('v2 before and after the time change', f1), '');
  md.push(`## Grids at NFE ${r.nfe} (${r.solver}, ${r.steps} steps)`, '');
  md.push(`Endpoint error: ${r.errorMeasure}.`, '');
  if (r.w2Measure) md.push(`W2: ${r.w2Measure}.${r.w2DataNoise !== undefined ? ` Data noise floor W2 = ${fmt(r.w2DataNoise)}.` : ''}`, '');
  md.push(
    markdownTable(
      ['grid', 'endpoint error', 'W2 to data', 'optimiser objective', 'note'],
      r.grids.map((g) => [
        g.name,
        fmt(g.endpointError),
        g.w2 === undefined ? '-' : fmt(g.w2),
        fmt(g.objective),
        g.optimisation ? `from ${g.optimisation.start}, ${g.optimisation.iterations} LM iterations (${g.optimisation.stop})${g.optimisation.keptStandard ? ', standard grid kept' : ''}` : g.monotone === false ? 'flow map not monotone' : '',
      ]),
    ),
    '',
  );
  const f2 = add('grids.png', gridsFigure(r));
  if (f2) md.push(markdownImage('grids on a time axis', f2), '');
  const d = r.diagnostics;
  if (d) {
    md.push('## Where each grid errs (exact 1-D diagnostics)', '');
    md.push(
      "Per step: the thermodynamic length it covers, its local error (one step from the true marginal vs the exact flow) and its contribution to the final error (propagated to t = 0 by the exact flow; the contributions sum exactly to the final error). Cancellation = sum of the contributions' RMS / RMS of their sum (1: none). Euler's local error is (h²/2) Du/Dt: it follows the acceleration A(t), not the speed v2(t).",
      '',
    );
    const f3 = add('acceleration.png', accelerationFigure(r));
    if (f3) md.push(markdownImage('speed and acceleration', f3), '');
    const ag = d.accelerationGrid;
    if (ag) md.push(`Grid equidistributing Euler's local error (step density ∝ √A): endpoint error ${fmt(ag.endpointError)}${ag.w2 === undefined ? '' : `, W2 ${fmt(ag.w2)}`}.`, '');
    for (const g of d.grids) {
      md.push(`**${g.name}** (cancellation ${fmt(g.cancellation, 3)}):`, '');
      md.push(
        markdownTable(
          ['step', 'from t', 'to t', 'length ΔL', 'local error', 'contribution'],
          g.steps.map((st, k) => [k + 1, fmt(st.from, 3), fmt(st.to, 3), fmt(st.length, 3), fmt(st.localError, 3), fmt(st.contribution, 3)]),
        ),
        '',
      );
    }
  }
  r.sweep.forEach((s, k) => {
    md.push(`## Error vs NFE (${s.solver})`, '');
    const header = ['grid', ...s.nfe.map((n) => `NFE ${n}`)];
    const hasW2 = s.grids.some((g) => g.w2.some((v) => v !== null));
    if (hasW2) {
      md.push('W2 to the data:', '', markdownTable(header, s.grids.map((g) => [g.name, ...g.w2.map((v) => (v === null ? '-' : fmt(v, 3)))])), '');
      const f = add(`error-vs-nfe-${s.solver}-w2.png`, sweepFigure(r, k, 'w2'));
      if (f) md.push(markdownImage(`W2 vs NFE, ${s.solver}`, f), '');
    }
    md.push('Endpoint error (data-free):', '', markdownTable(header, s.grids.map((g) => [g.name, ...g.endpointError.map((v) => fmt(v, 3))])), '');
    const f = add(`error-vs-nfe-${s.solver}.png`, sweepFigure(r, k, 'endpointError'));
    if (f) md.push(markdownImage(`endpoint error vs NFE, ${s.solver}`, f), '');
  });
  if (r.notes.length > 0) md.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  md.push(`Computed in ${r.seconds.toFixed(1)} s.`, '');
  return { markdown: md.join('\n'), figures };
}
