import { describe } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import { checkGrid, GRID_SOLVERS, type GridSolverName } from './integrateGrid.ts';

/** A step grid read from a file, ready for a fixed-step sampler. */
export interface GridFileGrid {
  name: string;
  /** From tau down to 0, strictly decreasing, ends exact. */
  times: Float64Array;
  /** The solver the grid was made for, when the file says. */
  solver?: GridSolverName;
  /** Heun with an odd NFE budget: the last step is an Euler step. */
  finalEuler: boolean;
}

/**
 * Read a step grid from parsed JSON: an `optimize-schedule` result (`{"grids": [{"name", "times",
 * "solver", "nfe"}, ...]}`; the grid called `name`, default `optimised`), a single grid object
 * (`{"times": [...]}`, optional `solver`, `nfe`, `name`) or a bare array of times.
 * @param tau the sampler's horizon: the times must run from tau down to 0.
 * @throws InputError naming the problem: no such grid, not spanning [0, tau], not strictly
 *   decreasing, non-finite values, an unknown solver.
 */
export function parseGridFile(json: unknown, tau: number, where = 'grid file', name = 'optimised'): GridFileGrid {
  let g: unknown = json;
  let gw = where;
  if (json && typeof json === 'object' && !Array.isArray(json) && 'grids' in json) {
    const grids = (json as { grids: unknown }).grids;
    if (!Array.isArray(grids)) throw new InputError(`expected "grids" to be an array, got ${describe(grids)}`, `${where}.grids`);
    const k = grids.findIndex((x) => x && typeof x === 'object' && (x as { name?: unknown }).name === name);
    if (k < 0) {
      const names = grids.map((x) => (x && typeof x === 'object' ? String((x as { name?: unknown }).name) : '?'));
      throw new InputError(`no grid named ${JSON.stringify(name)} (the file has ${names.join(', ')})`, `${where}.grids`);
    }
    g = grids[k];
    gw = `${where}.grids[${k}]`;
  }
  if (Array.isArray(g)) g = { times: g };
  if (!g || typeof g !== 'object') throw new InputError(`expected a grid object or an array of times, got ${describe(g)}`, gw);
  const o = g as Record<string, unknown>;
  if (!Array.isArray(o.times)) throw new InputError(`expected "times" to be an array of numbers, got ${describe(o.times)}`, `${gw}.times`);
  const times = checkGrid(o.times as number[], tau, `${gw}.times`);
  let solver: GridSolverName | undefined;
  if (o.solver !== undefined) {
    if (typeof o.solver !== 'string' || !(GRID_SOLVERS as readonly string[]).includes(o.solver)) throw new InputError(`expected one of ${GRID_SOLVERS.join(', ')}, got ${describe(o.solver)}`, `${gw}.solver`);
    solver = o.solver as GridSolverName;
  }
  const nfe = o.nfe;
  const finalEuler = solver === 'heun' && typeof nfe === 'number' && nfe % 2 === 1 && nfe === 2 * (times.length - 1) - 1;
  return { name: typeof o.name === 'string' ? o.name : name, times, solver, finalEuler };
}
