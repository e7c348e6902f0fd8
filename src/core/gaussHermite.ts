import { InputError } from './errors.ts';

/**
 * Gauss-Hermite rule for the standard normal weight: nodes z_i and weights w_i (sum 1) with
 * sum_i w_i f(z_i) = E f(Z), Z ~ N(0, 1), exact for polynomials of degree <= 2 order - 1.
 * Nodes are the roots of the probabilists' Hermite polynomial He_order (bracketed on a fine scan,
 * refined by bisection to full precision); w_i = order! / (order^2 He_{order-1}(z_i)^2).
 * @throws InputError unless 1 <= order <= 20.
 */
export function gaussHermite(order: number): { nodes: number[]; weights: number[] } {
  if (!Number.isInteger(order) || order < 1 || order > 20) throw new InputError(`expected an integer order in 1..20, got ${order}`, 'order');
  // He_0 = 1, He_1 = z, He_{k+1} = z He_k - k He_{k-1}
  const he = (z: number, n: number): [number, number] => {
    let p0 = 1;
    let p1 = z;
    if (n === 0) return [1, 0];
    for (let k = 1; k < n; k++) {
      const p2 = z * p1 - k * p0;
      p0 = p1;
      p1 = p2;
    }
    return [p1, p0];
  };
  const nodes: number[] = [];
  const lim = 2 * Math.sqrt(order) + 2;
  const steps = 4000;
  let zPrev = -lim;
  let fPrev = he(zPrev, order)[0];
  for (let s = 1; s <= steps; s++) {
    const z = -lim + (2 * lim * s) / steps;
    const f = he(z, order)[0];
    if (f === 0) nodes.push(z);
    else if (fPrev !== 0 && Math.sign(f) !== Math.sign(fPrev)) {
      let lo = zPrev;
      let hi = z;
      const sLo = Math.sign(fPrev);
      for (let it = 0; it < 200 && hi - lo > 0; it++) {
        const mid = 0.5 * (lo + hi);
        if (mid === lo || mid === hi) break;
        if (Math.sign(he(mid, order)[0]) === sLo) lo = mid;
        else hi = mid;
      }
      nodes.push(0.5 * (lo + hi));
    }
    zPrev = z;
    fPrev = f;
  }
  if (nodes.length !== order) throw new InputError(`Gauss-Hermite root search found ${nodes.length} of ${order} roots`, 'order');
  let fact = 1;
  for (let k = 2; k <= order; k++) fact *= k;
  const weights = nodes.map((z) => fact / (order * order * he(z, order - 1)[0] ** 2));
  const s = weights.reduce((p, q) => p + q, 0);
  return { nodes, weights: weights.map((w) => w / s) };
}
