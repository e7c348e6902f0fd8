/** Optimal transport: exact (assignment / network simplex), closed forms, entropic, sliced. */
export { type AssignmentOptions, type AssignmentResult, solveAssignment } from './assignment.ts';
export { type Certificate, certifyPlan, dualViolation, type SparsePlan } from './certificate.ts';
export { type CostSpec, costAt, costMatrix, costRow, costShape, validateCost } from './costSpec.ts';
export { dualViolationSqEuclidean } from './dualPricing.ts';
export { checkBalanced, checkWeights, emd, type EmdOptions, type EmdProgress, type EmdResult } from './emd.ts';
export { gaussianW2, gaussianW2Sq, isotropicGaussianW2Sq } from './gaussianW2.ts';
export { multiscaleAssignment, type MultiscaleAssignmentResult, type MultiscaleOptions } from './multiscaleAssignment.ts';
export { networkSimplex, type NetworkSimplexResult } from './networkSimplex.ts';
export { hilbertKeys, orderByKeys } from './hilbertOrder.ts';
export { formatScaled, type RescaledCost, rescaleCost, scaleBack } from './rescale.ts';
export { sinkhorn, sinkhornDivergence, type SinkhornOptions, type SinkhornResult } from './sinkhorn.ts';
export { SparseNetworkSimplex } from './sparseNetworkSimplex.ts';
export { type SparseTransportOptions, type SparseTransportResult, sparseTransport } from './sparseTransport.ts';
export { slicedWasserstein, type SlicedOptions } from './slicedWasserstein.ts';
export { certifiedCost, w1Points } from './w1Points.ts';
export { w2SqPoints } from './w2SqPoints.ts';
export { wasserstein1d, wasserstein1dPow } from './wasserstein1d.ts';
export { wassersteinQuantile } from './wassersteinQuantile.ts';
