import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makePoints } from '../../../src/core/points.ts';
import { Rng } from '../../../src/core/rng.ts';
import { type GaussianMixture, makeGaussianMixture, sampleGaussianMixture } from '../../../src/data/gaussianMixture.ts';
import { scheduleMixtureField } from '../../../src/fields/scheduleMixtureField.ts';
import { checkEq100, evaluateFlowModel, flowMatchingResidual, meanNormOfGaussian } from '../../../src/nn/evaluate/evaluateFlowModel.ts';
import type { FlowModel } from '../../../src/nn/models/flowModel.ts';
import { namedSchedule } from '../../../src/schedules/namedSchedule.ts';
import type { Schedule } from '../../../src/schedules/schedule.ts';
import { expectClose, TEST_SEED } from '../../support/expectClose.ts';

/** A FlowModel whose velocity is `scale` times the exact mixture velocity (scale 1: exact). */
function mixtureModel(gm: GaussianMixture, sched: Schedule, scale = 1): FlowModel {
  const field = scheduleMixtureField(gm, sched);
  return {
    dim: gm.dim,
    tau: sched.tau,
    scheduleName: sched.name,
    meta: { dim: gm.dim, tau: sched.tau, scheduleName: sched.name, hidden: [], source: 'gaussian' },
    async velocity(t, x, n) {
      const v = field.velocity(t, Float64Array.from(x), n);
      return Float32Array.from(v, (a) => a * scale);
    },
    params: () => [],
    async save() {},
  };
}

const sched = namedSchedule('cond-ot');
const gm = makeGaussianMixture([[-1.5, 0], [1.5, 0.5]], [0.3, 0.4], [0.4, 0.6]);

test('E|xi| of a standard Gaussian: 1-D sqrt(2/pi), 2-D sqrt(pi/2), 3-D 2 sqrt(2/pi)', () => {
  expectClose(meanNormOfGaussian(1), Math.sqrt(2 / Math.PI), { rtol: 1e-14 }, 'd=1');
  expectClose(meanNormOfGaussian(2), Math.sqrt(Math.PI / 2), { rtol: 1e-14 }, 'd=2');
  expectClose(meanNormOfGaussian(3), 2 * Math.sqrt(2 / Math.PI), { rtol: 1e-14 }, 'd=3');
});

test('FM residual: zero for the exact velocity, (1-c)^2 w_D/tau for c times the exact velocity', async () => {
  const exact = await flowMatchingResidual(mixtureModel(gm, sched), gm, sched, new Rng(TEST_SEED), { n: 500, nodes: 20 });
  // only float32 rounding of u: |u - nu|^2 ~ (1e-7 |nu|)^2
  assert.ok(exact.residual < 1e-10, `residual of the exact field ${exact.residual}`);
  const c = 0.8;
  const scaled = await flowMatchingResidual(mixtureModel(gm, sched, c), gm, sched, new Rng(TEST_SEED), { n: 500, nodes: 20 });
  // same draws (same seed): L = (1-c)^2 * (1/tau) int E|nu|^2 exactly, up to float32 rounding
  expectClose(scaled.residual, (1 - c) ** 2 * scaled.wD, { rtol: 1e-5 }, 'scaled residual');
  expectClose(scaled.wD, exact.wD, { rtol: 1e-12 }, 'w_D does not depend on the model');
});

test('Eq. 100 holds for an exact and for a 20%-wrong velocity; both sides are finite and positive', async () => {
  for (const c of [1, 0.8]) {
    const r = await checkEq100(mixtureModel(gm, sched, c), gm, sched, new Rng(TEST_SEED + 3), { s0: 1.3, n: 400, nodes: 20 });
    // D0 for N(0, 1.3^2 I_2) vs N(0, I_2): (1.3 sqrt(2 - 1.69))^-2 - 1
    expectClose(r.d0, (1.3 * Math.sqrt(0.31)) ** -2 - 1, { rtol: 1e-14 }, 'D0');
    expectClose(r.w1Start, 0.3 * Math.sqrt(Math.PI / 2), { rtol: 1e-14 }, 'W1 start');
    assert.ok(r.lhs > 0 && Number.isFinite(r.rhs), `lhs ${r.lhs}, rhs ${r.rhs}`);
    assert.ok(r.holds, `Eq. 100 violated for c=${c}: ${r.lhs} > ${r.rhs}`);
    if (c === 1) assert.ok(r.residual < 1e-10);
    else assert.ok(r.residual > 0.01, `residual ${r.residual}`);
  }
});

test('evaluateFlowModel on the exact field: W2 at the sampling-noise level, straightness <= 1 (Cauchy-Schwarz)', async () => {
  const rng = new Rng(TEST_SEED + 5);
  const n = 300;
  const prior = makePoints(new Float64Array(n * 2).map(() => rng.normal()), n, 2);
  const e = await evaluateFlowModel(mixtureModel(gm, sched), prior, sampleGaussianMixture(gm, n, rng), sampleGaussianMixture(gm, n, rng));
  // exact flow: generated and held-out are two samples of q, so W2 is of the order of the noise floor
  assert.ok(e.w2 < 2 * e.w2DataNoise, `W2 ${e.w2} vs data noise ${e.w2DataNoise}`);
  // tau int E|u|^2 >= E|x_0 - x_tau|^2 along each path; dopri5 quadrature error ~1e-5 relative
  assert.ok(e.straightness > 0 && e.straightness <= 1 + 1e-4, `straightness ${e.straightness}`);
  assert.ok(e.nfe > 6 && e.nfe < 500, `nfe ${e.nfe}`);
});
