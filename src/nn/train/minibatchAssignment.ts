import { denseAssignment } from '../../ot/denseAssignment.ts';

/**
 * Exact square assignment for minibatch OT couplings: min over permutations pi of
 * sum_i C[i, pi(i)] for a dense, row-major B x B cost. The dense assignment solver of the OT engine
 * ({@link denseAssignment}, also what `emd` runs on dense square uniform problems), returning only
 * the permutation.
 * Non-finite costs give a permutation without guarantee.
 * @returns rowToCol (Int32Array of length B).
 * @throws RangeError if B is not a non-negative integer or cost has fewer than B * B entries.
 */
export function minibatchAssignment(cost: Float64Array, B: number): Int32Array {
  if (!Number.isInteger(B) || B < 0) throw new RangeError(`minibatchAssignment: B must be a non-negative integer, got ${B}`);
  if (cost.length < B * B) throw new RangeError(`minibatchAssignment: cost has ${cost.length} entries, expected ${B * B}`);
  return denseAssignment(cost, B).rowToCol;
}
