import { cholesky, inverseFromCholesky, logDetFromCholesky } from '../core/cholesky.ts';
import { InputError } from '../core/errors.ts';

/**
 * Per-component d x d matrices of a Gaussian sum, in one of three layouts (the cost per query and
 * component is O(d) for `scalar` and `shared`, O(d^2) for `full`):
 * - `scalar`: X_k = values[k] I;
 * - `shared`: X_k = matrix for every k (d x d);
 * - `full`: X_k = matrices[k] (k x d x d, row-major).
 */
export type ComponentMatrices =
  | { kind: 'scalar'; values: Float64Array }
  | { kind: 'shared'; matrix: Float64Array }
  | { kind: 'full'; matrices: Float64Array };

/**
 * A weighted sum of Gaussians p(x) = sum_k w_k N(x | a_k, V_k) with a velocity field, in the form
 * the hot loop needs: precisions P_k = V_k^{-1}, log-normalisers
 * logNorm_k = ln w_k - (d/2) ln 2 pi - (1/2) ln det V_k (-Infinity for w_k = 0), and one of two
 * velocity forms:
 * - `posterior` (posterior-mean form, paper Eq. 97 generalised): nu(x) = sum_k r_k(x) nu_k(x),
 *   nu_k(x) = c_k + Q_k u_k(x), u_k = P_k (x - a_k), with r_k the responsibilities; for a component
 *   N(a_k(t), V_k(t)) moved by a scalar force, c_k = da_k/dt and Q_k = (1/2) dV_k/dt;
 * - `force`: nu(x) = A x + b - T grad ln p(x) (paper Eq. 1).
 */
export interface MixtureKernel {
  readonly dim: number;
  readonly k: number;
  /** a_k, k x d. */
  readonly centers: Float64Array;
  readonly logNorm: Float64Array;
  readonly precision: ComponentMatrices;
  /** tr P_k, k. */
  readonly tracePrecision: Float64Array;
  readonly posterior?: { offsets: Float64Array; q: ComponentMatrices; traceQP: Float64Array };
  readonly force?: { A: Float64Array; b: Float64Array; T: number };
}

/** Outputs of {@link evaluateMixtureKernel}; each optional (lengths n, n x d, n x d, n). */
export interface MixtureKernelOutputs {
  logDensity?: Float64Array;
  score?: Float64Array;
  velocity?: Float64Array;
  divergence?: Float64Array;
}

/** Relative weight below which a component is skipped: exp(-60) ~ 1e-26. */
const SKIP = -60;

/** y = X_k v for the k-th matrix of a layout (v, y of length d; y must not alias v). */
function apply(m: ComponentMatrices, k: number, d: number, v: Float64Array, vOff: number, y: Float64Array, yOff: number): void {
  if (m.kind === 'scalar') {
    const s = m.values[k];
    for (let i = 0; i < d; i++) y[yOff + i] = s * v[vOff + i];
    return;
  }
  const a = m.kind === 'shared' ? m.matrix : m.matrices;
  const o = m.kind === 'shared' ? 0 : k * d * d;
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += a[o + i * d + j] * v[vOff + j];
    y[yOff + i] = s;
  }
}

/**
 * Precision, log-normaliser and trace of covariances given in a {@link ComponentMatrices} layout.
 * @returns null in `failed` position when a covariance is not positive definite (index returned).
 */
