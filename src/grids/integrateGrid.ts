/**
 * Fixed-grid solvers of the probability-flow ODE dx/dt = u(t, x) from t_0 = tau down to t_K = 0:
 * Euler (one evaluation per step) and Heun (explicit trapezoid, two per step; with an odd NFE budget
 * the last step is an Euler step, as in EDM's sampler, so that every budget is used exactly).
 */
import { InputError, NumericalError } from '../core/errors.ts';
import type { GridField } from './gridField.ts';

/** Fixed-grid ODE solvers. */
export const GRID_SOLVERS = ['euler', 'heun'] as const;
export type GridSolverName = (typeof GRID_SOLVERS)[number];

/** How a solver spends an NFE budget: number of steps and whether the last step is Euler. */
export interface GridPlan {
  solver: GridSolverName;
  nfe: number;
  steps: number;
  /** Heun with an odd budget: the last step is an Euler step. */
  finalEuler: boolean;
}

/**
 * Steps for an NFE budget: Euler K = nfe; Heun K = ceil(nfe / 2) (the last one Euler when nfe is odd).
 * @throws InputError if nfe is not an integer >= 1 or the solver is unknown.
 */
export function gridPlan(solver: string, nfe: number): GridPlan {
  if (!(GRID_SOLVERS as readonly string[]).includes(solver)) throw new InputError(`expected one of ${GRID_SOLVERS.join(', ')}, got ${JSON.stringify(solver)}`, 'solver');
  if (!(Number.isInteger(nfe) && nfe >= 1 && nfe <= 100_000)) throw new InputError(`expected an integer NFE in [1, 100000], got ${nfe}`, 'nfe');
  if (solver === 'euler') return { solver, nfe, steps: nfe, finalEuler: false };
  return { solver: 'heun', nfe, steps: Math.ceil(nfe / 2), finalEuler: nfe % 2 === 1 };
}

/**
 * Check a grid of times: finite, strictly decreasing, from tau to 0 (within 1e-9 tau; the ends are
 * then snapped to exactly tau and 0), with `steps + 1` entries when `steps` is given.
 * @returns the grid with exact ends.
 * @throws InputError naming the first problem (non-finite value, wrong length, not spanning [0, tau],
 *   not strictly decreasing).
 */
export function checkGrid(times: ArrayLike<number>, tau: number, where = 'grid', steps?: number): Float64Array {
  const n = times.length;
  if (n < 2) throw new InputError(`expected at least 2 times (tau and 0), got ${n}`, where);
  if (steps !== undefined && n !== steps + 1) throw new InputError(`expected ${steps + 1} times (${steps} steps), got ${n}`, where);
  for (let i = 0; i < n; i++) if (typeof times[i] !== 'number' || !Number.isFinite(times[i])) throw new InputError(`expected finite times, got ${times[i]}`, `${where}[${i}]`);
  const tol = 1e-9 * tau;
  if (Math.abs(times[0] - tau) > tol || Math.abs(times[n - 1]) > tol) {
    throw new InputError(`expected times running from tau = ${tau} down to 0, got ${times[0]} ... ${times[n - 1]}`, where);
  }
  const g = Float64Array.from(times);
  g[0] = tau;
  g[n - 1] = 0;
  for (let i = 1; i < n; i++) {
    if (!(g[i] < g[i - 1])) throw new InputError(`expected strictly decreasing times, got ${g[i - 1]} then ${g[i]}`, `${where}[${i}]`);
  }
  return g;
}

/** Options of {@link integrateGrid}. */
export interface IntegrateGridOptions {
  /** Heun only: make the last step an Euler step (odd NFE budgets). @default false */
  finalEuler?: boolean;
  /** Keep the state at every grid time (states[k] at times[k]; states[0] is a copy of x0). */
  keepStates?: boolean;
  /** Start at grid index `fromIndex` with state x0 (which must be the state at times[fromIndex]). @default 0 */
  fromIndex?: number;
}

/** Result of {@link integrateGrid}. */
export interface IntegrateGridResult {
  /** State at t = 0 (n*dim). */
  x: Float64Array;
  /** Velocity evaluations (each on all n points). */
  nfe: number;
  /** With keepStates: states at times[fromIndex..K] (entries before fromIndex are undefined). */
  states?: Float64Array[];
}

/**
 * Integrate n points of `field` along a grid (times[0] = tau > ... > times[K] = 0, not re-checked:
 * see {@link checkGrid}) with Euler or Heun.
 * @throws NumericalError if the state becomes non-finite (a step far too large for the field).
 */
export async function integrateGrid(
  field: GridField,
  x0: Float64Array,
  n: number,
  times: ArrayLike<number>,
  solver: GridSolverName,
  opts: IntegrateGridOptions = {},
): Promise<IntegrateGridResult> {
  const N = n * field.dim;
  if (x0.length !== N) throw new InputError(`expected ${n} x ${field.dim} = ${N} start coordinates, got ${x0.length}`, 'integrateGrid');
  const K = times.length - 1;
  const from = opts.fromIndex ?? 0;
  const x = Float64Array.from(x0);
  const k1 = new Float64Array(N);
  const k2 = new Float64Array(N);
  const tmp = new Float64Array(N);
  const states: Float64Array[] | undefined = opts.keepStates ? new Array(K + 1) : undefined;
  if (states) states[from] = Float64Array.from(x);
  let nfe = 0;
  for (let k = from; k < K; k++) {
    const t = times[k];
    const h = times[k + 1] - t;
    await field.velocity(t, x, n, k1);
    nfe++;
    if (solver === 'euler' || (opts.finalEuler && k === K - 1)) {
      for (let i = 0; i < N; i++) x[i] += h * k1[i];
    } else {
      for (let i = 0; i < N; i++) tmp[i] = x[i] + h * k1[i];
      await field.velocity(times[k + 1], tmp, n, k2);
      nfe++;
      for (let i = 0; i < N; i++) x[i] += 0.5 * h * (k1[i] + k2[i]);
    }
    for (let i = 0; i < N; i++) {
      if (!Number.isFinite(x[i])) throw new NumericalError(`the ${solver} solution became non-finite at t = ${times[k + 1]} (step ${k + 1} of ${K})`);
    }
    if (states) states[k + 1] = Float64Array.from(x);
  }
  return { x, nfe, states };
}
