import type { Points } from '../core/points.ts';
import { emd } from './emd.ts';
import { certifiedCost } from './w1Points.ts';

/**
 * Exact W2^2 between two uniformly weighted point clouds (any sizes, same dimension):
 * the optimal value of the transport problem with cost |x_i - y_j|^2.
 * @throws InputError (mismatched dimensions, NaN); NumericalError if the solver did not certify optimality.
 */
export function w2SqPoints(x: Points, y: Points): number {
  return certifiedCost(emd(null, null, { kind: 'sqeuclidean', x, y }));
}
