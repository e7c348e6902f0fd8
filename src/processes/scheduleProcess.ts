import { assertInteger } from '../core/check.ts';
import { varianceRate } from '../schedules/coefficients.ts';
import type { Schedule } from '../schedules/schedule.ts';
import type { LinearForceProcess, ProcessMoments } from './linearForceProcess.ts';

/**
 * The (m, sigma) schedule family (paper Eqs. 22-25) as a linear-force process in `dim`
 * dimensions: A_t = (dm/dt / m_t) I (Eq. 23), b_t = 0,
 * T_t = sigma_t dsigma_t/dt - sigma_t^2 (dm/dt)/m_t (Eq. 22), moments phi_t = m_t I,
 * Sigma_t = sigma_t^2 I (Eq. 25), moment rates d phi/dt = (dm/dt) I, d Sigma/dt = d(sigma^2)/dt I.
 * A_t and T_t diverge where m_t -> 0 (t = tau for cosine and cond-OT); the moment rates do not, so
 * mixture fields (posterior-mean form) are finite on all of [0, tau].
 * @throws InputError if dim is not a positive integer.
 */
export function scheduleProcess(schedule: Schedule, dim: number): LinearForceProcess {
  assertInteger(dim, 'scheduleProcess.dim', 1);
  const scalarMatrix = (v: number) => {
    const a = new Float64Array(dim * dim);
    for (let i = 0; i < dim; i++) a[i * dim + i] = v;
    return a;
  };
  return {
    name: schedule.name,
    dim,
    tau: schedule.tau,
    isotropic: true,
    forceMatrix: (t) => scalarMatrix(schedule.dm(t) / schedule.m(t)),
    forceOffset: () => new Float64Array(dim),
    temperature: (t) => {
      const s = schedule.sigma(t);
      return s * schedule.dsigma(t) - (s * s * schedule.dm(t)) / schedule.m(t);
    },
    moments: (t): ProcessMoments => {
      const s = schedule.sigma(t);
      return { phi: scalarMatrix(schedule.m(t)), shift: new Float64Array(dim), cov: scalarMatrix(s * s) };
    },
    momentRates: (t): ProcessMoments => ({
      phi: scalarMatrix(schedule.dm(t)),
      shift: new Float64Array(dim),
      cov: scalarMatrix(varianceRate(schedule, t)),
    }),
  };
}
