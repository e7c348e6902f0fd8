import { describe } from '../core/check.ts';
import { cholesky, lowerTimes } from '../core/cholesky.ts';
import { InputError } from '../core/errors.ts';
import { symmetricEigenRange } from '../core/symmetricEigenRange.ts';
import type { Points } from '../core/points.ts';
import type { Rng } from '../core/rng.ts';

/**
 * A Gaussian mixture in `dim` dimensions (paper Eq. 96 is the 1-D, two-component case):
 * q(x) = sum_k weights[k] N(x | means[k], stds[k]^2 I) (isotropic components), or, when
 * `covariances` is present, q(x) = sum_k weights[k] N(x | means[k], covariances[k]) (full
 * covariances, built by {@link makeGaussianMixtureWithCovariances}).
 */
export interface GaussianMixture {
  readonly dim: number;
  readonly k: number;
  /** k*dim, row-major: means[c * dim + j]. */
  readonly means: Float64Array;
  /**
   * k standard deviations, each > 0. Isotropic components: the component is N(mean, std^2 I).
   * With `covariances`: sqrt of the largest eigenvalue of each covariance (the largest standard
   * deviation over directions), a scale only (plot boxes, tail conditions); code that evaluates
   * densities or draws samples must use `covariances`.
   */
  readonly stds: Float64Array;
  /** k weights, >= 0, summing to 1. */
  readonly weights: Float64Array;
  /**
   * Full covariances, k x dim x dim row-major (covariances[c * dim * dim + i * dim + j]), each
   * symmetric positive definite; absent for isotropic mixtures. 1-D mixtures never carry it (a
   * 1 x 1 covariance is stored as its std).
   */
  readonly covariances?: Float64Array;
}

function finiteAt(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new InputError(`expected a finite number, got ${describe(v)}`, where);
  }
  return v;
}

function arrayAt(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new InputError(`expected an array, got ${describe(v)}`, where);
  return v;
}

/** Validated means (k x dim) of a mixture config. */
function parseMeans(means: unknown, where: string): { k: number; dim: number; m: Float64Array } {
  const rows = arrayAt(means, `${where}.means`);
  if (rows.length === 0) throw new InputError('expected at least one component, got none', `${where}.means`);
  const first = arrayAt(rows[0], `${where}.means[0]`);
  const dim = first.length;
  if (dim === 0) throw new InputError('expected at least one coordinate, got an empty row', `${where}.means[0]`);
  const k = rows.length;
  const m = new Float64Array(k * dim);
  for (let c = 0; c < k; c++) {
    const row = arrayAt(rows[c], `${where}.means[${c}]`);
    if (row.length !== dim) {
      throw new InputError(`expected ${dim} coordinates (as in means[0]), got ${row.length}`, `${where}.means[${c}]`);
    }
    for (let j = 0; j < dim; j++) m[c * dim + j] = finiteAt(row[j], `${where}.means[${c}][${j}]`);
  }
  return { k, dim, m };
}

/** Validated weights (k, >= 0, sum 1 within 1e-9, then renormalised). */
function parseWeights(weights: unknown, k: number, where: string): Float64Array {
  const wArr = arrayAt(weights, `${where}.weights`);
  if (wArr.length !== k) throw new InputError(`expected ${k} weights (one per component), got ${wArr.length}`, `${where}.weights`);
  const w = new Float64Array(k);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const v = finiteAt(wArr[c], `${where}.weights[${c}]`);
    if (v < 0) throw new InputError(`expected a weight >= 0, got ${v}`, `${where}.weights[${c}]`);
    w[c] = v;
    sum += v;
  }
  if (!(Math.abs(sum - 1) <= 1e-9)) throw new InputError(`expected weights summing to 1, got sum ${sum}`, `${where}.weights`);
  for (let c = 0; c < k; c++) w[c] /= sum;
  return w;
}

