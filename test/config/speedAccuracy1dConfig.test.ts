import assert from 'node:assert/strict';
import test from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { parseSpeedAccuracyConfig, parseSpeedAccuracyConfigAnyDim } from '../../src/config/speedAccuracyConfig.ts';

const good = {
  data: { kind: 'gaussian-mixture', means: [[-0.6], [0.6]], stds: [0.3, 0.3], weights: [0.5, 0.5] },
  schedule: 'cosine',
  tau: 1,
  perturbation: { kind: 'normal', mean: [1], std: 1 },
};
// biome-ignore lint/suspicious/noExplicitAny: configs are free-form JSON edited in place
type Json = Record<string, any>;
const edit = (f: (c: Json) => void) => {
  const c = structuredClone(good) as Json;
  f(c);
  return c;
};
const rejects = (c: unknown, re: RegExp) =>
  assert.throws(() => parseSpeedAccuracyConfig(c), (e: Error) => e instanceof InputError && re.test(e.message) && !e.message.includes('\n'));

test('parseSpeedAccuracyConfig accepts the issue example and normalises numbers / arrays', () => {
  const c = parseSpeedAccuracyConfig(good);
  assert.equal(c.schedule, 'cosine');
  assert.equal(c.tau, 1);
  assert.equal(c.data.k, 2);
  assert.deepEqual(c.perturbation, { kind: 'normal', mean: [1], std: 1 });
  const u = parseSpeedAccuracyConfig(edit((x) => {
    x.perturbation = { kind: 'uniform', low: -1, high: [2] };
    delete x.tau;
  }));
  assert.deepEqual(u.perturbation, { kind: 'uniform', low: [-1], high: [2] });
  assert.equal(u.tau, 1);
  const g = parseSpeedAccuracyConfig(
    edit((x) => {
      x.perturbation = { kind: 'gaussian-mixture', means: [[-1], [1]], stds: [0.4, 0.4], weights: [0.5, 0.5] };
      x.schedule = 've';
      x.scheduleOptions = { sigmaMin: 0.01, sigmaMax: 2 };
    }),
  );
  assert.equal(g.perturbation.kind, 'gaussian-mixture');
  assert.deepEqual(g.scheduleOptions, { sigmaMin: 0.01, sigmaMax: 2 });
});

test('parseSpeedAccuracyConfig rejects every kind of bad config with the JSON path', () => {
  rejects(edit((c) => (c.schedule = 'linear')), /^config\.schedule: unknown schedule "linear"/);
  rejects(edit((c) => (c.schedule = 3)), /unknown schedule 3/);
  rejects(edit((c) => (c.perturbation.std = 'NaN')), /config\.perturbation\.std: expected a finite number, got "NaN"/);
  rejects(edit((c) => (c.perturbation.std = Number.NaN)), /got NaN/);
  rejects(edit((c) => (c.data.means[1][0] = null)), /config\.data\.means\[1\]\[0\]: expected a finite number, got null/);
  rejects(edit((c) => (c.tau = Infinity)), /config\.tau: expected a finite number, got Infinity/);
  rejects(edit((c) => (c.tau = '1')), /config\.tau: expected a finite number, got "1"/);
  rejects(edit((c) => (c.tau = -2)), /config\.tau: expected tau > 0, got -2/);
  rejects(edit((c) => (c.perturbation.mean = [1, 2])), /config\.perturbation\.mean: expected 1 coordinate\(s\) \(the data dimension\), got 2/);
  rejects(edit((c) => (c.perturbation = { kind: 'uniform', low: [0, 0], high: [1, 1] })), /perturbation\.low: expected 1 coordinate/);
  rejects(edit((c) => {
      c.data.means = [[-0.6, 0], [0.6, 0]];
      c.perturbation.mean = [1, 0];
    }), /one-dimensional data only, got dim = 2/);
  rejects(edit((c) => (c.data.means = [[-0.6, 0], [0.6]])), /config\.data\.means\[1\]: expected 2 coordinates/);
  rejects(edit((c) => (c.data.stds = [0.3, -0.3])), /config\.data\.stds\[1\]: expected a standard deviation > 0, got -0\.3/);
  rejects(edit((c) => (c.perturbation.std = -1)), /config\.perturbation\.std: expected a standard deviation > 0, got -1/);
  rejects(edit((c) => (c.perturbation.std = 0)), /> 0, got 0/);
  rejects(edit((c) => (c.data.weights = [0.5, 0.6])), /config\.data\.weights: expected weights summing to 1, got sum 1\.1/);
  rejects(edit((c) => (c.data.weights = [0.5])), /config\.data\.weights: expected 2 weights/);
  rejects(edit((c) => (c.shedule = 'cosine')), /^config: unknown key "shedule"/);
  rejects(edit((c) => (c.data.color = 'red')), /^config\.data: unknown key "color"/);
  rejects(edit((c) => (c.perturbation.sd = 1)), /^config\.perturbation: unknown key "sd"/);
  rejects(edit((c) => (c.scheduleOptions = { beta: 1 })), /^config\.scheduleOptions: unknown key "beta"/);
  rejects(edit((c) => (c.scheduleOptions = { betaMax: 'x' })), /scheduleOptions\.betaMax: expected a finite number/);
  rejects(edit((c) => (c.perturbation = { kind: 'laplace' })), /unknown perturbation kind "laplace"/);
  rejects(edit((c) => (c.perturbation = { kind: 'uniform', low: 1, high: -1 })), /expected high > low/);
  rejects(edit((c) => (c.perturbation = { kind: 'uniform', low: 1 })), /^config\.perturbation: missing key "high"/);
  rejects(edit((c) => delete c.perturbation.std), /config\.perturbation: missing key "std"/);
  rejects(edit((c) => delete c.data), /config: missing key "data"/);
  rejects(edit((c) => (c.data = { kind: 'swiss-roll' })), /config\.data\.kind: expected kind "gaussian-mixture"/);
  rejects(edit((c) => (c.data.kind = 'swiss-roll')), /^config\.data: unknown key "means" \(expected kind, n, noise, radius, seed\)/);
  rejects(edit((c) => (c.data = [1, 2])), /config\.data: expected an object, got array/);
  rejects([], /config: expected an object/);
  rejects(null, /config: expected an object, got null/);
});

test('parseSpeedAccuracyConfigAnyDim (multi-D extension point) accepts 2-D data and declared extra keys only', () => {
  const c2 = {
    ...good,
    data: { kind: 'gaussian-mixture', means: [[-1, 0], [1, 0.5]], stds: [0.3, 0.3], weights: [0.5, 0.5] },
    perturbation: { kind: 'normal', mean: [0, 0], std: 0.9 },
    process: { kind: 'swiss-roll-force', h: 1.1, g: 3, Tfin: 0.5 },
  };
  const { config, extra } = parseSpeedAccuracyConfigAnyDim(c2, ['process']);
  assert.equal(config.data.dim, 2);
  assert.deepEqual(extra, { process: { kind: 'swiss-roll-force', h: 1.1, g: 3, Tfin: 0.5 } });
  assert.throws(() => parseSpeedAccuracyConfigAnyDim(c2), (e: Error) => e instanceof InputError && /unknown key "process"/.test(e.message));
  rejects(c2, /unknown key "process"/);
});
