import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/rng.ts';
import { checkerboard } from '../../src/data/checkerboard.ts';
import { eightGaussians, eightGaussiansCenters } from '../../src/data/eightGaussians.ts';
import { swissRoll } from '../../src/data/swissRoll.ts';
import { twoMoons } from '../../src/data/twoMoons.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';

test('swissRoll(n, rng) is seeded and, without noise, lies on r = 4 theta / (4.5 pi) with theta in [1.5 pi, 4.5 pi)', () => {
  const a = swissRoll(500, new Rng(TEST_SEED), { noise: 0 });
  const b = swissRoll(500, new Rng(TEST_SEED), { noise: 0 });
  assert.deepEqual(a.data, b.data);
  assert.equal(a.dim, 2);
  for (let i = 0; i < a.n; i++) {
    const x = a.data[2 * i];
    const y = a.data[2 * i + 1];
    const r = Math.hypot(x, y);
    const theta = (r * 4.5 * Math.PI) / 4;
    assert.ok(theta >= 1.5 * Math.PI - 1e-12 && theta < 4.5 * Math.PI + 1e-12);
    // the angle of the point equals theta modulo 2 pi (exact construction, round-off only)
    const d = Math.atan2(y, x) - theta;
    expectClose(Math.cos(d), 1, { atol: 1e-12 }, 'angle consistency');
  }
});

test('swissRoll noise has the stated std (mean squared distance to the noiseless point)', () => {
  const clean = swissRoll(20000, new Rng(1), { noise: 0 });
  // same uniforms, then two normals per point: regenerate with noise and compare radial spread
  const noisy = swissRoll(20000, new Rng(2), { noise: 0.3 });
  // E|x|^2 grows by exactly 2 noise^2: tolerance 5 standard errors of the mean of |x|^2 (sd ~ 5 / sqrt(2e4))
  let m0 = 0;
  let m1 = 0;
  for (let i = 0; i < 20000; i++) {
    m0 += clean.data[2 * i] ** 2 + clean.data[2 * i + 1] ** 2;
    m1 += noisy.data[2 * i] ** 2 + noisy.data[2 * i + 1] ** 2;
  }
  expectClose(m1 / 20000 - m0 / 20000, 2 * 0.09, { atol: 0.15 }, 'E|x|^2 increase (se of the difference ~0.045: 3.3 se)');
  // exact second moment of the clean roll: r uniform in [4/3, 4): E r^2 = (64 - 64/27) / (3 * 8/3)
  expectClose(m0 / 20000, (64 - 64 / 27) / 8, { rtol: 0.02 }, 'E r^2 of the clean roll (2% ~ 5 standard errors)');
});

test('twoMoons puts ceil(n/2) points on the upper unit half circle', () => {
  const p = twoMoons(101, new Rng(TEST_SEED), 0);
  for (let i = 0; i < 101; i++) {
    const x = p.data[2 * i];
    const y = p.data[2 * i + 1];
    if (i < 51) expectClose(Math.hypot(x, y), 1, { atol: 1e-12 }, 'upper moon radius');
    else expectClose(Math.hypot(x - 1, y - 0.5), 1, { atol: 1e-12 }, 'lower moon radius');
  }
});

test('eightGaussians has the 8 centres and the stated std', () => {
  const c = eightGaussiansCenters(2);
  assert.equal(c.length, 8);
  const p = eightGaussians(16000, new Rng(TEST_SEED), { radius: 2, std: 0.1 });
  let ss = 0;
  for (let i = 0; i < p.n; i++) {
    let best = Infinity;
    for (const [cx, cy] of c) best = Math.min(best, (p.data[2 * i] - cx) ** 2 + (p.data[2 * i + 1] - cy) ** 2);
    ss += best;
  }
  // E|x - c|^2 = 2 std^2; relative sd of the mean of a chi^2_2 over 16000 draws is 1/sqrt(16000) = 0.8%; 4% = 5 sd
  expectClose(ss / p.n, 2 * 0.01, { rtol: 0.04 }, 'within-component variance');
});

test('checkerboard only fills squares with even column + row', () => {
  const p = checkerboard(5000, new Rng(TEST_SEED), 1);
  const counts = new Map<string, number>();
  for (let i = 0; i < p.n; i++) {
    const c = Math.floor(p.data[2 * i]);
    const r = Math.floor(p.data[2 * i + 1]);
    assert.ok(c >= -2 && c <= 1 && r >= -2 && r <= 1);
    assert.equal((((c + r) % 2) + 2) % 2, 0);
    counts.set(`${c},${r}`, (counts.get(`${c},${r}`) ?? 0) + 1);
  }
  assert.equal(counts.size, 8);
});

test('generators reject bad input', () => {
  assert.throws(() => swissRoll(-1, new Rng(1)), /swissRoll.n/);
  assert.throws(() => swissRoll(2.5, new Rng(1)), /integer/);
  assert.throws(() => swissRoll(10, new Rng(1), { noise: -0.1 }), /swissRoll.noise/);
  assert.throws(() => swissRoll(10, new Rng(1), { noise: Number.NaN }), /NaN/);
  assert.throws(() => twoMoons(10, new Rng(1), -1), /twoMoons.noise/);
  assert.throws(() => eightGaussians(10, new Rng(1), { std: -1 }), /eightGaussians.std/);
  assert.throws(() => checkerboard(10, new Rng(1), 0), /checkerboard.scale/);
});
