/**
 * Compare step grids at a fixed NFE on one velocity field: the standard grids (uniform, EDM, log-SNR,
 * equal thermodynamic length) and the optimised grid, which starts from the best of them (by the
 * data-free error on the optimisation starts) and is then checked on separate evaluation starts.
 *
 * Error measures:
 * - `endpointError`: sqrt(sum_i w_i |Phi_grid(x_i) - Phi_ref(x_i)|^2) on the evaluation starts, the
 *   RMS distance of the few-step solution from a fine-step (dopri5) solution of the same field from
 *   the same starts. Needs no data, so it works for trained models too.
 * - `w2`: W2 of the generated law to the data, when the caller can compute it (1-D: exactly, by the
 *   quantile formula; otherwise from samples).
 */
import type { Schedule } from '../schedules/schedule.ts';
import type { TimeChange } from '../schedules/timeChange.ts';
import type { GridField } from './gridField.ts';
import { type GridPlan, type GridSolverName, gridPlan, integrateGrid } from './integrateGrid.ts';
import { optimiseGrid } from './optimiseGrid.ts';
import { STANDARD_GRIDS, type StandardGridName, standardGrid } from './stepGrids.ts';

/** Grid names in report order. */
export const GRID_NAMES = [...STANDARD_GRIDS, 'optimised'] as const;
export type GridName = (typeof GRID_NAMES)[number];

/** A set of starts at tau with weights (sum 1) and their fine-step reference endpoints. */
export interface StartSet {
  x: Float64Array;
  n: number;
  w: Float64Array;
  ref: Float64Array;
}

/** W2 of generated endpoints (n * dim, in the order of the evaluation starts) to the data. */
export type W2ToData = (endpoints: Float64Array) => { w2: number; exact: boolean; monotone?: boolean };

/** The evaluation of one grid (see {@link GridResult}). */
export interface GridEvaluation {
  endpointError: number;
  w2?: number;
  w2Exact?: boolean;
  monotone?: boolean;
}

/** Evaluates a grid on the evaluation starts (fixed samples, or adaptive quadrature in 1-D). */
export type GridEvaluator = (times: Float64Array, plan: GridPlan) => Promise<GridEvaluation>;

/** The evaluator of a fixed set of (sampled) starts: endpoint error and, optionally, W2 to data. */
export function sampledEvaluator(field: GridField, s: StartSet, w2ToData?: W2ToData): GridEvaluator {
  return async (times, plan) => {
    const x = await endpoints(field, s, times, plan);
    const out: GridEvaluation = { endpointError: rmsTo(x, s, field.dim) };
    if (w2ToData) {
      const w = w2ToData(x);
      out.w2 = w.w2;
      out.w2Exact = w.exact;
      if (w.monotone !== undefined) out.monotone = w.monotone;
    }
    return out;
  };
}

/** Everything a grid study needs. */
export interface GridStudyContext {
  field: GridField;
  /** The (m, sigma) schedule of the path, when it has one (EDM and log-SNR grids need it). */
  schedule: Schedule | null;
  timeChange: TimeChange;
  optStarts: StartSet;
  /** Endpoint error (and W2 to data) of a grid, on starts the optimiser does not see. */
  evaluate: GridEvaluator;
  edm?: { rho?: number; lambdaMin?: number; lambdaMax?: number };
  /** LM iterations of the optimiser. */
  maxIterations?: number;
  /** Also optimise from every standard grid, not only the best one, and keep the best result. */
  multiStart?: boolean;
}

/** One grid of a study. */
export interface GridResult {
  name: GridName;
  /** Times from tau down to 0 (steps + 1 values). */
  times: number[];
  solver: GridSolverName;
  nfe: number;
  steps: number;
  /** RMS endpoint distance to the fine-step reference on the evaluation starts. */
  endpointError: number;
  /** The same on the optimisation starts (what the optimiser minimises). */
  objective: number;
  w2?: number;
  /** true: W2 by the exact 1-D quantile formula; false: from samples (or atoms, when not monotone). */
  w2Exact?: boolean;
  /** 1-D: whether the grid's flow map is increasing on the evaluation starts. */
  monotone?: boolean;
  /** Optimised grid only: how it was found. */
  optimisation?: {
    start: StandardGridName;
    iterations: number;
    evaluations: number;
    stop: string;
    /** A standard grid had a lower evaluation error than the optimiser's result and was kept instead. */
    keptStandard: boolean;
  };
}

