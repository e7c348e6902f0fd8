import { assertInteger, assertNonNegative, assertPositive } from '../core/check.ts';
import type { Points } from '../core/points.ts';
import type { Rng } from '../core/rng.ts';

/** Options of {@link eightGaussians}. */
export interface EightGaussiansOptions {
  /** Radius of the circle carrying the 8 centres. @default 2 */
  radius?: number;
  /** Isotropic std of each component. @default 0.2 */
  std?: number;
}

/** The 8 centres (radius * cos(k pi/4), radius * sin(k pi/4)), k = 0..7, as rows. */
export function eightGaussiansCenters(radius = 2): number[][] {
  const c: number[][] = [];
  for (let k = 0; k < 8; k++) c.push([radius * Math.cos((k * Math.PI) / 4), radius * Math.sin((k * Math.PI) / 4)]);
  return c;
}

/**
 * Equal-weight mixture of 8 isotropic Gaussians N(c_k, std^2 I_2) with centres c_k on a circle
 * (see {@link eightGaussiansCenters}). Construction per point: k = rng.int(8), then
 * c_k + std * (normal, normal). The same law as a `GaussianMixture` with those means, equal stds
 * and weights 1/8, so its forward marginals are exact (use that form for fields).
 * @throws InputError if n is not a non-negative integer, radius <= 0 or std < 0.
 */
export function eightGaussians(n: number, rng: Rng, opts: EightGaussiansOptions = {}): Points {
  const radius = opts.radius ?? 2;
  const std = opts.std ?? 0.2;
  assertInteger(n, 'eightGaussians.n', 0);
  assertPositive(radius, 'eightGaussians.radius');
  assertNonNegative(std, 'eightGaussians.std');
  const centres = eightGaussiansCenters(radius);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = centres[rng.int(8)];
    data[2 * i] = c[0] + std * rng.normal();
    data[2 * i + 1] = c[1] + std * rng.normal();
  }
  return { data, n, dim: 2 };
}
