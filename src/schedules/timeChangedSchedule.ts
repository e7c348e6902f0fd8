import { InputError } from '../core/errors.ts';
import { varianceRate } from './coefficients.ts';
import type { Schedule } from './schedule.ts';
import type { TimeChange } from './timeChange.ts';

/**
 * Where the interpolated speed vanishes (dt/ds infinite, e.g. the cosine path of symmetric data at both
 * ends), derivatives are limits, evaluated this far (relative to tau) inside [0, tau]. With
 * t(s) ~ sqrt(s) there the limit is reached to O(sqrt(1e-14)) = 1e-7 relative.
 */
const LIMIT_OFFSET = 1e-14;

/**
 * The schedule (m~, sigma~) = (m, sigma)(t(s)) of a base schedule run on the new clock s of a
 * {@link TimeChange}: the same marginals P~_s = P_{t(s)}, reached at new times, with derivatives by
 * the chain rule dm~/ds = dm/dt(t(s)) dt/ds (likewise sigma and sigma^2). Under the constant-speed
 * time change of the base path its Wasserstein speed is L / tau at every s and its cost
 * int v2~^2 ds = L^2 / tau (Eq. 92).
 *
 * Ends where the base speed vanishes (dt/ds = Infinity): at s = 0, dm~/ds and d(sigma~^2)/ds are
 * their finite limits and dsigma~/ds = +Infinity (sigma~ ~ sqrt(s), as for vp-linear). At s = tau,
 * where m -> 0 (cosine, cond-OT), m~ ~ sqrt(tau - s) and dm~/ds -> -Infinity while the velocity
 * stays finite (it contains m~ dm~/ds and ybar ~ m~): there every value, m~ and sigma~ included, is
 * taken at s = tau (1 - 1e-14), so that P~_tau is P_{t'} with tau - t' ~ 1e-7 tau rather than P_tau
 * (a W2 shift of order 1e-7) and the velocity is finite and consistent with the marginals.
 * @param name @default `${base.name}@constant-speed`
 * @throws InputError if the horizons differ.
 */
export function timeChangedSchedule(base: Schedule, tc: TimeChange, name = `${base.name}@constant-speed`): Schedule {
  const tau = base.tau;
  if (Math.abs(tc.tau - tau) > 1e-12 * tau) throw new InputError(`the time change has tau = ${tc.tau}, the schedule ${tau}`, 'timeChangedSchedule');
  const sEnd = Number.isFinite(tc.rateAt(tau)) ? tau : tau * (1 - LIMIT_OFFSET);
  const clock = (s: number) => Math.min(s, sEnd);
  /** g(t(s)) dt/ds, or its limit from inside where dt/ds is infinite. */
  const chain = (g: (t: number) => number, s: number): number => {
    const sc = clock(s);
    const r = tc.rateAt(sc);
    if (Number.isFinite(r)) return g(tc.timeAt(sc)) * r;
    const sIn = sc + LIMIT_OFFSET * tau;
    return g(tc.timeAt(sIn)) * tc.rateAt(sIn);
  };
  return {
    name,
    tau,
    m: (s) => base.m(tc.timeAt(clock(s))),
    sigma: (s) => base.sigma(tc.timeAt(clock(s))),
    dm: (s) => chain((t) => base.dm(t), s),
    dsigma: (s) => {
      const sc = clock(s);
      if (base.sigma(tc.timeAt(sc)) === 0 && !Number.isFinite(tc.rateAt(sc))) return Infinity;
      return chain((x) => base.dsigma(x), s);
    },
    dsigmaSq: (s) => chain((t) => varianceRate(base, t), s),
  };
}
