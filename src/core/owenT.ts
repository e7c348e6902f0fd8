import { gaussLegendre } from './quadrature.ts';
import { normalCdf, normalSf } from './special.ts';

/**
 * Owen's T function T(h, a) = (1/2 pi) int_0^a exp(-h^2 (1 + x^2)/2) / (1 + x^2) dx: the standard
 * bivariate normal mass of the wedge between the rays at angles 0 and atan(a) beyond the line at
 * distance h, i.e. the building block of Gaussian masses of polygons (see gaussianPolygon.ts).
 *
 * Method (no tables):
 * - |a| <= 1: 24-point Gauss-Legendre on [0, |a|] of exp(-h^2 x^2/2)/(1 + x^2), times
 *   exp(-h^2/2)/(2 pi). The integrand is analytic in a Bernstein ellipse of [0, 1] with parameter
 *   rho ~ 4.6 (poles at +-i) and grows there at most like exp(h^2 rho^2/32): the rule's error is below
 *   1e-16 of the value for h <= 6, and below 1e-25 absolute for larger h (where exp(-h^2/2) < 1.6e-8).
 * - |a| > 1: T(h, a) = (1/2)[Phi(h) Q(ah) + Phi(ah) Q(h)] - T(ah, 1/a) (Q = 1 - Phi; this form of
 *   the classical identity has no cancellation), T odd in a, even in h.
 * - h >= 38.6 or |ah| beyond underflow: 0 (exp(-h^2/2) < 1e-323).
 * Measured against 40-digit mpmath quadrature on a grid of h in [0, 38], a in [1e-6, 1e6] and
 * infinity: absolute error < 6e-17 everywhere (about 1 ulp of the values 0.01..0.25), relative error
 * < 1e-12 wherever T > 1e-80 (test/core/owenT.test.ts holds some of the reference values).
 * @param h any real; @param a any real or +-Infinity.
 * @returns NaN for NaN input.
 */
export function owenT(h: number, a: number): number {
  if (Number.isNaN(h) || Number.isNaN(a)) return Number.NaN;
  h = Math.abs(h);
  if (a === 0) return 0;
  if (a < 0) return -owenT(h, -a);
  if (h === 0) return Math.atan(a) / (2 * Math.PI);
  if (a <= 1) return small(h, a);
  if (a === Infinity) return 0.5 * normalSf(h);
  const ah = a * h;
  return 0.5 * (normalCdf(h) * normalSf(ah) + normalCdf(ah) * normalSf(h)) - small(ah, 1 / a);
}

/**
 * T(p, u/p) for p >= 0 and any u, without forming u/p (finite as p -> 0: T(0+, +-inf) = +-1/4): the
 * wedge term of a polygon edge at distance p from the origin, u the signed coordinate along it.
 */
export function owenTEdge(p: number, u: number): number {
  if (u === 0) return 0;
  if (u < 0) return -owenTEdge(p, -u);
  if (u <= p) return owenT(p, u / p);
  if (u === Infinity) return 0.5 * normalSf(p);
  // identity with a = u/p, a h = u, 1/a = p/u
  return 0.5 * (normalCdf(p) * normalSf(u) + normalCdf(u) * normalSf(p)) - (p === 0 ? 0 : small(u, p / u));
}

const GL = gaussLegendre(24);

/** T(h, a) for h > 0, 0 < a <= 1 by Gauss-Legendre (see {@link owenT}). */
function small(h: number, a: number): number {
  if (h > 38.6) return 0;
  const h2 = 0.5 * h * h;
  const half = 0.5 * a;
  let s = 0;
  for (let i = 0; i < GL.nodes.length; i++) {
    const x = half * (GL.nodes[i] + 1);
    const x2 = x * x;
    s += (GL.weights[i] * Math.exp(-h2 * x2)) / (1 + x2);
  }
  return (half * s * Math.exp(-h2)) / (2 * Math.PI);
}
