import assert from 'node:assert/strict';
import test from 'node:test';
import { Rng } from '../../src/core/rng.ts';
import { TEST_SEED } from '../support/expectClose.ts';

test('Rng(seed) gives the same bits for the same seed and different bits for another seed', () => {
  const a = new Rng(TEST_SEED);
  const b = new Rng(TEST_SEED);
  const c = new Rng(TEST_SEED + 1);
  const xa = Array.from({ length: 100 }, () => a.uniform());
  const xb = Array.from({ length: 100 }, () => b.uniform());
  const xc = Array.from({ length: 100 }, () => c.uniform());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test('Rng.uniform() is uniform on [0,1): every decile within 5 sigma of n/10', () => {
  const rng = new Rng(TEST_SEED);
  const n = 200_000;
  const bins = new Array(10).fill(0);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    assert.ok(u >= 0 && u < 1);
    bins[Math.floor(u * 10)]++;
  }
  // Binomial(n, 0.1): sd = sqrt(n*0.1*0.9) ~ 134; 5 sd is a false-alarm rate below 1e-5 per bin.
  const sd = Math.sqrt(n * 0.1 * 0.9);
  for (const b of bins) assert.ok(Math.abs(b - n / 10) < 5 * sd, `bin count ${b}`);
});

test('Rng.normal() has mean 0, variance 1 and kurtosis 3 within sampling error', () => {
  const rng = new Rng(TEST_SEED);
  const n = 400_000;
  let s1 = 0;
  let s2 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const z = rng.normal();
    s1 += z;
    s2 += z * z;
    s4 += z ** 4;
  }
  const mean = s1 / n;
  const v = s2 / n;
  const k = s4 / n;
  // Standard errors: mean 1/sqrt(n)=1.6e-3, variance sqrt(2/n)=2.2e-3, E z^4 sqrt(96/n)=1.5e-2; allow 5 SE.
  assert.ok(Math.abs(mean) < 5 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(v - 1) < 5 * Math.sqrt(2 / n), `variance ${v}`);
  assert.ok(Math.abs(k - 3) < 5 * Math.sqrt(96 / n), `fourth moment ${k}`);
});

test('Rng rejects a non-finite seed', () => {
  assert.throws(() => new Rng(Number.NaN), /finite/);
});
