import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/rng.ts';
import { swissRoll } from '../../src/data/swissRoll.ts';
import { otDisplacementField } from '../../src/fields/otDisplacementField.ts';
import { expectClose, TEST_SEED } from '../support/expectClose.ts';

function gaussianCloud(n: number, rng: Rng, shift = [0, 0], std = 1) {
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    data[2 * i] = shift[0] + std * rng.normal();
    data[2 * i + 1] = shift[1] + std * rng.normal();
  }
  return { data, n, dim: 2 };
}

test('a translated cloud is matched to itself and the kernel velocity is the constant shift / tau', () => {
  const a = gaussianCloud(150, new Rng(TEST_SEED));
  const shifted = { data: a.data.map((v, i) => v + (i % 2 === 0 ? 0.3 : -0.2)), n: 150, dim: 2 };
  const f = otDisplacementField(a, shifted, 2);
  // W2^2 of a translation = |shift|^2 (exact OT: the identity permutation is optimal)
  expectClose(f.w2Sq, 0.13, { rtol: 1e-12 }, 'W2^2');
  const v = f.velocity(0.7, Float64Array.of(0, 0, 5, 5), 2);
  // the kernel average of a constant is that constant (round-off only)
  expectClose(v[0], 0.15, { atol: 1e-12 }, 'vx');
  expectClose(v[1], -0.1, { atol: 1e-12 }, 'vy');
  expectClose(v[2], 0.15, { atol: 1e-12 }, 'vx far away');
});

test('OT protocol on the Swiss roll: int |nu|^2 P_t is constant (= W2^2/tau^2) along the interpolation', () => {
  const rng = new Rng(TEST_SEED);
  const data = swissRoll(300, rng);
  const target = gaussianCloud(300, rng);
  const tau = 1;
  const f = otDisplacementField(data, target, tau);
  const speedSq = f.w2Sq / (tau * tau);
  for (const t of [0.1, 0.5, 0.9]) {
    const pts = f.interpolate(t);
    const v = f.velocity(t, pts.data, pts.n);
    let s = 0;
    for (let i = 0; i < pts.n; i++) s += f.pairs.mass[i] * (v[2 * i] ** 2 + v[2 * i + 1] ** 2);
    // kernel smoothing (h ~ 0.3) averages neighbouring displacements, which lowers the energy
    // (Jensen); where OT paths do not cross this loss stays below 10% with 300 pairs
    assert.ok(s <= speedSq * (1 + 1e-12), `smoothing cannot add energy (t=${t})`);
    expectClose(s, speedSq, { rtol: 0.1 }, `E|nu|^2 at t=${t}`);
  }
  assert.ok(f.bandwidth > 0.1 && f.bandwidth < 1, `bandwidth ${f.bandwidth}`);
});

test('otDisplacementField rejects bad input', () => {
  const a = gaussianCloud(5, new Rng(1));
  assert.throws(() => otDisplacementField(a, a, 0), /ot.tau/);
  assert.throws(() => otDisplacementField(a, a, 1, { bandwidth: -1 }), /ot.bandwidth/);
  assert.throws(() => otDisplacementField(a, { data: new Float64Array(15), n: 5, dim: 3 }, 1), /2-D but target is 3-D/);
  assert.throws(() => otDisplacementField(a, a, 1).velocity(2, Float64Array.of(0, 0), 1), /expected t in/);
});
