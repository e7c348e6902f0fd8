import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeNpy } from '../../src/io/npy.ts';
import { isNdSpeedAccuracyConfig, parseSpeedAccuracyNdConfig, runSpeedAccuracyNd } from '../../src/config/speedAccuracyNdConfig.ts';

const base = {
  data: { kind: 'swiss-roll', n: 60, noise: 0.1, seed: 3 },
  process: { kind: 'swiss-roll-force', h: 1.1, g: 3, Tfin: 0.5 },
  tau: 3,
  perturbation: { kind: 'normal', mean: [0, 0], std: 0.9 },
  particles: 80,
  steps: 20,
  w1Times: 6,
  splitTimes: 3,
};

const { process: _force, ...noProcess } = base;
const sched = (name: string, patch: object = {}) => ({ ...noProcess, schedule: name, ...patch });

test('isNdSpeedAccuracyConfig dispatches on process, data kind and data dimension', () => {
  assert.equal(isNdSpeedAccuracyConfig(base), true);
  assert.equal(isNdSpeedAccuracyConfig({ data: { kind: 'gaussian-mixture', means: [[0.6], [-0.6]] }, schedule: 'cosine' }), false);
  assert.equal(isNdSpeedAccuracyConfig({ data: { kind: 'gaussian-mixture', means: [[0.6, 0]] }, schedule: 'cosine' }), true);
  assert.equal(isNdSpeedAccuracyConfig({ data: { kind: 'moons' }, schedule: 'cosine' }), true);
  assert.equal(isNdSpeedAccuracyConfig(null), false);
});

test('parseSpeedAccuracyNdConfig builds every data kind', () => {
  const c = parseSpeedAccuracyNdConfig(base);
  assert.equal(c.data.k, 60);
  assert.equal(c.protocol.kind, 'swiss-roll-force');
  assert.deepEqual(c.engine.nParticles, 80);
  for (const data of [
    { kind: 'moons', n: 10 },
    { kind: 'checkerboard', n: 10 },
    { kind: 'eight-gaussians', std: 0.3 },
    { kind: 'points', rows: [[0, 1], [1, 0]] },
    { kind: 'gaussian-mixture', means: [[0, 1], [1, 0]], stds: [0.5, 0.5], weights: [0.5, 0.5] },
  ]) {
    const p = parseSpeedAccuracyNdConfig(sched('cond-ot', { data }));
    assert.equal(p.data.dim, 2, data.kind);
  }
  const bytes = writeNpy(Float64Array.of(0, 1, 2, 3, 4, 5), [3, 2]);
  const p = parseSpeedAccuracyNdConfig({ ...base, data: { kind: 'npy', file: 'x.npy' } }, () => bytes);
  assert.equal(p.data.k, 3);
  assert.equal(p.data.means[5], 5);
});

test('parseSpeedAccuracyNdConfig reports the JSON path of bad input', () => {
  const bad = (patch: object, re: RegExp) => assert.throws(() => parseSpeedAccuracyNdConfig({ ...base, ...patch }), re);
  bad({ extra: 1 }, /config: unknown key "extra"/);
  bad({ data: { kind: 'spiral' } }, /config.data.kind: unknown data kind "spiral"/);
  bad({ data: { kind: 'swiss-roll', n: -5 } }, /config.data.n/);
  bad({ data: { kind: 'swiss-roll', noise: Number.NaN } }, /config.data.noise|swissRoll.noise/);
  bad({ process: { kind: 'swiss-roll-force', h: 1.1, g: 3 } }, /missing key "Tfin"/);
  bad({ process: { kind: 'spring', h: 1 } }, /config.process.kind/);
  bad({ process: { kind: 'swiss-roll-force', h: 1.1, g: 3, Tfin: -1 } }, /config.process.Tfin/);
  bad({ schedule: 'cosine' }, /exactly one of "process" and "schedule"/);
  bad({ tau: 0 }, /config.tau/);
  bad({ perturbation: { kind: 'normal', mean: [0], std: 0.9 } }, /config.perturbation.mean: expected 2 coordinate/);
  bad({ perturbation: { kind: 'normal', mean: [0, 0], std: -1 } }, /config.perturbation.std/);
  bad({ particles: 1.5 }, /config.particles/);
  bad({ data: { kind: 'gaussian-mixture', means: [[0, 0, 0]], stds: [1], weights: [1] } }, /swiss-roll-force process is 2-D, but the data is 3-D/);
  assert.throws(() => parseSpeedAccuracyNdConfig({ ...base, data: { kind: 'npy', file: 'x.npy' } }), /needs a file reader/);
  assert.throws(
    () => parseSpeedAccuracyNdConfig({ ...base, data: { kind: 'npy', file: 'x.npy' } }, () => new Uint8Array([1, 2, 3])),
    /x.npy: not a NumPy .npy file/,
  );
});

