import { quad } from '../core/quadrature.ts';
import type { Schedule } from '../schedules/schedule.ts';

/** Kinetic cost of a schedule in the reduced (m, sigma) geometry (Eqs. 93-95). */
export interface ReducedGeometryCost {
  /** int_0^tau (dsigma^2 + dm^2) dt: int v2^2 dt per dimension in the decoupled limit (Eq. 93). */
  costPerDim: number;
  /** E_c = costPerDim / tau (Eq. 93) */
  eC: number;
  /** ((sigma_0 - sigma_tau)^2 + (m_0 - m_tau)^2) / tau: straight-line lower bound (Eq. 94). */
  straightLineBound: number;
}

/**
 * Reduced-geometry cost of an (m, sigma) schedule: int_0^tau [(d sigma/dt)^2 + (dm/dt)^2] dt by
 * adaptive quadrature of the schedule's own derivatives (Eq. 93), and the straight-line bound of
 * Eq. 94. Closed forms: cond-OT attains 2/tau (the bound), cosine gives pi^2/(4 tau) (Eq. 95).
 * Returns `costPerDim = Infinity` when the integral diverges (a derivative blowing up like
 * t^(-1/2) at t = 0, as for vp-linear and ve, whose sigma_t ~ sqrt(t)).
 */
export function reducedGeometryCost(schedule: Schedule): ReducedGeometryCost {
  const tau = schedule.tau;
  let infinite = false;
  const r = quad(
    (t) => {
      const v = schedule.dsigma(t) ** 2 + schedule.dm(t) ** 2;
      if (!Number.isFinite(v)) {
        infinite = true;
        return 0;
      }
      return v;
    },
    0,
    tau,
    { tol: 1e-12, maxEval: 20000 },
  );
  // a non-finite integrand or an integral that does not converge (e.g. dsigma ~ t^(-1/2) at t = 0,
  // as for vp-linear, whose integrand ~ 1/t is not integrable) means the cost is infinite
  const costPerDim = infinite || !r.converged ? Number.POSITIVE_INFINITY : r.value;
  const straightLineBound =
    ((schedule.sigma(0) - schedule.sigma(tau)) ** 2 + (schedule.m(0) - schedule.m(tau)) ** 2) / tau;
  return { costPerDim, eC: costPerDim / tau, straightLineBound };
}
