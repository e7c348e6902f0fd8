import type { Schedule } from './schedule.ts';

/**
 * d(sigma_t^2)/dt of a schedule: `s.dsigmaSq(t)` when provided (finite at t = 0 even where
 * sigma ~ sqrt(t)), otherwise 2 sigma_t dsigma_t/dt.
 */
export function varianceRate(s: Schedule, t: number): number {
  if (s.dsigmaSq) return s.dsigmaSq(t);
  const sig = s.sigma(t);
  return sig === 0 ? 0 : 2 * sig * s.dsigma(t);
}

/**
 * Drift rate d/dt ln m_t = (dm/dt)/m_t, so that the force is f_t(x) = driftRate * x (paper Eq. 23).
 * Infinite (-Infinity) where m_t = 0 (t = tau for cosine and cond-OT).
 */
export function driftRate(s: Schedule, t: number): number {
  const m = s.m(t);
  const dm = s.dm(t);
  if (dm === 0) return 0;
  return dm / m;
}

/**
 * Temperature T_t = m_t sigma_t d/dt(sigma_t/m_t) = d(sigma_t^2/2)/dt - sigma_t^2 d ln m_t/dt
 * (paper Eq. 22). Uses {@link varianceRate}, so it is finite at t = 0 for vp-linear and ve.
 * Infinite where m_t = 0 and sigma_t > 0 (t = tau for cosine and cond-OT).
 */
export function temperature(s: Schedule, t: number): number {
  const sig = s.sigma(t);
  const half = 0.5 * varianceRate(s, t);
  if (sig === 0) return half;
  return half - sig * sig * driftRate(s, t);
}
