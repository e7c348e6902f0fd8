import { InputError } from '../core/errors.ts';
import { temperature, varianceRate } from './coefficients.ts';
import type { Schedule } from './schedule.ts';

/** Number of interior sample times used by {@link validateSchedule}. */
const N_SAMPLES = 2000;

/**
 * Check that a schedule defines a valid forward process (paper Eqs. 22-25):
 * - tau is a positive finite number;
 * - m_0 = 1 and sigma_0 = 0 (to 1e-9 absolute): the process starts at the data;
 * - m_t, sigma_t are finite, m_t >= 0, sigma_t >= 0 and m_t^2 + sigma_t^2 > 0 at t = 0, tau and at
 *   2000 evenly spaced interior times (midpoints of a uniform grid on (0, tau));
 * - dm/dt and d(sigma^2)/dt are finite at the interior times;
 * - the temperature T_t = m sigma d/dt(sigma/m) (Eq. 22) is >= 0 at the interior times (Eq. 24), up to
 *   a rounding allowance of 1e-12 times the size of its two terms.
 * @param where prefix for error messages. @default 'schedule'
 * @throws InputError naming the first violated condition, the time and the value.
 */
export function validateSchedule(s: Schedule, where = 'schedule'): void {
  const tau = s.tau;
  if (typeof tau !== 'number' || !(tau > 0) || !Number.isFinite(tau)) {
    throw new InputError(`expected tau > 0 and finite, got ${tau}`, `${where}.tau`);
  }
  const m0 = s.m(0);
  const s0 = s.sigma(0);
  if (!Number.isFinite(m0) || Math.abs(m0 - 1) > 1e-9) {
    throw new InputError(`expected m_0 = 1 (the forward process starts at the data), got m_0 = ${m0}`, where);
  }
  if (!Number.isFinite(s0) || Math.abs(s0) > 1e-9) {
    throw new InputError(`expected sigma_0 = 0 (the forward process starts at the data), got sigma_0 = ${s0}`, where);
  }
  const checkValues = (t: number) => {
    const m = s.m(t);
    const sig = s.sigma(t);
    if (!Number.isFinite(m) || !Number.isFinite(sig)) {
      throw new InputError(`expected finite m_t and sigma_t, got m = ${m}, sigma = ${sig} at t = ${t}`, where);
    }
    if (m < 0 || sig < 0) throw new InputError(`expected m_t >= 0 and sigma_t >= 0, got m = ${m}, sigma = ${sig} at t = ${t}`, where);
    if (t > 0 && m === 0 && sig === 0) throw new InputError(`m_t and sigma_t are both 0 at t = ${t}`, where);
  };
  checkValues(0);
  checkValues(tau);
  for (let i = 0; i < N_SAMPLES; i++) {
    const t = ((i + 0.5) / N_SAMPLES) * tau;
    checkValues(t);
    const m = s.m(t);
    const sig = s.sigma(t);
    const dm = s.dm(t);
    const dv = varianceRate(s, t);
    if (!Number.isFinite(dm) || !Number.isFinite(dv)) {
      throw new InputError(`expected finite derivatives, got dm/dt = ${dm}, d(sigma^2)/dt = ${dv} at t = ${t}`, where);
    }
    const T = temperature(s, t);
    const scale = Math.abs(0.5 * dv) + Math.abs((sig * sig * dm) / m);
    if (Number.isNaN(T) || T < -1e-12 * scale) {
      throw new InputError(
        `temperature must be >= 0 (Eq. 24: sigma_t/m_t must not decrease), got T = ${T} at t = ${t}`,
        where,
      );
    }
  }
}
