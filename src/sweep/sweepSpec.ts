import { describe } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import { setPath, splitPath } from './dottedPath.ts';
import { stableJson } from './stableJson.ts';

/** One axis of a sweep grid: a dotted config path and the values it takes. */
export interface GridAxis {
  path: string;
  values: unknown[];
}

/** A figure of `merge`: quantity `y` (a dotted path into the result) against grid axis `x`. */
export interface SweepFigure {
  y: string;
  x: string;
}

/** A parsed sweep file (docs/sweeps.md). */
export interface SweepSpec {
  /** Registered sweep command, e.g. `speed-accuracy` or `train`. */
  command: string;
  /** The base config: an inline object, or a path relative to the sweep file's folder. */
  config: Record<string, unknown> | string;
  /** Axes in the order written; the task list varies the last axis fastest. */
  grid: GridAxis[];
  /** Defaults of `sweep merge`: axes to summarise over, quantities, figures. */
  merge: { over: string[]; quantities?: string[]; figures: SweepFigure[] };
  name?: string;
  description?: string;
}

/** One cell of an expanded grid. */
export interface GridCell {
  /** Position in the task list (last axis fastest). */
  index: number;
  /** The grid value of each axis, keyed by its dotted path. */
  params: Record<string, unknown>;
  /** The full config of this cell. */
  config: Record<string, unknown>;
}

const SPEC_KEYS = ['command', 'config', 'grid', 'merge', 'name', 'description', '$schema'];

/**
 * Parse a sweep file:
 * ```json
 * {"command": "speed-accuracy", "config": "../swiss-roll-g3.json",
 *  "grid": {"process.g": [0, 1, 2, 3, 4, 5], "data.seed": [1, 2, 3, 4, 5]},
 *  "merge": {"over": ["data.seed"], "figures": [{"y": "eta", "x": "process.g"}]}}
 * ```
 * @throws InputError naming the key of the first problem (`sweep.grid["process.g"]`, ...).
 */
export function parseSweepSpec(json: unknown, where = 'sweep'): SweepSpec {
  const o = object(json, where);
  for (const k of Object.keys(o)) if (!SPEC_KEYS.includes(k)) throw new InputError(`unknown key ${JSON.stringify(k)} (expected ${SPEC_KEYS.join(', ')})`, where);
  if (typeof o.command !== 'string' || o.command === '') throw new InputError(`expected a command name such as "speed-accuracy", got ${describe(o.command)}`, `${where}.command`);
  let config: SweepSpec['config'];
  if (typeof o.config === 'string' && o.config !== '') config = o.config;
  else if (o.config !== null && typeof o.config === 'object' && !Array.isArray(o.config)) config = o.config as Record<string, unknown>;
  else throw new InputError(`expected a config file path or an inline config object, got ${describe(o.config)}`, `${where}.config`);
  const g = object(o.grid ?? {}, `${where}.grid`);
  const grid: GridAxis[] = [];
  for (const [path, values] of Object.entries(g)) {
    const w = `${where}.grid[${JSON.stringify(path)}]`;
    splitPath(path, w);
    if (!Array.isArray(values) || values.length === 0) throw new InputError(`expected a non-empty array of values, got ${describe(values)}`, w);
    const seen = new Map<string, number>();
    values.forEach((v, i) => {
      const key = stableJson(v);
      if (seen.has(key)) throw new InputError(`value ${key} appears twice (at ${seen.get(key)} and ${i})`, w);
      seen.set(key, i);
    });
    grid.push({ path, values });
  }
  const paths = grid.map((a) => a.path);
  for (const p of paths) {
    const clash = paths.find((q) => q !== p && q.startsWith(`${p}.`));
    if (clash) throw new InputError(`axes ${JSON.stringify(p)} and ${JSON.stringify(clash)} overlap (one sets a value inside the other)`, `${where}.grid`);
  }
  const m = object(o.merge ?? {}, `${where}.merge`);
  for (const k of Object.keys(m)) if (!['over', 'quantities', 'figures'].includes(k)) throw new InputError(`unknown key ${JSON.stringify(k)} (expected over, quantities, figures)`, `${where}.merge`);
  const over = strings(m.over ?? [], `${where}.merge.over`);
  for (const a of over) if (!paths.includes(a)) throw new InputError(`${JSON.stringify(a)} is not a grid axis (axes: ${paths.join(', ') || 'none'})`, `${where}.merge.over`);
  const quantities = m.quantities === undefined ? undefined : strings(m.quantities, `${where}.merge.quantities`);
  const figs = m.figures ?? [];
  if (!Array.isArray(figs)) throw new InputError(`expected an array of {"y", "x"}, got ${describe(figs)}`, `${where}.merge.figures`);
  const figures = figs.map((f, i) => {
    const fw = `${where}.merge.figures[${i}]`;
    const fo = object(f, fw);
    if (typeof fo.y !== 'string' || fo.y === '') throw new InputError(`expected a result quantity such as "eta", got ${describe(fo.y)}`, `${fw}.y`);
    if (typeof fo.x !== 'string' || !paths.includes(fo.x)) throw new InputError(`expected a grid axis (${paths.join(', ') || 'none'}), got ${describe(fo.x)}`, `${fw}.x`);
    return { y: fo.y, x: fo.x };
  });
  const text = (k: string) => {
    if (o[k] === undefined) return undefined;
    if (typeof o[k] !== 'string') throw new InputError(`expected a string, got ${describe(o[k])}`, `${where}.${k}`);
    return o[k] as string;
  };
  return { command: o.command, config, grid, merge: { over, quantities, figures }, name: text('name'), description: text('description') };
}

/**
 * Every cell of the grid over `base` (the cartesian product, last axis fastest). A grid with no
 * axes has one cell, the base config.
 * @returns the cells, and the axes whose path was not in `base` (created, worth a note).
 * @throws InputError when a path steps through a non-object.
 */
export function expandGrid(base: Record<string, unknown>, grid: readonly GridAxis[], where = 'sweep.grid'): { cells: GridCell[]; addedPaths: string[] } {
  const added = new Set<string>();
  const total = grid.reduce((n, a) => n * a.values.length, 1);
  const cells: GridCell[] = [];
  for (let index = 0; index < total; index++) {
    let rest = index;
    const picks: number[] = new Array(grid.length);
    for (let a = grid.length - 1; a >= 0; a--) {
      picks[a] = rest % grid[a].values.length;
      rest = Math.floor(rest / grid[a].values.length);
    }
    let config = base;
    const params: Record<string, unknown> = {};
    grid.forEach((axis, a) => {
      const v = axis.values[picks[a]];
      params[axis.path] = v;
      const r = setPath(config, axis.path, v, `${where}[${JSON.stringify(axis.path)}]`);
      if (!r.existed) added.add(axis.path);
      config = r.value;
    });
    cells.push({ index, params, config: config === base ? structuredClone(base) : config });
  }
  return { cells, addedPaths: [...added] };
}

/** `process.g=3, data.seed=2`: a cell's grid values for messages. */
export function describeParams(params: Record<string, unknown>): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length ? parts.join(', ') : 'the base config';
}

function object(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InputError(`expected an object, got ${describe(v)}`, where);
  return v as Record<string, unknown>;
}

function strings(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) throw new InputError(`expected an array of names, got ${describe(v)}`, where);
  return v as string[];
}
