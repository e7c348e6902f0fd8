/**
 * Integrate the probability-flow ODE dx/dt = u_theta(t, x) of a {@link FlowModel} from `from` to
 * `to` (sampling: from = tau, to = 0; encoding: from = 0, to = tau). Async because model
 * evaluations are. The state is kept in float64 between steps; the network sees float32.
 *
 * Solvers: `euler` (order 1), `heun` (explicit trapezoid, order 2), `rk4` (classic, order 4) with
 * `steps` equal steps; `dopri5` (Dormand-Prince 5(4), FSAL, adaptive, error norm = RMS over all
 * coordinates of err / (atol + rtol max(|x|, |x_new|)), steps clipped to land on every `tEval`).
 * Also returns the path energy  int E_i |u(t, x_i(t))|^2 |dt|  computed with each method's own
 * quadrature weights (the kinetic energy of the learned flow along its trajectories).
 */
import { InputError, NumericalError } from '../../core/errors.ts';
import type { FlowModel } from '../models/flowModel.ts';

/** Options of {@link integrateFlow}. */
export interface IntegrateFlowOptions {
  from: number;
  to: number;
  solver: 'euler' | 'heun' | 'rk4' | 'dopri5';
  /** Fixed-step solvers: number of steps (default 100). */
  steps?: number;
  /** dopri5 tolerances (default 1e-5 both). */
  rtol?: number;
  atol?: number;
  /** Times at which to record the state (in `path`); must lie between from and to. */
  tEval?: number[];
  /** dopri5 step limit (default 10000). */
  maxSteps?: number;
}

/** Result of {@link integrateFlow}. */
export interface IntegrateFlowResult {
  x: Float32Array;
  /** States at `tEval` (when given). */
  path?: Float32Array[];
  /** Number of network evaluations (each on all n points). */
  nfe: number;
  /** Accepted and rejected steps (dopri5; fixed methods report steps as accepted). */
  acceptedSteps: number;
  rejectedSteps: number;
  /** int E|u|^2 |dt| along the computed trajectories. */
  pathEnergy: number;
}

const A = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
const B5 = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0];
const B4 = [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40];

/**
 * @throws InputError for mismatched sizes, non-finite input or bad options; NumericalError when
 *   dopri5 exceeds maxSteps or the step size underflows, or the model returns non-finite values.
 */
