/**
 * Why a grid errs where it does (exact 1-D processes): per step, the thermodynamic length it covers,
 * its local error and its contribution to the final error; and the acceleration of the flow.
 *
 * - Acceleration A(t) = ||Du/Dt||_{L2(P_t)}, Du/Dt = du/dt + u du/dx (the second time derivative of
 *   a trajectory; central differences with step 1e-5). Euler's local error on a step of size h is
 *   (h^2/2) Du/Dt + O(h^3): it is set by A, whereas the thermodynamic length of the step is h v2.
 * - Local error of step k: one solver step from the true marginal (x = Q_{t_k}(Phi(z))) against the
 *   exact flow Q_{t_{k+1}}(F_{t_k}(x)), RMS over z.
 * - Contribution of step k: c_k = Phi^ex_{t_{k+1} -> 0}(S_k(y_k)) - Phi^ex_{t_k -> 0}(y_k), y_k the grid
 *   solution at t_k and Phi^ex_{a -> b}(x) = Q_b(F_a(x)) the exact flow; the c_k sum exactly (a
 *   telescoping sum) to the final error Phi_grid - Phi_ex, so sum_k RMS(c_k) / RMS(sum_k c_k) >= 1
 *   measures how much the steps' errors cancel.
 * - The acceleration grid: steps equidistributing the Euler local error, step density proportional
 *   to sqrt(A(t)) (minimising sum h_k^2 A(t_k) at a fixed number of steps).
 * Integrals over z use 100 panels x 8 Gauss-Legendre nodes on |z| <= 10: diagnostics, accurate to a
 * few digits (the reported errors and W2 come from the adaptive evaluation, not from here).
 */
import type { Exact1dProcess } from '../fields/exact1d.ts';
import { buildTimeChange, type TimeChange } from '../schedules/timeChange.ts';
import { expectation1d } from '../thermo/expectation1d.ts';
import type { GridEvaluator } from './gridStudy.ts';
import type { GridPlan } from './integrateGrid.ts';
import { normalScoreNodes } from './normalScoreNodes.ts';
import { standardGrid } from './stepGrids.ts';

/** One step of a grid. */
export interface StepDiagnostic {
  from: number;
  to: number;
  /** Thermodynamic length of the step, ell(from) - ell(to). */
  length: number;
  localError: number;
  contribution: number;
}

/** Step diagnostics of one grid. */
export interface GridDiagnostic {
  name: string;
  steps: StepDiagnostic[];
  /** sum_k RMS(c_k) / RMS(sum_k c_k): 1 = no cancellation. */
  cancellation: number;
}

/** Acceleration A(t) = ||du/dt + u du/dx||_{L2(P_t)} of a 1-D process (see the module comment). */
export function acceleration1d(process: Exact1dProcess, t: number): number {
  const tau = process.tau;
  const e = 1e-5 * tau;
  const tp = Math.min(tau, t + e);
  const tm = Math.max(0, t - e);
  const a = (x: number) => {
    const u = process.velocity(t, x);
    const dudt = (process.velocity(tp, x) - process.velocity(tm, x)) / (tp - tm);
    const dudx = (process.velocity(t, x + e) - process.velocity(t, x - e)) / (2 * e);
    return dudt + u * dudx;
  };
  return Math.sqrt(expectation1d(process, t, (x) => a(x) ** 2, { tol: 1e-8 }));
}

/** The acceleration grid's clock: the constant-"speed" time change of sqrt(A(t)). */
export function accelerationClock(process: Exact1dProcess, panels = 48): TimeChange {
  return buildTimeChange((t) => Math.sqrt(acceleration1d(process, t)), process.tau, { panels });
}

/** The acceleration grid at `steps` steps and its evaluation. */
export async function accelerationGrid(clock: TimeChange, steps: number, plan: GridPlan, evaluate: GridEvaluator) {
  const times = standardGrid('equal-length', { tau: clock.tau, steps, timeChange: clock });
  return { times: Array.from(times), ...(await evaluate(times, plan)) };
}

function step(process: Exact1dProcess, solver: 'euler' | 'heun', t: number, t1: number, x: number): number {
  const h = t1 - t;
  const k1 = process.velocity(t, x);
  if (solver === 'euler') return x + h * k1;
  return x + 0.5 * h * (k1 + process.velocity(t1, x + h * k1));
}

/** Step diagnostics of one grid (times from tau down to 0) for a plan's solver. */
export function gridDiagnostic(process: Exact1dProcess, lengthClock: TimeChange, name: string, times: ArrayLike<number>, plan: GridPlan): GridDiagnostic {
  const { z, w } = normalScoreNodes(100, 8, 10);
  const exact = (a: number, b: number, x: number) => process.quantileZ(b, process.normalScore(a, x));
  const tau = process.tau;
  let y = Float64Array.from(z, (zi) => process.quantileZ(tau, zi));
  const total = new Float64Array(z.length);
  const steps: StepDiagnostic[] = [];
  const K = times.length - 1;
  let sumRms = 0;
  for (let k = 0; k < K; k++) {
    const t = times[k];
    const t1 = times[k + 1];
    const solver = plan.solver === 'euler' || (plan.finalEuler && k === K - 1) ? 'euler' : 'heun';
    let c2 = 0;
    let l2 = 0;
    const next = new Float64Array(y.length);
    for (let i = 0; i < z.length; i++) {
      next[i] = step(process, solver, t, t1, y[i]);
      const c = exact(t1, 0, next[i]) - exact(t, 0, y[i]);
      total[i] += c;
      c2 += w[i] * c * c;
      const xt = process.quantileZ(t, z[i]);
      l2 += w[i] * (step(process, solver, t, t1, xt) - process.quantileZ(t1, z[i])) ** 2;
    }
    y = next;
    sumRms += Math.sqrt(c2);
    steps.push({ from: t, to: t1, length: lengthClock.lengthAt(t) - lengthClock.lengthAt(t1), localError: Math.sqrt(l2), contribution: Math.sqrt(c2) });
  }
  let e2 = 0;
  for (let i = 0; i < z.length; i++) e2 += w[i] * total[i] ** 2;
  return { name, steps, cancellation: sumRms / Math.sqrt(e2) };
}
