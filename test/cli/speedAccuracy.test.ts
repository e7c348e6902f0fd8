import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'thermodiff-sa-'));
let counter = 0;
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });
const withConfig = (text: string, ...extra: string[]) => {
  const file = join(dir, `c${counter++}.json`);
  writeFileSync(file, text);
  return cli('speed-accuracy', '--config', file, ...extra);
};
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
  return JSON.stringify(c);
};

/** Exit code 2, exactly one line on stderr matching `re`, no stack trace, nothing on stdout. */
function rejects(r: ReturnType<typeof cli>, re: RegExp) {
  assert.equal(r.status, 2, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0], re);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
  assert.equal(r.stdout, '');
}

test('speed-accuracy --json prints one JSON object with the contract keys', () => {
  const r = withConfig(JSON.stringify(good), '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  for (const key of ['D0', 'W1Start', 'W1End', 'deltaW1', 'eta', 'c1', 'c2', 'wD', 'chainHolds', 'curves', 'protocol', 'tau', 'checks']) {
    assert.ok(key in out, `missing ${key}`);
  }
  assert.equal(out.protocol, 'cosine');
  assert.equal(out.chainHolds, true);
  assert.equal(out.curves.t.length, out.curves.v2sq.length);
  assert.equal(out.curves.t.length, out.curves.vLossSq.length);
  // D0 = e - 1 for N(1,1) vs N(0,1) (closed form; quadrature tol 1e-12).
  assert.ok(Math.abs(out.D0 - (Math.E - 1)) < 1e-9);
  assert.ok(Math.abs(out.deltaW1 - (out.W1End - out.W1Start)) < 1e-15);
  assert.ok(out.eta <= out.c1 && out.c1 <= out.c2);
});

test('speed-accuracy without --json prints a readable table', () => {
  const r = withConfig(JSON.stringify({ ...good, schedule: 'ot', perturbation: { kind: 'uniform', low: -1.7, high: [1.7] } }));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /protocol\s+ot/);
  assert.match(r.stdout, /eta = deltaW1\^2\/\(tau D0\)\s+0\.0\d+/);
  assert.match(r.stdout, /eta <= c1 <= c2\s+holds/);
});

// One spawn per kind of mistake (each spawn costs ~1 s of tsx start-up); the full list of rejected
// configs is unit-tested on parseSpeedAccuracyConfig in test/config/speedAccuracy1dConfig.test.ts.
test('bad configs exit 2 with a one-line reason', () => {
  rejects(withConfig(edit((c) => (c.schedule = 'linear'))), /config\.schedule: unknown schedule "linear", expected one of cosine, cond-ot, ot, vp-linear, ve/);
  // NaN cannot be written in JSON (the literal is invalid JSON); a "NaN" string is rejected as a non-number.
  rejects(withConfig(edit((c) => (c.perturbation.std = 'NaN'))), /config\.perturbation\.std: expected a finite number, got "NaN"/);
  rejects(withConfig(edit((c) => (c.perturbation.mean = [1, 2]))), /config\.perturbation\.mean: expected 1 coordinate\(s\) \(the data dimension\), got 2/);
  rejects(withConfig(edit((c) => (c.data.stds = [0.3, -0.3]))), /config\.data\.stds\[1\]: expected a standard deviation > 0, got -0\.3/);
  rejects(withConfig(edit((c) => (c.data.weights = [0.5, 0.6]))), /config\.data\.weights: expected weights summing to 1, got sum 1\.1/);
  rejects(withConfig(edit((c) => (c.shedule = 'cosine'))), /config: unknown key "shedule"/);
  // valid config whose D0 = e^1600 - 1 is beyond float64: a clear error, not an internal one
  rejects(withConfig(edit((c) => (c.perturbation.mean = [40]))), /config\.perturbation: D0 exceeds the float64 range/);
  rejects(withConfig(JSON.stringify(good).replace('"tau":1', '"tau":NaN')), /invalid JSON/);
  rejects(cli('speed-accuracy', '--config', join(dir, 'does-not-exist.json')), /cannot read file \(no such file\)/);
});
