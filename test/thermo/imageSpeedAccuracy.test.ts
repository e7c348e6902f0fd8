import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, NumericalError } from '../../src/core/errors.ts';
import type { Points } from '../../src/core/points.ts';
import { Rng } from '../../src/core/rng.ts';
import { w1Points } from '../../src/ot/w1Points.ts';
import {
  type ImageSpeedAccuracyRun,
  imageSpeedAccuracyRun,
  isotropicFitD0,
  summarizeImageSpeedAccuracy,
  type VelocityModel,
} from '../../src/thermo/imageSpeedAccuracy.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';

/**
 * The exact cond-OT (tau = 1) velocity for data N(0, a^2 I): s_t^2 = (1-t)^2 a^2 + t^2 and
 * u(t, x) = (s_t' / s_t) x with s_t' = (t - (1-t) a^2) / s_t. Its flow map is x_t = x_0 s_t / a.
 * Used as a "learned" velocity for data of a different variance, it maps the data to
 * P_tau = law(x_0 / a) != N(0, I) (a start mismatch, D0 > 0), and N(0, I) to N(0, a^2 I).
 */
function gaussianCondOtModel(dim: number, a: number): VelocityModel & { calls: number } {
  const m = {
    dim,
    tau: 1,
    calls: 0,
    async velocity(t: number, x: Float32Array, n: number): Promise<Float32Array> {
      m.calls++;
      const s2 = (1 - t) ** 2 * a * a + t * t;
      const rate = (t - (1 - t) * a * a) / s2;
      const out = new Float32Array(n * dim);
      for (let i = 0; i < out.length; i++) out[i] = rate * x[i];
      return out;
    },
  };
  return m;
}

const sOf = (t: number, a: number) => Math.sqrt((1 - t) ** 2 * a * a + t * t);

function normalPoints(n: number, dim: number, rng: Rng, scale = 1): Points {
  const data = rng.fillNormal(new Float64Array(n * dim));
  for (let i = 0; i < data.length; i++) data[i] *= scale;
  return { data, n, dim };
}

