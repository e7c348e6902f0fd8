import { assertInteger, assertPositive } from '../core/check.ts';
import type { Points } from '../core/points.ts';
import type { Rng } from '../core/rng.ts';

/**
 * Uniform law on the black squares of a 4 x 4 checkerboard covering [-2, 2]^2 (times `scale`).
 *
 * Construction per point: x ~ U[-2, 2); column c = floor(x) (in {-2,-1,0,1}); y ~ U[0, 1) plus an
 * offset chosen uniformly from the two cells of the column with (c + row) even, i.e.
 * row in {-2, 0} when c is even and {-1, 1} when c is odd; then (x, y) * scale. Draws per point:
 * uniform (x), uniform (y), int(2) (row). Every square of side `scale` whose integer corner
 * (c, row) has c + row even carries density 1 / (8 scale^2).
 * @throws InputError if n is not a non-negative integer or scale <= 0.
 */
export function checkerboard(n: number, rng: Rng, scale = 1): Points {
  assertInteger(n, 'checkerboard.n', 0);
  assertPositive(scale, 'checkerboard.scale');
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const x = 4 * rng.uniform() - 2;
    const c = Math.floor(x);
    const y0 = rng.uniform();
    const even = ((c % 2) + 2) % 2 === 0;
    const row = (even ? -2 : -1) + 2 * rng.int(2);
    data[2 * i] = x * scale;
    data[2 * i + 1] = (row + y0) * scale;
  }
  return { data, n, dim: 2 };
}
