import { InputError } from '../core/errors.ts';
import { solveOde } from '../core/ode.ts';

/** Result of {@link reverseParticles1d}. */
export interface ReverseParticles1d {
  /** Forward times, as requested in tEval. */
  t: number[];
  /** W1 between the two particle clouds at each time. */
  w1: number[];
  /** Positions of the true-reverse particles at each time (n each). */
  x: Float64Array[];
  /** Positions of the estimated-reverse particles at each time (n each). */
  xTilde: Float64Array[];
  nfe: number;
}

/**
 * The true and the estimated reverse processes as particles pushed through ONE velocity field with
 * the adaptive Dormand-Prince 5(4) solver (the independent cross-check of the monotone-map method of
 * speedAccuracy1d). Particles start at forward time tau at the same quantile levels of P_tau (`xStart`)
 * and of the perturbed start (`xTildeStart`), e.g. levels (i + 1/2)/n, and are integrated backward in
 * forward time (dx/dt = nu_t(x) from t = tau down to the smallest tEval). The flow is monotone, so the
 * i-th particles of both clouds stay the i-th in order, and W1 of the two empirical measures is
 * mean_i |x_i - xTilde_i| (exact for equal-size sorted clouds).
 * @param velocity batched velocity nu_t at n points (writes out[i]).
 * @param tEval forward times in [0, tau], decreasing from tau (the first may equal tau).
 * @throws InputError if the starts differ in length or are not sorted, or tEval is not decreasing.
 */
export function reverseParticles1d(
  velocity: (t: number, x: Float64Array, n: number, out: Float64Array) => void,
  xStart: Float64Array,
  xTildeStart: Float64Array,
  tau: number,
  tEval: readonly number[],
  opts: { rtol?: number; atol?: number } = {},
): ReverseParticles1d {
  const n = xStart.length;
  if (xTildeStart.length !== n) throw new InputError(`expected equal particle counts, got ${n} and ${xTildeStart.length}`, 'reverseParticles1d');
  for (let i = 1; i < n; i++) {
    if (!(xStart[i] >= xStart[i - 1]) || !(xTildeStart[i] >= xTildeStart[i - 1])) {
      throw new InputError('expected particles sorted by quantile level', 'reverseParticles1d');
    }
  }
  for (let i = 1; i < tEval.length; i++) {
    if (!(tEval[i] < tEval[i - 1])) throw new InputError('expected tEval strictly decreasing (reverse time)', 'reverseParticles1d.tEval');
  }
  const y0 = new Float64Array(2 * n);
  y0.set(xStart, 0);
  y0.set(xTildeStart, n);
  const sol = solveOde(
    (t, y, dydt) => velocity(t, y, 2 * n, dydt),
    y0,
    tau,
    tEval[tEval.length - 1],
    { method: 'dopri5', rtol: opts.rtol ?? 1e-9, atol: opts.atol ?? 1e-11, tEval },
  );
  const w1: number[] = [];
  const x: Float64Array[] = [];
  const xTilde: Float64Array[] = [];
  for (const y of sol.y) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(y[i] - y[n + i]);
    w1.push(s / n);
    x.push(y.slice(0, n));
    xTilde.push(y.slice(n));
  }
  return { t: sol.t, w1, x, xTilde, nfe: sol.nfe };
}