describe('imageSpeedAccuracyRun(model, data, opts)', () => {
  const dim = 4;
  const a = 1.3;
  const n = 150;
  const data = normalPoints(2 * n, dim, new Rng(TEST_SEED));
  const model = gaussianCondOtModel(dim, a);
  const runP = imageSpeedAccuracyRun(model, data, { n, steps: 32, rng: new Rng(TEST_SEED + 1), stripCount: 5 });

  it('c2 equals the closed-form path energy of the same samples', async () => {
    const r = await runP;
    assert.equal(r.strips.forward[0].length, 5 * dim, 'strips keep stripCount trajectories');
    // c2 = (mean_i |x0_i|^2 / a^2) int_0^1 s_t'^2 dt, and mean_i |x0_i|^2 / a^2 = n_d s_hat^2 + |mu_hat|^2 of P_tau.
    const energyPerUnit = dim * r.fit.variance + r.fit.meanNormSq;
    let integral = 0;
    const K = 20000;
    for (let j = 0; j <= K; j++) {
      const t = j / K;
      const sp = (t - (1 - t) * a * a) / sOf(t, a);
      integral += (j === 0 || j === K ? 1 : j % 2 ? 4 : 2) * sp * sp;
    }
    integral /= 3 * K;
    // Simpson on 32 steps of a smooth integrand (error ~h^4 f'''' ~ 1e-6 here) plus float32 rounding
    // of the network input (~1e-7 relative): 2e-5 relative is a safe bound.
    expectClose(r.c2, energyPerUnit * integral, { rtol: 2e-5 }, 'c2');
    assert.ok(r.c2StdErr > 0 && r.c2StdErr < 0.2 * r.c2, `c2 standard error ${r.c2StdErr}`);
    // At t = 0 the rate is (0 - a^2) / a^2 = -1, so E|u(0, x0)|^2 = E|x0|^2 = a^2 energyPerUnit.
    expectClose(r.kinetic.meanSq[0], energyPerUnit * a * a, { rtol: 1e-6 }, 'E|u(0, x0)|^2');
    assert.equal(r.kinetic.t.length, 33);
    // RK4: 4 evaluations per step plus one at the end for the last |u|^2, forward and reverse.
    assert.equal(r.nfe, 2 * (4 * 32 + 1));
  });

  it('D0 is 2 KL of the isotropic fit of P_tau = x0 / a; Delta W1 = (a - 1) W1(start) by scaling', async () => {
    const r = await runP;
    // P_tau is x0 / a exactly (s_1 = 1): the forward strip endpoint is the start divided by a
    // (RK4 with 32 steps on a linear ODE: relative error ~1e-8; float32 inputs ~1e-7).
    const f0 = r.strips.forward[0];
    const f4 = r.strips.forward[4];
    const f2 = r.strips.forward[2];
    for (let i = 0; i < f0.length; i++) {
      expectClose(f4[i], f0[i] / a, { atol: 1e-6 }, `P_tau coordinate ${i}`);
      expectClose(f2[i], (f0[i] * sOf(0.5, a)) / a, { atol: 1e-6 }, `x_(tau/2) coordinate ${i}`);
    }
    // The estimated reverse maps N(0, I) (t = tau, last column) to N(0, a^2 I) (t = 0, first column).
    const e0 = r.strips.estimated[0];
    const e4 = r.strips.estimated[4];
    for (let i = 0; i < e0.length; i++) expectClose(e0[i], a * e4[i], { atol: 1e-6 }, `generated coordinate ${i}`);
    // Gaussian fit: s_hat^2 ~ 1/a^2 (sample noise ~ sqrt(2 / (n d)) = 0.06 relative).
    expectClose(r.fit.variance, 1 / (a * a), { rtol: 0.25 }, 's_hat^2');
    expectClose(r.d0, dim * (r.fit.variance - 1 - Math.log(r.fit.variance)) + r.fit.meanNormSq, { rtol: 1e-12 }, 'D0 formula');
    // The end samples are the start samples scaled by a (data x0 = a P_tau, generated = a z), and W1
    // is 1-homogeneous, so W1(end) = a W1(start) up to the integration error.
    expectClose(r.w1End, a * r.w1Start, { rtol: 1e-5 }, 'W1(end) = a W1(start)');
    expectClose(r.deltaW1, (a - 1) * r.w1Start, { rtol: 1e-4 }, 'Delta W1');
    expectClose(r.eta, r.deltaW1 ** 2 / r.d0, { rtol: 1e-12 }, 'eta');
    assert.equal(r.holds, r.eta <= r.c2);
    // Noise floors are W1 between two independent samples of the same law: positive and of the
    // order of the start W1 itself at n = 150 in 4-D.
    assert.ok(r.w1StartFloor > 0.3 * r.w1Start && r.w1EndFloor > 0, `floors ${r.w1StartFloor}, ${r.w1EndFloor}`);
    assert.ok(r.d0Floor >= 0);
  });

  it('the default W1 is exact OT (same value as w1Points on the same samples)', async () => {
    const r = await runP;
    const x = { data: Float64Array.from(r.strips.forward[0]), n: 5, dim };
    const y = { data: Float64Array.from(r.strips.forward[4]), n: 5, dim };
    // W1 between x and x / a for matched points is at most (1 - 1/a) mean|x| (identity plan): a bound check.
    let bound = 0;
    for (let i = 0; i < 5; i++) {
      let q = 0;
      for (let k = 0; k < dim; k++) q += x.data[i * dim + k] ** 2;
      bound += ((1 - 1 / a) * Math.sqrt(q)) / 5;
    }
    assert.ok(w1Points(x, y) <= bound + 1e-9);
    const r2 = await imageSpeedAccuracyRun(model, data, { n: 20, steps: 4, rng: new Rng(3), w1: w1Points });
    const r3 = await imageSpeedAccuracyRun(model, data, { n: 20, steps: 4, rng: new Rng(3) });
    assert.equal(r2.w1Start, r3.w1Start);
    assert.equal(r2.w1End, r3.w1End);
  });

  it('rejects bad options and a non-finite velocity', async () => {
    const bad = async (p: Promise<unknown>, cls: typeof InputError | typeof NumericalError, re: RegExp) =>
      assert.rejects(p, (e: unknown) => e instanceof cls && re.test((e as Error).message));
    await bad(imageSpeedAccuracyRun(model, data, { n, steps: 6, rng: new Rng(1) }), InputError, /multiple of 4, got 6/);
    await bad(imageSpeedAccuracyRun(model, data, { n: 200, steps: 4, rng: new Rng(1) }), InputError, /at least 2n = 400 data points, got 300/);
    await bad(
      imageSpeedAccuracyRun(model, { data: new Float64Array(60), n: 20, dim: 3 }, { n: 5, steps: 4, rng: new Rng(1) }),
      InputError,
      /dimension 3, the model 4/,
    );
    const nanModel: VelocityModel = { dim, tau: 1, velocity: async (_t, _x, m) => new Float32Array(m * dim).fill(Number.NaN) };
    await bad(imageSpeedAccuracyRun(nanModel, data, { n: 5, steps: 4, rng: new Rng(1) }), NumericalError, /velocity is not finite/);
  });
});

