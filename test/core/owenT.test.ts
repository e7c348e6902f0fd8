import { test } from 'node:test';
import { owenT, owenTEdge } from '../../src/core/owenT.ts';
import { normalSf } from '../../src/core/special.ts';
import { expectClose } from '../support/expectClose.ts';

// 40-digit mpmath quadrature of the defining integral (computed outside the repository)
const REFERENCE: [number, number, number][] = [
  [0.5, 0.3, 0.040786707344250106],
  [1, 1, 0.06674188216570097],
  [2, 1.5, 0.011365119947351739],
  [0.1, 10, 0.22679969643349898],
  [3, 0.7, 0.0006591075201029098],
  [5, 100, 1.4332578593959696e-07],
  [7, 0.2, 5.416285468063538e-13],
  [12, 1, 8.882410560388395e-34],
];

test('owenT matches 40-digit references (Gauss-Legendre for |a| <= 1, the identity beyond)', () => {
  for (const [h, a, want] of REFERENCE) {
    // measured: absolute error < 6e-17, relative < 1e-12 for values > 1e-80 (see the TSDoc)
    expectClose(owenT(h, a), want, { atol: 1e-16, rtol: 1e-12 }, `T(${h}, ${a})`);
    expectClose(owenT(-h, -a), -want, { atol: 1e-16, rtol: 1e-12 }, `T(${-h}, ${-a}) (even in h, odd in a)`);
  }
  expectClose(owenT(1.5, Infinity), 0.033403600634429036, { atol: 1e-17, rtol: 1e-13 }, 'T(h, inf) = Q(h)/2');
  expectClose(owenT(0, 2), Math.atan(2) / (2 * Math.PI), { rtol: 1e-15 }, 'T(0, a) = atan(a)/2pi');
});

test('owenTEdge(p, u) = T(p, u/p), finite as p -> 0 (the wedge of an edge through the origin)', () => {
  for (const [p, u] of [[0.5, 0.2], [0.5, 3], [2, -7], [1e-3, 0.4]] as const) {
    expectClose(owenTEdge(p, u), owenT(p, u / p), { atol: 1e-17, rtol: 1e-13 }, `edge(${p}, ${u})`);
  }
  // p -> 0: T(0+, +inf) = 1/4 (a quarter turn of the standard normal)
  expectClose(owenTEdge(0, 2), 0.25, { atol: 1e-16 }, 'edge through the origin');
  expectClose(owenTEdge(0.3, Infinity), 0.5 * normalSf(0.3), { rtol: 1e-15 }, 'unbounded edge');
});
