/**
 * Initial-value problems y' = f(t, y) for large state vectors (10^4..10^6 entries: particles x
 * dimension), forwards or backwards in time: fixed-step Euler (order 1), Heun (explicit
 * trapezoid, order 2), classical Runge-Kutta (order 4), and adaptive Dormand-Prince 5(4) with PI
 * step-size control and its 4th-order dense output (Hairer, Norsett, Wanner, Solving ODEs I,
 * sec. II.5 and II.6; the DOPRI5 code).
 *
 * Memory: the solver preallocates its stage buffers once (dopri5: 10 vectors of the state size,
 * fixed methods: at most 8); a step allocates nothing. Outputs are fresh copies.
 */
import { InputError, NumericalError } from './errors.ts';

/** Right-hand side: write f(t, y) into `dydt`. `y` is a solver buffer: read it, do not keep it. */
export type OdeRhs = (t: number, y: Float64Array, dydt: Float64Array) => void;

/** Integration methods of {@link solveOde}. */
export type OdeMethod = 'euler' | 'heun' | 'rk4' | 'dopri5';

/** Options of {@link solveOde}. */
export interface OdeOptions {
  /** Integration method. */
  method: OdeMethod;
  /** Number of equal steps for the fixed-step methods. @default 100 */
  steps?: number;
  /** dopri5 relative tolerance (per component, RMS norm). @default 1e-6 */
  rtol?: number;
  /** dopri5 absolute tolerance. @default 1e-9 */
  atol?: number;
  /**
   * Output times, monotone in the direction of integration and inside [t0, t1]. dopri5 uses its
   * dense output (4th order); fixed-step methods use cubic Hermite interpolation between steps
   * (values and derivatives at both ends, error O(h^4), below every method's own error), which may
   * cost one extra evaluation at the end. Without tEval, every step is returned (fixed: steps + 1
   * states including y0; dopri5: every accepted step): for big states pass e.g. `tEval: [t1]`.
   * Integration stops once the last output time is reached (no work past max(tEval)).
   */
  tEval?: readonly number[];
  /** dopri5: maximum number of steps (accepted + rejected) before NumericalError. @default 100000 */
  maxSteps?: number;
  /** dopri5: initial step size (absolute value); by default chosen by Hairer's heuristic. */
  h0?: number;
}

/** Result of {@link solveOde}. */
export interface OdeResult {
  /** Output times (t0 first unless tEval omits it). */
  t: number[];
  /** States at the output times (copies). */
  y: Float64Array[];
  /** Number of right-hand-side evaluations. */
  nfe: number;
  /** Steps taken (fixed methods: `steps`, fewer if tEval ends before t1). */
  acceptedSteps: number;
  /** Rejected steps (dopri5 only; 0 for fixed methods). */
  rejectedSteps: number;
}

const EPS = 2.220446049250313e-16;

function validateTEval(tEval: readonly number[], t0: number, t1: number): void {
  const dir = t1 >= t0 ? 1 : -1;
  const lo = Math.min(t0, t1);
  const hi = Math.max(t0, t1);
  for (let i = 0; i < tEval.length; i++) {
    const s = tEval[i];
    if (!Number.isFinite(s)) throw new InputError(`expected finite output times, got ${s} at index ${i}`, 'solveOde: tEval');
    if (s < lo || s > hi) {
      throw new InputError(`expected output times inside [${lo}, ${hi}], got ${s} at index ${i}`, 'solveOde: tEval');
    }
    if (i > 0 && dir * (s - tEval[i - 1]) < 0) {
      throw new InputError(
        `expected output times ${dir > 0 ? 'non-decreasing' : 'non-increasing'} (direction of integration), got ${tEval[i - 1]} then ${s} at index ${i}`,
        'solveOde: tEval',
      );
    }
  }
}

function firstNonFinite(y: Float64Array): number {
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) return i;
  return -1;
}

