/**
 * Sliced Wasserstein distance: the average of 1-D W_p^p over random directions,
 *   SW_p(mu, nu)^p = E_theta[ W_p^p(theta # mu, theta # nu) ],  theta uniform on the unit sphere,
 * estimated with K seeded directions (Monte Carlo error O(K^{-1/2})). Cost O(K (n log n + n d)).
 */
import { InputError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';
import type { Rng } from '../core/rng.ts';
import { wasserstein1dPow } from './wasserstein1d.ts';

/** Options of {@link slicedWasserstein}. */
export interface SlicedOptions {
  /** Number of random directions (default 128). */
  projections?: number;
  /** Exponent p >= 1 (default 2). */
  p?: number;
  /** Weights of x and y (default uniform). */
  wx?: Float64Array;
  wy?: Float64Array;
}

/**
 * Monte Carlo sliced W_p (SW_p, not SW_p^p) between two point clouds of the same dimension.
 * In 1-D the only directions are +-1, so the result is the exact 1-D W_p.
 * @param rng seeded generator for the directions (Gaussian vectors normalised to the sphere).
 * @returns the estimate and the standard error of the SW_p^p average.
 * @throws InputError for mismatched dimensions, NaN coordinates, projections < 1, p < 1.
 */
export function slicedWasserstein(x: Points, y: Points, rng: Rng, opts: SlicedOptions = {}): { distance: number; powerStdError: number } {
  const K = opts.projections ?? 128;
  const p = opts.p ?? 2;
  if (!Number.isInteger(K) || K < 1) throw new InputError(`expected projections >= 1 integer, got ${K}`, 'slicedWasserstein');
  if (x.dim !== y.dim) throw new InputError(`point dimensions differ: x has dim ${x.dim}, y has dim ${y.dim}`, 'slicedWasserstein');
  const d = x.dim;
  const px = new Float64Array(x.n);
  const py = new Float64Array(y.n);
  const theta = new Float64Array(d);
  let sum = 0;
  let sum2 = 0;
  for (let k = 0; k < K; k++) {
    let norm = 0;
    do {
      norm = 0;
      for (let c = 0; c < d; c++) {
        theta[c] = rng.normal();
        norm += theta[c] * theta[c];
      }
    } while (norm === 0);
    norm = Math.sqrt(norm);
    for (let c = 0; c < d; c++) theta[c] /= norm;
    project(x, theta, px);
    project(y, theta, py);
    const w = wasserstein1dPow(px, py, p, opts.wx, opts.wy);
    sum += w;
    sum2 += w * w;
  }
  const mean = sum / K;
  const variance = K > 1 ? Math.max(0, (sum2 - K * mean * mean) / (K - 1)) : 0;
  return { distance: mean ** (1 / p), powerStdError: Math.sqrt(variance / K) };
}

function project(pts: Points, theta: Float64Array, out: Float64Array): void {
  const d = pts.dim;
  const data = pts.data;
  for (let i = 0; i < pts.n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += data[i * d + c] * theta[c];
    out[i] = s;
  }
}