export async function integrateFlow(model: FlowModel, x0: Float32Array, n: number, opts: IntegrateFlowOptions): Promise<IntegrateFlowResult> {
  const where = 'integrateFlow';
  const d = model.dim;
  if (!Number.isInteger(n) || n < 1 || x0.length !== n * d) {
    throw new InputError(`expected x0 of length n*dim = ${n}*${d}, got ${x0.length}`, where);
  }
  for (let i = 0; i < x0.length; i++) if (!Number.isFinite(x0[i])) throw new InputError(`x0[${i}] is not finite`, where);
  if (!Number.isFinite(opts.from) || !Number.isFinite(opts.to)) throw new InputError('from and to must be finite', where);
  const steps = opts.steps ?? 100;
  if (!Number.isInteger(steps) || steps < 1) throw new InputError(`expected steps >= 1, got ${steps}`, `${where}.steps`);
  const dir = Math.sign(opts.to - opts.from);
  const tEval = (opts.tEval ?? []).slice();
  for (const te of tEval) {
    if (!((te - opts.from) * dir >= 0 && (opts.to - te) * dir >= 0)) throw new InputError(`tEval value ${te} is outside [${opts.from}, ${opts.to}]`, `${where}.tEval`);
  }
  tEval.sort((a, b) => dir * (a - b));
  const N = n * d;
  const y = Float64Array.from(x0);
  const path: Float32Array[] = [];
  let nextEval = 0;
  const record = (t: number) => {
    while (nextEval < tEval.length && Math.abs(tEval[nextEval] - t) <= 1e-12 * Math.max(1, Math.abs(t))) {
      path.push(Float32Array.from(y));
      nextEval++;
    }
  };
  let nfe = 0;
  const f32 = new Float32Array(N);
  const f = async (t: number, state: Float64Array, out: Float64Array) => {
    for (let i = 0; i < N; i++) f32[i] = state[i];
    const v = await model.velocity(t, f32, n);
    nfe++;
    for (let i = 0; i < N; i++) {
      if (!Number.isFinite(v[i])) throw new NumericalError(`model velocity is not finite at t=${t}`);
      out[i] = v[i];
    }
  };
  const meanSq = (k: Float64Array) => {
    let s = 0;
    for (let i = 0; i < N; i++) s += k[i] * k[i];
    return s / n;
  };
  let energy = 0;
  if (dir === 0) {
    record(opts.from);
    return { x: Float32Array.from(y), path: opts.tEval ? path : undefined, nfe, acceptedSteps: 0, rejectedSteps: 0, pathEnergy: 0 };
  }
  record(opts.from);
  const k = Array.from({ length: 7 }, () => new Float64Array(N));
  const tmp = new Float64Array(N);
  if (opts.solver !== 'dopri5') {
    // fixed steps, landing exactly on tEval points is not guaranteed: tEval must be on the grid
    const h = (opts.to - opts.from) / steps;
    for (let s = 0; s < steps; s++) {
      const t = opts.from + s * h;
      if (opts.solver === 'euler') {
        await f(t, y, k[0]);
        energy += Math.abs(h) * meanSq(k[0]);
        for (let i = 0; i < N; i++) y[i] += h * k[0][i];
      } else if (opts.solver === 'heun') {
        await f(t, y, k[0]);
        for (let i = 0; i < N; i++) tmp[i] = y[i] + h * k[0][i];
        await f(t + h, tmp, k[1]);
        energy += (Math.abs(h) * (meanSq(k[0]) + meanSq(k[1]))) / 2;
        for (let i = 0; i < N; i++) y[i] += (h / 2) * (k[0][i] + k[1][i]);
      } else if (opts.solver === 'rk4') {
        await f(t, y, k[0]);
        for (let i = 0; i < N; i++) tmp[i] = y[i] + (h / 2) * k[0][i];
        await f(t + h / 2, tmp, k[1]);
        for (let i = 0; i < N; i++) tmp[i] = y[i] + (h / 2) * k[1][i];
        await f(t + h / 2, tmp, k[2]);
        for (let i = 0; i < N; i++) tmp[i] = y[i] + h * k[2][i];
        await f(t + h, tmp, k[3]);
        energy += (Math.abs(h) * (meanSq(k[0]) + 2 * meanSq(k[1]) + 2 * meanSq(k[2]) + meanSq(k[3]))) / 6;
        for (let i = 0; i < N; i++) y[i] += (h / 6) * (k[0][i] + 2 * k[1][i] + 2 * k[2][i] + k[3][i]);
      } else {
        throw new InputError(`unknown solver ${JSON.stringify(opts.solver)} (expected euler, heun, rk4 or dopri5)`, `${where}.solver`);
      }
      record(s === steps - 1 ? opts.to : opts.from + (s + 1) * h);
    }
    if (nextEval < tEval.length) throw new InputError(`tEval value ${tEval[nextEval]} is not on the fixed-step grid`, `${where}.tEval`);
    return { x: Float32Array.from(y), path: opts.tEval ? path : undefined, nfe, acceptedSteps: steps, rejectedSteps: 0, pathEnergy: energy };
  }

  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-5;
  const maxSteps = opts.maxSteps ?? 10000;
  const span = Math.abs(opts.to - opts.from);
  let h = span / 50;
  let t = opts.from;
  let accepted = 0;
  let rejected = 0;
  const ynew = new Float64Array(N);
  await f(t, y, k[0]);
  while ((opts.to - t) * dir > 1e-14 * Math.max(1, span)) {
    if (accepted + rejected >= maxSteps) throw new NumericalError(`dopri5: more than ${maxSteps} steps`);
    let target = opts.to;
    if (nextEval < tEval.length) target = tEval[nextEval];
    const hh = Math.min(h, Math.abs(target - t)) * dir;
    for (let s = 1; s < 7; s++) {
      for (let i = 0; i < N; i++) {
        let acc = y[i];
        for (let j = 0; j < s; j++) acc += hh * A[s][j] * k[j][i];
        tmp[i] = acc;
      }
      await f(t + C[s] * hh, tmp, k[s]);
      if (s === 6) ynew.set(tmp); // A[6] = B5: stage 7 is evaluated at the 5th-order solution
    }
    let errSq = 0;
    for (let i = 0; i < N; i++) {
      let e = 0;
      for (let s = 0; s < 7; s++) e += (B5[s] - B4[s]) * k[s][i];
      e *= hh;
      const sc = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(ynew[i]));
      errSq += (e / sc) ** 2;
    }
    const err = Math.sqrt(errSq / N);
    if (err <= 1) {
      let en = 0;
      for (let s = 0; s < 7; s++) if (B5[s] !== 0) en += B5[s] * meanSq(k[s]);
      energy += Math.abs(hh) * en;
      t = Math.abs(target - (t + hh)) <= 1e-12 * Math.max(1, span) ? target : t + hh;
      y.set(ynew);
      k[0].set(k[6]); // FSAL
      accepted++;
      record(t);
    } else {
      rejected++;
    }
    const factor = err === 0 ? 5 : Math.min(5, Math.max(0.2, 0.9 * err ** -0.2));
    h = Math.abs(hh) * factor;
    if (h < 1e-12 * span) throw new NumericalError(`dopri5: step size underflow at t=${t}`);
  }
  return { x: Float32Array.from(y), path: opts.tEval ? path : undefined, nfe, acceptedSteps: accepted, rejectedSteps: rejected, pathEnergy: energy };
}
