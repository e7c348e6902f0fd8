import { assertInteger, assertNonNegative } from '../core/check.ts';
import type { Points } from '../core/points.ts';
import type { Rng } from '../core/rng.ts';

/**
 * Two interleaving half circles (scikit-learn's `make_moons` construction, randomised angles).
 *
 * Construction: point i belongs to the upper moon when i < ceil(n/2), else to the lower moon;
 * angle a ~ U[0, pi). Upper moon: (cos a, sin a); lower moon: (1 - cos a, 0.5 - sin a); then
 * add noise * N(0, I_2). Draws per point: one uniform, then two normals (only when noise > 0).
 * The points lie in about [-1, 2] x [-0.5, 1]; rescale if a unit-variance cloud is wanted.
 * @throws InputError if n is not a non-negative integer or noise < 0.
 */
export function twoMoons(n: number, rng: Rng, noise = 0.1): Points {
  assertInteger(n, 'twoMoons.n', 0);
  assertNonNegative(noise, 'twoMoons.noise');
  const data = new Float64Array(2 * n);
  const nUpper = Math.ceil(n / 2);
  for (let i = 0; i < n; i++) {
    const a = Math.PI * rng.uniform();
    let x: number;
    let y: number;
    if (i < nUpper) {
      x = Math.cos(a);
      y = Math.sin(a);
    } else {
      x = 1 - Math.cos(a);
      y = 0.5 - Math.sin(a);
    }
    if (noise > 0) {
      x += noise * rng.normal();
      y += noise * rng.normal();
    }
    data[2 * i] = x;
    data[2 * i + 1] = y;
  }
  return { data, n, dim: 2 };
}