test('nodeW1 is a boolean key of the quadrature estimator, passed to the engine only when set', () => {
  const q = { ...base, estimator: 'quadrature' };
  assert.equal(parseSpeedAccuracyNdConfig(q).engine.nodeW1, undefined);
  assert.equal(parseSpeedAccuracyNdConfig({ ...q, nodeW1: false }).engine.nodeW1, false);
  assert.equal(parseSpeedAccuracyNdConfig({ ...q, nodeW1: true }).engine.nodeW1, true);
  assert.throws(() => parseSpeedAccuracyNdConfig({ ...q, nodeW1: 'yes' }), /config.nodeW1: expected true or false, got "yes"/);
  assert.throws(() => parseSpeedAccuracyNdConfig({ ...q, nodeW1: 0 }), /config.nodeW1: expected true or false/);
  // base has particles and no estimator: the particle estimator, which has no node W1
  assert.throws(() => parseSpeedAccuracyNdConfig({ ...base, nodeW1: false }), /config.nodeW1: nodeW1 is an option of the quadrature estimator/);
});

test('runSpeedAccuracyNd runs a small force, schedule and OT config end to end', () => {
  const r = runSpeedAccuracyNd(parseSpeedAccuracyNdConfig(base));
  assert.ok(r.chainHolds && r.housekeeping > 0 && r.protocol.includes('swiss-roll'));
  const s = runSpeedAccuracyNd(parseSpeedAccuracyNdConfig(sched('cond-ot')));
  assert.ok(s.chainHolds && s.housekeeping === 0);
  const o = runSpeedAccuracyNd(parseSpeedAccuracyNdConfig(sched('ot')));
  assert.ok(o.chainHolds && o.housekeeping === 0);
});

test('perturbationNd: uniform and mixture starts have normalised densities and in-box samples', async () => {
  const { perturbationNd } = await import('../../src/thermo/perturbationNd.ts');
  const { Rng } = await import('../../src/core/rng.ts');
  const u = perturbationNd({ kind: 'uniform', low: [-1, 0], high: [1, 3] }, 2);
  const su = u.sample(500, new Rng(1));
  for (let i = 0; i < 500; i++) assert.ok(su.data[2 * i] >= -1 && su.data[2 * i] < 1 && su.data[2 * i + 1] >= 0 && su.data[2 * i + 1] < 3);
  // density 1/6 inside, 0 outside (exact)
  assert.deepEqual(Array.from(u.logDensity(Float64Array.of(0, 1, 2, 1), 2)), [-Math.log(6), -Infinity]);
  const m = perturbationNd({ kind: 'gaussian-mixture', mixture: { dim: 2, k: 1, means: Float64Array.of(1, 2), stds: Float64Array.of(0.5), weights: Float64Array.of(1) } }, 2);
  // log N(x | mu, 0.25 I) at x = mu: -ln(2 pi 0.25)
  assert.ok(Math.abs(m.logDensity(Float64Array.of(1, 2), 1)[0] + Math.log(2 * Math.PI * 0.25)) < 1e-14);
  assert.throws(() => perturbationNd({ kind: 'uniform', low: [0], high: [1] }, 2), /expected 2 coordinates/);
});

test('scheduleOptions are validated and passed to vp-linear / ve', () => {
  const c = parseSpeedAccuracyNdConfig(sched('ve', { scheduleOptions: { sigmaMin: 0.01, sigmaMax: 5 } }));
  assert.deepEqual(c.scheduleOptions, { sigmaMin: 0.01, sigmaMax: 5 });
  assert.throws(() => parseSpeedAccuracyNdConfig(sched('ve', { scheduleOptions: { sigma: 1 } })), /config.scheduleOptions: unknown key "sigma"/);
  assert.throws(() => parseSpeedAccuracyNdConfig(sched('ve', { scheduleOptions: { sigmaMax: 'x' } })), /config.scheduleOptions.sigmaMax/);
});
