/**
 * The CLI side of the config dialect (docs/config.md): an old spelling prints exactly one
 * deprecation line on stderr and gives the same result as the canonical spelling; a canonical
 * config prints nothing on stderr; a bad value exits 2 with one line naming its path.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'thermodiff-dialect-'));
let counter = 0;
const run = (config: unknown) => {
  const file = join(dir, `c${counter++}.json`);
  writeFileSync(file, JSON.stringify(config));
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'speed-accuracy', '--config', file, '--json'], { encoding: 'utf8' });
};
const data = { kind: 'gaussian-mixture', means: [[-0.6], [0.6]], stds: [0.3, 0.3], weights: [0.5, 0.5] };
const perturbation = { kind: 'normal', mean: [1], std: 1 };

test('speed-accuracy: the old schedule object warns once and computes the same numbers as the canonical config', () => {
  const canonical = run({ $schema: '../schemas/speed-accuracy.json', data, schedule: 'cosine', tau: 1, perturbation });
  assert.equal(canonical.status, 0, canonical.stderr);
  assert.equal(canonical.stderr, '');
  const old = run({ data, schedule: { name: 'cosine', tau: 1 }, perturbation });
  assert.equal(old.status, 0, old.stderr);
  assert.deepEqual(old.stderr.trimEnd().split('\n'), ['thermodiff: warning: config.schedule: {"name": ..., "tau": ...} is deprecated, write "schedule": "cosine", "tau": 1']);
  // same code path after normalisation: identical output, digit for digit
  assert.equal(old.stdout, canonical.stdout);
});

test('speed-accuracy: a bad value exits 2 with one line naming its path, and no warning', () => {
  const r = run({ data: { ...data, stds: [0.3, -0.3] }, schedule: { name: 'cosine' }, perturbation });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.deepEqual(r.stderr.trimEnd().split('\n'), ['thermodiff: error: config.data.stds[1]: expected a standard deviation > 0, got -0.3']);
});

test('sweep plan: an old spelling in the base config warns once (not once per task)', () => {
  const sweep = join(dir, 'sweep.json');
  writeFileSync(sweep, JSON.stringify({ command: 'speed-accuracy', config: { data, schedule: { name: 'cosine' }, tau: 1, perturbation }, grid: { tau: [1, 2, 3] } }));
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sweep', 'plan', sweep, '--out', join(dir, 'plan')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^3 tasks of speed-accuracy/);
  assert.deepEqual(r.stderr.trimEnd().split('\n'), ['thermodiff: warning: config.schedule: {"name": ..., "tau": ...} is deprecated, write "schedule": "cosine"']);
});
