import { describe } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';
import type { Rng } from '../core/rng.ts';

/**
 * An isotropic Gaussian mixture q(x) = sum_k weights[k] N(x | means[k], stds[k]^2 I) in `dim`
 * dimensions (paper Eq. 96 is the 1-D, two-component case).
 */
export interface GaussianMixture {
  readonly dim: number;
  readonly k: number;
  /** k*dim, row-major: means[c * dim + j]. */
  readonly means: Float64Array;
  /** k standard deviations, each > 0 (isotropic per component). */
  readonly stds: Float64Array;
  /** k weights, >= 0, summing to 1. */
  readonly weights: Float64Array;
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
  const sArr = arrayAt(stds, `${where}.stds`);
  if (sArr.length !== k) throw new InputError(`expected ${k} stds (one per component), got ${sArr.length}`, `${where}.stds`);
  const s = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const v = finiteAt(sArr[c], `${where}.stds[${c}]`);
    if (!(v > 0)) throw new InputError(`expected a standard deviation > 0, got ${v}`, `${where}.stds[${c}]`);
    s[c] = v;
  }
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
  return { dim, k, means: m, stds: s, weights: w };
}

/**
 * Draw n points from a Gaussian mixture: component c with probability weights[c] (inverse-cdf on the
 * cumulative weights with one uniform draw), then means[c] + stds[c] * (standard normal vector).
 * @throws InputError if n is not a non-negative integer.
 */
export function sampleGaussianMixture(gm: GaussianMixture, n: number, rng: Rng): Points {
  if (!Number.isInteger(n) || n < 0) throw new InputError(`expected a non-negative integer, got ${n}`, 'sampleGaussianMixture.n');
  const { dim, k, means, stds, weights } = gm;
  const cum = new Float64Array(k);
  let acc = 0;
  for (let c = 0; c < k; c++) cum[c] = acc += weights[c];
  const data = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform() * acc;
    let c = 0;
    while (c < k - 1 && u >= cum[c]) c++;
    for (let j = 0; j < dim; j++) data[i * dim + j] = means[c * dim + j] + stds[c] * rng.normal();
  }
  return { data, n, dim };
}
