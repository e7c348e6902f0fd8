import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/rng.ts';
import { swissRoll } from '../../src/data/swissRoll.ts';
import { linearForceMixtureField, mixtureFromPoints } from '../../src/fields/linearForceMixtureField.ts';
import { swissRollForce } from '../../src/processes/swissRollForce.ts';
import { processFlow } from '../../src/thermo/ndFlow.ts';
import { perturbationNd } from '../../src/thermo/perturbationNd.ts';
import { blobQMasses, blobW1, pushBlobNodes } from '../../src/thermo/pointMassBlobs.ts';
import { evenGridIndices, ndSnapshotTimes, ndTimeGrid } from '../../src/thermo/quadratureNd.ts';

const data = swissRoll(40, new Rng(7), { noise: 0.1 });
const pert = perturbationNd({ kind: 'normal', mean: [0, 0], std: 0.9 }, 2);

function w1End(g: number, order: number, late: number) {
  const field = linearForceMixtureField(swissRollForce({ h: 1.1, g, Tfin: 0.5, tau: 3 }), mixtureFromPoints(data));
  const flow = processFlow(field);
  const grid = ndTimeGrid(flow, 80, ndSnapshotTimes(flow));
  const w1Idx = [...evenGridIndices(grid.length, 20)].sort((p, q) => p - q);
  const nodes = pushBlobNodes(flow, flow.pointMassComponents!(flow.tMin), order, grid, w1Idx, 38, late);
  const q = blobQMasses(flow, pert, nodes);
  const r = blobW1(nodes, q.b, 2);
  return { w1: r.w1[0], bound: r.bound[0], sum: q.sum };
}

test('per-blob W1End is the same for g = 0 and g = 3 (exact invariance of Eq. 99 under the rotation), within its own order-3/4 error', () => {
  const g0 = w1End(0, 4, 24);
  const g3 = w1End(3, 4, 24);
  const g0lo = w1End(0, 3, 16);
  // stated error of the order-4 value: |order 4 - order 3| + aggregation bound (as the engine states it)
  const err = Math.abs(g0.w1 - g0lo.w1) + g0.bound;
  assert.ok(err < 0.05 * g0.w1, `error estimate ${err} should be small against W1End ${g0.w1}`);
  // the two runs share no arithmetic after the field: their difference is RK4 and node error, within 2x the stated error
  assert.ok(Math.abs(g0.w1 - g3.w1) <= 2 * err, `g = 0: ${g0.w1}, g = 3: ${g3.w1}, stated error ${err}`);
  // sum_i a_i rho(x_i(tMax)) = E_P[tildeP / P] = 1 up to the node quadrature error (measured 1e-4 on 1000 points)
  assert.ok(Math.abs(g0.sum - 1) < 0.02 && Math.abs(g3.sum - 1) < 0.02, `mass sums ${g0.sum}, ${g3.sum}`);
});
