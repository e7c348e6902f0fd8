/**
 * The 2-D tab's closed forms (lab/src/gaussianExact.ts) against an independent computation: S_t by
 * numerical ODE integration of dS/dt = 2 H S + 2 T (scipy solve_ivp, rtol 1e-13) and the time
 * integrals by adaptive quadrature (scipy quad, epsrel 1e-13), with the same formulas for D0, W1 and
 * the integrands written out separately (scratch script, values pasted here). The particle engine
 * also estimates D0 by grid quadrature, which must agree with the closed form.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gaussianSwissRollExact } from '../../lab/src/gaussianExact.ts';
import { parseSpeedAccuracyNdConfig, runSpeedAccuracyNd } from '../../src/index.ts';

// [h, g, Tfin, tau, s0, r] -> reference values from scipy (rtol 1e-13)
const CASES: [number[], Record<string, number>][] = [
  [
    [1.1, 3, 0.5, 3, 0.5, 0.6],
    { d0: 0.11601596449085583, w1Start: 0.1615593766501648, w1End: 0.1108232309714077, deltaW1: -0.05073614567875708, eta: 0.007395983502882345, c1: 0.09020645408534766, c2: 0.4260531255062204, housekeeping: 2.1970013599884077, wD: 2.6230544854946283 },
  ],
  [
    [1.1, 0, 0.5, 3, 0.5, 0.6],
    { d0: 0.11601596449085583, eta: 0.007395983502882345, c1: 0.09020645408534766, c2: 0.4260531255062204, housekeeping: 0, wD: 0.4260531255062204 },
  ],
  [
    [0.7, 5, 0.8, 2, 1.2, 0.4],
    { d0: 1.5444188234246115, w1Start: 0.5653031878599516, w1End: 0.7970935517142527, deltaW1: 0.23179036385430102, eta: 0.017393848080851187, c1: 0.07985171952307105, c2: 0.5590147342475089, housekeeping: 29.761112742393152, wD: 30.32012747664066 },
  ],
];

describe('gaussianSwissRollExact', () => {
  for (const [[h, g, Tfin, tau, s0, r], ref] of CASES) {
    it(`matches the scipy ODE + quad reference (h=${h}, g=${g}, Tfin=${Tfin}, tau=${tau}, s0=${s0}, r=${r})`, () => {
      const e = gaussianSwissRollExact({ h, g, Tfin, tau }, s0, r) as unknown as Record<string, number>;
      for (const [k, want] of Object.entries(ref)) {
        // 1e-11 relative: the reference is an ODE solve at rtol 1e-13 (observed agreement <= 1e-12);
        // a wrong formula (a factor 2, d = 1 instead of 2) is off by O(1)
        assert.ok(Math.abs(e[k] - want) <= 1e-11 * Math.abs(want) + 1e-300, `${k}: ${e[k]} vs ${want}`);
      }
    });
  }

  it('D0 equals the engine grid quadrature, and W1(t) = k s_t ends at w1Start / w1End', () => {
    const e = gaussianSwissRollExact({ h: 1.1, g: 3, Tfin: 0.5, tau: 3 }, 0.5, 0.6);
    const config = {
      data: { kind: 'gaussian-mixture', means: [[0, 0]], stds: [0.5], weights: [1] },
      process: { kind: 'swiss-roll-force', h: 1.1, g: 3, Tfin: 0.5 },
      tau: 3,
      perturbation: { kind: 'normal', mean: [0, 0], std: 0.6 },
      particles: 40,
      steps: 8,
      w1Times: 3,
      splitTimes: 2,
    };
    const r = runSpeedAccuracyNd(parseSpeedAccuracyNdConfig(config));
    // the engine's 240 x 240 midpoint grid on a box of the Gaussians converges spectrally: observed 1e-13
    assert.ok(Math.abs(r.d0 - e.d0) <= 1e-9 * e.d0, `D0 engine ${r.d0} vs exact ${e.d0}`);
    assert.ok(Math.abs(e.w1At(3) - e.w1Start) <= 1e-15);
    assert.ok(Math.abs(e.w1At(0) - e.w1End) <= 1e-15);
  });

  it('refuses a start with infinite D0', () => {
    assert.throws(() => gaussianSwissRollExact({ h: 1.1, g: 3, Tfin: 0.5, tau: 3 }, 0.5, 1.2), /D0 is infinite/);
  });
});
