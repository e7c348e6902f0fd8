import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import test from 'node:test';

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });

test('thermodiff with an unknown command exits 2 without a stack trace', () => {
  const r = cli('no-such-command');
  assert.equal(r.status, 2);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
});

test('thermodiff --help exits 0 and lists the program name', () => {
  const r = cli('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /thermodiff/);
});
