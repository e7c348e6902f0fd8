import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { makeGaussianMixture } from '../../src/data/gaussianMixture.ts';
import { type Exact1dProcess, otProcess1d, scheduleProcess1d } from '../../src/fields/exact1d.ts';
import { namedSchedule } from '../../src/schedules/namedSchedule.ts';
import { parseScheduleFile, scheduleFileJson } from '../../src/schedules/scheduleFile.ts';
import { buildTimeChange, timeChangeFromTable } from '../../src/schedules/timeChange.ts';
import { timeChangedSchedule } from '../../src/schedules/timeChangedSchedule.ts';
import { expectation1d } from '../../src/thermo/expectation1d.ts';
import { thermodynamicLength } from '../../src/thermo/thermodynamicLength.ts';
import { w2SquaredToTerminal } from '../../src/thermo/speedAccuracy1d.ts';
import { wassersteinSpeed1d } from '../../src/thermo/wassersteinSpeed1d.ts';
import { expectClose } from '../support/expectClose.ts';

/** The Fig. 6 data. */
const fig6 = makeGaussianMixture([[-0.6], [0.6]], [0.3, 0.3], [0.5, 0.5]);
const v2 = (p: Exact1dProcess, t: number) => Math.sqrt(expectation1d(p, t, (x) => p.velocity(t, x) ** 2));
/** ve with sigmaMax = 3 (the default 50 is an image setting; the identities hold either way). */
const SCHEDULES = [
  ['cosine', {}],
  ['cond-ot', {}],
  ['vp-linear', {}],
  ['ve', { sigmaMax: 3 }],
] as const;

/** int_0^tau g(s) ds by composite Simpson on 201 points. */
function simpson201(g: (s: number) => number, tau: number): number {
  const n = 200;
  let s = g(0) + g(tau);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * g((tau * i) / n);
  return (s * tau) / (3 * n);
}

describe('constant-speed time change', () => {
  for (const [name, options] of SCHEDULES) {
    it(`${name}: L and c2 match adaptive quadrature, c2ConstantSpeed = L^2/tau <= c2, and the new clock has constant speed and cost L^2/tau`, () => {
      const tau = 1;
      const base = namedSchedule(name, tau, options);
      const p = scheduleProcess1d(fig6, base);
      const tc = buildTimeChange((t) => v2(p, t), tau, { panels: 64 });
      const ref = thermodynamicLength(p, { timeTol: 1e-9 });
      // 4-point Gauss-Legendre per panel (error O(h^8)) vs adaptive Gauss-Kronrod at 1e-9: both far below 1e-8.
      expectClose(tc.length, ref.length, { rtol: 1e-8 }, `${name} L`);
      expectClose(tc.cost, ref.cost, { rtol: 1e-8 }, `${name} c2`);
      assert.equal(tc.constantSpeedCost, (tc.length * tc.length) / tau);
      // Cauchy-Schwarz (Eq. 92): strictly below c2 for these non-constant speeds, above the geodesic bound.
      assert.ok(tc.constantSpeedCost < tc.cost, `${name}: L^2/tau ${tc.constantSpeedCost} >= c2 ${tc.cost}`);
      assert.ok(tc.constantSpeedCost >= w2SquaredToTerminal(p) / tau, `${name}: L^2/tau below W2^2/tau`);
      // The time-changed schedule's own velocity (chain-rule derivatives) gives speed L/tau and cost
      // L^2/tau. The speed carries the O(h^3) error of the Hermite slope of ell(t): on 64 panels
      // measured <= 1.2e-4 relative over 401 times (9e-4 on 32 panels: the h^3 law), so 3e-4 bounds it.
      const np = scheduleProcess1d(fig6, timeChangedSchedule(base, tc));
      for (const s of [0.02, 0.3, 0.5, 0.8, 0.98]) expectClose(v2(np, s), tc.length / tau, { rtol: 3e-4 }, `${name} v2~(${s})`);
      // The slope error oscillates within each panel and averages out (measured mean deviation
      // <= 4e-7); Simpson on 201 points adds < 1e-6: 1e-5 relative.
      expectClose(simpson201((s) => v2(np, s) ** 2, tau), tc.constantSpeedCost, { rtol: 1e-5 }, `${name} int v2~^2 ds`);
      // Independently of any velocity: W2(P~_{s-h}, P~_{s+h}) / 2h from the marginals' quantiles
      // (central difference O(h^2) ~ 1e-8 at h = 1e-4), with the same 3e-4 slope allowance.
      expectClose(wassersteinSpeed1d(np, 0.5, { h: 1e-4 }).fromQuantiles, tc.length / tau, { rtol: 3e-4 }, `${name} v2~(0.5) from quantiles`);
    });
  }

  it('keeps the marginals: P~_s = P_{t(s)}, and the new velocity obeys the continuity equation of the new marginals', () => {
    const base = namedSchedule('cosine', 1);
    const p = scheduleProcess1d(fig6, base);
    const tc = buildTimeChange((t) => v2(p, t), 1, { panels: 32 });
    const np = scheduleProcess1d(fig6, timeChangedSchedule(base, tc));
    for (const s of [0.1, 0.45, 0.9]) {
      const t = tc.timeAt(s);
      // the inverse of the clock (Newton on the Hermite cubic, converged to ~1e-16)
      expectClose(tc.newTimeAt(t), s, { atol: 1e-13 }, `s(t(${s}))`);
      for (const x of [-1.2, -0.3, 0.4, 1.5]) {
        // same (m, sigma) at matched times: equal to rounding
        expectClose(np.density(s, x), p.density(t, x), { rtol: 1e-13 }, `density at s=${s}, x=${x}`);
        // dF~/ds = -nu~ P~ (continuity equation): central difference with h = 1e-5, error O(h^2) ~ 1e-9
        const h = 1e-5;
        const dFds = (np.cdf(s + h, x) - np.cdf(s - h, x)) / (2 * h);
        expectClose(dFds, -np.velocity(s, x) * np.density(s, x), { atol: 1e-7 }, `continuity at s=${s}, x=${x}`);
      }
    }
  });

  it('leaves the OT geodesic unchanged: already constant speed, L^2/tau = c2 and t(s) = s', () => {
    const p = otProcess1d(fig6, 1);
    const tc = buildTimeChange((t) => v2(p, t), 1, { panels: 16 });
    // v2 is exactly constant, so the length and cost are exact up to the quadrature tolerance 1e-11.
    expectClose(tc.constantSpeedCost, tc.cost, { rtol: 1e-9 }, 'L^2/tau vs c2');
    for (const s of [0.1, 0.5, 0.9]) expectClose(tc.timeAt(s), s, { atol: 1e-9 }, `t(${s})`);
  });

  it('rejects tables that do not define a clock', () => {
    const good = { t: [0, 0.5, 1], ell: [0, 0.2, 0.4], speed: [0.4, 0.4, 0.4] };
    assert.doesNotThrow(() => timeChangeFromTable(good, 1));
    const bad: [Partial<typeof good>, RegExp][] = [
      [{ t: [0, 0.5, 0.9] }, /spanning \[0, 1\]/],
      [{ t: [0, 0.6, 0.5, 1], ell: [0, 0.1, 0.2, 0.4], speed: [1, 1, 1, 1] }, /strictly increasing/],
      [{ ell: [0, 0.3, 0.2] }, /non-decreasing/],
      [{ ell: [0, 0, 0] }, /zero thermodynamic length/],
      [{ speed: [0.4, Number.NaN, 0.4] }, /finite/],
      [{ speed: [0.4, -1, 0.4] }, /speeds >= 0/],
      [{ ell: [0, 0.01, 0.4], speed: [0.4, 5, 0.4] }, /not monotone/],
      [{ t: [0, 1] }, /same length/],
    ];
    for (const [patch, re] of bad) assert.throws(() => timeChangeFromTable({ ...good, ...patch }, 1), (e: unknown) => e instanceof InputError && re.test(e.message), JSON.stringify(patch));
  });
});

