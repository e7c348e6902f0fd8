import { owenTEdge } from '../core/owenT.ts';
import { normalCdf, normalSf } from '../core/special.ts';

const INV_SQRT_2PI = 0.3989422804014327;

/** Standard-normal integrals over one convex polygon (see {@link standardNormalPolygon}). */
export interface PolygonIntegrals {
  /** int_P phi_2(z) dz. */
  mass: number;
  /** int_P z phi_2(z) dz (2 values). */
  first: [number, number];
  /** int_P |z|^2 phi_2(z) dz. */
  second: number;
}

/** Phi(b) - Phi(a) for a <= b, accurate in both tails. */
function normalInterval(a: number, b: number): number {
  if (a >= 0) return normalSf(a) - normalSf(b);
  if (b <= 0) return normalCdf(b) - normalCdf(a);
  return normalCdf(b) - normalCdf(a);
}

/**
 * int over the segment A -> B of the standard bivariate normal density phi_2 (arc length):
 * phi(p) [Phi(u_B) - Phi(u_A)], with p the distance of the segment's line from the origin and u the
 * coordinate along it. Exact up to the error of `normalCdf` (relative ~1e-13).
 */
export function standardNormalSegment(ax: number, ay: number, bx: number, by: number): number {
  const lx = bx - ax;
  const ly = by - ay;
  const len = Math.hypot(lx, ly);
  if (len === 0) return 0;
  const ex = lx / len;
  const ey = ly / len;
  const d = ax * ey - ay * ex;
  const ua = ax * ex + ay * ey;
  return INV_SQRT_2PI * Math.exp(-0.5 * d * d) * normalInterval(ua, ua + len);
}

/**
 * Mass, first and second moments of the standard bivariate normal over a convex polygon given by
 * its m vertices in counter-clockwise order (xs[i], ys[i]), in closed form:
 * - mass by the fan of triangles (O, A, B) over the edges, each the wedge integral
 *   (1/2 pi) int (1 - exp(-r^2/2)) dtheta = dtheta/2pi - [T(p, u_B/p) - T(p, u_A/p)] (Owen's T; p the
 *   distance of the edge line, u the coordinate along it); the dtheta terms add up to the winding
 *   number of the origin (1 inside, 0 outside), so mass = [O inside] - sum_e sign(d_e) [T_B - T_A]:
 *   no cancellation of O(1) terms for polygons far from the origin;
 * - first moment by the divergence theorem, grad phi_2 = -z phi_2: int_P z phi_2 = -sum_e n_e S_e;
 * - second moment, lap phi_2 = (|z|^2 - 2) phi_2: int_P |z|^2 phi_2 = 2 mass - sum_e d_e S_e,
 * with n_e the outward unit normal, d_e = A . n_e the signed distance of the edge line and
 * S_e = int_e phi_2 ({@link standardNormalSegment}). Absolute error ~1e-16 per edge (Owen's T and
 * Phi to ~1 ulp of O(1) values).
 * @param edgeIntegrals optional output, S_e per edge (edge i goes from vertex i to vertex i+1).
 */
export function standardNormalPolygon(xs: ArrayLike<number>, ys: ArrayLike<number>, m: number, edgeIntegrals?: Float64Array): PolygonIntegrals {
  if (m < 3) return { mass: 0, first: [0, 0], second: 0 };
  let tSum = 0;
  let angle = 0;
  let minD = Infinity;
  let f0 = 0;
  let f1 = 0;
  let dS = 0;
  for (let i = 0; i < m; i++) {
    const j = i + 1 === m ? 0 : i + 1;
    const ax = xs[i];
    const ay = ys[i];
    const lx = xs[j] - ax;
    const ly = ys[j] - ay;
    const len = Math.hypot(lx, ly);
    if (len === 0) {
      if (edgeIntegrals) edgeIntegrals[i] = 0;
      continue;
    }
    const ex = lx / len;
    const ey = ly / len;
    // outward normal (ey, -ex) of a counter-clockwise polygon; d = A . n
    const d = ax * ey - ay * ex;
    const ua = ax * ex + ay * ey;
    const ub = ua + len;
    const s = INV_SQRT_2PI * Math.exp(-0.5 * d * d) * normalInterval(ua, ub);
    if (edgeIntegrals) edgeIntegrals[i] = s;
    f0 -= ey * s;
    f1 += ex * s;
    dS += d * s;
    if (d < minD) minD = d;
    if (d === 0) continue;
    const p = Math.abs(d);
    const sg = d > 0 ? 1 : -1;
    tSum += sg * (owenTEdge(p, ub) - owenTEdge(p, ua));
    angle += sg * (Math.atan2(ub, p) - Math.atan2(ua, p));
  }
  // winding number of the origin: 1 strictly inside (every d > 0), 0 strictly outside (some d < 0);
  // on the boundary the explicit angle sum (1/2 on an edge, the interior angle / 2pi at a vertex)
  const wind = minD > 0 ? 1 : minD < 0 ? 0 : angle / (2 * Math.PI);
  const mass = wind - tSum;
  return { mass, first: [f0, f1], second: 2 * mass - dS };
}