/**
 * Solve y' = rhs(t, y) from t0 to t1 (t1 < t0 integrates backwards; t1 = t0 returns y0).
 *
 * @param rhs writes f(t, y) into its third argument.
 * @param y0 initial state (not modified).
 * @returns output times and states, nfe, accepted and rejected step counts.
 * @throws InputError for a non-finite or empty y0, non-finite t0/t1, unknown method, steps not a
 *   positive integer, rtol/atol/h0/maxSteps invalid, tEval outside [t0, t1] or not monotone.
 * @throws NumericalError if the solution becomes non-finite, the dopri5 step size underflows,
 *   or maxSteps is exceeded.
 */
export function solveOde(rhs: OdeRhs, y0: Float64Array, t0: number, t1: number, opts: OdeOptions): OdeResult {
  const where = 'solveOde';
  if (!(y0 instanceof Float64Array)) throw new InputError(`expected y0 to be a Float64Array, got ${typeof y0}`, where);
  if (y0.length === 0) throw new InputError('expected a non-empty initial state y0', where);
  const bad = firstNonFinite(y0);
  if (bad >= 0) throw new InputError(`expected finite values in y0, got ${y0[bad]} at index ${bad}`, where);
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) {
    throw new InputError(`expected finite start and end times, got t0 = ${t0}, t1 = ${t1}`, where);
  }
  const method = opts?.method;
  if (method !== 'euler' && method !== 'heun' && method !== 'rk4' && method !== 'dopri5') {
    throw new InputError(`unknown method ${JSON.stringify(method)}; expected one of euler, heun, rk4, dopri5`, where);
  }
  if (opts.tEval !== undefined) validateTEval(opts.tEval, t0, t1);
  if (method === 'dopri5') {
    const rtol = opts.rtol ?? 1e-6;
    const atol = opts.atol ?? 1e-9;
    if (!(rtol >= 0 && Number.isFinite(rtol)) || !(atol >= 0 && Number.isFinite(atol)) || rtol + atol === 0) {
      throw new InputError(`expected rtol >= 0 and atol >= 0, not both 0, got rtol = ${rtol}, atol = ${atol}`, where);
    }
    const maxSteps = opts.maxSteps ?? 100_000;
    if (!(Number.isInteger(maxSteps) && maxSteps > 0)) throw new InputError(`expected maxSteps a positive integer, got ${maxSteps}`, where);
    if (opts.h0 !== undefined && !(opts.h0 > 0 && Number.isFinite(opts.h0))) {
      throw new InputError(`expected h0 > 0, got ${opts.h0}`, where);
    }
    return dopri5(rhs, y0, t0, t1, rtol, atol, maxSteps, opts.h0, opts.tEval);
  }
  const steps = opts.steps ?? 100;
  if (!(Number.isInteger(steps) && steps > 0)) throw new InputError(`expected steps a positive integer, got ${steps}`, where);
  return fixedStep(rhs, y0, t0, t1, method, steps, opts.tEval);
}

/** Cubic Hermite interpolation between (ya, fa) at theta = 0 and (yb, fb) at theta = 1, step h. */
function hermite(out: Float64Array, ya: Float64Array, fa: Float64Array, yb: Float64Array, fb: Float64Array, h: number, theta: number): void {
  const th1 = theta - 1;
  const c = theta * th1;
  const one2 = 1 - 2 * theta;
  for (let i = 0; i < out.length; i++) {
    const a = ya[i];
    const b = yb[i];
    out[i] = (1 - theta) * a + theta * b + c * (one2 * (b - a) + th1 * h * fa[i] + theta * h * fb[i]);
  }
}

