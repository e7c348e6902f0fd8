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
 * 2^bits cells per axis over their common bounding box, bits = min(16, floor(52 / dim)) so that a
 * key is an exact integer in a float64. Equal keys (same cell) keep their input order when sorted.
 */
export function hilbertKeys(clouds: Points[]): Float64Array[] {
  const d = clouds[0].dim;
  const bits = Math.max(1, Math.min(16, Math.floor(52 / d)));
  const lo = new Float64Array(d).fill(Infinity);
  const hi = new Float64Array(d).fill(-Infinity);
  for (const p of clouds) {
    for (let i = 0; i < p.n; i++) {
      for (let c = 0; c < d; c++) {
        const v = p.data[i * d + c];
        if (v < lo[c]) lo[c] = v;
        if (v > hi[c]) hi[c] = v;
      }
    }
  }
  const cells = 2 ** bits;
  const X = new Int32Array(d);
  return clouds.map((p) => {
    const keys = new Float64Array(p.n);
    for (let i = 0; i < p.n; i++) {
      for (let c = 0; c < d; c++) {
        const w = hi[c] - lo[c];
        const t = w > 0 ? Math.floor(((p.data[i * d + c] - lo[c]) / w) * cells) : 0;
        X[c] = t < 0 ? 0 : t >= cells ? cells - 1 : t;
      }
      keys[i] = transposeKey(X, bits);
    }
    return keys;
  });
}

/** Permutation sorting `keys` ascending (stable). */
export function orderByKeys(keys: Float64Array): Int32Array {
  return Int32Array.from({ length: keys.length }, (_, i) => i).sort((p, q) => keys[p] - keys[q] || p - q);
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
