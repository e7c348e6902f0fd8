/**
 * Reverse-time SDE sampling with the score implied by a learned velocity (paper Eqs. 22-23 and the
 * Fokker-Planck identity nu = f - T grad ln P):
 *   grad ln P_t(x) = (f_t(x) - u_theta(t, x)) / T_t,   f_t(x) = (dm/m) x,  T_t = sigma dsigma - sigma^2 dm/m,
 * so the reverse SDE  dx = [f - 2 T grad ln P] dt + sqrt(2 T) dB  (run from t = tau down to 0) has
 * drift 2 u_theta - f. The forward force and temperature diverge at t = tau for schedules that
 * reach m = 0 there (cond-OT, cosine), so the first `odeFraction` of the time range is integrated
 * with the probability-flow ODE (RK4, which shares the marginals), then Euler-Maruyama with
 * `steps` equal steps evaluated at the left (larger) time of each step. NFE is reported.
 */
import { InputError, NumericalError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import { driftRate, temperature } from '../../schedules/coefficients.ts';
import type { Schedule } from '../../schedules/schedule.ts';
import type { FlowModel } from '../models/flowModel.ts';
import { integrateFlow } from './integrateFlow.ts';

export interface ReverseSdeOptions {
  steps: number;
  rng: Rng;
  /** Fraction of [0, tau] next to tau done with the ODE (default 0.02). */
  odeFraction?: number;
  /** RK4 steps of that ODE part (default 10). */
  odeSteps?: number;
}

/**
 * @param x0 n*dim points at t = tau.
 * @throws InputError for bad sizes or options; NumericalError for non-finite states.
 */
export async function sampleReverseSde(
  model: FlowModel,
  schedule: Schedule,
  x0: Float32Array,
  n: number,
  opts: ReverseSdeOptions,
): Promise<{ x: Float32Array; nfe: number }> {
  const tau = model.tau;
  if (Math.abs(schedule.tau - tau) > 1e-12 * tau) throw new InputError(`schedule tau ${schedule.tau} differs from the model's ${tau}`, 'sampleReverseSde');
  if (!Number.isInteger(opts.steps) || opts.steps < 1) throw new InputError(`expected steps >= 1, got ${opts.steps}`, 'sampleReverseSde.steps');
  const frac = opts.odeFraction ?? 0.02;
  if (!(frac >= 0 && frac < 1)) throw new InputError(`expected odeFraction in [0, 1), got ${frac}`, 'sampleReverseSde.odeFraction');
  const t1 = tau * (1 - frac);
  let nfe = 0;
  let x: Float64Array;
  if (frac > 0) {
    const r = await integrateFlow(model, x0, n, { from: tau, to: t1, solver: 'rk4', steps: opts.odeSteps ?? 10 });
    nfe += r.nfe;
    x = Float64Array.from(r.x);
  } else {
    x = Float64Array.from(x0);
  }
  const d = model.dim;
  const h = t1 / opts.steps;
  const x32 = new Float32Array(n * d);
  for (let s = 0; s < opts.steps; s++) {
    const t = t1 - s * h;
    for (let i = 0; i < x.length; i++) x32[i] = x[i];
    const u = await model.velocity(t, x32, n);
    nfe++;
    const f = driftRate(schedule, t);
    const T = temperature(schedule, t);
    if (!Number.isFinite(f) || !Number.isFinite(T) || T < 0) throw new NumericalError(`reverse SDE: force rate ${f} or temperature ${T} at t=${t}`);
    const noise = Math.sqrt(2 * T * h);
    for (let i = 0; i < x.length; i++) {
      x[i] = x[i] - h * (2 * u[i] - f * x[i]) + noise * opts.rng.normal();
      if (!Number.isFinite(x[i])) throw new NumericalError(`reverse SDE: non-finite state at t=${t}`);
    }
  }
  return { x: Float32Array.from(x), nfe };
}