function fixedStep(
  rhs: OdeRhs,
  y0: Float64Array,
  t0: number,
  t1: number,
  method: 'euler' | 'heun' | 'rk4',
  steps: number,
  tEval: readonly number[] | undefined,
): OdeResult {
  const n = y0.length;
  const h = (t1 - t0) / steps;
  const ts: number[] = [];
  const ys: Float64Array[] = [];
  let y = Float64Array.from(y0);
  let ynew = new Float64Array(n);
  let k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  const k3 = method === 'rk4' ? new Float64Array(n) : k2;
  const k4 = method === 'rk4' ? new Float64Array(n) : k2;
  const tmp = new Float64Array(n);
  let fnext = tEval ? new Float64Array(n) : k1;
  let nfe = 0;
  let k1Valid = false; // k1 holds f(t, y) for the current (t, y)
  let j = 0; // next tEval index
  if (t0 === t1) {
    for (const s of tEval ?? [t0]) {
      ts.push(s);
      ys.push(Float64Array.from(y0));
    }
    return { t: ts, y: ys, nfe: 0, acceptedSteps: 0, rejectedSteps: 0 };
  }
  const dir = h > 0 ? 1 : -1;
  if (tEval) {
    while (j < tEval.length && tEval[j] === t0) {
      ts.push(t0);
      ys.push(Float64Array.from(y0));
      j++;
    }
  } else {
    ts.push(t0);
    ys.push(Float64Array.from(y0));
  }
  let taken = 0;
  for (let s = 0; s < steps; s++) {
    if (tEval && j >= tEval.length) break; // every output time served: stop early
    taken++;
    const t = t0 + s * h;
    const tn = s + 1 === steps ? t1 : t0 + (s + 1) * h;
    const hs = tn - t;
    if (!k1Valid) {
      rhs(t, y, k1);
      nfe++;
    }
    if (method === 'euler') {
      for (let i = 0; i < n; i++) ynew[i] = y[i] + hs * k1[i];
    } else if (method === 'heun') {
      for (let i = 0; i < n; i++) tmp[i] = y[i] + hs * k1[i];
      rhs(tn, tmp, k2);
      nfe++;
      const hh = 0.5 * hs;
      for (let i = 0; i < n; i++) ynew[i] = y[i] + hh * (k1[i] + k2[i]);
    } else {
      const hh = 0.5 * hs;
      for (let i = 0; i < n; i++) tmp[i] = y[i] + hh * k1[i];
      rhs(t + hh, tmp, k2);
      for (let i = 0; i < n; i++) tmp[i] = y[i] + hh * k2[i];
      rhs(t + hh, tmp, k3);
      for (let i = 0; i < n; i++) tmp[i] = y[i] + hs * k3[i];
      rhs(tn, tmp, k4);
      nfe += 3;
      const h6 = hs / 6;
      for (let i = 0; i < n; i++) ynew[i] = y[i] + h6 * (k1[i] + 2 * (k2[i] + k3[i]) + k4[i]);
    }
    const nf = firstNonFinite(ynew);
    if (nf >= 0) {
      throw new NumericalError(`solveOde(${method}): solution became ${ynew[nf]} at index ${nf} at t = ${tn} (step ${s + 1} of ${steps}); the right-hand side is not finite or the step is too large`);
    }
    k1Valid = false;
    if (tEval) {
      // Output times inside (t, tn): Hermite needs f(tn, ynew), which is also the next step's k1.
      if (j < tEval.length && dir * (tEval[j] - tn) < 0) {
        rhs(tn, ynew, fnext);
        nfe++;
        while (j < tEval.length && dir * (tEval[j] - tn) < 0) {
          const out = new Float64Array(n);
          hermite(out, y, k1, ynew, fnext, hs, (tEval[j] - t) / hs);
          ts.push(tEval[j]);
          ys.push(out);
          j++;
        }
        const sw = k1;
        k1 = fnext;
        fnext = sw;
        k1Valid = true;
      }
      while (j < tEval.length && tEval[j] === tn) {
        ts.push(tn);
        ys.push(Float64Array.from(ynew));
        j++;
      }
    } else {
      ts.push(tn);
      ys.push(Float64Array.from(ynew));
    }
    const sw = y;
    y = ynew;
    ynew = sw;
  }
  return { t: ts, y: ys, nfe, acceptedSteps: taken, rejectedSteps: 0 };
}

