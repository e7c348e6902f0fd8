import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'thermodiff-sand-'));
let counter = 0;
const run = (config: unknown, ...extra: string[]) => {
  const file = join(dir, `c${counter++}.json`);
  writeFileSync(file, JSON.stringify(config));
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'speed-accuracy', '--config', file, ...extra], { encoding: 'utf8' });
};
const base = {
  data: { kind: 'gaussian-mixture', means: [[0, 0]], stds: [0.5], weights: [1] },
  schedule: 'cosine',
  tau: 1,
  perturbation: { kind: 'normal', mean: [0, 0], std: 0.7 },
  // small grids: this file checks the output contract, not the accuracy (see test/thermo)
  cells: 24,
  coarseCells: 16,
  steps: 40,
  w1Times: 8,
};

test('n-D speed-accuracy --json: estimator, errors for every number, flagged, convergence', () => {
  const r = run(base, '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.estimator, 'quadrature');
  for (const k of ['d0', 'w1Start', 'w1End', 'deltaW1', 'eta', 'c1', 'c2', 'wD', 'housekeeping']) {
    assert.ok(typeof out.errors[k] === 'number' && out.errors[k] >= 0, `errors.${k}`);
  }
  assert.deepEqual(
    out.flagged,
    Object.keys(out.errors).filter((k) => !(out.errors[k] <= 0.01)),
  );
  assert.equal(out.convergence.levels.length, 3);
  assert.equal(out.convergence.values.eta.length, 3);
  // every check has a finite tolerance (a check with tolerance Infinity cannot fail)
  for (const c of out.checks) assert.ok(Number.isFinite(c.tolerance), c.name);
});

test('n-D speed-accuracy table prints the estimated error next to each number and the flagged list', () => {
  const r = run(base);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /eta = deltaW1\^2\/\(tau D0\)\s+\S+\s+\(est\. error [0-9.e+-]+ %/);
  assert.match(r.stdout, /flagged \(estimated error > 1 %\): /);
  assert.doesNotMatch(r.stdout, /tolerance Infinity/);
});

test('n-D speed-accuracy exits 3 with one line and no stdout when the result is not finite', () => {
  // a uniform perturbation 50 std away from P_tau: tildeP^2 / P_tau overflows, D0 = Infinity
  const r = run({ ...base, perturbation: { kind: 'uniform', low: [50, 50], high: [51, 51] } });
  assert.equal(r.status, 3, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /did not produce a finite, converged result: D0 is not a finite positive number/);
});

test('n-D config: estimator and grid keys are validated (exit 2, one line)', () => {
  const bad = run({ ...base, estimator: 'magic' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /config\.estimator: unknown estimator "magic"/);
  const coarse = run({ ...base, coarseCells: 30 });
  assert.equal(coarse.status, 2);
  assert.match(coarse.stderr, /config\.coarseCells: expected coarseCells < cells \(24\), got 30/);
});

test('n-D speed-accuracy refuses, before any work, grids and particle counts that cannot fit in memory (exit 2, one line with the estimate)', () => {
  // 2-D, 100000 cells per axis: 1e10 nodes, a dense W1 cost of ~4e20 bytes; 1e9 particles of dim 2
  // over 121 times: ~7.7e15 bytes. Both are far above any machine's memory, so the refusal cannot
  // depend on this machine; the default limit is 75 % of RAM (src/cli/limits.ts).
  for (const [extra, word] of [
    [{ cells: 100000, coarseCells: 50000 }, 'cells'],
    [{ estimator: 'particles', particles: 1e9, cells: undefined, coarseCells: undefined }, 'particles'],
  ] as const) {
    const r = run({ ...base, ...extra });
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? '', /needs ~.* for .*the limit is/);
    assert.match(lines[0] ?? '', new RegExp(word));
    assert.equal(r.stdout, '');
  }
});

test('n-D speed-accuracy: the memory estimate of the default grids is under 1 GB (2-D 21 MB, 3-D 764 MB)', async () => {
  const { ndSpeedAccuracyBudget } = await import('../../src/cli/ndSpeedAccuracyBudget.ts');
  const { parseSpeedAccuracyNdConfig } = await import('../../src/config/speedAccuracyNdConfig.ts');
  const { cells: _c, coarseCells: _cc, ...defaults } = base;
  // 2-D default 48 cells: 4 * 2304^2 B = 21 MB; 3-D default 24 cells (since 2026-12-06; 20 before): 4 * 13824^2 B = 764 MB
  const two = ndSpeedAccuracyBudget(parseSpeedAccuracyNdConfig(defaults));
  assert.ok((two.bytes ?? Infinity) < 30e6, `2-D default ${two.bytes}`);
  const three = ndSpeedAccuracyBudget(
    parseSpeedAccuracyNdConfig({ ...defaults, data: { kind: 'gaussian-mixture', means: [[0, 0, 0]], stds: [0.5], weights: [1] }, perturbation: { kind: 'normal', mean: [0, 0, 0], std: 0.7 } }),
  );
  assert.ok((three.bytes ?? Infinity) < 800e6 && (three.bytes ?? 0) > 700e6, `3-D default ${three.bytes}`);
});
