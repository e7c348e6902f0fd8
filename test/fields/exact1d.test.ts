import assert from 'node:assert/strict';
import test from 'node:test';
import { quad } from '../../src/core/quadrature.ts';
import { normalCdf, normalPdf, normalQuantile } from '../../src/core/special.ts';
import { makeGaussianMixture } from '../../src/data/gaussianMixture.ts';
import { type Exact1dProcess, otProcess1d, scheduleProcess1d } from '../../src/fields/exact1d.ts';
import { scheduleMixtureField } from '../../src/fields/scheduleMixtureField.ts';
import { namedSchedule } from '../../src/schedules/namedSchedule.ts';
import { expectClose } from '../support/expectClose.ts';

// Separated, narrow components: the data cdf has a near-flat gap, the hard case for quantiles.
const data = makeGaussianMixture([[-1.4], [0.3], [1.2]], [0.2, 0.35, 0.25], [0.3, 0.45, 0.25]);
const qPdf = (x: number) => 0.3 * normalPdf(x, -1.4, 0.2) + 0.45 * normalPdf(x, 0.3, 0.35) + 0.25 * normalPdf(x, 1.2, 0.25);
const qCdf = (x: number) => 0.3 * normalCdf((x + 1.4) / 0.2) + 0.45 * normalCdf((x - 0.3) / 0.35) + 0.25 * normalCdf((x - 1.2) / 0.25);
const tau = 1.7;
const processes = (): Exact1dProcess[] => [
  scheduleProcess1d(data, namedSchedule('cosine', tau)),
  scheduleProcess1d(data, namedSchedule('cond-ot', tau)),
  scheduleProcess1d(data, namedSchedule('vp-linear', tau)),
  otProcess1d(data, tau),
];

test('every process starts at the data (t = 0); cosine, cond-OT and OT end at N(0, 1)', () => {
  for (const p of processes()) {
    for (const x of [-2, -1.4, -0.5, 0.3, 1, 2.5]) {
      // Closed forms vs the process: rounding only, plus the Newton inversion (OT) to 1e-14.
      expectClose(p.density(0, x), qPdf(x), { rtol: 1e-12, atol: 1e-15 }, `${p.name} density t=0 x=${x}`);
      expectClose(p.cdf(0, x), qCdf(x), { rtol: 1e-12, atol: 1e-15 }, `${p.name} cdf t=0 x=${x}`);
      if (p.name !== 'vp-linear') {
        expectClose(p.density(tau, x), normalPdf(x), { rtol: 1e-11 }, `${p.name} density t=tau x=${x}`);
        expectClose(p.cdf(tau, x), normalCdf(x), { rtol: 1e-11 }, `${p.name} cdf t=tau x=${x}`);
      }
    }
  }
});

test('density integrates to 1, cdf is the integral of the density, quantile inverts the cdf (incl. tails)', () => {
  for (const p of processes()) {
    for (const f of [0, 0.3, 0.7, 1]) {
      const t = f * tau;
      const total = quad((x) => p.density(t, x), -Infinity, Infinity, { tol: 1e-12 }).value;
      expectClose(total, 1, { atol: 1e-9 }, `${p.name} mass t=${t}`);
      const x0 = 0.4;
      const c = quad((x) => p.density(t, x), -Infinity, x0, { tol: 1e-12 }).value;
      expectClose(p.cdf(t, x0), c, { atol: 1e-9 }, `${p.name} cdf t=${t}`);
      for (const u of [1e-12, 0.01, 0.3, 0.5, 0.77, 0.999]) {
        const x = p.quantile(t, u);
        // Newton to ~1e-15 in x; cdf slope <= 2 here.
        expectClose(p.cdf(t, x), u, { rtol: 1e-10, atol: 1e-14 }, `${p.name} F(Q(u)) t=${t} u=${u}`);
      }
      for (const z of [-12, -5, 0, 5, 12]) {
        // Tail-accurate normal score round trip (levels Phi(12) = 1 - 1.8e-33 are reachable only this way).
        expectClose(p.normalScore(t, p.quantileZ(t, z)), z, { atol: 1e-9 }, `${p.name} z round trip t=${t} z=${z}`);
      }
    }
  }
});

test('continuity equation in cdf form: dF_t(x)/dt = -nu_t(x) P_t(x) (central differences in t)', () => {
  for (const p of processes()) {
    for (const f of [0.05, 0.4, 0.95]) {
      const t = f * tau;
      for (const x of [-1.8, -0.9, 0, 0.5, 1.6]) {
        const h = 1e-5;
        const dF = (p.cdf(t + h, x) - p.cdf(t - h, x)) / (2 * h);
        // O(h^2) truncation and 1e-16/h rounding: 1e-8 absolute.
        expectClose(dF, -p.velocity(t, x) * p.density(t, x), { atol: 1e-8 }, `${p.name} t=${t} x=${x}`);
      }
    }
  }
});

test('scheduleProcess1d velocity equals the n-dimensional scheduleMixtureField at dim 1, endpoints included', () => {
  for (const name of ['cosine', 'cond-ot', 'vp-linear', 've'] as const) {
    const s = namedSchedule(name, tau, { sigmaMax: 2 });
    const p = scheduleProcess1d(data, s);
    const field = scheduleMixtureField(data, s);
    for (const t of [0, 0.5, tau]) {
      const xs = new Float64Array([-2, -0.3, 0.8, 3]);
      const nu = field.velocity(t, xs, 4);
      const ld = field.logDensity(t, xs, 4);
      for (let i = 0; i < 4; i++) {
        expectClose(p.velocity(t, xs[i]), nu[i], { atol: 1e-13, rtol: 1e-12 }, `${name} nu t=${t}`);
        expectClose(p.logDensity(t, xs[i]), ld[i], { atol: 1e-12 }, `${name} log P t=${t}`);
      }
    }
  }
});

test('OT protocol: quantiles interpolate linearly, velocity is constant along particles, speed = W2/tau', () => {
  const p = otProcess1d(data, tau);
  for (const u of [0.02, 0.3, 0.5, 0.9]) {
    const y = p.quantile(0, u);
    const z = normalQuantile(u);
    for (const f of [0.25, 0.6, 1]) {
      const t = f * tau;
      expectClose(p.quantile(t, u), (1 - f) * y + f * z, { atol: 1e-12 }, 'displacement interpolation');
      expectClose(p.velocity(t, p.quantile(t, u)), (z - y) / tau, { atol: 1e-10 }, 'velocity along the particle');
    }
  }
  // v2^2 = int nu^2 P dx is constant in t and equals W2(q, N(0,1))^2 / tau^2 (constant-speed geodesic, Eq. 92).
  const w2sq = quad((u) => (p.quantile(0, u) - normalQuantile(u)) ** 2, 0, 1, { tol: 1e-11 }).value;
  for (const f of [0.1, 0.5, 0.9]) {
    const t = f * tau;
    const v2sq = quad((x) => p.velocity(t, x) ** 2 * p.density(t, x), -12, 12, { tol: 1e-11 }).value;
    expectClose(v2sq, w2sq / (tau * tau), { rtol: 1e-7 }, `v2^2 at t=${t}`);
  }
  assert.throws(() => otProcess1d(makeGaussianMixture([[0, 0]], [1], [1]), 1));
});