/**
 * Build and validate a {@link GaussianMixture}.
 * @param means k rows of dim coordinates each (k >= 1, dim >= 1).
 * @param stds k standard deviations > 0.
 * @param weights k weights >= 0 whose sum is 1 within 1e-9 (they are then divided by their sum so the
 *   stored weights sum to 1 to rounding).
 * @param where prefix of error messages, e.g. `config.data`. @default 'data'
 * @throws InputError for non-arrays, ragged means, empty input, non-finite values (NaN, Infinity,
 *   strings, null), std <= 0, negative weights, length mismatches, weights not summing to 1.
 */
export function makeGaussianMixture(
  means: readonly (readonly number[])[],
  stds: readonly number[],
  weights: readonly number[],
  where = 'data',
): GaussianMixture {
  const { k, dim, m } = parseMeans(means, where);
  const sArr = arrayAt(stds, `${where}.stds`);
  if (sArr.length !== k) throw new InputError(`expected ${k} stds (one per component), got ${sArr.length}`, `${where}.stds`);
  const s = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const v = finiteAt(sArr[c], `${where}.stds[${c}]`);
    if (!(v > 0)) throw new InputError(`expected a standard deviation > 0, got ${v}`, `${where}.stds[${c}]`);
    s[c] = v;
  }
  return { dim, k, means: m, stds: s, weights: parseWeights(weights, k, where) };
}

/**
 * Relative size below which the smallest eigenvalue of a covariance counts as zero: a condition
 * number above 1e12 leaves fewer than ~4 significant digits in the inverse (the score), so such a
 * component is rejected as numerically singular.
 */
export const COVARIANCE_CONDITION_LIMIT = 1e12;

/**
 * Build and validate a {@link GaussianMixture} with full covariances,
 * q = sum_k weights[k] N(means[k], covariances[k]).
 * Each covariance is a dim x dim nested array that must be symmetric (|S_ij - S_ji| <= 1e-12
 * (|S_ij| + |S_ji|); it is then stored exactly symmetrised) and positive definite with condition
 * number <= {@link COVARIANCE_CONDITION_LIMIT}. The stored `stds` are the square roots of the
 * largest eigenvalues. In 1-D the result is the isotropic mixture with stds = sqrt(covariance).
 * @param covariances k matrices, one per component.
 * @throws InputError naming the component, row and column: not an array, wrong number of matrices,
 *   wrong shape (rows or columns != dim), a non-finite entry (NaN, Infinity, null, a string), not
 *   symmetric, not positive definite (with its eigenvalue range), plus the checks of
 *   {@link makeGaussianMixture} on means and weights.
 */
export function makeGaussianMixtureWithCovariances(
  means: readonly (readonly number[])[],
  covariances: readonly (readonly (readonly number[])[])[],
  weights: readonly number[],
  where = 'data',
): GaussianMixture {
  const { k, dim, m } = parseMeans(means, where);
  const cw = `${where}.covariances`;
  const list = arrayAt(covariances, cw);
  if (list.length !== k) throw new InputError(`expected ${k} covariance matrices (one per component), got ${list.length}`, cw);
  const dd = dim * dim;
  const cov = new Float64Array(k * dd);
  const stds = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const rows = arrayAt(list[c], `${cw}[${c}]`);
    if (rows.length !== dim) throw new InputError(`expected a ${dim}x${dim} matrix (${dim} rows, the data dimension), got ${rows.length} rows`, `${cw}[${c}]`);
    for (let i = 0; i < dim; i++) {
      const row = arrayAt(rows[i], `${cw}[${c}][${i}]`);
      if (row.length !== dim) throw new InputError(`expected ${dim} entries (a ${dim}x${dim} matrix), got ${row.length}`, `${cw}[${c}][${i}]`);
      for (let j = 0; j < dim; j++) cov[c * dd + i * dim + j] = finiteAt(row[j], `${cw}[${c}][${i}][${j}]`);
    }
    const off = c * dd;
    for (let i = 0; i < dim; i++) {
      for (let j = 0; j < i; j++) {
        const a = cov[off + i * dim + j];
        const b = cov[off + j * dim + i];
        if (!(Math.abs(a - b) <= 1e-12 * (Math.abs(a) + Math.abs(b)))) {
          throw new InputError(`expected a symmetric matrix, got [${i}][${j}] = ${a} but [${j}][${i}] = ${b}`, `${cw}[${c}]`);
        }
        cov[off + i * dim + j] = cov[off + j * dim + i] = 0.5 * (a + b);
      }
    }
    const block = cov.subarray(off, off + dd);
    const { min, max } = symmetricEigenRange(block, dim);
    if (!(min > max / COVARIANCE_CONDITION_LIMIT) || cholesky(block, dim) === null) {
      throw new InputError(
        `expected a positive definite matrix (smallest eigenvalue > largest / ${COVARIANCE_CONDITION_LIMIT}), got eigenvalues from ${min} to ${max}`,
        `${cw}[${c}]`,
      );
    }
    stds[c] = Math.sqrt(max);
  }
  const w = parseWeights(weights, k, where);
  if (dim === 1) return { dim, k, means: m, stds, weights: w };
  return { dim, k, means: m, stds, weights: w, covariances: cov };
}