describe('isotropicFitD0(x)', () => {
  it('matches hand-computed fits', () => {
    // {(1,1), (-1,-1)}: mean 0, s^2 = 4 / 4 = 1 -> D0 = 0.
    expectClose(isotropicFitD0({ data: Float64Array.from([1, 1, -1, -1]), n: 2, dim: 2 }).d0, 0, { atol: 1e-15 }, 'D0');
    // {(2,0), (0,2)}: mean (1,1), |mu|^2 = 2, s^2 = 4 / 4 = 1 -> D0 = 2.
    const f = isotropicFitD0({ data: Float64Array.from([2, 0, 0, 2]), n: 2, dim: 2 });
    expectClose(f.d0, 2, { rtol: 1e-15 }, 'D0');
    // {(0), (4)} in 1-D: mean 2, s^2 = 4 -> D0 = (4 - 1 - ln 4) + 4.
    expectClose(isotropicFitD0({ data: Float64Array.from([0, 4]), n: 2, dim: 1 }).d0, 7 - Math.log(4), { rtol: 1e-15 }, 'D0');
  });
});

describe('summarizeImageSpeedAccuracy(runs)', () => {
  it('averages in units of n_d with sample standard deviations over runs', () => {
    const base = { nd: 10, tau: 1 } as ImageSpeedAccuracyRun;
    const runs = [
      { ...base, eta: 2, c2: 10, d0: 1, deltaW1: -1, w1Start: 3, w1End: 2, w1StartFloor: 3, w1EndFloor: 2, d0Floor: 0.1, holds: true },
      { ...base, eta: 4, c2: 12, d0: 2, deltaW1: -2, w1Start: 4, w1End: 2, w1StartFloor: 3, w1EndFloor: 2, d0Floor: 0.1, holds: true },
    ] as ImageSpeedAccuracyRun[];
    const s = summarizeImageSpeedAccuracy(runs);
    expectClose(s.etaOverNd.mean, 0.3, { rtol: 1e-15 }, 'eta/nd');
    expectClose(s.etaOverNd.std, Math.SQRT2 / 10, { rtol: 1e-14 }, 'std of eta/nd');
    expectClose(s.c2OverNd.mean, 1.1, { rtol: 1e-15 }, 'c2/nd');
    expectClose(s.ratio.mean, (5 + 3) / 2, { rtol: 1e-15 }, 'ratio');
    expectClose(s.ratio.sem, Math.SQRT2 / Math.SQRT2, { rtol: 1e-14 }, 'sem of ratio (std sqrt(2), 2 runs)');
    assert.equal(s.allHold, true);
    assert.throws(() => summarizeImageSpeedAccuracy([]), InputError);
  });
});
