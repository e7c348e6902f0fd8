import assert from 'node:assert/strict';
import { totalmem } from 'node:os';
import test from 'node:test';
import { UsageError } from '../../src/cli/errors.ts';
import { checkBudget, formatBytes, formatCount, formatSeconds, memoryLimit, timeLimit } from '../../src/cli/limits.ts';

test('memoryLimit: THERMODIFF_MEMORY_LIMIT with units, else 75% of the machine', () => {
  assert.equal(memoryLimit({ THERMODIFF_MEMORY_LIMIT: '512M' }), 512 * 2 ** 20);
  assert.equal(memoryLimit({ THERMODIFF_MEMORY_LIMIT: '2g' }), 2 * 2 ** 30);
  assert.equal(memoryLimit({ THERMODIFF_MEMORY_LIMIT: '1000' }), 1000);
  const d = memoryLimit({});
  // default: 75% of total memory, or of a smaller cgroup limit
  assert.ok(d > 0 && d <= 0.75 * totalmem(), `default ${d}`);
  assert.throws(() => memoryLimit({ THERMODIFF_MEMORY_LIMIT: 'lots' }), /^UsageError: THERMODIFF_MEMORY_LIMIT: expected a number/);
});

test('timeLimit: default 24 h, units, 0 or none disables', () => {
  assert.equal(timeLimit({}), 86400);
  assert.equal(timeLimit({ THERMODIFF_TIME_LIMIT: '90m' }), 5400);
  assert.equal(timeLimit({ THERMODIFF_TIME_LIMIT: '2d' }), 172800);
  assert.equal(timeLimit({ THERMODIFF_TIME_LIMIT: '0' }), Number.POSITIVE_INFINITY);
  assert.equal(timeLimit({ THERMODIFF_TIME_LIMIT: 'none' }), Number.POSITIVE_INFINITY);
  assert.throws(() => timeLimit({ THERMODIFF_TIME_LIMIT: '-5' }), UsageError);
});

test('checkBudget refuses with the estimate, the limit and the hint on one line', () => {
  const env = { THERMODIFF_MEMORY_LIMIT: '1G', THERMODIFF_TIME_LIMIT: '1h' };
  checkBudget({ what: 'x', bytes: 2 ** 30, seconds: 3600, hint: 'h' }, env); // exactly at the limits: accepted
  assert.throws(
    () => checkBudget({ what: '1e+9 samples of dim 2', bytes: 24 * 2 ** 30, hint: 'use a smaller --n' }, env),
    (e: unknown) => e instanceof UsageError && e.message === 'needs ~24 GB for 1e+9 samples of dim 2; the limit is 1.0 GB (THERMODIFF_MEMORY_LIMIT); use a smaller --n',
  );
  assert.throws(() => checkBudget({ what: 'w', seconds: 7200, hint: 'fewer --steps' }, env), /would take at least ~2\.0 h for w; the limit is 60 min \(THERMODIFF_TIME_LIMIT\); fewer --steps/);
  // NaN estimates (an overflowed product) are refused, not accepted
  assert.throws(() => checkBudget({ what: 'w', bytes: Number.NaN, hint: 'h' }, env), UsageError);
});

test('formatters', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1.5 * 2 ** 20), '1.5 MB');
  assert.equal(formatBytes(300 * 2 ** 30), '300 GB');
  assert.equal(formatSeconds(40), '40 s');
  assert.equal(formatSeconds(3 * 3600), '3.0 h');
  assert.equal(formatSeconds(1e17), '3e+9 years');
  assert.equal(formatCount(1000), '1000');
  assert.equal(formatCount(1e9), '1e+9');
  assert.equal(formatCount(2.5e7), '2.5e+7');
});
