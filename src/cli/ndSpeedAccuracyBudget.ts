import type { SpeedAccuracyNdConfig } from '../config/speedAccuracyNdConfig.ts';
import { QUADRATURE_DEFAULT_CELLS } from '../thermo/speedAccuracyQuadratureNd.ts';
import { type Budget, formatCount } from './limits.ts';

/**
 * Peak-memory estimate of an n-D speed-accuracy run, for {@link checkBudget} before any work.
 *
 * - Quadrature (default in 1-3 D): N = cells^dim nodes; W1 at each measured time is an exact OT
 *   between the positive and negative parts of the two node weights (at most N/2 x N/2 atoms) with a
 *   dense cost matrix of 8 bytes per pair, and the network simplex keeps about as much again in
 *   working arrays: 4 N^2 bytes. 2-D at the default 48 cells: 21 MB; 3-D at the default 24 cells: 764 MB
 *   (a bound: the 3-D cosine case at 24/18 peaks at 208 MB resident for the whole tsx process).
 * - Particles: the clouds (4 of n x dim, at every one of the steps + 1 times) and, below the 4000
 *   points where the multiscale solver takes over, the dense n x n cost of each W1: 8 n^2 bytes.
 * Lower-order terms (the data, the field's k x dim arrays) are left out: the estimate is for refusing
 * requests that cannot run, not for sizing a job to the byte.
 */
export function ndSpeedAccuracyBudget(config: SpeedAccuracyNdConfig): Budget {
  const dim = config.data.dim;
  const e = config.engine;
  const steps = e.steps ?? 120;
  const quadrature = (e.estimator ?? (dim <= 3 ? 'quadrature' : 'particles')) === 'quadrature';
  if (quadrature) {
    const cells = e.cells ?? QUADRATURE_DEFAULT_CELLS[dim] ?? 20;
    const nodes = cells ** dim;
    return {
      what: `quadrature with ${formatCount(cells)} cells per axis in ${dim}-D (${formatCount(nodes)} nodes)`,
      bytes: 4 * nodes * nodes + 8 * nodes * dim * 8,
      hint: 'use a smaller "cells"',
    };
  }
  const n = e.nParticles ?? 1000;
  return {
    what: `${formatCount(n)} particles of dim ${dim}`,
    bytes: 32 * n * dim * (steps + 1) + (n < 4000 ? 8 * n * n : 0),
    hint: 'use fewer "particles" or "steps"',
  };
}
