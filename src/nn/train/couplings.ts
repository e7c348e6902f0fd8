/**
 * Couplings of a data batch y (B points) with a source batch z (B points) for conditional flow
 * matching (Tong et al. 2024, "minibatch OT"):
 * - `independent`: pair y_i with z_i (product coupling);
 * - `exact-ot`: the optimal plan for the squared Euclidean cost between the two uniform batches
 *   (exact); for equal-size uniform batches it is a permutation pi, so y_i is paired with
 *   z_{pi(i)}. Solved by `minibatchAssignment` (dense Hungarian/JV, checked against `emd` in the
 *   tests; `emd` itself took ~500 ms CPU per 512-batch, too slow for a training loop);
 * - `sinkhorn`: the entropic plan P (regularisation eps = reg * mean pairwise cost); for each i,
 *   a partner j is drawn from the row P[i, :] / sum_j P[i, j] (y_i is used once, z_j possibly
 *   several times; torchcfm draws (i, j) pairs from the whole plan instead).
 */
import type { Rng } from '../../core/rng.ts';
import { minibatchAssignment } from './minibatchAssignment.ts';
import { sinkhornRowPlan } from './sinkhornPlan.ts';

export type Coupling = 'independent' | 'exact-ot' | 'sinkhorn';

/** The names accepted by {@link couplePairs}. */
export const COUPLINGS: readonly Coupling[] = ['independent', 'exact-ot', 'sinkhorn'];

/**
 * @returns pair[i] = index of the source point coupled with data point i.
 */
export function couplePairs(
  coupling: Coupling,
  y: Float64Array,
  z: Float64Array,
  B: number,
  dim: number,
  rng: Rng,
  sinkhornReg = 0.05,
): Int32Array {
  const pair = new Int32Array(B);
  if (coupling === 'independent') {
    for (let i = 0; i < B; i++) pair[i] = i;
    return pair;
  }
  const cost = new Float64Array(B * B);
  let mean = 0;
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      let c = 0;
      for (let k = 0; k < dim; k++) c += (y[i * dim + k] - z[j * dim + k]) ** 2;
      cost[i * B + j] = c;
      mean += c;
    }
  }
  mean /= B * B;
  if (coupling === 'exact-ot') return minibatchAssignment(cost, B);
  // sinkhorn
  const P = sinkhornRowPlan(cost, B, sinkhornReg * mean);
  for (let i = 0; i < B; i++) {
    let s = 0;
    for (let j = 0; j < B; j++) s += P[i * B + j];
    let u = rng.uniform() * s;
    let j = 0;
    for (; j < B - 1; j++) {
      u -= P[i * B + j];
      if (u < 0) break;
    }
    pair[i] = j;
  }
  return pair;
}