async function endpoints(field: GridField, s: StartSet, times: Float64Array, plan: GridPlan): Promise<Float64Array> {
  return (await integrateGrid(field, s.x, s.n, times, plan.solver, { finalEuler: plan.finalEuler })).x;
}

function rmsTo(x: Float64Array, s: StartSet, dim: number): number {
  let e = 0;
  for (let i = 0; i < s.n; i++) {
    let d2 = 0;
    for (let j = 0; j < dim; j++) d2 += (x[i * dim + j] - s.ref[i * dim + j]) ** 2;
    e += s.w[i] * d2;
  }
  return Math.sqrt(e);
}

/** The standard grids that apply (EDM and log-SNR need an (m, sigma) schedule). */
export function applicableGrids(schedule: Schedule | null): StandardGridName[] {
  return STANDARD_GRIDS.filter((g) => schedule !== null || (g !== 'edm' && g !== 'logsnr'));
}

/**
 * Evaluate every applicable standard grid and the optimised grid at one NFE budget.
 * The optimised grid is never worse than the best standard grid on the evaluation starts: if the
 * optimiser's result is (it can only be on starts it did not see), the best standard grid is reported
 * under `optimised` with `keptStandard: true`.
 */
export async function gridStudy(ctx: GridStudyContext, solver: GridSolverName, nfe: number): Promise<GridResult[]> {
  const plan = gridPlan(solver, nfe);
  const { field } = ctx;
  const tau = field.tau;
  const dim = field.dim;
  const out: GridResult[] = [];
  const evalGrid = async (name: GridName, times: Float64Array): Promise<GridResult> => {
    const xo = await endpoints(field, ctx.optStarts, times, plan);
    return { name, times: Array.from(times), solver, nfe, steps: plan.steps, ...(await ctx.evaluate(times, plan)), objective: rmsTo(xo, ctx.optStarts, dim) };
  };
  const names = applicableGrids(ctx.schedule);
  const standard = new Map<StandardGridName, Float64Array>();
  for (const g of names) {
    const times = standardGrid(g, { tau, steps: plan.steps, schedule: ctx.schedule ?? undefined, timeChange: ctx.timeChange, ...ctx.edm });
    standard.set(g, times);
    out.push(await evalGrid(g, times));
  }
  const byObjective = [...out].sort((a, b) => a.objective - b.objective);
  const starts = ctx.multiStart ? byObjective : byObjective.slice(0, 1);
  let best: { times: Float64Array; start: StandardGridName; iterations: number; evaluations: number; stop: string; error: number } | null = null;
  for (const s of starts) {
    const o = await optimiseGrid(field, plan, standard.get(s.name as StandardGridName) as Float64Array, ctx.optStarts.x, ctx.optStarts.ref, ctx.optStarts.n, {
      weights: ctx.optStarts.w,
      maxIterations: ctx.maxIterations,
    });
    if (!best || o.error < best.error) best = { times: o.times, start: s.name as StandardGridName, iterations: o.iterations, evaluations: o.evaluations, stop: o.stop, error: o.error };
  }
  const b = best as NonNullable<typeof best>;
  let opt = await evalGrid('optimised', b.times);
  const bestStandard = [...out].sort((x, y) => x.endpointError - y.endpointError)[0];
  let keptStandard = false;
  if (opt.endpointError > bestStandard.endpointError) {
    opt = { ...bestStandard, name: 'optimised' };
    keptStandard = true;
  }
  opt.optimisation = { start: b.start, iterations: b.iterations, evaluations: b.evaluations, stop: b.stop, keptStandard };
  out.push(opt);
  return out;
}
