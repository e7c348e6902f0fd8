import { assertPositive } from '../core/check.ts';
import type { Schedule } from './schedule.ts';

/**
 * The conditional optimal-transport (rectified-flow) schedule (paper Eq. 28): m_t = 1 - t/tau,
 * sigma_t = t/tau. Ends exactly at N(0, 1). Closed forms: drift rate -1/(tau - t) and temperature
 * T_t = t / (tau (tau - t)), diverging as t -> tau.
 * @param tau horizon > 0. @default 1
 * @throws InputError if tau is not a positive finite number.
 */
export function condOtSchedule(tau = 1): Schedule {
  assertPositive(tau, 'condOtSchedule.tau');
  return {
    name: 'cond-ot',
    tau,
    m: (t) => 1 - t / tau,
    sigma: (t) => t / tau,
    dm: () => -1 / tau,
    dsigma: () => 1 / tau,
    dsigmaSq: (t) => (2 * t) / (tau * tau),
  };
}
