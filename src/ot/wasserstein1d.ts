/**
 * One-dimensional Wasserstein distances from (weighted) samples, by the quantile coupling:
 *   W_p(mu, nu)^p = int_0^1 |F_mu^{-1}(t) - F_nu^{-1}(t)|^p dt,
 * which is exact for empirical measures (the monotone coupling is optimal in 1-D for every convex
 * cost |x - y|^p, p >= 1).
 */
import { InputError } from '../core/errors.ts';

/**
 * W_p between two weighted empirical measures on the line (W_p, not W_p^p).
 * @param x, y sample positions (any order).
 * @param p exponent >= 1 (default 1).
 * @param wx, wy non-negative weights (default uniform); each side is normalised to total mass 1.
 * @throws InputError for NaN/Inf, empty inputs, bad lengths, negative or all-zero weights, p < 1.
 */
export function wasserstein1d(x: Float64Array, y: Float64Array, p = 1, wx?: Float64Array, wy?: Float64Array): number {
  return wasserstein1dPow(x, y, p, wx, wy) ** (1 / p);
}

/** W_p^p of {@link wasserstein1d} (for p = 2 this is the optimal transport cost of |x - y|^2). */
export function wasserstein1dPow(x: Float64Array, y: Float64Array, p = 1, wx?: Float64Array, wy?: Float64Array): number {
  if (!(p >= 1) || !Number.isFinite(p)) throw new InputError(`expected p >= 1, got ${p}`, 'wasserstein1d');
  const [xs, ax] = sortedWithWeights(x, wx, 'x');
  const [ys, ay] = sortedWithWeights(y, wy, 'y');
  // march through the merged cumulative masses
  let i = 0;
  let j = 0;
  let ra = ax[0];
  let rb = ay[0];
  let total = 0;
  for (;;) {
    const step = ra < rb ? ra : rb;
    const d = Math.abs(xs[i] - ys[j]);
    total += step * (p === 1 ? d : p === 2 ? d * d : d ** p);
    ra -= step;
    rb -= step;
    if (ra <= 0) {
      if (++i >= xs.length) break;
      ra += ax[i];
    }
    if (rb <= 0) {
      if (++j >= ys.length) break;
      rb += ay[j];
    }
  }
  return total;
}

/** Sort samples with their weights; weights normalised to sum 1. @throws InputError */
function sortedWithWeights(v: Float64Array, w: Float64Array | undefined, name: string): [Float64Array, Float64Array] {
  const n = v.length;
  if (n === 0) throw new InputError('expected at least one sample, got none', name);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(v[i])) throw new InputError(`expected finite samples, got ${v[i]} at index ${i}`, name);
  }
  const idx = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  const xs = Float64Array.from(idx, (i) => v[i]);
  const ws = new Float64Array(n);
  if (w === undefined) {
    ws.fill(1 / n);
    return [xs, ws];
  }
  if (w.length !== n) throw new InputError(`expected ${n} weights, got ${w.length}`, `weights of ${name}`);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    if (!Number.isFinite(wi) || wi < 0) {
      throw new InputError(`expected finite non-negative weights, got ${wi} at index ${i}`, `weights of ${name}`);
    }
    s += wi;
  }
  if (!(s > 0)) throw new InputError('expected weights with a positive sum, got all zeros', `weights of ${name}`);
  for (let i = 0; i < n; i++) ws[i] = w[idx[i]] / s;
  return [xs, ws];
}
