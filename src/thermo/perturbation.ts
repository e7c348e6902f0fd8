import { InputError } from '../core/errors.ts';
import { normalCdf, normalQuantile, normalSf } from '../core/special.ts';
import type { GaussianMixture } from '../data/gaussianMixture.ts';
import { Mixture1d } from '../fields/mixture1d.ts';

/**
 * The perturbed start of the estimated reverse process, tilde P^dagger_0 (paper Eq. 4, Fig. 6 b-e):
 * - `normal`: N(mean, std^2 I);
 * - `uniform`: the box [low, high] (per coordinate);
 * - `gaussian-mixture`: an isotropic Gaussian mixture.
 * Coordinates are arrays of length dim (dim = 1 for the 1-D experiment).
 */
export type PerturbationSpec =
  | { kind: 'normal'; mean: number[]; std: number }
  | { kind: 'uniform'; low: number[]; high: number[] }
  | { kind: 'gaussian-mixture'; mixture: GaussianMixture };

/** A 1-D perturbation density g with tail-accurate cdf, survival, normal score and quantile. */
export interface Perturbation1d {
  readonly spec: PerturbationSpec;
  logPdf(x: number): number;
  cdf(x: number): number;
  sf(x: number): number;
  /** Phi^{-1}(G(x)); -Infinity / +Infinity outside a bounded support. */
  zScore(x: number): number;
  /** x with G(x) = Phi(z). */
  quantileZ(z: number): number;
  /** Support [lo, hi] (infinite for normal and mixture). */
  readonly support: [number, number];
  /** Largest component standard deviation (0 for uniform): D0 is finite iff maxStd^2 < 2 V_max(P_tau). */
  readonly maxStd: number;
  /** Points where the density has structure (means, box ends): quadrature breakpoints. */
  readonly landmarks: number[];
}

/**
 * Make the 1-D view of a perturbation spec.
 * @throws InputError if the spec is not one-dimensional.
 */
export function perturbation1d(spec: PerturbationSpec): Perturbation1d {
  if (spec.kind === 'uniform') {
    if (spec.low.length !== 1 || spec.high.length !== 1) {
      throw new InputError(`expected one-dimensional low/high, got ${spec.low.length} coordinates`, 'perturbation');
    }
    const lo = spec.low[0];
    const hi = spec.high[0];
    const w = hi - lo;
    const cdf = (x: number) => (x <= lo ? 0 : x >= hi ? 1 : (x - lo) / w);
    const sf = (x: number) => (x <= lo ? 1 : x >= hi ? 0 : (hi - x) / w);
    return {
      spec,
      logPdf: (x) => (x >= lo && x <= hi ? -Math.log(w) : -Infinity),
      cdf,
      sf,
      zScore: (x) => {
        const c = cdf(x);
        return c < 0.5 ? normalQuantile(c) : -normalQuantile(sf(x));
      },
      quantileZ: (z) => (z <= 0 ? lo + w * normalCdf(z) : hi - w * normalSf(z)),
      support: [lo, hi],
      maxStd: 0,
      landmarks: [lo, hi],
    };
  }
  let mix: Mixture1d;
  if (spec.kind === 'normal') {
    if (spec.mean.length !== 1) throw new InputError(`expected a one-dimensional mean, got ${spec.mean.length} coordinates`, 'perturbation.mean');
    mix = new Mixture1d([1], [spec.mean[0]], [spec.std]);
  } else {
    if (spec.mixture.dim !== 1) throw new InputError(`expected one-dimensional means, got dim = ${spec.mixture.dim}`, 'perturbation.means');
    mix = new Mixture1d(spec.mixture.weights, spec.mixture.means, spec.mixture.stds);
  }
  return {
    spec,
    logPdf: (x) => mix.logPdf(x),
    cdf: (x) => mix.cdf(x),
    sf: (x) => mix.sf(x),
    zScore: (x) => mix.zScore(x),
    quantileZ: (z) => mix.quantileZ(z),
    support: [-Infinity, Infinity],
    maxStd: Math.max(...mix.sd),
    landmarks: [...mix.mean],
  };
}