export function precisionsOf(
  cov: ComponentMatrices,
  weights: ArrayLike<number>,
  k: number,
  d: number,
): { precision: ComponentMatrices; logNorm: Float64Array; tracePrecision: Float64Array } | { failed: number } {
  const logNorm = new Float64Array(k);
  const tracePrecision = new Float64Array(k);
  const half = 0.5 * d * Math.log(2 * Math.PI);
  const lw = (j: number) => (weights[j] > 0 ? Math.log(weights[j]) : -Infinity);
  if (cov.kind === 'scalar') {
    const values = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      const v = cov.values[j];
      if (!(v > 0) || !Number.isFinite(v)) return { failed: j };
      values[j] = 1 / v;
      tracePrecision[j] = d / v;
      logNorm[j] = lw(j) - half - 0.5 * d * Math.log(v);
    }
    return { precision: { kind: 'scalar', values }, logNorm, tracePrecision };
  }
  const dd = d * d;
  const one = (m: Float64Array, out: Float64Array): number | null => {
    const l = cholesky(m, d);
    if (!l) return null;
    inverseFromCholesky(l, d, out);
    return logDetFromCholesky(l, d);
  };
  if (cov.kind === 'shared') {
    const matrix = new Float64Array(dd);
    const ld = one(cov.matrix, matrix);
    if (ld === null) return { failed: 0 };
    let tr = 0;
    for (let i = 0; i < d; i++) tr += matrix[i * d + i];
    for (let j = 0; j < k; j++) {
      tracePrecision[j] = tr;
      logNorm[j] = lw(j) - half - 0.5 * ld;
    }
    return { precision: { kind: 'shared', matrix }, logNorm, tracePrecision };
  }
  const matrices = new Float64Array(k * dd);
  for (let j = 0; j < k; j++) {
    const out = matrices.subarray(j * dd, (j + 1) * dd);
    const ld = one(cov.matrices.subarray(j * dd, (j + 1) * dd), out);
    if (ld === null) return { failed: j };
    let tr = 0;
    for (let i = 0; i < d; i++) tr += out[i * d + i];
    tracePrecision[j] = tr;
    logNorm[j] = lw(j) - half - 0.5 * ld;
  }
  return { precision: { kind: 'full', matrices }, logNorm, tracePrecision };
}

/** tr(Q_k P_k) for every k. */
export function traceProducts(q: ComponentMatrices, p: ComponentMatrices, k: number, d: number): Float64Array {
  const out = new Float64Array(k);
  const entry = (m: ComponentMatrices, j: number, r: number, c: number) =>
    m.kind === 'scalar' ? (r === c ? m.values[j] : 0) : m.kind === 'shared' ? m.matrix[r * d + c] : m.matrices[j * d * d + r * d + c];
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) s += entry(q, j, r, c) * entry(p, j, c, r);
    out[j] = s;
  }
  return out;
}

/**
 * Evaluate ln p, the score grad ln p, the velocity nu and its divergence div nu of a
 * {@link MixtureKernel} at n points x (n x d row-major), log-sum-exp stable: per query all k
 * exponents l_k = logNorm_k - (1/2) (x - a_k).u_k are formed, the largest is subtracted and terms
 * more than 60 nats below it are skipped (total relative weight < k e^{-60}).
 *
 * With u_k = P_k (x - a_k), the score is s = grad ln p = -sum_k r_k u_k and grad r_k = r_k (-u_k - s):
 * - posterior form: div nu = sum_k r_k [tr(Q_k P_k) - u_k . nu_k] - s . nu (differentiating
 *   sum_k r_k nu_k; d nu_k/dx = Q_k P_k);
 * - force form: div nu = tr A - T lap ln p, lap ln p = sum_k r_k (|u_k|^2 - tr P_k) - |s|^2.
 * Where every component has zero weight the density is 0 (ln p = -Infinity) and the other outputs
 * are NaN. Cost per query: O(k d) for scalar/shared layouts, O(k d^2) for full ones.
 * @throws InputError on short inputs/outputs, or a velocity/divergence request without a velocity form.
 */
