import { assertPositive } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import type { Schedule } from './schedule.ts';

/**
 * Variance-exploding schedule (paper Eqs. 26-27: m_t = 1, f = 0, T_t = d(sigma_t^2/2)/dt) with the
 * geometric noise levels of Song et al. (2021), modified so that it starts at sigma_0 = 0:
 *   sigma_t^2 = sigmaMin^2 ((sigmaMax/sigmaMin)^(2t/tau) - 1).
 * The plain geometric sequence sigma_t = sigmaMin (sigmaMax/sigmaMin)^(t/tau) starts at sigmaMin, not 0,
 * so it is not a valid (m, sigma) schedule here (the forward process must start at the data). The
 * variant above equals the added noise of the geometric sequence relative to level sigmaMin: for
 * t >> tau / ln(sigmaMax/sigmaMin) it is the geometric sequence to relative order (sigmaMin/sigma_t)^2,
 * and sigma_tau = sqrt(sigmaMax^2 - sigmaMin^2). The process does not end at N(0, 1) but at data convolved
 * with N(0, sigma_tau^2). dsigma/dt is infinite at t = 0 (sigma ~ sqrt(t)); d(sigma^2)/dt is provided and
 * finite. Temperature T_t = sigmaMin^2 (sigmaMax/sigmaMin)^(2t/tau) ln(sigmaMax/sigmaMin) / tau > 0.
 * @param opts.sigmaMin @default 0.01
 * @param opts.sigmaMax @default 50 (Song et al.'s image setting; pass a smaller value for 1-D toys)
 * @throws InputError if tau <= 0 or not 0 < sigmaMin < sigmaMax.
 */
export function veSchedule(tau = 1, opts: { sigmaMin?: number; sigmaMax?: number } = {}): Schedule {
  assertPositive(tau, 've.tau');
  const sigmaMin = opts.sigmaMin ?? 0.01;
  const sigmaMax = opts.sigmaMax ?? 50;
  assertPositive(sigmaMin, 've.sigmaMin');
  assertPositive(sigmaMax, 've.sigmaMax');
  if (!(sigmaMax > sigmaMin)) {
    throw new InputError(`expected sigmaMax > sigmaMin, got sigmaMin = ${sigmaMin}, sigmaMax = ${sigmaMax}`, 've');
  }
  const lr = Math.log(sigmaMax / sigmaMin);
  const s2 = (t: number) => sigmaMin * sigmaMin * Math.expm1((2 * lr * t) / tau);
  const ds2 = (t: number) => (sigmaMin * sigmaMin * Math.exp((2 * lr * t) / tau) * 2 * lr) / tau;
  return {
    name: 've',
    tau,
    m: () => 1,
    sigma: (t) => Math.sqrt(Math.max(0, s2(t))),
    dm: () => 0,
    dsigma: (t) => {
      const s = Math.sqrt(Math.max(0, s2(t)));
      return s === 0 ? Infinity : ds2(t) / (2 * s);
    },
    dsigmaSq: ds2,
  };
}
