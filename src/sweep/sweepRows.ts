import { sampleStat } from '../core/sampleStat.ts';
import { stableJson } from './stableJson.ts';

/** One finished task of a merged sweep. */
export interface SweepRow {
  id: string;
  /** Position in the plan's task list. */
  index: number;
  /** Grid value of each axis. */
  params: Record<string, unknown>;
  /** What the command returned (identical bits wherever and however the task ran). */
  result: unknown;
  /** Run record: wall and CPU seconds, host, worker, and the command's run keys (never compared). */
  run?: Record<string, unknown>;
}

/** Mean, sample standard deviation (divisor k - 1), standard error, count, min and max of a quantity. */
export interface QuantityStat {
  mean: number;
  std: number;
  sem: number;
  count: number;
  min: number;
  max: number;
}

/** Rows that share every grid value outside the `over` axes, summarised. */
export interface SweepSummary {
  /** The grid values that define the group (the axes not summarised over). */
  params: Record<string, unknown>;
  /** Number of rows in the group. */
  count: number;
  /** Every numeric scalar of the results (dotted paths), over the group's rows with a finite value. */
  quantities: Record<string, QuantityStat>;
}

/**
 * The scalar leaves of a result as dotted paths (`eta`, `D0MonteCarlo.value`,
 * `evaluation.w2`); arrays and their contents are left out.
 */
export function flattenScalars(value: unknown, prefix = '', out: Record<string, number | string | boolean | null> = {}): Record<string, number | string | boolean | null> {
  if (value === null || typeof value !== 'object') {
    if (prefix !== '') out[prefix] = value as number | string | boolean | null;
    return out;
  }
  if (Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) flattenScalars(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

/**
 * Group rows by their grid values outside `over` (in plan order) and summarise every numeric
 * scalar of the results within each group. `over = []` gives one group per row.
 */
export function summarizeRows(rows: readonly SweepRow[], over: readonly string[]): SweepSummary[] {
  const groups = new Map<string, { params: Record<string, unknown>; rows: SweepRow[] }>();
  for (const r of [...rows].sort((a, b) => a.index - b.index)) {
    const params = Object.fromEntries(Object.entries(r.params).filter(([k]) => !over.includes(k)));
    const key = stableJson(params);
    const g = groups.get(key) ?? { params, rows: [] };
    g.rows.push(r);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const values = new Map<string, number[]>();
    for (const r of g.rows) {
      for (const [k, v] of Object.entries(flattenScalars(r.result))) {
        if (typeof v !== 'number') continue;
        const list = values.get(k) ?? [];
        if (Number.isFinite(v)) list.push(v);
        values.set(k, list);
      }
    }
    const quantities: Record<string, QuantityStat> = {};
    for (const [k, xs] of values) {
      const s = xs.length ? sampleStat(xs) : { mean: Number.NaN, std: Number.NaN, sem: Number.NaN };
      quantities[k] = { ...s, count: xs.length, min: xs.length ? Math.min(...xs) : Number.NaN, max: xs.length ? Math.max(...xs) : Number.NaN };
    }
    return { params: g.params, count: g.rows.length, quantities };
  });
}

/**
 * CSV (RFC 4180) of the rows: `id`, one column per grid axis, then every scalar of the results
 * (dotted paths, in first-seen order). Numbers in their shortest exact form.
 */
export function rowsToCsv(rows: readonly SweepRow[], axes: readonly string[]): string {
  const flat = rows.map((r) => flattenScalars(r.result));
  const cols: string[] = [];
  const seen = new Set<string>();
  for (const f of flat) {
    for (const k of Object.keys(f)) {
      if (!seen.has(k)) {
        seen.add(k);
        cols.push(k);
      }
    }
  }
  const cell = (v: unknown): string => {
    if (v === undefined || v === null) return '';
    const s = typeof v === 'object' ? stableJson(v) : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [['id', ...axes, ...cols].map(cell).join(',')];
  rows.forEach((r, i) => {
    lines.push([r.id, ...axes.map((a) => r.params[a]), ...cols.map((c) => flat[i][c])].map(cell).join(','));
  });
  return `${lines.join('\n')}\n`;
}
