/**
 * Euler-Maruyama for Ito SDEs with scalar (isotropic) noise intensity:
 *   dx = f(t, x) dt + g(t) dB_t,   x in R^n (n = particles x dimension, every entry its own B).
 * Strong order 1/2, weak order 1. Works backwards in time (t1 < t0) with dB ~ N(0, |dt|).
 */
import { InputError, NumericalError } from './errors.ts';
import { Rng } from './rng.ts';

/** Drift f(t, x): write it into `out`. `x` is a solver buffer: read it, do not keep it. */
export type SdeDrift = (t: number, x: Float64Array, out: Float64Array) => void;

/** Options of {@link eulerMaruyama}. */
export interface EulerMaruyamaOptions {
  /** Number of equal steps from t0 to t1 (steps that contain output times are split there). */
  steps: number;
  /** Source of the Brownian increments. */
  rng: Rng;
  /**
   * Output times, monotone in the direction of integration, inside [t0, t1]. Output times between
   * grid points become extra grid points (the step is split), so the state there has the exact
   * Euler-Maruyama law; nothing is interpolated. Without tEval every grid state is returned
   * (steps + 1 copies): for big states pass e.g. `tEval: [t1]`.
   */
  tEval?: readonly number[];
  /**
   * Called after every step with the new time and state, the Brownian increment dB used (each entry
   * N(0, |dt|)), the previous state and the previous time. Buffers are reused: copy what you keep.
   * Use it for path functionals such as stochastic entropy production.
   */
  onStep?: (t: number, x: Float64Array, dB: Float64Array, xPrev: Float64Array, tPrev: number) => void;
}

/**
 * Simulate dx = drift(t, x) dt + noiseScale(t) dB from x0 at t0 to t1 with Euler-Maruyama:
 * x_{k+1} = x_k + f(t_k, x_k) dt_k + g(t_k) dB_k, dB_k ~ N(0, |dt_k| I).
 * t1 = t0 returns x0.
 * @returns output times and states (copies).
 * @throws InputError for non-finite/empty x0, non-finite times, steps not a positive integer,
 *   a missing Rng, tEval outside [t0, t1] or not monotone.
 * @throws NumericalError if the drift, the noise scale or the state becomes non-finite.
 */
export function eulerMaruyama(
  drift: SdeDrift,
  noiseScale: (t: number) => number,
  x0: Float64Array,
  t0: number,
  t1: number,
  opts: EulerMaruyamaOptions,
): { t: number[]; x: Float64Array[] } {
  const where = 'eulerMaruyama';
  if (!(x0 instanceof Float64Array) || x0.length === 0) throw new InputError('expected a non-empty Float64Array x0', where);
  for (let i = 0; i < x0.length; i++) {
    if (!Number.isFinite(x0[i])) throw new InputError(`expected finite values in x0, got ${x0[i]} at index ${i}`, where);
  }
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) {
    throw new InputError(`expected finite start and end times, got t0 = ${t0}, t1 = ${t1}`, where);
  }
  const steps = opts?.steps;
  if (!(Number.isInteger(steps) && steps > 0)) throw new InputError(`expected steps a positive integer, got ${steps}`, where);
  if (!(opts.rng instanceof Rng)) throw new InputError('expected opts.rng to be an Rng (every stochastic function is seeded)', where);
  const tEval = opts.tEval;
  const dir = t1 >= t0 ? 1 : -1;
  if (tEval) {
    const lo = Math.min(t0, t1);
    const hi = Math.max(t0, t1);
    for (let i = 0; i < tEval.length; i++) {
      const s = tEval[i];
      if (!(Number.isFinite(s) && s >= lo && s <= hi)) {
        throw new InputError(`expected output times inside [${lo}, ${hi}], got ${s} at index ${i}`, `${where}: tEval`);
      }
      if (i > 0 && dir * (s - tEval[i - 1]) < 0) {
        throw new InputError(`expected output times monotone in the direction of integration, got ${tEval[i - 1]} then ${s}`, `${where}: tEval`);
      }
    }
  }
  const n = x0.length;
  const ts: number[] = [];
  const xs: Float64Array[] = [];
  if (t0 === t1) {
    for (const s of tEval ?? [t0]) {
      ts.push(s);
      xs.push(Float64Array.from(x0));
    }
    return { t: ts, x: xs };
  }
  // Grid: uniform nodes plus output times.
  const grid: number[] = [t0];
  let j = 0;
  for (let s = 1; s <= steps; s++) {
    const tn = s === steps ? t1 : t0 + ((t1 - t0) * s) / steps;
    if (tEval) {
      while (j < tEval.length && dir * (tEval[j] - tn) < 0) {
        if (dir * (tEval[j] - grid[grid.length - 1]) > 0) grid.push(tEval[j]);
        j++;
      }
    }
    grid.push(tn);
  }
  let x = Float64Array.from(x0);
  let xPrev = new Float64Array(n);
  const f = new Float64Array(n);
  const dB = new Float64Array(n);
  const rng = opts.rng;
  j = 0;
  const emit = (t: number) => {
    if (tEval) {
      while (j < tEval.length && tEval[j] === t) {
        ts.push(t);
        xs.push(Float64Array.from(x));
        j++;
      }
    } else {
      ts.push(t);
      xs.push(Float64Array.from(x));
    }
  };
  emit(t0);
  for (let k = 0; k + 1 < grid.length; k++) {
    if (tEval && j >= tEval.length) break; // every output time served: stop early
    const t = grid[k];
    const dt = grid[k + 1] - t;
    const g = noiseScale(t);
    if (!Number.isFinite(g)) throw new NumericalError(`${where}: noise scale g(${t}) = ${g} is not finite`);
    drift(t, x, f);
    const sq = Math.sqrt(Math.abs(dt));
    const sw = xPrev;
    xPrev = x;
    x = sw;
    for (let i = 0; i < n; i++) {
      const b = sq * rng.normal();
      dB[i] = b;
      const v = xPrev[i] + f[i] * dt + g * b;
      if (!Number.isFinite(v)) {
        throw new NumericalError(`${where}: state became ${v} at index ${i} at t = ${grid[k + 1]} (drift ${f[i]} at t = ${t})`);
      }
      x[i] = v;
    }
    opts.onStep?.(grid[k + 1], x, dB, xPrev, t);
    emit(grid[k + 1]);
  }
  return { t: ts, x: xs };
}