/**
 * Draw n points from a Gaussian mixture: component c with probability weights[c] (inverse-cdf on the
 * cumulative weights with one uniform draw), then means[c] + stds[c] * (standard normal vector), or
 * means[c] + L_c (standard normal vector) with L_c L_c^T = covariances[c] (Cholesky) for full
 * covariances. Draws per point: 1 uniform + dim normals either way.
 * @throws InputError if n is not a non-negative integer.
 */
export function sampleGaussianMixture(gm: GaussianMixture, n: number, rng: Rng): Points {
  if (!Number.isInteger(n) || n < 0) throw new InputError(`expected a non-negative integer, got ${n}`, 'sampleGaussianMixture.n');
  const { dim, k, means, stds, weights, covariances } = gm;
  const cum = new Float64Array(k);
  let acc = 0;
  for (let c = 0; c < k; c++) cum[c] = acc += weights[c];
  const data = new Float64Array(n * dim);
  const factors = covariances ? choleskyFactors(covariances, k, dim) : null;
  const z = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform() * acc;
    let c = 0;
    while (c < k - 1 && u >= cum[c]) c++;
    if (factors) {
      for (let j = 0; j < dim; j++) z[j] = rng.normal();
      lowerTimes(factors[c], dim, z, 0, data, i * dim);
      for (let j = 0; j < dim; j++) data[i * dim + j] += means[c * dim + j];
    } else {
      for (let j = 0; j < dim; j++) data[i * dim + j] = means[c * dim + j] + stds[c] * rng.normal();
    }
  }
  return { data, n, dim };
}

/** Cholesky factors of k stacked dim x dim covariances (validated SPD by construction). */
export function choleskyFactors(covariances: Float64Array, k: number, dim: number): Float64Array[] {
  const dd = dim * dim;
  const out: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    const l = cholesky(covariances.subarray(c * dd, (c + 1) * dd), dim);
    if (!l) throw new InputError(`covariance ${c} is not positive definite`, 'covariances');
    out.push(l);
  }
  return out;
}

/**
 * The mixture of a config block `{means, stds | covariances, weights}`: exactly one of `stds`
 * (isotropic components) and `covariances` (d x d per component) must be present.
 * @throws InputError naming the JSON path (both or neither given, plus every check of
 *   {@link makeGaussianMixture} / {@link makeGaussianMixtureWithCovariances}).
 */
export function gaussianMixtureFromBlock(o: Record<string, unknown>, where: string): GaussianMixture {
  for (const key of ['means', 'weights']) if (!(key in o)) throw new InputError(`missing key "${key}"`, where);
  const hasStds = 'stds' in o;
  if (hasStds === 'covariances' in o) {
    throw new InputError(`expected exactly one of "stds" (isotropic components) and "covariances" (full d x d matrices), got ${hasStds ? 'both' : 'neither'}`, where);
  }
  if (hasStds) return makeGaussianMixture(o.means as number[][], o.stds as number[], o.weights as number[], where);
  return makeGaussianMixtureWithCovariances(o.means as number[][], o.covariances as number[][][], o.weights as number[], where);
}
