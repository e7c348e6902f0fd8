import { sinkhorn } from '../../ot/sinkhorn.ts';

/**
 * Entropic OT plan between two uniform batches of equal size B, for the `sinkhorn` minibatch
 * coupling: the plan of min <C, P> + eps KL(P | 1/B^2) with marginals 1/B, computed by the
 * stabilised Sinkhorn of `src/ot/sinkhorn.ts` (epsilon scaling, absorption; finite for any
 * eps > 0, however small against the spread of C).
 *
 * Stopping: every row sum within a relative `tol` of 1/B (the L1 marginal error is held below
 * tol / B), or `maxIter` iterations at the final eps. A minibatch coupling only needs an
 * approximate plan, so reaching `maxIter` returns the current plan rather than failing.
 * @param cost row-major B x B costs (finite).
 * @returns the dense plan (B*B, row-major, total mass 1).
 * @throws InputError for eps <= 0, non-finite costs or a cost array of the wrong length.
 */
export function sinkhornRowPlan(cost: Float64Array, B: number, eps: number, tol = 1e-6, maxIter = 1000): Float64Array {
  const r = sinkhorn(null, null, { kind: 'matrix', matrix: cost, n: B, m: B }, { epsilon: eps, tol: tol / B, maxIter, plan: true });
  return r.plan as Float64Array;
}
