import type { Schedule } from '../schedules/schedule.ts';

/** Gaussian transition x_t = scale * x_s + noiseStd * z, z ~ N(0, 1). */
export interface AffineTransition {
  scale: number;
  noiseStd: number;
}

/**
 * Exact transition of the forward SDE of an (m, sigma) schedule (Eq. 2 with Eqs. 22-23): the SDE
 * is linear, so x_t | x_s = N((m_t/m_s) x_s, sigma_t^2 - (m_t/m_s)^2 sigma_s^2) (the variance
 * follows from x_t | x_0 ~ N(m_t x_0, sigma_t^2) and the Markov property). Valid for
 * 0 <= s < t < tau with m_s > 0.
 */
export function scheduleTransition1d(schedule: Schedule): (s: number, t: number) => AffineTransition {
  return (s, t) => {
    const scale = schedule.m(t) / schedule.m(s);
    const ss = schedule.sigma(s);
    const st = schedule.sigma(t);
    return { scale, noiseStd: Math.sqrt(Math.max(st * st - scale * scale * ss * ss, 0)) };
  };
}
