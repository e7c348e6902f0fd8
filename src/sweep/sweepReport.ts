import { join } from 'node:path';
import { writeFileAtomic } from '../io/files.ts';
import { errorBarChart } from '../report/errorBarChart.ts';
import { fmt, markdownImage, markdownTable } from '../report/markdown.ts';
import { svgToPng } from '../report/png.ts';
import type { MergedSweep } from './mergeSweep.ts';
import type { SweepPlan } from './sweepFolder.ts';
import { flattenScalars } from './sweepRows.ts';
import { describeParams, type SweepFigure } from './sweepSpec.ts';
import { stableJson } from './stableJson.ts';

const show = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? fmt(v, 6) : JSON.stringify(v));
const fileSafe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');

/** Series of one figure: y against axis x, one series per combination of the other non-summarised axes. */
export function figureSeries(merged: MergedSweep, fig: SweepFigure): { name: string; x: (number | string)[]; mean: number[]; error: number[] }[] {
  const series = new Map<string, { name: string; x: (number | string)[]; mean: number[]; error: number[] }>();
  const add = (params: Record<string, unknown>, mean: number, error: number) => {
    const rest = Object.fromEntries(Object.entries(params).filter(([k]) => k !== fig.x && !merged.over.includes(k)));
    const key = stableJson(rest);
    const s = series.get(key) ?? { name: Object.keys(rest).length ? describeParams(rest) : fig.y, x: [], mean: [], error: [] };
    const xv = params[fig.x];
    s.x.push(typeof xv === 'number' ? xv : show(xv));
    s.mean.push(mean);
    s.error.push(error);
    series.set(key, s);
  };
  if (merged.over.length) {
    for (const g of merged.summary) {
      const q = g.quantities[fig.y];
      if (q && q.count > 0) add(g.params, q.mean, q.std);
    }
  } else {
    for (const r of merged.rows) {
      const v = flattenScalars(r.result)[fig.y];
      if (typeof v === 'number') add(r.params, v, 0);
    }
  }
  return [...series.values()];
}

/**
 * Write `report.md` and one PNG per figure into `outDir`: the sweep's description, counts, the
 * summary table (mean ± std (count) over the `over` axes) of `quantities`, the figures with error
 * bars (one standard deviation over the `over` axes), failed and missing tasks, and every row.
 * @returns the files written (paths relative to outDir).
 */
export function writeSweepReport(outDir: string, plan: SweepPlan, merged: MergedSweep, opts: { quantities: string[]; figures: SweepFigure[] }): string[] {
  const written: string[] = [];
  const md: string[] = [];
  md.push(`# Sweep: ${plan.name ?? plan.command}`, '');
  if (plan.description) md.push(plan.description, '');
  md.push(
    `- command: \`${plan.command}\``,
    `- base config: ${plan.configFile ? `\`${plan.configFile}\`` : 'inline'}; sweep file: ${plan.sweepFile ? `\`${plan.sweepFile}\`` : '-'}`,
    `- grid: ${plan.axes.length ? plan.axes.map((a) => `\`${a}\` (${[...new Set(plan.tasks.map((t) => stableJson(t.params[a])))].length} values)`).join(' x ') : 'none (one task)'}`,
    `- tasks: ${merged.tasks}; done ${merged.done}; failed ${merged.failed}; missing ${merged.missing}`,
    '',
  );
  const rest = plan.axes.filter((a) => !merged.over.includes(a));
  if (merged.summary.length) {
    md.push(`## Summary over ${merged.over.map((a) => `\`${a}\``).join(', ')} (mean ± standard deviation, count)`, '');
    const rows = merged.summary.map((g) => [
      ...rest.map((a) => show(g.params[a])),
      ...opts.quantities.map((q) => {
        const s = g.quantities[q];
        return s?.count ? `${fmt(s.mean, 4)} ± ${fmt(s.std, 2)} (${s.count})` : '-';
      }),
    ]);
    md.push(markdownTable([...rest, ...opts.quantities], rows), '');
  }
  const figs = opts.figures.filter((f) => plan.axes.includes(f.x));
  if (figs.length) md.push('## Figures', '');
  for (const f of figs) {
    const series = figureSeries(merged, f);
    if (!series.some((s) => s.mean.some(Number.isFinite))) {
      md.push(`(no finite values of \`${f.y}\` to plot against \`${f.x}\`)`, '');
      continue;
    }
    const name = `${fileSafe(f.y)}-vs-${fileSafe(f.x)}.png`;
    const bars = merged.over.length ? `, mean ± std over ${merged.over.join(', ')}` : '';
    const svg = errorBarChart({ title: `${f.y} against ${f.x}${bars}`, xLabel: f.x, yLabel: f.y, series });
    writeFileAtomic(join(outDir, name), svgToPng(svg));
    written.push(name);
    md.push(markdownImage(`${f.y} against ${f.x}`, name), '');
  }
  if (merged.failures.length) {
    md.push('## Failed tasks', '');
    md.push(markdownTable(['#', 'id', 'grid values', 'error'], merged.failures.map((f) => [String(f.index + 1), f.id, describeParams(f.params), f.error])), '');
  }
  if (merged.missingTasks.length) {
    md.push('## Missing tasks (not run yet, or interrupted)', '');
    md.push(markdownTable(['#', 'id', 'grid values'], merged.missingTasks.map((m) => [String(m.index + 1), m.id, describeParams(m.params)])), '');
  }
  md.push('## All finished tasks', '');
  md.push(
    markdownTable(
      ['#', 'id', ...plan.axes, ...opts.quantities],
      merged.rows.map((r) => {
        const flat = flattenScalars(r.result);
        return [String(r.index + 1), r.id, ...plan.axes.map((a) => show(r.params[a])), ...opts.quantities.map((q) => (flat[q] === undefined ? '-' : show(flat[q])))];
      }),
    ),
    '',
  );
  const secs = merged.rows.map((r) => Number(r.run?.seconds)).filter(Number.isFinite);
  if (secs.length) {
    const hosts = [...new Set(merged.rows.map((r) => String(r.run?.host ?? '?')))];
    md.push(`Task time: ${fmt(secs.reduce((a, b) => a + b, 0), 3)} s in total (${fmt(Math.min(...secs), 3)}-${fmt(Math.max(...secs), 3)} s per task) on ${hosts.join(', ')}.`, '');
  }
  writeFileAtomic(join(outDir, 'report.md'), md.join('\n'));
  written.unshift('report.md');
  return written;
}
