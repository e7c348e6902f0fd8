import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });

describe('thermodiff a2a grouped', () => {
  it('--json prints a2a and geodesic mean, std and runs', () => {
    const r = cli('a2a', 'grouped', '--runs', '2', '--per-class', '40', '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.a2a.runs.length, 2);
    assert.equal(j.geodesic.runs.length, 2);
    assert.ok(Number.isFinite(j.a2a.mean) && Number.isFinite(j.geodesic.std));
    assert.equal(j.wrongClassRows, 0);
  });

  for (const args of [
    ['--runs', '0'],
    ['--runs', 'x'],
    ['--per-class', '1'],
    ['--beta', '-3'],
    ['--seed', '1.5'],
  ]) {
    it(`bad input ${args.join(' ')}: exit 2, one line`, () => {
      const r = cli('a2a', 'grouped', ...args);
      assert.equal(r.status, 2);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(r.stdout, '');
    });
  }
});