describe('schedule files', () => {
  const base = namedSchedule('cosine', 1);
  const p = scheduleProcess1d(fig6, base);
  const tc = buildTimeChange((t) => v2(p, t), 1, { panels: 16 });
  const json = scheduleFileJson({ name: 'cosine@constant-speed', tau: 1, base: { name: 'cosine' }, timeChange: tc, provenance: { note: 'test' } });

  it('round-trips: the parsed schedule equals the time-changed schedule', () => {
    const { file, schedule } = parseScheduleFile(JSON.parse(JSON.stringify(json)));
    const direct = timeChangedSchedule(base, tc);
    assert.equal(file.name, 'cosine@constant-speed');
    assert.equal(schedule.name, 'cosine@constant-speed');
    for (const s of [0, 0.01, 0.3, 0.77, 0.999, 1]) {
      for (const k of ['m', 'sigma', 'dm'] as const) assert.equal(schedule[k](s), direct[k](s), `${k}(${s})`);
      assert.equal(schedule.dsigmaSq?.(s), direct.dsigmaSq?.(s));
    }
    // without a time change: the base schedule itself
    const plain = parseScheduleFile({ format: 'thermodiff-schedule', version: 1, tau: 1, base: { name: 'vp-linear', options: { betaMax: 10 } } }).schedule;
    const vp = namedSchedule('vp-linear', 1, { betaMax: 10 });
    for (const t of [0.2, 0.9]) assert.equal(plain.m(t), vp.m(t));
  });

  it('rejects bad files with the JSON path of the problem', () => {
    const edit = (f: (o: Record<string, unknown>) => void) => {
      const o = structuredClone(json);
      f(o);
      return o;
    };
    const tcOf = (o: Record<string, unknown>) => o.timeChange as { t: number[]; ell: number[]; speed: number[] };
    const cases: [unknown, RegExp][] = [
      [edit((o) => (o.format = 'x')), /format/],
      [edit((o) => (o.version = 2)), /version/],
      [edit((o) => (o.extra = 1)), /unknown key "extra"/],
      [edit((o) => (o.base = { name: 'linear' })), /base\.name/],
      [edit((o) => (o.tau = -1)), /tau/],
      [edit((o) => tcOf(o).t.reverse()), /timeChange\.t/],
      [edit((o) => (tcOf(o).t[tcOf(o).t.length - 1] = 0.9)), /spanning/],
      [edit((o) => (tcOf(o).speed[3] = null as unknown as number)), /timeChange\.speed\[3\]/],
      ['not an object', /expected an object/],
    ];
    for (const [v, re] of cases) assert.throws(() => parseScheduleFile(v), (e: unknown) => e instanceof InputError && re.test(e.message), re.source);
  });
});
