import { quad } from '../core/quadrature.ts';
import type { Exact1dProcess } from '../fields/exact1d.ts';
import { type Expectation1dOptions, expectation1d } from './expectation1d.ts';
import { wasserstein2Quantile1d } from './wasserstein2Quantile1d.ts';

/** Thermodynamic length, cost and the geodesic bounds of Eqs. 68 and 92. */
export interface ThermodynamicLength {
  t0: number;
  t1: number;
  /** L = int v2 dt */
  length: number;
  /** int v2^2 dt (c2 when [t0, t1] = [0, tau]) */
  cost: number;
  /** L^2 / (t1 - t0) */
  lengthBound: number;
  /** W2(P_t0, P_t1), quantile formula */
  w2: number;
  /** W2^2 / (t1 - t0) */
  geodesicBound: number;
  /** cost >= lengthBound >= geodesicBound, each up to `slack` relative */
  chainHolds: boolean;
  /** relative slack allowed in `chainHolds` (quadrature accuracy) */
  slack: number;
}

/**
 * Thermodynamic length L = int v2 dt and cost int v2^2 dt of the exact 1-D process on [t0, t1]
 * (default [0, tau]), with the bound chain int v2^2 >= L^2/tau >= W2(P_0, P_tau)^2/tau (Eqs. 68,
 * 92; tau replaced by t1 - t0 on a sub-window). v2(t)^2 = int nu^2 P dx by nested adaptive
 * quadrature; W2 from the quantile formula, which does not use the velocity. Equality in both
 * steps holds only for the constant-speed geodesic (the OT protocol).
 *
 * @param opts.slack relative tolerance for `chainHolds` @default 1e-7
 */
export function thermodynamicLength(
  process: Exact1dProcess,
  opts: Expectation1dOptions & { t0?: number; t1?: number; timeTol?: number; slack?: number } = {},
): ThermodynamicLength {
  const t0 = opts.t0 ?? 0;
  const t1 = opts.t1 ?? process.tau;
  const v2sq = (t: number) => expectation1d(process, t, (x) => process.velocity(t, x) ** 2, opts);
  const timeOpts = { tol: opts.timeTol ?? 1e-10, maxEval: 4000 };
  const length = quad((t) => Math.sqrt(v2sq(t)), t0, t1, timeOpts).value;
  const cost = quad(v2sq, t0, t1, timeOpts).value;
  const dur = t1 - t0;
  const w2 = wasserstein2Quantile1d(process, t0, t1);
  const slack = opts.slack ?? 1e-7;
  const lengthBound = (length * length) / dur;
  const geodesicBound = (w2 * w2) / dur;
  const chainHolds = cost >= lengthBound * (1 - slack) && lengthBound >= geodesicBound * (1 - slack);
  return { t0, t1, length, cost, lengthBound, w2, geodesicBound, chainHolds, slack };
}
