import { InputError } from '../core/errors.ts';
import { failurePath, idsIn, readPlan, readSweepJson, resultPath, type SweepPlan, type TaskFailureFile, type TaskResultFile } from './sweepFolder.ts';
import { type SweepRow, type SweepSummary, summarizeRows } from './sweepRows.ts';

/** A merged sweep: the JSON of `thermodiff sweep merge --json`. */
export interface MergedSweep {
  command: string;
  axes: string[];
  /** Axes the summary is taken over. */
  over: string[];
  tasks: number;
  done: number;
  failed: number;
  missing: number;
  /** One row per finished task, in plan order. */
  rows: SweepRow[];
  /** Mean, standard deviation and count of every numeric result scalar per group (empty without `over`). */
  summary: SweepSummary[];
  failures: { id: string; index: number; params: Record<string, unknown>; error: string }[];
  missingTasks: { id: string; index: number; params: Record<string, unknown> }[];
  /** Result files whose id is not a task of this plan (ignored). */
  foreign: string[];
}

/**
 * Collect a sweep folder's results: one row per finished task (grid values, result, run record),
 * the failed tasks with their one-line errors, the tasks without any file, and summaries over the
 * `over` axes (default: the sweep file's merge.over).
 * @throws InputError when `over` names a path that is not a grid axis.
 */
export function mergeSweep(dir: string, opts: { over?: string[] } = {}): { plan: SweepPlan; merged: MergedSweep } {
  const plan = readPlan(dir);
  const over = opts.over ?? plan.merge.over;
  for (const a of over) if (!plan.axes.includes(a)) throw new InputError(`${JSON.stringify(a)} is not a grid axis (axes: ${plan.axes.join(', ') || 'none'})`, '--over');
  const results = idsIn(dir, 'results');
  const failedIds = idsIn(dir, 'failed');
  const rows: SweepRow[] = [];
  const failures: MergedSweep['failures'] = [];
  const missingTasks: MergedSweep['missingTasks'] = [];
  for (const t of plan.tasks) {
    const r = results.has(t.id) ? readSweepJson<TaskResultFile>(resultPath(dir, t.id)) : undefined;
    if (r && r.id === t.id) {
      rows.push({ id: t.id, index: t.index, params: t.params, result: r.result, run: r.run });
      continue;
    }
    const f = failedIds.has(t.id) ? readSweepJson<TaskFailureFile>(failurePath(dir, t.id)) : undefined;
    if (f) failures.push({ id: t.id, index: t.index, params: t.params, error: f.error });
    else missingTasks.push({ id: t.id, index: t.index, params: t.params });
  }
  const known = new Set(plan.tasks.map((t) => t.id));
  const merged: MergedSweep = {
    command: plan.command,
    axes: plan.axes,
    over,
    tasks: plan.tasks.length,
    done: rows.length,
    failed: failures.length,
    missing: missingTasks.length,
    rows,
    summary: over.length ? summarizeRows(rows, over) : [],
    failures,
    missingTasks,
    foreign: [...results].filter((id) => !known.has(id)).sort(),
  };
  return { plan, merged };
}
