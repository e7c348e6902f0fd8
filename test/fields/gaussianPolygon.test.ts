import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalCdf, normalPdf } from '../../src/core/special.ts';
import { standardNormalPolygon, standardNormalSegment } from '../../src/fields/gaussianPolygon.ts';
import { expectClose } from '../support/expectClose.ts';

/** Closed-form integrals of phi_2 over the rectangle [a0, b0] x [a1, b1] (products of 1-D ones). */
function rectangle(a0: number, b0: number, a1: number, b1: number) {
  const m = (a: number, b: number) => normalCdf(b) - normalCdf(a);
  const f = (a: number, b: number) => normalPdf(a) - normalPdf(b);
  const s = (a: number, b: number) => m(a, b) + a * normalPdf(a) - b * normalPdf(b);
  const mx = m(a0, b0);
  const my = m(a1, b1);
  return { mass: mx * my, first: [f(a0, b0) * my, mx * f(a1, b1)], second: s(a0, b0) * my + mx * s(a1, b1) };
}

/** Vertices of the rectangle rotated by theta about the origin (counter-clockwise order). */
function rotated(a0: number, b0: number, a1: number, b1: number, theta: number) {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const pts = [
    [a0, a1],
    [b0, a1],
    [b0, b1],
    [a0, b1],
  ];
  return { xs: pts.map(([x, y]) => c * x - s * y), ys: pts.map(([x, y]) => s * x + c * y), c, s };
}

test('standardNormalPolygon: rectangles (origin inside, outside, on a vertex, far in the tail) at any rotation match closed forms', () => {
  const cases: [number, number, number, number][] = [
    [-1, 1, -0.5, 2],
    [1, 2, 1, 2],
    [0, 40, 0, 40],
    [-3, 0.2, 0.4, 0.9],
    [4, 4.5, -6, -5.2],
    [-40, 40, -40, 40],
  ];
  for (const [a0, b0, a1, b1] of cases) {
    const want = rectangle(a0, b0, a1, b1);
    for (const theta of [0, 0.3, 2.1, -1.2]) {
      const r = rotated(a0, b0, a1, b1, theta);
      const got = standardNormalPolygon(r.xs, r.ys, 4);
      const label = `[${a0},${b0}]x[${a1},${b1}] rot ${theta}`;
      // Owen's T and Phi are accurate to ~1e-16 absolute: a few ulp of O(1) values, and relative 1e-12
      // for the tail rectangle (mass 2e-13 is a difference of T values of the same size)
      expectClose(got.mass, want.mass, { atol: 2e-16, rtol: 1e-11 }, `mass ${label}`);
      const fx = r.c * want.first[0] - r.s * want.first[1];
      const fy = r.s * want.first[0] + r.c * want.first[1];
      expectClose(got.first[0], fx, { atol: 2e-16, rtol: 1e-11 }, `first x ${label}`);
      expectClose(got.first[1], fy, { atol: 2e-16, rtol: 1e-11 }, `first y ${label}`);
      expectClose(got.second, want.second, { atol: 5e-16, rtol: 1e-11 }, `second ${label}`);
    }
  }
});

test('standardNormalPolygon: a triangle and a hexagon split into pieces add up; degenerate input has no mass', () => {
  // hexagon around (0.3, -0.2) split into 6 triangles through its centre
  const hx: number[] = [];
  const hy: number[] = [];
  for (let i = 0; i < 6; i++) {
    hx.push(0.3 + 1.3 * Math.cos((i * Math.PI) / 3 + 0.1));
    hy.push(-0.2 + 1.3 * Math.sin((i * Math.PI) / 3 + 0.1));
  }
  const whole = standardNormalPolygon(hx, hy, 6);
  let sum = 0;
  for (let i = 0; i < 6; i++) {
    const j = (i + 1) % 6;
    sum += standardNormalPolygon([0.3, hx[i], hx[j]], [-0.2, hy[i], hy[j]], 3).mass;
  }
  expectClose(sum, whole.mass, { atol: 1e-15 }, 'additivity');
  // 2e6-draw Monte Carlo gave 0.48001 +- 0.00035 (outside the repository)
  expectClose(whole.mass, 0.48001, { atol: 0.0015 }, "hexagon mass vs Monte Carlo");
  assert.equal(standardNormalPolygon([0, 1], [0, 1], 2).mass, 0);
});

test('standardNormalSegment: closed form along axis-parallel and rotated segments', () => {
  // segment x = 0.7, y in [-1, 2]: phi(0.7) (Phi(2) - Phi(-1))
  const want = normalPdf(0.7) * (normalCdf(2) - normalCdf(-1));
  expectClose(standardNormalSegment(0.7, -1, 0.7, 2), want, { rtol: 1e-13 }, 'vertical');
  const c = Math.cos(1);
  const s = Math.sin(1);
  expectClose(standardNormalSegment(c * 0.7 + s, s * 0.7 - c, c * 0.7 - 2 * s, s * 0.7 + 2 * c), want, { rtol: 1e-13 }, 'rotated');
  // far tail: phi(0) (Phi(-8) - Phi(-9)), relative accuracy kept
  expectClose(standardNormalSegment(0, -9, 0, -8), normalPdf(0) * (normalCdf(-8) - normalCdf(-9)), { rtol: 1e-12 }, 'tail');
});
