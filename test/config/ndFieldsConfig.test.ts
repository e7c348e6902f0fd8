/** Config plumbing of issue 11's field options: full covariances, the linear process, otMethod. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mixtureOf, parseDatasetSpec } from '../../src/config/datasetSpec.ts';
import { parseSpeedAccuracyConfig } from '../../src/config/speedAccuracyConfig.ts';
import { parseSpeedAccuracyNdConfig, runSpeedAccuracyNd } from '../../src/config/speedAccuracyNdConfig.ts';
import { InputError } from '../../src/core/errors.ts';

const aniso = { kind: 'gaussian-mixture', means: [[0, 0]], covariances: [[[0.25, 0], [0, 0.04]]], weights: [1] };
const small = { particles: 60, steps: 12, w1Times: 4, splitTimes: 3, tau: 1 };
const normal = { kind: 'normal', mean: [0, 0], std: 0.7 };
const bad = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: Error) => e instanceof InputError && re.test(e.message), `expected ${re}`);

test('gaussian-mixture data take covariances instead of stds (n-D, 1-D and training configs)', () => {
  const c = parseSpeedAccuracyNdConfig({ data: aniso, schedule: 'cosine', perturbation: normal, ...small });
  assert.deepEqual(Array.from(c.data.covariances!), [0.25, 0, 0, 0.04]);
  // 1-D: a 1 x 1 covariance is the variance
  const one = parseSpeedAccuracyConfig({
    data: { kind: 'gaussian-mixture', means: [[-0.6], [0.6]], covariances: [[[0.09]], [[0.09]]], weights: [0.5, 0.5] },
    schedule: 'cosine',
    perturbation: { kind: 'normal', mean: [1], std: 1 },
  });
  assert.deepEqual(Array.from(one.data.stds), [0.3, 0.3]);
  const spec = parseDatasetSpec(aniso, 'config.data');
  assert.deepEqual(Array.from(mixtureOf(spec)!.covariances!), [0.25, 0, 0, 0.04]);
});

test('bad covariance configs name the place; a perturbation with covariances is refused', () => {
  const run = (data: object, perturbation: object = normal) => () => parseSpeedAccuracyNdConfig({ data, schedule: 'cosine', perturbation, ...small });
  bad(run({ ...aniso, stds: [1] }), /config\.data: expected exactly one of "stds" .* and "covariances" .*, got both/);
  bad(run({ kind: 'gaussian-mixture', means: [[0, 0]], weights: [1] }), /config\.data: expected exactly one of .* got neither/);
  bad(run({ ...aniso, covariances: [[[1, 2], [2, 1]]] }), /config\.data\.covariances\[0\]: expected a positive definite matrix/);
  bad(run({ ...aniso, covariances: [[[1, 0.1], [0, 1]]] }), /config\.data\.covariances\[0\]: expected a symmetric matrix/);
  bad(run({ ...aniso, covariances: [[[1, 0], [0, 1], [0, 0]]] }), /expected a 2x2 matrix/);
  bad(run({ ...aniso, covariances: [[[1, null], [0, 1]]] }), /covariances\[0\]\[0\]\[1\]: expected a finite number, got null/);
  bad(run(aniso, { ...aniso }), /config\.perturbation\.covariances: full covariances are not supported for the perturbation/);
});

test('the linear process (any A, full-covariance moments) parses, validates and runs', () => {
  const process = { kind: 'linear', A: [[-1, 0.5], [-0.5, -2]], b: [0.1, 0], temperature: 0.5 };
  const c = parseSpeedAccuracyNdConfig({ data: aniso, process, perturbation: normal, ...small });
  assert.equal(c.protocol.kind, 'linear');
  const r = runSpeedAccuracyNd(c);
  // plumbing only (accuracy is the engine's business): finite numbers, a non-conservative force
  for (const k of ['d0', 'eta', 'c1', 'c2', 'wD', 'housekeeping'] as const) assert.ok(Number.isFinite(r[k]), `${k} = ${r[k]}`);
  assert.equal(r.conservative, false);
  assert.ok(r.housekeeping > 0);
  const p = (patch: object) => () => parseSpeedAccuracyNdConfig({ data: aniso, process: { ...process, ...patch }, perturbation: normal, ...small });
  bad(p({ A: [[1, 0]] }), /config\.process\.A: expected a 2x2 matrix/);
  bad(p({ A: [[1, 0], [0]] }), /config\.process\.A\[1\]: expected 2 entries/);
  bad(p({ A: [[1, 0], [0, Number.NaN]] }), /config\.process\.A\[1\]\[1\]: expected a finite number, got NaN/);
  bad(p({ temperature: -1 }), /config\.process\.temperature: expected a temperature >= 0, got -1/);
  bad(p({ b: [1] }), /config\.process\.b: expected 2 entries/);
  bad(p({ c: 1 }), /config\.process: unknown key "c"/);
});

test('otMethod: semi-discrete by default in 2-D (exact flow from tMin > 0), kernel on request or in 3-D', () => {
  const cloud = { kind: 'points', rows: [[0, 0], [1, 0.5], [-0.5, 1], [0.3, -1.2], [1.4, 1.1], [-1, -0.4]] };
  const base = { data: cloud, schedule: 'ot', perturbation: normal, ...small };
  const c = parseSpeedAccuracyNdConfig(base);
  assert.equal(c.otMethod, 'semi-discrete');
  const r = runSpeedAccuracyNd(c);
  assert.ok(Number.isFinite(r.eta) && Number.isFinite(r.c2), `${r.eta} ${r.c2}`);
  assert.ok(Number(r.settings.tMin) > 0);
  assert.equal(parseSpeedAccuracyNdConfig({ ...base, otMethod: 'kernel' }).otMethod, 'kernel');
  const three = { ...base, data: { kind: 'points', rows: [[0, 0, 0], [1, 0, 1]] }, perturbation: { kind: 'normal', mean: [0, 0, 0], std: 0.7 } };
  assert.equal(parseSpeedAccuracyNdConfig(three).otMethod, 'kernel');
  bad(() => parseSpeedAccuracyNdConfig({ ...three, otMethod: 'semi-discrete' }), /config\.otMethod: the semi-discrete OT construction is 2-D only, but the data is 3-D/);
  bad(() => parseSpeedAccuracyNdConfig({ ...base, otMethod: 'exact' }), /config\.otMethod: unknown otMethod "exact"/);
});
