import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/**
 * Smallest and largest eigenvalue of a symmetric d x d matrix (row-major; only symmetric input is
 * meaningful): closed form for d <= 2, the `ml-matrix` symmetric eigen-decomposition otherwise.
 */
export function symmetricEigenRange(a: ArrayLike<number>, d: number): { min: number; max: number } {
  if (d === 1) return { min: a[0], max: a[0] };
  if (d === 2) {
    const m = 0.5 * (a[0] + a[3]);
    const r = Math.hypot(0.5 * (a[0] - a[3]), 0.5 * (a[1] + a[2]));
    return { min: m - r, max: m + r };
  }
  const rows: number[][] = [];
  for (let i = 0; i < d; i++) rows.push(Array.from({ length: d }, (_, j) => a[i * d + j]));
  const ev = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues;
  return { min: Math.min(...ev), max: Math.max(...ev) };
}
