/**
 * Closed forms of the 2-D speed-accuracy experiment for Gaussian data under the Swiss-roll force
 * (paper Eq. 99), used by the 2-D tab to show the particle estimator's error beside its numbers.
 *
 * Setting: data q = N(0, s0^2 I) in 2-D, the process of `swissRollForce` (force (H_t I + G_t J) x,
 * temperature T_t), perturbed start N(0, r^2 I). Then P_t = N(0, S_t I) with S_0 = s0^2 and
 * dS/dt = 2 H_t S + 2 T_t (Eq. B4); the probability-flow velocity is
 *   nu_t(x) = (H_t + T_t / S_t) x + G_t J x = (s'/s) x + G_t J x,  s = sqrt(S),
 * a radial part (the gradient, excess part) plus a rotation (housekeeping part). The reverse flow is
 * linear, x(t) = (s_t / s_tau) R x(tau), so both clouds stay centred isotropic Gaussians:
 *   P_t = N(0, S_t I),  P~_t = N(0, (r s_t / s_tau)^2 I).
 * W1 between N(0, a^2 I) and N(0, b^2 I) in 2-D is |a - b| E|Z| = |a - b| sqrt(pi/2): the scaling
 * map costs that, and the 1-Lipschitz test function |x| proves it is optimal. Hence
 *   W1(t)  = k s_t,  k = sqrt(pi/2) |1 - r / s_tau|,   deltaW1 = k (s0 - s_tau),
 *   D0     = [S_tau / (r sqrt(2 S_tau - r^2))]^2 - 1        (chi^2 of two isotropic Gaussians, d = 2),
 *   eta    = deltaW1^2 / (tau D0),
 *   c2     = int v2^2 dt,  v2^2 = E|(s'/s) x|^2 = 2 s'^2 = 2 (H S + T)^2 / S,
 *   c1     = int (dW1/dt)^2 dt / D0 = k^2 int s'^2 dt / D0 = k^2 c2 / (2 D0),
 *   housekeeping = int E|G J x|^2 dt = int 2 G^2 S dt,   wD = c2 + housekeeping.
 * S_t comes from the library's moments (phi_t phi_t^T s0^2 + Sigma_t); the time integrals use
 * 5-point Gauss-Legendre on 400 panels (smooth integrands: error far below 1e-12).
 * Checked against an independent scipy ODE + quad computation (test/browser/gaussianExact.test.ts).
 */
import { type SwissRollForceParams, swissRollForce } from '../../src/index.ts';

/** The exact values, keyed like the engine's result. */
export interface GaussianExact {
  d0: number;
  w1Start: number;
  w1End: number;
  deltaW1: number;
  eta: number;
  c1: number;
  c2: number;
  wD: number;
  housekeeping: number;
  /** Variance per axis of P_tau. */
  sTauSq: number;
  /** W1(P_t, P~_t) = k s_t on the given times. */
  w1At(t: number): number;
}

const GL_X = [-0.906179845938664, -0.5384693101056831, 0, 0.5384693101056831, 0.906179845938664];
const GL_W = [0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891];

/**
 * Exact speed-accuracy quantities for data N(0, s0^2 I) and start N(0, r^2 I) under the Swiss-roll
 * force with `params` (see the file comment for the formulas).
 * @throws Error if s0 <= 0, r <= 0 or r^2 >= 2 S_tau (D0 infinite).
 */
export function gaussianSwissRollExact(params: SwissRollForceParams, s0: number, r: number): GaussianExact {
  if (!(s0 > 0) || !(r > 0)) throw new Error(`gaussianSwissRollExact: expected s0 > 0 and r > 0, got ${s0}, ${r}`);
  const p = swissRollForce(params);
  const { tau } = params;
  const S = (t: number) => {
    const m = p.moments(t);
    return (m.phi[0] * m.phi[0] + m.phi[2] * m.phi[2]) * s0 * s0 + m.cov[0];
  };
  const sTauSq = S(tau);
  if (!(r * r < 2 * sTauSq)) throw new Error(`gaussianSwissRollExact: D0 is infinite for r^2 = ${r * r} >= 2 S_tau = ${2 * sTauSq}`);
  const panels = 400;
  const w = tau / panels;
  let c2 = 0;
  let housekeeping = 0;
  for (let i = 0; i < panels; i++) {
    const c = (i + 0.5) * w;
    for (let q = 0; q < 5; q++) {
      const t = c + 0.5 * w * GL_X[q];
      const A = p.forceMatrix(t);
      const H = A[0];
      const G = A[2];
      const T = p.temperature(t);
      const St = S(t);
      c2 += 0.5 * w * GL_W[q] * ((2 * (H * St + T) ** 2) / St);
      housekeeping += 0.5 * w * GL_W[q] * 2 * G * G * St;
    }
  }
  const sTau = Math.sqrt(sTauSq);
  const k = Math.sqrt(Math.PI / 2) * Math.abs(1 - r / sTau);
  const d0 = (sTauSq / (r * Math.sqrt(2 * sTauSq - r * r))) ** 2 - 1;
  const deltaW1 = k * (s0 - sTau);
  return {
    d0,
    w1Start: k * sTau,
    w1End: k * s0,
    deltaW1,
    eta: (deltaW1 * deltaW1) / (tau * d0),
    c1: (k * k * c2) / (2 * d0),
    c2,
    wD: c2 + housekeeping,
    housekeeping,
    sTauSq,
    w1At: (t: number) => k * Math.sqrt(S(t)),
  };
}
