/**
 * Small dense symmetric positive definite (SPD) matrices, d x d row-major Float64Arrays: Cholesky
 * factor, log-determinant, inverse, triangular products. Hand-rolled because the callers factor
 * many tiny matrices (d = 2..10) per time step, where the allocation-free loops here are faster than
 * `ml-matrix`'s `CholeskyDecomposition` (bench/ndFields.bench.ts measures both); `ml-matrix` is
 * used where a full eigen-decomposition is needed (validation messages).
 */

/**
 * Lower-triangular Cholesky factor L with A = L L^T (Cholesky-Banachiewicz, row by row).
 * Reads only the lower triangle of `a`.
 * @param a d x d symmetric matrix, row-major.
 * @param out optional d x d output (upper triangle set to 0).
 * @returns L, or null when a pivot is not > 0 (A not positive definite, or NaN).
 */
export function cholesky(a: ArrayLike<number>, d: number, out: Float64Array = new Float64Array(d * d)): Float64Array | null {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= out[i * d + k] * out[j * d + k];
      if (i === j) {
        if (!(s > 0)) return null;
        out[i * d + i] = Math.sqrt(s);
      } else {
        out[i * d + j] = s / out[j * d + j];
      }
    }
    for (let j = i + 1; j < d; j++) out[i * d + j] = 0;
  }
  return out;
}

/** ln det A = 2 sum_i ln L_ii from a Cholesky factor. */
export function logDetFromCholesky(l: ArrayLike<number>, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += Math.log(l[i * d + i]);
  return 2 * s;
}

/**
 * A^{-1} = L^{-T} L^{-1} from the Cholesky factor L of A (symmetric result, both triangles set).
 * Cost ~ d^3 / 2 multiply-adds.
 */
export function inverseFromCholesky(l: ArrayLike<number>, d: number, out: Float64Array = new Float64Array(d * d)): Float64Array {
  // M = L^{-1} (lower triangular) by forward substitution, column by column
  const m = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    for (let i = c; i < d; i++) {
      let s = i === c ? 1 : 0;
      for (let k = c; k < i; k++) s -= l[i * d + k] * m[k * d + c];
      m[i * d + c] = s / l[i * d + i];
    }
  }
  // A^{-1} = M^T M
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < d; k++) s += m[k * d + i] * m[k * d + j];
      out[i * d + j] = s;
      out[j * d + i] = s;
    }
  }
  return out;
}

/** y = L z for a lower-triangular L (d x d) and a vector z read at `z[zOff..]`, written to `y[yOff..]`. */
export function lowerTimes(l: ArrayLike<number>, d: number, z: ArrayLike<number>, zOff: number, y: Float64Array, yOff: number): void {
  for (let i = d - 1; i >= 0; i--) {
    let s = 0;
    for (let k = 0; k <= i; k++) s += l[i * d + k] * z[zOff + k];
    y[yOff + i] = s;
  }
}

/** C = A B for d x d row-major matrices (C must not alias A or B). */
export function matMul(a: ArrayLike<number>, b: ArrayLike<number>, d: number, out: Float64Array = new Float64Array(d * d)): Float64Array {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += a[i * d + k] * b[k * d + j];
      out[i * d + j] = s;
    }
  }
  return out;
}

/** A B A^T for d x d row-major matrices, symmetrised ((X + X^T)/2) when B is symmetric. */
export function congruence(a: ArrayLike<number>, b: ArrayLike<number>, d: number, out: Float64Array = new Float64Array(d * d)): Float64Array {
  const ab = matMul(a, b, d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      let t = 0;
      for (let k = 0; k < d; k++) {
        s += ab[i * d + k] * a[j * d + k];
        t += ab[j * d + k] * a[i * d + k];
      }
      out[i * d + j] = out[j * d + i] = 0.5 * (s + t);
    }
  }
  return out;
}
