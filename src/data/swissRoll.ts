import { assertInteger, assertNonNegative, assertPositive } from '../core/check.ts';
import type { Points } from '../core/points.ts';
import type { Rng } from '../core/rng.ts';

/** Options of {@link swissRoll}. */
export interface SwissRollOptions {
  /** Std of the isotropic Gaussian jitter added to every point. @default 0.1 */
  noise?: number;
  /** Outer radius of the spiral (radius at the largest angle). @default 4 */
  radius?: number;
}

/**
 * Two-dimensional Swiss roll (the 2-D projection of scikit-learn's `make_swiss_roll`, rescaled).
 *
 * Construction, for each point independently: u ~ U[0,1), angle theta = 1.5 pi (1 + 2u) (so
 * theta in [1.5 pi, 4.5 pi), 1.5 turns), radius r = radius * theta / (4.5 pi) (in
 * [radius/3, radius)), point = (r cos theta, r sin theta) + noise * N(0, I_2). With the defaults
 * the spiral fills [-4, 4]^2, matching the paper's figures (outer radius about 4, domain [-5,5]^2;
 * the paper's own generator is not stated).
 *
 * Draws per point: one uniform, then two normals (only when noise > 0), in that order.
 * @throws InputError if n is not a non-negative integer, noise < 0 or radius <= 0.
 */
export function swissRoll(n: number, rng: Rng, opts: SwissRollOptions = {}): Points {
  const noise = opts.noise ?? 0.1;
  const radius = opts.radius ?? 4;
  assertInteger(n, 'swissRoll.n', 0);
  assertNonNegative(noise, 'swissRoll.noise');
  assertPositive(radius, 'swissRoll.radius');
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const theta = 1.5 * Math.PI * (1 + 2 * rng.uniform());
    const r = (radius * theta) / (4.5 * Math.PI);
    let x = r * Math.cos(theta);
    let y = r * Math.sin(theta);
    if (noise > 0) {
      x += noise * rng.normal();
      y += noise * rng.normal();
    }
    data[2 * i] = x;
    data[2 * i + 1] = y;
  }
  return { data, n, dim: 2 };
}