// Dormand-Prince 5(4) tableau.
const C2 = 1 / 5;
const C3 = 3 / 10;
const C4 = 4 / 5;
const C5 = 8 / 9;
const A21 = 1 / 5;
const A31 = 3 / 40;
const A32 = 9 / 40;
const A41 = 44 / 45;
const A42 = -56 / 15;
const A43 = 32 / 9;
const A51 = 19372 / 6561;
const A52 = -25360 / 2187;
const A53 = 64448 / 6561;
const A54 = -212 / 729;
const A61 = 9017 / 3168;
const A62 = -355 / 33;
const A63 = 46732 / 5247;
const A64 = 49 / 176;
const A65 = -5103 / 18656;
const A71 = 35 / 384;
const A73 = 500 / 1113;
const A74 = 125 / 192;
const A75 = -2187 / 6784;
const A76 = 11 / 84;
// Error coefficients b - b* (5th minus embedded 4th order).
const E1 = 71 / 57600;
const E3 = -71 / 16695;
const E4 = 71 / 1920;
const E5 = -17253 / 339200;
const E6 = 22 / 525;
const E7 = -1 / 40;
// Dense output (Hairer's DOPRI5 contd5 coefficients).
const D1 = -12715105075 / 11282082432;
const D3 = 87487479700 / 32700410799;
const D4 = -10690763975 / 1880347072;
const D5 = 701980252875 / 199316789632;
const D6 = -1453857185 / 822651844;
const D7 = 69997945 / 29380423;

