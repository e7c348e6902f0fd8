import { assertPositive } from '../core/check.ts';
import type { Schedule } from './schedule.ts';

/**
 * The pure cosine schedule (paper Eq. 32): m_t = cos(pi t / (2 tau)), sigma_t = sin(pi t / (2 tau))
 * on [0, tau], with no Nichol-Dhariwal offset and no clipping. It is variance preserving
 * (m^2 + sigma^2 = 1) and ends exactly at N(0, 1) (m_tau = 0, sigma_tau = 1).
 * Closed forms: drift rate dm/m = -(pi/2tau) tan(pi t/2tau) and temperature
 * T_t = (pi/2tau) tan(pi t/2tau); both diverge as t -> tau.
 * @param tau horizon > 0. @default 1
 * @throws InputError if tau is not a positive finite number.
 */
export function cosineSchedule(tau = 1): Schedule {
  assertPositive(tau, 'cosineSchedule.tau');
  const w = Math.PI / (2 * tau);
  return {
    name: 'cosine',
    tau,
    // cos(w t) written as sin(w (tau - t)) so that m_tau = 0 and dsigma_tau = 0 exactly (cos(pi/2) = 6e-17).
    m: (t) => Math.sin(w * (tau - t)),
    sigma: (t) => Math.sin(w * t),
    dm: (t) => -w * Math.sin(w * t),
    dsigma: (t) => w * Math.sin(w * (tau - t)),
    dsigmaSq: (t) => w * Math.sin(2 * w * t),
  };
}
