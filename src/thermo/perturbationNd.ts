import { InputError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';
import type { Rng } from '../core/rng.ts';
import { evaluateGaussianSum, isotropicGaussianSum } from '../fields/isotropicGaussianSum.ts';
import type { PerturbationSpec } from './perturbation.ts';

/** An n-D perturbed start tilde P^dagger_0: sampler and log-density. */
export interface PerturbationNd {
  readonly dim: number;
  readonly spec: PerturbationSpec;
  sample(n: number, rng: Rng): Points;
  logDensity(x: Float64Array, n: number): Float64Array;
  /** A box [lo, hi] per axis holding all but ~1e-15 of the mass (normal/mixture: mean +- 8.5 std). */
  readonly box: { lo: number[]; hi: number[] };
  /** A box [lo, hi] per axis: normal/mixture means +- halfWidth x std; uniform: its own box. */
  boxAt(halfWidth: number): { lo: number[]; hi: number[] };
}

/**
 * The n-D view of a perturbation spec (the same JSON kinds as the 1-D experiment):
 * normal N(mean, std^2 I); uniform on the box [low, high]; isotropic Gaussian mixture.
 * Draws: normal = dim normals per point; uniform = dim uniforms; mixture = 1 uniform + dim normals.
 * @throws InputError if the spec's dimension differs from `dim`.
 */
export function perturbationNd(spec: PerturbationSpec, dim: number): PerturbationNd {
  if (spec.kind === 'normal') {
    if (spec.mean.length !== dim) throw new InputError(`expected ${dim} coordinates, got ${spec.mean.length}`, 'perturbation.mean');
    const { mean, std } = spec;
    const g = isotropicGaussianSum(Float64Array.from(mean), [std * std], [1], dim, 'perturbation');
    return {
      dim,
      spec,
      sample(n, rng) {
        const out = new Float64Array(n * dim);
        for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) out[i * dim + d] = mean[d] + std * rng.normal();
        return { data: out, n, dim };
      },
      logDensity(x, n) {
        const out = new Float64Array(n);
        evaluateGaussianSum(g, x, n, { logDensity: out });
        return out;
      },
      box: { lo: mean.map((m) => m - 8.5 * std), hi: mean.map((m) => m + 8.5 * std) },
      boxAt: (hw) => ({ lo: mean.map((m) => m - hw * std), hi: mean.map((m) => m + hw * std) }),
    };
  }
  if (spec.kind === 'uniform') {
    const { low, high } = spec;
    if (low.length !== dim || high.length !== dim) throw new InputError(`expected ${dim} coordinates`, 'perturbation.low');
    let logVol = 0;
    for (let d = 0; d < dim; d++) logVol += Math.log(high[d] - low[d]);
    return {
      dim,
      spec,
      sample(n, rng) {
        const out = new Float64Array(n * dim);
        for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) out[i * dim + d] = low[d] + (high[d] - low[d]) * rng.uniform();
        return { data: out, n, dim };
      },
      logDensity(x, n) {
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          let inside = true;
          for (let d = 0; d < dim; d++) {
            const v = x[i * dim + d];
            if (v < low[d] || v > high[d]) inside = false;
          }
          out[i] = inside ? -logVol : -Infinity;
        }
        return out;
      },
      box: { lo: low.slice(), hi: high.slice() },
      boxAt: () => ({ lo: low.slice(), hi: high.slice() }),
    };
  }
  const m = spec.mixture;
  if (m.dim !== dim) throw new InputError(`expected ${dim}-D mixture, got ${m.dim}-D`, 'perturbation.means');
  const vars = Array.from(m.stds, (s) => s * s);
  const g = isotropicGaussianSum(m.means, vars, m.weights, dim, 'perturbation');
  const boxAt = (hw: number) => {
    const lo: number[] = [];
    const hi: number[] = [];
    for (let d = 0; d < dim; d++) {
      let a = Infinity;
      let b = -Infinity;
      for (let j = 0; j < m.k; j++) {
        a = Math.min(a, m.means[j * dim + d] - hw * m.stds[j]);
        b = Math.max(b, m.means[j * dim + d] + hw * m.stds[j]);
      }
      lo.push(a);
      hi.push(b);
    }
    return { lo, hi };
  };
  return {
    dim,
    spec,
    sample(n, rng) {
      const out = new Float64Array(n * dim);
      for (let i = 0; i < n; i++) {
        let u = rng.uniform();
        let j = 0;
        while (j < m.k - 1 && u >= m.weights[j]) u -= m.weights[j++];
        for (let d = 0; d < dim; d++) out[i * dim + d] = m.means[j * dim + d] + m.stds[j] * rng.normal();
      }
      return { data: out, n, dim };
    },
    logDensity(x, n) {
      const out = new Float64Array(n);
      evaluateGaussianSum(g, x, n, { logDensity: out });
      return out;
    },
    box: boxAt(8.5),
    boxAt,
  };
}
