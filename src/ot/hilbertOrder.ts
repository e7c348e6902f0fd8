/**
 * Order points along a Hilbert curve over a common bounding box (Skilling's transpose algorithm,
 * "Programming the Hilbert curve", AIP Conf. Proc. 707, 2004), written for thermodiff.
 * Points close along the curve are close in space, so the north-west-corner plan along the curve
 * orders of two clouds moves mass only locally: a far better start for the network simplex than
 * sorting by one coordinate in 2-D and above.
 */
import type { Points } from '../core/points.ts';

/**
 * Hilbert-curve keys of the points of `clouds` (one Float64Array per cloud), on a grid of
 * 2^bits cells per axis over their common bounding box, bits = min(maxBits, 16, floor(52 / dim)) so
 * that a key is an exact integer in a float64. Equal keys (same cell) keep their input order when sorted.
 */
export function hilbertKeys(clouds: Points[], maxBits = 16): Float64Array[] {
  const d = clouds[0].dim;
  const bits = Math.max(1, Math.min(maxBits, 16, Math.floor(52 / d)));
  const lo = new Float64Array(d).fill(Infinity);
  const hi = new Float64Array(d).fill(-Infinity);
  for (const p of clouds) extendBox(p, lo, hi);
  const keys: Float64Array[] = [];
  for (const p of clouds) {
    const k = new Float64Array(p.n);
    fillKeys(p, lo, hi, bits, k);
    keys.push(k);
  }
  return keys;
}

/** Grow the box [lo, hi] to hold the points of p. (Each loop is its own small function with nothing after it, so V8's on-stack replacement of the loop is not deoptimised at the exit.) */
function extendBox(p: Points, lo: Float64Array, hi: Float64Array): void {
  const d = p.dim;
  for (let i = 0; i < p.n; i++) {
    for (let c = 0; c < d; c++) {
      const v = p.data[i * d + c];
      if (v < lo[c]) lo[c] = v;
      if (v > hi[c]) hi[c] = v;
    }
  }
}

/** Hilbert keys of the points of p on 2^bits cells per axis of the box [lo, hi]. */
function fillKeys(p: Points, lo: Float64Array, hi: Float64Array, bits: number, keys: Float64Array): void {
  const d = p.dim;
  const cells = 2 ** bits;
  const X = new Int32Array(d);
  for (let i = 0; i < p.n; i++) {
    for (let c = 0; c < d; c++) {
      const w = hi[c] - lo[c];
      const t = w > 0 ? Math.floor(((p.data[i * d + c] - lo[c]) / w) * cells) : 0;
      X[c] = t < 0 ? 0 : t >= cells ? cells - 1 : t;
    }
    keys[i] = transposeKey(X, bits);
  }
}

/**
 * Permutation sorting `keys` ascending (stable). Integer keys in [0, 2^53 / n) are packed with their
 * index (key n + i, exact in a float64) and sorted by the engine's native numeric sort, which needs
 * no compiled comparator (a one-shot call then costs no JIT warm-up); other keys use a comparator.
 */
export function orderByKeys(keys: Float64Array): Int32Array {
  const n = keys.length;
  const limit = 2 ** 53 / Math.max(1, n);
  let packable = true;
  for (let i = 0; i < n && packable; i++) packable = keys[i] >= 0 && keys[i] < limit && Number.isInteger(keys[i]);
  if (!packable) return Int32Array.from({ length: n }, (_, i) => i).sort((p, q) => keys[p] - keys[q] || p - q);
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = keys[i] * n + i;
  packed.sort();
  const order = new Int32Array(n);
  for (let t = 0; t < n; t++) order[t] = packed[t] % n;
  return order;
}

/**
 * Permutation sorting finite `values` ascending up to a resolution of (max - min) / floor(2^52 / n)
 * (values closer than that may come in index order), by the engine's native numeric sort of packed
 * integer keys; for heuristics that need an order, not an exact one. Non-finite values fall back
 * to an exact comparator sort.
 */
export function orderByValues(values: Float64Array): Int32Array {
  const n = values.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (n === 0 || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    return Int32Array.from({ length: n }, (_, i) => i).sort((p, q) => values[p] - values[q] || p - q);
  }
  const levels = Math.floor(2 ** 52 / n) - 1;
  const scale = hi > lo ? levels / (hi - lo) : 0;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = Math.min(levels, Math.floor((values[i] - lo) * scale));
  return orderByKeys(keys);
}

/** Skilling's AxesToTranspose on X (modified in place), then the interleaved bits as one number. */
function transposeKey(X: Int32Array, bits: number): number {
  const n = X.length;
  const M = 1 << (bits - 1);
  // inverse undo
  for (let Q = M; Q > 1; Q >>= 1) {
    const P = Q - 1;
    for (let i = 0; i < n; i++) {
      if (X[i] & Q) X[0] ^= P;
      else {
        const t = (X[0] ^ X[i]) & P;
        X[0] ^= t;
        X[i] ^= t;
      }
    }
  }
  // Gray encode
  for (let i = 1; i < n; i++) X[i] ^= X[i - 1];
  let t = 0;
  for (let Q = M; Q > 1; Q >>= 1) if (X[n - 1] & Q) t ^= Q - 1;
  for (let i = 0; i < n; i++) X[i] ^= t;
  // interleave: bit b of X[i] (from the top) is digit b * n + i of the key
  let key = 0;
  for (let b = bits - 1; b >= 0; b--) for (let i = 0; i < n; i++) key = key * 2 + ((X[i] >> b) & 1);
  return key;
}
