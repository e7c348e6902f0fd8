/**
 * Closed-form 2-Wasserstein distance between Gaussians (paper Eqs. 59-60):
 *   W2^2 = |mu_P - mu_Q|^2 + tr[S_P + S_Q - 2 (S_P^{1/2} S_Q S_P^{1/2})^{1/2}]   (59, Bures)
 *   W2^2 = |mu_P - mu_Q|^2 + d (sigma_P - sigma_Q)^2                          (60, isotropic)
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { InputError } from '../core/errors.ts';

/**
 * Squared W2 between N(meanP, covP) and N(meanQ, covQ) (Eq. 59) using symmetric eigen-decompositions
 * (ml-matrix). Covariances are row-major d x d, symmetric positive semi-definite.
 * @throws InputError for mismatched sizes, NaN, asymmetric or clearly indefinite covariances.
 */
export function gaussianW2Sq(meanP: ArrayLike<number>, covP: ArrayLike<number>, meanQ: ArrayLike<number>, covQ: ArrayLike<number>): number {
  const d = meanP.length;
  if (meanQ.length !== d) throw new InputError(`mean dimensions differ: ${d} vs ${meanQ.length}`, 'gaussianW2');
  if (covP.length !== d * d || covQ.length !== d * d) {
    throw new InputError(`expected ${d}x${d} covariances, got ${covP.length} and ${covQ.length} values`, 'gaussianW2');
  }
  let m2 = 0;
  for (let k = 0; k < d; k++) {
    const t = meanP[k] - meanQ[k];
    m2 += t * t;
  }
  const P = toSymmetric(covP, d, 'covP');
  const Q = toSymmetric(covQ, d, 'covQ');
  const sqrtP = psdSqrt(P, 'covP');
  const M = sqrtP.mmul(Q).mmul(sqrtP);
  const ev = new EigenvalueDecomposition(symmetrize(M), { assumeSymmetric: true }).realEigenvalues;
  let trCross = 0;
  for (const l of ev) trCross += Math.sqrt(Math.max(l, 0));
  const tr = P.trace() + Q.trace() - 2 * trCross;
  if (!Number.isFinite(m2 + tr)) throw new InputError('expected finite means and covariances', 'gaussianW2');
  return m2 + Math.max(tr, 0);
}

/** W2 (not squared) between two Gaussians with full covariances; see {@link gaussianW2Sq}. */
export function gaussianW2(meanP: ArrayLike<number>, covP: ArrayLike<number>, meanQ: ArrayLike<number>, covQ: ArrayLike<number>): number {
  return Math.sqrt(gaussianW2Sq(meanP, covP, meanQ, covQ));
}

/**
 * Squared W2 between isotropic Gaussians N(meanP, sigmaP^2 I) and N(meanQ, sigmaQ^2 I) in d = mean
 * length dimensions (Eq. 60): |meanP - meanQ|^2 + d (sigmaP - sigmaQ)^2.
 * @throws InputError for negative or non-finite standard deviations, mismatched means.
 */
export function isotropicGaussianW2Sq(meanP: ArrayLike<number>, sigmaP: number, meanQ: ArrayLike<number>, sigmaQ: number): number {
  const d = meanP.length;
  if (meanQ.length !== d) throw new InputError(`mean dimensions differ: ${d} vs ${meanQ.length}`, 'isotropicGaussianW2');
  for (const [name, s] of [['sigmaP', sigmaP], ['sigmaQ', sigmaQ]] as const) {
    if (!Number.isFinite(s) || s < 0) throw new InputError(`expected a finite std >= 0, got ${s}`, name);
  }
  let m2 = 0;
  for (let k = 0; k < d; k++) {
    const t = meanP[k] - meanQ[k];
    m2 += t * t;
  }
  if (!Number.isFinite(m2)) throw new InputError('expected finite means', 'isotropicGaussianW2');
  return m2 + d * (sigmaP - sigmaQ) ** 2;
}

function toSymmetric(c: ArrayLike<number>, d: number, where: string): Matrix {
  const M = new Matrix(d, d);
  let scale = 0;
  for (let i = 0; i < d * d; i++) {
    if (!Number.isFinite(c[i])) throw new InputError(`expected finite entries, got ${c[i]} at ${i}`, where);
    scale = Math.max(scale, Math.abs(c[i]));
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      if (Math.abs(c[i * d + j] - c[j * d + i]) > 1e-10 * scale) {
        throw new InputError(`covariance is not symmetric at (${i}, ${j})`, where);
      }
      M.set(i, j, 0.5 * (c[i * d + j] + c[j * d + i]));
    }
  }
  return M;
}

function symmetrize(M: Matrix): Matrix {
  return M.add(M.transpose()).mul(0.5);
}

/** Symmetric PSD square root by eigen-decomposition; tiny negative eigenvalues (roundoff) are clipped. */
function psdSqrt(M: Matrix, where: string): Matrix {
  const e = new EigenvalueDecomposition(M, { assumeSymmetric: true });
  const vals = e.realEigenvalues;
  const V = e.eigenvectorMatrix;
  const maxAbs = Math.max(...vals.map(Math.abs), 0);
  const d = vals.length;
  const S = new Matrix(d, d);
  for (let k = 0; k < d; k++) {
    if (vals[k] < -1e-10 * maxAbs) throw new InputError(`covariance is not positive semi-definite (eigenvalue ${vals[k]})`, where);
    const s = Math.sqrt(Math.max(vals[k], 0));
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) S.set(i, j, S.get(i, j) + V.get(i, k) * s * V.get(j, k));
  }
  return S;
}
