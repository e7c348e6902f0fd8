import { assertFiniteNumber, assertNonNegative, assertPositive } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import type { Schedule } from './schedule.ts';

/**
 * The variance-preserving schedule with the linear DDPM noise rate (Ho et al. 2020; Song et al.
 * 2021, VP SDE) stretched over [0, tau]: with r = t/tau and beta(r) = betaMin + (betaMax - betaMin) r,
 *   m_t = exp(-(1/2) int_0^r beta) = exp(-(betaMin r + (betaMax - betaMin) r^2 / 2) / 2),
 *   sigma_t = sqrt(1 - m_t^2)   (paper Eqs. 29-31).
 * Its temperature is T_t = -d ln m_t / dt = beta(t/tau) / (2 tau) (Eq. C6). It does NOT end exactly at
 * N(0, 1): m_tau = exp(-(betaMin + betaMax)/4) (0.0066 for the defaults), so P_tau is a slightly
 * shifted/narrowed mixture close to N(0, 1).
 * dsigma/dt is infinite at t = 0 (sigma ~ sqrt(t)); the schedule therefore provides
 * d(sigma^2)/dt = -2 m dm/dt, which is finite everywhere.
 * @param opts.betaMin @default 0.1
 * @param opts.betaMax @default 20
 * @throws InputError if tau <= 0, betaMin < 0 or betaMax < betaMin.
 */
export function vpLinearSchedule(tau = 1, opts: { betaMin?: number; betaMax?: number } = {}): Schedule {
  assertPositive(tau, 'vpLinearSchedule.tau');
  const betaMin = opts.betaMin ?? 0.1;
  const betaMax = opts.betaMax ?? 20;
  assertNonNegative(betaMin, 'vpLinearSchedule.betaMin');
  assertFiniteNumber(betaMax, 'vpLinearSchedule.betaMax');
  if (!(betaMax >= betaMin) || !(betaMax > 0)) {
    throw new InputError(`expected betaMax >= betaMin and betaMax > 0, got betaMin = ${betaMin}, betaMax = ${betaMax}`, 'vpLinearSchedule');
  }
  const m = (t: number) => {
    const r = t / tau;
    return Math.exp(-0.5 * (betaMin * r + 0.5 * (betaMax - betaMin) * r * r));
  };
  const beta = (t: number) => betaMin + ((betaMax - betaMin) * t) / tau;
  const dm = (t: number) => (-0.5 * beta(t) * m(t)) / tau;
  // 1 - m^2 = -expm1(-(int beta)) without cancellation near t = 0.
  const oneMinusM2 = (t: number) => {
    const r = t / tau;
    return -Math.expm1(-(betaMin * r + 0.5 * (betaMax - betaMin) * r * r));
  };
  const sigma = (t: number) => Math.sqrt(Math.max(0, oneMinusM2(t)));
  return {
    name: 'vp-linear',
    tau,
    m,
    sigma,
    dm,
    dsigma: (t) => {
      const s = sigma(t);
      return s === 0 ? Infinity : (-m(t) * dm(t)) / s;
    },
    dsigmaSq: (t) => -2 * m(t) * dm(t),
  };
}
