/**
 * The optimised step grid: interior times t_1 > ... > t_{K-1} that minimise the data-free grid error
 *   E(grid) = sum_i w_i |Phi_grid(x_i) - Phi_ref(x_i)|^2
 * (Phi_grid the few-step Euler/Heun solution, Phi_ref the fine-step reference of the same field, x_i
 * starts drawn from the source at tau with weights w_i summing to 1). A least-squares problem in K - 1
 * unknowns, solved by Levenberg-Marquardt (Marquardt's diagonal scaling) with a forward-difference
 * Jacobian; column k restarts from the stored state at t_{k-1}, so it costs K - k + 1 steps, not K.
 * A step is accepted only if it lowers E and keeps the times strictly decreasing, so the result is
 * never worse than the start (on the starts it was optimised on).
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { InputError, NumericalError } from '../core/errors.ts';
import type { GridField } from './gridField.ts';
import { type GridPlan, integrateGrid } from './integrateGrid.ts';

/** Options of {@link optimiseGrid}. */
export interface OptimiseGridOptions {
  /** Weights of the starts (sum 1). @default 1/n each */
  weights?: Float64Array;
  /** Maximum LM iterations (Jacobians). @default 100 */
  maxIterations?: number;
  /** Stop after three accepted steps in a row that each lower E by less than this fraction. @default 1e-8 */
  relTol?: number;
}

/** Result of {@link optimiseGrid}. */
export interface OptimisedGrid {
  times: Float64Array;
  /** E at the start and at the result (mean squared endpoint distance to the reference). */
  startError: number;
  error: number;
  iterations: number;
  /** Velocity evaluations spent (each on all starts). */
  evaluations: number;
  /** Why it stopped: `converged` (relTol), `stalled` (no improving step), `iterations`. */
  stop: 'converged' | 'stalled' | 'iterations' | 'trivial';
}

/**
 * Log-increment coordinates of a grid: increments delta_k = t_k - t_{k+1} = tau e^theta_k / sum_j e^theta_j
 * (k = 0..K-1) with theta_{K-1} = 0, so every theta in R^(K-1) is a valid decreasing grid and the
 * problem is invariant to the scale of the steps (steps near t = 0 can be 1000x smaller than near tau).
 */
function thetaOf(times: Float64Array): Float64Array {
  const K = times.length - 1;
  const last = Math.log(times[K - 1] - times[K]);
  return Float64Array.from({ length: K - 1 }, (_, k) => Math.log(times[k] - times[k + 1]) - last);
}

function timesOf(theta: Float64Array, tau: number): Float64Array {
  const K = theta.length + 1;
  const mx = Math.max(0, ...theta);
  const e = Float64Array.from({ length: K }, (_, k) => Math.exp((k < K - 1 ? theta[k] : 0) - mx));
  const sum = e.reduce((a, b) => a + b, 0);
  const t = new Float64Array(K + 1);
  t[0] = tau;
  let acc = 0;
  for (let k = 0; k < K; k++) {
    acc += e[k];
    t[k + 1] = tau * (1 - acc / sum);
  }
  t[K] = 0;
  return t;
}

/**
 * dt_k/dtheta_i for interior k = 1..K-1 and i = 0..K-2: with delta_i the increments,
 * dt_k/dtheta_i = delta_i ((tau - t_k)/tau - [i < k]).
 */
function timesJacobian(times: Float64Array): Matrix {
  const K = times.length - 1;
  const tau = times[0];
  const D = new Matrix(K - 1, K - 1);
  for (let k = 1; k < K; k++) {
    for (let i = 0; i < K - 1; i++) {
      const delta = times[i] - times[i + 1];
      D.set(k - 1, i, delta * ((tau - times[k]) / tau - (i < k ? 1 : 0)));
    }
  }
  return D;
}

/** Relative minimum gap between consecutive times of a candidate (keeps every step non-degenerate). */
const MIN_GAP = 1e-6;

/**
 * Minimise the data-free grid error from `start` (a valid grid with plan.steps + 1 times).
 * @param x0 starts at tau (n * dim), `ref` their fine-step reference endpoints.
 * @throws InputError on mismatched sizes.
 */
