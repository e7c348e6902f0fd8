import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import { makeDirs, readJsonFile, writeFileAtomic } from '../io/files.ts';
import { hashJson, PLAN_FILE, publishExclusive, readPlan, type SweepPlan, type SweepTask, taskId } from './sweepFolder.ts';
import { sweepCommand } from './sweepRegistry.ts';
import { describeParams, expandGrid, parseSweepSpec } from './sweepSpec.ts';
import { stableJson } from './stableJson.ts';

/** Outcome of {@link planSweep}. */
export interface PlanOutcome {
  plan: SweepPlan;
  /** False when the folder already held this very sweep (planning is idempotent). */
  created: boolean;
  /** Grid paths that were not in the base config (created by the grid). */
  addedPaths: string[];
}

/**
 * Expand a sweep file into a task list, validate every task's config with its command (before
 * anything runs) and write `<outDir>/plan.json`. Safe to call from many processes at once (each
 * element of a job array may plan before running): the plan is published exclusively and a folder
 * holding the same sweep is accepted as it is.
 * @throws InputError for a bad sweep file, a cell whose config its command rejects (naming the cell
 *   and its grid values), two cells with the same config, or an `outDir` that holds a different
 *   sweep or other files.
 */
export function planSweep(sweepFile: string, outDir: string): PlanOutcome {
  const sweepPath = resolve(sweepFile);
  const spec = parseSweepSpec(readJsonFile(sweepPath), `${sweepFile}: sweep`);
  const command = sweepCommand(spec.command, `${sweepFile}: command`);
  let base: Record<string, unknown>;
  let configFile: string | null = null;
  let baseDir = dirname(sweepPath);
  if (typeof spec.config === 'string') {
    configFile = resolve(dirname(sweepPath), spec.config);
    const json = readJsonFile(configFile);
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new InputError('expected a config object', configFile);
    base = json as Record<string, unknown>;
    baseDir = dirname(configFile);
  } else {
    base = spec.config;
  }
  const { cells, addedPaths } = expandGrid(base, spec.grid, `${sweepFile}: grid`);
  const tasks: SweepTask[] = [];
  const byId = new Map<string, number>();
  for (const cell of cells) {
    const label = `${sweepFile}: cell ${cell.index + 1} of ${cells.length} (${describeParams(cell.params)})`;
    try {
      command.validate(cell.config, { baseDir });
    } catch (e) {
      if (e instanceof InputError) throw new InputError(e.message, label);
      throw e;
    }
    const id = taskId(spec.command, cell.config);
    const twin = byId.get(id);
    if (twin !== undefined) throw new InputError(`gives the same config as cell ${twin + 1} (${describeParams(cells[twin].params)})`, label);
    byId.set(id, cell.index);
    tasks.push({ id, index: cell.index, params: cell.params, config: cell.config });
  }
  const axes = spec.grid.map((a) => a.path);
  const plan: SweepPlan = {
    format: 'thermodiff-sweep-plan',
    version: 1,
    sweepHash: hashJson({ command: spec.command, axes, ids: tasks.map((t) => t.id) }),
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    command: spec.command,
    sweepFile: sweepPath,
    configFile,
    baseDir,
    axes,
    merge: spec.merge,
    tasks,
  };
  const out = resolve(outDir);
  const planPath = join(out, PLAN_FILE);
  const text = `${JSON.stringify(plan, null, 1)}\n`;
  if (!existsSync(planPath)) {
    if (existsSync(out)) {
      if (!statSync(out).isDirectory()) throw new InputError('expected a folder for the sweep, found a file', outDir);
      const other = readdirSync(out).filter((f) => !f.startsWith('.'));
      if (other.length) throw new InputError(`folder is not empty and holds no sweep (${other.slice(0, 3).join(', ')}${other.length > 3 ? ', ...' : ''}); plan into a new folder`, outDir);
    }
    makeDirs(out);
    if (publishExclusive(planPath, text)) return { plan, created: true, addedPaths };
  }
  const old = readPlan(out);
  if (old.sweepHash !== plan.sweepHash) {
    const from = old.sweepFile ? `from ${old.sweepFile}` : 'inline';
    throw new InputError(
      `holds a different sweep (${old.command}, ${old.tasks.length} tasks, ${from}; this one: ${plan.command}, ${plan.tasks.length} tasks); plan into a new folder`,
      outDir,
    );
  }
  // same tasks: refresh the merge defaults, names and paths if the sweep file changed only those
  if (stableJson({ ...old, tasks: [] }) !== stableJson({ ...plan, tasks: [] })) writeFileAtomic(planPath, text);
  return { plan, created: false, addedPaths };
}
