import { assertFiniteNumber, assertNonNegative, assertPositive } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import type { LinearForceProcess, ProcessMoments } from './linearForceProcess.ts';

/** Parameters of the paper's Swiss-roll force (Eq. 99). */
export interface SwissRollForceParams {
  /** Contraction strength h (paper: 1.1). */
  h: number;
  /** Rotation strength g (paper: 0, 3, 5). */
  g: number;
  /** Final temperature T_fin (paper: 0.5). */
  Tfin: number;
  /** Horizon tau (not stated in the paper). */
  tau: number;
}

// 5-point Gauss-Legendre rule on [-1, 1].
const GL_X = [-0.906179845938664, -0.5384693101056831, 0, 0.5384693101056831, 0.906179845938664];
const GL_W = [0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891];

/**
 * The paper's two-dimensional process with a non-conservative (rotational) force, Eq. 99 / G10:
 *
 *   f_t(x) = [[H_t, -G_t], [G_t, H_t]] x,  H_t = -h (1 - t/tau) - T_t,  G_t = g (1 - t/tau),
 *   T_t = T_fin (t/tau)^2.
 *
 * Moments (Eqs. G8-G18): mu_t(y) = e^{int_0^t H} R(int_0^t G) y with R(phi) the rotation by phi,
 * int_0^t H = -h (t - t^2/(2 tau)) - T_fin t^3 / (3 tau^2), int_0^t G = g (t - t^2/(2 tau)),
 * and Sigma_t = s_t I with ds/dt = 2 H_t s + 2 T_t, s_0 = 0 (the factor 2 in front of T follows
 * Eq. B4; the transcription's G17/G18 drop it), i.e.
 * s_t = int_0^t 2 T_r exp(2 (int_0^t H - int_0^r H)) dr, evaluated by 5-point Gauss-Legendre on
 * 64 panels (relative error far below 1e-12 for the paper's parameters).
 * g = 0 makes the force conservative (a gradient); g != 0 adds the rotation g(1-t/tau) J x.
 *
 * @throws InputError on non-finite parameters, Tfin < 0 or tau <= 0.
 */
export function swissRollForce(params: SwissRollForceParams, where = 'process'): LinearForceProcess {
  const { h, g, Tfin, tau } = params;
  assertFiniteNumber(h, `${where}.h`);
  assertFiniteNumber(g, `${where}.g`);
  assertNonNegative(Tfin, `${where}.Tfin`);
  assertPositive(tau, `${where}.tau`);
  const T = (t: number) => Tfin * (t / tau) ** 2;
  const H = (t: number) => -h * (1 - t / tau) - T(t);
  const G = (t: number) => g * (1 - t / tau);
  const intH = (t: number) => -h * (t - (t * t) / (2 * tau)) - (Tfin * t * t * t) / (3 * tau * tau);
  const intG = (t: number) => g * (t - (t * t) / (2 * tau));
  const variance = (t: number): number => {
    if (t <= 0) return 0;
    const panels = 64;
    const w = t / panels;
    const iht = intH(t);
    let s = 0;
    for (let p = 0; p < panels; p++) {
      const c = (p + 0.5) * w;
      for (let q = 0; q < 5; q++) {
        const r = c + 0.5 * w * GL_X[q];
        s += GL_W[q] * 2 * T(r) * Math.exp(2 * (iht - intH(r)));
      }
    }
    return 0.5 * w * s;
  };
  const check = (t: number) => {
    if (!(t >= 0 && t <= tau)) throw new InputError(`expected t in [0, ${tau}], got ${t}`, `${where}.t`);
  };
  return {
    name: `swiss-roll-force(h=${h},g=${g},Tfin=${Tfin},tau=${tau})`,
    dim: 2,
    tau,
    isotropic: true,
    forceMatrix(t: number): Float64Array {
      const a = H(t);
      const b = G(t);
      return Float64Array.of(a, -b, b, a);
    },
    forceOffset(): Float64Array {
      return new Float64Array(2);
    },
    temperature(t: number): number {
      return T(t);
    },
    moments(t: number): ProcessMoments {
      check(t);
      const e = Math.exp(intH(t));
      const a = intG(t);
      const c = Math.cos(a);
      const s = Math.sin(a);
      const v = variance(t);
      return { phi: Float64Array.of(e * c, -e * s, e * s, e * c), shift: new Float64Array(2), cov: Float64Array.of(v, 0, 0, v) };
    },
  };
}

/** Rotation rate G_t = g (1 - t/tau) of {@link swissRollForce} (the housekeeping source). */
export function swissRollRotationRate(params: SwissRollForceParams, t: number): number {
  return params.g * (1 - t / params.tau);
}