export async function optimiseGrid(
  field: GridField,
  plan: GridPlan,
  start: Float64Array,
  x0: Float64Array,
  ref: Float64Array,
  n: number,
  opts: OptimiseGridOptions = {},
): Promise<OptimisedGrid> {
  const d = field.dim;
  const N = n * d;
  if (x0.length !== N || ref.length !== N) throw new InputError(`expected ${N} start and reference coordinates, got ${x0.length}, ${ref.length}`, 'optimiseGrid');
  if (start.length !== plan.steps + 1) throw new InputError(`expected ${plan.steps + 1} start times, got ${start.length}`, 'optimiseGrid');
  const w = opts.weights ?? new Float64Array(n).fill(1 / n);
  const sw = Float64Array.from(w, Math.sqrt);
  const K = plan.steps;
  const tau = field.tau;
  let evaluations = 0;
  const run = async (times: Float64Array, from = 0, state = x0, keepStates = false) => {
    const r = await integrateGrid(field, state, n, times, plan.solver, { finalEuler: plan.finalEuler, fromIndex: from, keepStates });
    evaluations += r.nfe;
    return r;
  };
  const residual = (x: Float64Array, out: Float64Array) => {
    let e = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const v = sw[i] * (x[i * d + j] - ref[i * d + j]);
        out[i * d + j] = v;
        e += v * v;
      }
    }
    return e;
  };
  let times: Float64Array = Float64Array.from(start);
  let r = new Float64Array(N);
  let cur = await run(times, 0, x0, true);
  let err = residual(cur.x, r);
  const startError = err;
  if (K < 2 || err === 0) return { times, startError, error: err, iterations: 0, evaluations, stop: 'trivial' };
  const P = K - 1;
  // Finite-difference step, as a fraction of the smaller neighbouring gap: float64 fields carry
  // rounding ~1e-16, so 1e-5 leaves truncation O(1e-5) and rounding ~1e-11; a float32 network
  // carries ~1e-7 relative noise per evaluation, which needs a step of 1e-2 to stay ~1e-5 relative.
  const fd = field.precision === 'exact' ? 1e-5 : 1e-2;
  const maxIt = opts.maxIterations ?? 100;
  const relTol = opts.relTol ?? 1e-8;
  let mu = 1e-3;
  let iterations = 0;
  let stop: OptimisedGrid['stop'] = 'iterations';
  let smallGains = 0;
  const col = new Float64Array(N);
  while (iterations < maxIt) {
    iterations++;
    // Jacobian of the residuals in the interior times (column k restarts from the state at t_{k-1}).
    const Jt = new Matrix(N, P);
    for (let p = 0; p < P; p++) {
      const k = p + 1;
      const gap = Math.min(times[k - 1] - times[k], times[k] - times[k + 1]);
      const dir = times[k - 1] - times[k] >= times[k] - times[k + 1] ? 1 : -1;
      const h = dir * fd * gap;
      const tp = Float64Array.from(times);
      tp[k] += h;
      const states = cur.states as Float64Array[];
      const rp = await run(tp, k - 1, states[k - 1]);
      residual(rp.x, col);
      for (let i = 0; i < N; i++) Jt.set(i, p, (col[i] - r[i]) / h);
    }
    // Chain rule to theta (log-increments): J = Jt dt/dtheta.
    const J = Jt.mmul(timesJacobian(times));
    const JT = J.transpose();
    const A = JT.mmul(J);
    const g = JT.mmul(Matrix.columnVector(Array.from(r)));
    const theta = thetaOf(times);
    const diag = Array.from({ length: P }, (_, p) => Math.max(A.get(p, p), 1e-300));
    let accepted = false;
    while (mu < 1e12) {
      const M = A.clone();
      for (let p = 0; p < P; p++) M.set(p, p, A.get(p, p) + mu * diag[p]);
      const ch = new CholeskyDecomposition(M);
      if (!ch.isPositiveDefinite()) {
        mu *= 4;
        continue;
      }
      const step = ch.solve(g.clone().mul(-1));
      const cand = timesOf(
        Float64Array.from(theta, (v, p) => v + step.get(p, 0)),
        tau,
      );
      let ok = true;
      for (let k = 1; k <= K; k++) if (!(cand[k - 1] - cand[k] > (MIN_GAP * tau) / K)) ok = false;
      if (!ok) {
        mu *= 4;
        continue;
      }
      let rc: Awaited<ReturnType<typeof run>>;
      try {
        rc = await run(cand, 0, x0, true);
      } catch (e) {
        if (!(e instanceof NumericalError)) throw e;
        mu *= 4; // the candidate blew up (non-finite states): reject it
        continue;
      }
      const rNew = new Float64Array(N);
      const eNew = residual(rc.x, rNew);
      if (Number.isFinite(eNew) && eNew < err) {
        const gain = (err - eNew) / err;
        times = cand;
        cur = rc;
        r = rNew;
        err = eNew;
        mu = Math.max(mu / 3, 1e-12);
        accepted = true;
        smallGains = gain < relTol ? smallGains + 1 : 0;
        break;
      }
      mu *= 4;
    }
    if (!accepted) {
      stop = 'stalled';
      break;
    }
    if (smallGains >= 3) {
      stop = 'converged';
      break;
    }
  }
  return { times, startError, error: err, iterations, evaluations, stop };
}
