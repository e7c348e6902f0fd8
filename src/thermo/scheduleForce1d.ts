import type { Schedule } from '../schedules/schedule.ts';
import { driftRate, temperature } from '../schedules/coefficients.ts';
import type { ForceTemperature1d } from './entropyProduction.ts';

/**
 * Force f_t(x) = (d/dt ln m_t) x (Eq. 23) and temperature T_t = m_t sigma_t d/dt(sigma_t/m_t)
 * (Eq. 22) of an (m, sigma) schedule, in the form the 1-D thermodynamic diagnostics take.
 */
export function scheduleForce1d(schedule: Schedule): ForceTemperature1d {
  return {
    force: (t, x) => driftRate(schedule, t) * x,
    temperature: (t) => temperature(schedule, t),
  };
}
