import { NumericalError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';
import { emd } from './emd.ts';

/**
 * Exact W1 between two uniformly weighted point clouds (any sizes, same dimension):
 * the optimal value of the transport problem with cost |x_i - y_j|.
 * @throws InputError (mismatched dimensions, NaN); NumericalError if the solver did not certify optimality.
 */
export function w1Points(x: Points, y: Points): number {
  return certifiedCost(emd(null, null, { kind: 'euclidean', x, y }));
}

/** The cost of a certified result; throws when the solver did not converge or the certificate fails. */
export function certifiedCost(r: ReturnType<typeof emd>): number {
  if (!r.converged || !r.certificate.optimal) {
    throw new NumericalError(
      `exact OT not certified optimal (converged=${r.converged}, dual violation ${r.certificate.maxDualViolation}, slack ${r.certificate.maxSlackViolation}, marginal error ${r.certificate.marginalError})`,
    );
  }
  return r.cost;
}
