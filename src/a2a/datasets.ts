/**
 * The synthetic condition-transfer data sets of A2A-FM (paper Sec. 5.1, Fig. 3).
 */
import { InputError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import type { ConditionalSamples } from './coupling.ts';

/**
 * Means (component A, component B) of the grouped 3-class mixture: class c is an equal-weight
 * 2-component Gaussian mixture in 2-D, A with isotropic std 0.01, B with std 0.05
 * (reference code `MixturedGaussianDataset`).
 */
export const GROUPED_MEANS: readonly (readonly [readonly [number, number], readonly [number, number]])[] = [
  [
    [0, -1],
    [0, -3],
  ],
  [
    [Math.sqrt(3) / 2, 1],
    [(3 * Math.sqrt(3)) / 2, 3],
  ],
  [
    [-Math.sqrt(3) / 2, 1],
    [(-3 * Math.sqrt(3)) / 2, 3],
  ],
];
/** Standard deviations of components A and B. */
export const GROUPED_STDS: readonly [number, number] = [0.01, 0.05];

/**
 * The grouped data of Table 1a: `perClass` points of each class c = 0, 1, 2 (rows ordered by class),
 * each point from component A or B with probability 1/2. c is stored as a number (dc = 1).
 */
export function groupedMixture(perClass: number, rng: Rng): ConditionalSamples {
  if (!Number.isInteger(perClass) || perClass < 1) throw new InputError(`expected perClass >= 1, got ${perClass}`, 'groupedMixture');
  const n = 3 * perClass;
  const x = new Float64Array(2 * n);
  const c = new Float64Array(n);
  for (let cls = 0; cls < 3; cls++) {
    for (let i = 0; i < perClass; i++) {
      const r = cls * perClass + i;
      const comp = rng.uniform() < 0.5 ? 0 : 1;
      const [mx, my] = GROUPED_MEANS[cls][comp];
      const s = GROUPED_STDS[comp];
      x[2 * r] = mx + s * rng.normal();
      x[2 * r + 1] = my + s * rng.normal();
      c[r] = cls;
    }
  }
  return { x, c, n, dx: 2, dc: 1 };
}

/**
 * The non-grouped data of Table 1b (reference `CircleMixturedFilledGaussianDataset`):
 * theta ~ U[0, pi/2], r ~ U[1, 2] (uniform in r, not in area), x = r (cos theta, sin theta),
 * c = theta in radians.
 */
export function quarterAnnulus(n: number, rng: Rng): ConditionalSamples {
  if (!Number.isInteger(n) || n < 1) throw new InputError(`expected n >= 1, got ${n}`, 'quarterAnnulus');
  const x = new Float64Array(2 * n);
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const th = (Math.PI / 2) * rng.uniform();
    const r = 1 + rng.uniform();
    x[2 * i] = r * Math.cos(th);
    x[2 * i + 1] = r * Math.sin(th);
    c[i] = th;
  }
  return { x, c, n, dx: 2, dc: 1 };
}

/** n points of the quarter annulus conditional on theta: x = r (cos theta, sin theta), r ~ U[1, 2]. */
export function quarterAnnulusAt(theta: number, n: number, rng: Rng): Float64Array {
  const x = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const r = 1 + rng.uniform();
    x[2 * i] = r * Math.cos(theta);
    x[2 * i + 1] = r * Math.sin(theta);
  }
  return x;
}
