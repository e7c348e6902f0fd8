import assert from 'node:assert/strict';
import test from 'node:test';
import { UsageError } from '../../src/cli/errors.ts';
import { parseChoiceFlag, parseIntFlag, parseNumberFlag, parsePositiveFlag, parseSeedFlag } from '../../src/cli/flags.ts';

const refuses = (f: () => unknown, re: RegExp) =>
  assert.throws(f, (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n'));

test('parseIntFlag accepts decimal integers (exponent allowed) within the range', () => {
  assert.equal(parseIntFlag('12', '--n', 1), 12);
  assert.equal(parseIntFlag('1e6', '--n', 1), 1e6);
  assert.equal(parseIntFlag(' 7 ', '--n', 1, 10), 7);
  assert.equal(parseIntFlag('0', '--workers', 0), 0);
});

test('parseIntFlag refuses fractions, hex, NaN, Infinity, out-of-range and unsafe integers with one line naming the flag', () => {
  for (const bad of ['1.5', '0x10', 'NaN', 'Infinity', '-Infinity', '', 'abc', '1e99', '9007199254740993', '0', '-3', '11', '1,000']) {
    refuses(() => parseIntFlag(bad, '--n', 1, 10), /^--n: expected an integer in \[1, 10\], got "/);
  }
  refuses(() => parseIntFlag('0', '--steps', 1), /^--steps: expected an integer >= 1, got "0"$/);
});

test('parseSeedFlag: non-negative safe integers only', () => {
  assert.equal(parseSeedFlag('0'), 0);
  assert.equal(parseSeedFlag(String(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
  for (const bad of ['-1', '1.5', '1e20', 'seed']) refuses(() => parseSeedFlag(bad), /^--seed: expected an integer >= 0/);
});

test('parseNumberFlag and parsePositiveFlag: finite numbers within the bounds', () => {
  assert.equal(parseNumberFlag('-2.5e-3', '--x'), -2.5e-3);
  assert.equal(parsePositiveFlag('1e-5', '--rtol'), 1e-5);
  assert.equal(parseNumberFlag('1', '--p', { min: 0, max: 1 }), 1);
  for (const bad of ['NaN', 'Infinity', '1e400', 'x', '', '0x1']) refuses(() => parseNumberFlag(bad, '--x'), /^--x: expected a finite number, got/);
  for (const bad of ['0', '-1e-9', '-0']) refuses(() => parsePositiveFlag(bad, '--rtol'), /^--rtol: expected a finite number > 0, got/);
  refuses(() => parsePositiveFlag('2', '--rtol', 1), /^--rtol: expected a finite number > 0 and <= 1, got "2"$/);
  refuses(() => parseNumberFlag('1', '--p', { min: 0, max: 1, exclusiveMax: true }), /< 1, got "1"/);
});

test('parseChoiceFlag lists the choices', () => {
  assert.equal(parseChoiceFlag('heun', '--solver', ['euler', 'heun'] as const), 'heun');
  refuses(() => parseChoiceFlag('rk9', '--solver', ['euler', 'heun', 'rk4'] as const), /^--solver: expected euler, heun or rk4, got "rk9"$/);
});