function dopri5(
  rhs: OdeRhs,
  y0: Float64Array,
  t0: number,
  t1: number,
  rtol: number,
  atol: number,
  maxSteps: number,
  h0: number | undefined,
  tEval: readonly number[] | undefined,
): OdeResult {
  const n = y0.length;
  const ts: number[] = [];
  const ys: Float64Array[] = [];
  if (t0 === t1) {
    for (const s of tEval ?? [t0]) {
      ts.push(s);
      ys.push(Float64Array.from(y0));
    }
    return { t: ts, y: ys, nfe: 0, acceptedSteps: 0, rejectedSteps: 0 };
  }
  if (tEval && tEval.length === 0) return { t: ts, y: ys, nfe: 0, acceptedSteps: 0, rejectedSteps: 0 };
  const dir = t1 > t0 ? 1 : -1;
  let y = Float64Array.from(y0);
  let ynew = new Float64Array(n);
  let k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  const k3 = new Float64Array(n);
  const k4 = new Float64Array(n);
  const k5 = new Float64Array(n);
  const k6 = new Float64Array(n);
  let k7 = new Float64Array(n);
  const tmp = new Float64Array(n);
  let nfe = 0;
  let j = 0;
  if (tEval) {
    while (j < tEval.length && tEval[j] === t0) {
      ts.push(t0);
      ys.push(Float64Array.from(y0));
      j++;
    }
  } else {
    ts.push(t0);
    ys.push(Float64Array.from(y0));
  }
  rhs(t0, y, k1);
  nfe++;
  const span = Math.abs(t1 - t0);
  let h: number;
  if (h0 !== undefined) {
    h = Math.min(h0, span);
  } else {
    // Hairer's starting step (hinit) with RMS norms.
    let dnf = 0;
    let dny = 0;
    for (let i = 0; i < n; i++) {
      const sk = atol + rtol * Math.abs(y[i]);
      dnf += (k1[i] / sk) ** 2;
      dny += (y[i] / sk) ** 2;
    }
    dnf /= n;
    dny /= n;
    let hh = dnf <= 1e-10 || dny <= 1e-10 ? 1e-6 : 0.01 * Math.sqrt(dny / dnf);
    hh = Math.min(hh, span);
    for (let i = 0; i < n; i++) tmp[i] = y[i] + dir * hh * k1[i];
    rhs(t0 + dir * hh, tmp, k2);
    nfe++;
    let der2 = 0;
    for (let i = 0; i < n; i++) {
      const sk = atol + rtol * Math.abs(y[i]);
      der2 += ((k2[i] - k1[i]) / sk) ** 2;
    }
    der2 = Math.sqrt(der2 / n) / hh;
    const der12 = Math.max(Math.abs(der2), Math.sqrt(dnf));
    const h1 = der12 <= 1e-15 ? Math.max(1e-6, hh * 1e-3) : (0.01 / der12) ** 0.2;
    h = Math.min(100 * hh, h1, span);
    if (!(h > 0)) h = 1e-6 * span;
  }
  h *= dir;
  let t = t0;
  let accepted = 0;
  let rejected = 0;
  let facold = 1e-4;
  let lastRejected = false;
  const beta = 0.04;
  const expo1 = 0.2 - beta * 0.75;
  const safe = 0.9;
  for (;;) {
    if (accepted + rejected >= maxSteps) {
      throw new NumericalError(`solveOde(dopri5): more than maxSteps = ${maxSteps} steps needed (reached t = ${t} of [${t0}, ${t1}]); raise maxSteps or loosen rtol/atol`);
    }
    if (Math.abs(h) <= 16 * EPS * Math.max(Math.abs(t), 1e-300)) {
      throw new NumericalError(`solveOde(dopri5): step size underflow (h = ${h}) at t = ${t}; the problem is stiff or the right-hand side is singular or not finite there`);
    }
    let last = false;
    if (dir * (t + h - t1) >= 0) {
      h = t1 - t;
      last = true;
    }
    const tn = last ? t1 : t + h;
    for (let i = 0; i < n; i++) tmp[i] = y[i] + h * A21 * k1[i];
    rhs(t + C2 * h, tmp, k2);
    for (let i = 0; i < n; i++) tmp[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
    rhs(t + C3 * h, tmp, k3);
    for (let i = 0; i < n; i++) tmp[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
    rhs(t + C4 * h, tmp, k4);
    for (let i = 0; i < n; i++) tmp[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
    rhs(t + C5 * h, tmp, k5);
    for (let i = 0; i < n; i++) {
      tmp[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
    }
    rhs(tn, tmp, k6);
    for (let i = 0; i < n; i++) {
      ynew[i] = y[i] + h * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
    }
    rhs(tn, ynew, k7);
    nfe += 6;
    let err = 0;
    for (let i = 0; i < n; i++) {
      const sk = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(ynew[i]));
      const e = (h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i])) / sk;
      err += e * e;
    }
    err = Math.sqrt(err / n);
    if (!Number.isFinite(err)) {
      // Non-finite stage values: shrink hard and retry (underflow check reports persistent failure).
      rejected++;
      lastRejected = true;
      h *= 0.1;
      continue;
    }
    const fac11 = err ** expo1;
    if (err <= 1) {
      accepted++;
      if (tEval) {
        while (j < tEval.length && dir * (tEval[j] - tn) <= 0) {
          const out = new Float64Array(n);
          if (tEval[j] === tn) out.set(ynew);
          else denseOutput(out, y, ynew, k1, k3, k4, k5, k6, k7, h, (tEval[j] - t) / h);
          ts.push(tEval[j]);
          ys.push(out);
          j++;
        }
      } else {
        ts.push(tn);
        ys.push(Float64Array.from(ynew));
      }
      let sw = y;
      y = ynew;
      ynew = sw;
      sw = k1;
      k1 = k7;
      k7 = sw;
      t = tn;
      if (last || (tEval && j >= tEval.length)) break; // done, or every output time served
      let fac = fac11 / facold ** beta;
      fac = Math.max(0.1, Math.min(5, fac / safe));
      let hnew = h / fac;
      facold = Math.max(err, 1e-4);
      if (lastRejected) hnew = dir * Math.min(Math.abs(hnew), Math.abs(h));
      lastRejected = false;
      h = hnew;
    } else {
      rejected++;
      lastRejected = true;
      h /= Math.min(5, fac11 / safe);
    }
  }
  return { t: ts, y: ys, nfe, acceptedSteps: accepted, rejectedSteps: rejected };
}

/** Dormand-Prince continuous extension at theta in [0, 1] of the step from (y, k1) to (ynew, k7). */
function denseOutput(
  out: Float64Array,
  y: Float64Array,
  ynew: Float64Array,
  k1: Float64Array,
  k3: Float64Array,
  k4: Float64Array,
  k5: Float64Array,
  k6: Float64Array,
  k7: Float64Array,
  h: number,
  theta: number,
): void {
  const th1 = 1 - theta;
  for (let i = 0; i < out.length; i++) {
    const y0 = y[i];
    const ydiff = ynew[i] - y0;
    const bspl = h * k1[i] - ydiff;
    const r4 = ydiff - h * k7[i] - bspl;
    const r5 = h * (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] + D6 * k6[i] + D7 * k7[i]);
    out[i] = y0 + theta * (ydiff + th1 * (bspl + theta * (r4 + th1 * r5)));
  }
}