export function evaluateMixtureKernel(g: MixtureKernel, x: Float64Array, n: number, out: MixtureKernelOutputs): void {
  const { dim: d, k, centers, logNorm, precision, tracePrecision, posterior, force } = g;
  if (x.length < n * d) throw new InputError(`expected ${n}x${d} coordinates, got ${x.length}`, 'x');
  const { logDensity, score, velocity, divergence } = out;
  for (const [name, arr, w] of [['logDensity', logDensity, 1], ['score', score, d], ['velocity', velocity, d], ['divergence', divergence, 1]] as const) {
    if (arr && arr.length < n * w) throw new InputError(`expected an output of length >= ${n * w}, got ${arr.length}`, `outputs.${name}`);
  }
  const wantVel = velocity !== undefined || divergence !== undefined;
  if (wantVel && !posterior && !force) throw new InputError('this kernel has no velocity form', 'outputs.velocity');
  const usePost = wantVel && posterior !== undefined;
  // shared layouts: u_k = P x - (P a_k), Q u_k = (Q P) x - (Q P a_k)
  const sharedP = precision.kind === 'shared' ? precision.matrix : null;
  let pa: Float64Array | null = null;
  if (sharedP) {
    pa = new Float64Array(k * d);
    for (let j = 0; j < k; j++) apply(precision, j, d, centers, j * d, pa, j * d);
  }
  const l = new Float64Array(k);
  const u = new Float64Array(k * d);
  const px = new Float64Array(d);
  const nuK = new Float64Array(d);
  const s = new Float64Array(d);
  const vAcc = new Float64Array(d);
  const delta = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    if (sharedP) apply(precision, 0, d, x, xo, px, 0);
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      if (logNorm[j] === -Infinity) {
        l[j] = -Infinity;
        continue;
      }
      const co = j * d;
      let quad = 0;
      if (precision.kind === 'scalar') {
        const b = precision.values[j];
        for (let c = 0; c < d; c++) {
          const dl = x[xo + c] - centers[co + c];
          u[co + c] = b * dl;
          quad += dl * dl;
        }
        quad *= b;
      } else if (sharedP) {
        for (let c = 0; c < d; c++) {
          const uc = px[c] - pa![co + c];
          u[co + c] = uc;
          quad += (x[xo + c] - centers[co + c]) * uc;
        }
      } else {
        for (let c = 0; c < d; c++) delta[c] = x[xo + c] - centers[co + c];
        apply(precision, j, d, delta, 0, u, co);
        for (let c = 0; c < d; c++) quad += delta[c] * u[co + c];
      }
      const lj = logNorm[j] - 0.5 * quad;
      l[j] = lj;
      if (lj > max) max = lj;
    }
    if (max === -Infinity) {
      if (logDensity) logDensity[i] = -Infinity;
      if (score) for (let c = 0; c < d; c++) score[xo + c] = Number.NaN;
      if (velocity) for (let c = 0; c < d; c++) velocity[xo + c] = Number.NaN;
      if (divergence) divergence[i] = Number.NaN;
      continue;
    }
    let sum = 0;
    let acc1 = 0; // posterior: sum e (tr QP - u.nu_k); force: sum e (|u|^2 - tr P)
    s.fill(0);
    vAcc.fill(0);
    for (let j = 0; j < k; j++) {
      const z = l[j] - max;
      if (z < SKIP) continue;
      const e = Math.exp(z);
      sum += e;
      const co = j * d;
      for (let c = 0; c < d; c++) s[c] -= e * u[co + c];
      if (usePost) {
        apply(posterior!.q, j, d, u, co, nuK, 0);
        let un = 0;
        for (let c = 0; c < d; c++) {
          const v = posterior!.offsets[co + c] + nuK[c];
          vAcc[c] += e * v;
          un += u[co + c] * v;
        }
        acc1 += e * (posterior!.traceQP[j] - un);
      } else if (divergence) {
        let uu = 0;
        for (let c = 0; c < d; c++) uu += u[co + c] * u[co + c];
        acc1 += e * (uu - tracePrecision[j]);
      }
    }
    const inv = 1 / sum;
    let ss = 0;
    for (let c = 0; c < d; c++) {
      s[c] *= inv;
      ss += s[c] * s[c];
    }
    if (logDensity) logDensity[i] = max + Math.log(sum);
    if (score) for (let c = 0; c < d; c++) score[xo + c] = s[c];
    if (!wantVel) continue;
    if (usePost) {
      let sv = 0;
      for (let c = 0; c < d; c++) {
        vAcc[c] *= inv;
        sv += s[c] * vAcc[c];
      }
      if (velocity) for (let c = 0; c < d; c++) velocity[xo + c] = vAcc[c];
      if (divergence) divergence[i] = acc1 * inv - sv;
    } else {
      const { A, b, T } = force!;
      if (velocity) {
        for (let r = 0; r < d; r++) {
          let v = b[r] - T * s[r];
          for (let c = 0; c < d; c++) v += A[r * d + c] * x[xo + c];
          velocity[xo + r] = v;
        }
      }
      if (divergence) {
        let trA = 0;
        for (let r = 0; r < d; r++) trA += A[r * d + r];
        divergence[i] = trA - T * (acc1 * inv - ss);
      }
    }
  }
}
