/**
 * Scalar root finding: Brent's method (bracketing; inverse quadratic interpolation, secant and
 * bisection, guaranteed convergence) and the inversion of increasing functions with automatic
 * bracket expansion (quantile functions of mixtures, time reparametrisations).
 */
import { InputError, NumericalError } from './errors.ts';

/** Options of {@link brent}. */
export interface BrentOptions {
  /** Absolute tolerance on x. @default 1e-16 */
  xtol?: number;
  /** Extra relative tolerance on x (applied to |x|); a floor of 2 eps |x| always applies. @default 0 */
  rtol?: number;
  /** Maximum number of iterations before NumericalError. @default 500 */
  maxIter?: number;
}

const EPS = 2.220446049250313e-16;

function checkFinite(v: number, name: string, where: string): void {
  if (!Number.isFinite(v)) throw new InputError(`expected ${name} to be a finite number, got ${v}`, where);
}

/**
 * Root of f in [a, b] by Brent's method (R. P. Brent, Algorithms for Minimization without
 * Derivatives, 1973, ch. 4). Stops when the bracket half-width is below `rtol*|x| + xtol/2` or
 * f(x) = 0 exactly. The order of a and b does not matter.
 * @returns x with f(x) ~ 0 (within the x tolerance of a sign change).
 * @throws InputError if a or b is not finite, or a tolerance is negative.
 * @throws NumericalError if f(a) and f(b) have the same sign (no bracketed root), if f returns NaN,
 *   or if maxIter iterations do not converge.
 */
export function brent(f: (x: number) => number, a: number, b: number, opts: BrentOptions = {}): number {
  const where = 'brent';
  checkFinite(a, 'a', where);
  checkFinite(b, 'b', where);
  const xtol = opts.xtol ?? 1e-16;
  const rtol = opts.rtol ?? 0;
  const maxIter = opts.maxIter ?? 500;
  if (!(xtol >= 0) || !(rtol >= 0)) throw new InputError(`expected xtol, rtol >= 0, got ${xtol}, ${rtol}`, where);
  if (!(Number.isInteger(maxIter) && maxIter > 0)) throw new InputError(`expected maxIter a positive integer, got ${maxIter}`, where);
  let fa = f(a);
  let fb = f(b);
  if (Number.isNaN(fa) || Number.isNaN(fb)) {
    throw new NumericalError(`brent: f returned NaN at the bracket end ${Number.isNaN(fa) ? a : b}`);
  }
  if (fa === 0) return a;
  if (fb === 0) return b;
  if ((fa > 0) === (fb > 0)) {
    throw new NumericalError(
      `brent: f(a) and f(b) must have opposite signs to bracket a root, got f(${a}) = ${fa} and f(${b}) = ${fb}`,
    );
  }
  // b is the best iterate, a the previous one, c the opposite end of the bracket [b, c].
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let iter = 0; iter < maxIter; iter++) {
    if ((fb > 0) === (fc > 0)) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 2 * EPS * Math.abs(b) + rtol * Math.abs(b) + 0.5 * xtol;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      // Interpolation: secant if a == c, inverse quadratic otherwise.
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : m > 0 ? tol1 : -tol1;
    fb = f(b);
    if (Number.isNaN(fb)) throw new NumericalError(`brent: f returned NaN at x = ${b}`);
  }
  throw new NumericalError(`brent: no convergence in ${maxIter} iterations (bracket [${b}, ${c}])`);
}

/** Options of {@link invertMonotone}. */
export interface InvertMonotoneOptions extends BrentOptions {
  /** Maximum number of bracket doublings on each side. @default 100 */
  maxExpand?: number;
}

/**
 * Solve f(x) = y for an increasing function f, starting from the guess bracket [lo, hi] and
 * expanding it geometrically (width doubles each time) until f(lo) <= y <= f(hi), then Brent.
 * @throws InputError if y, lo or hi is not finite, or lo >= hi.
 * @throws NumericalError if no bracket is found after maxExpand doublings (y outside the range of f)
 *   or Brent fails.
 */
export function invertMonotone(
  f: (x: number) => number,
  y: number,
  lo: number,
  hi: number,
  opts: InvertMonotoneOptions = {},
): number {
  const where = 'invertMonotone';
  checkFinite(y, 'y', where);
  checkFinite(lo, 'lo', where);
  checkFinite(hi, 'hi', where);
  if (!(lo < hi)) throw new InputError(`expected lo < hi, got lo = ${lo}, hi = ${hi}`, where);
  const maxExpand = opts.maxExpand ?? 100;
  const g = (x: number) => f(x) - y;
  let glo = g(lo);
  let ghi = g(hi);
  if (Number.isNaN(glo) || Number.isNaN(ghi)) throw new NumericalError(`${where}: f returned NaN on [${lo}, ${hi}]`);
  let width = hi - lo;
  let k = 0;
  while (glo > 0 && k < maxExpand) {
    // Move lo down; the old lo becomes a valid hi (g(old lo) > 0).
    hi = lo;
    ghi = glo;
    lo -= width;
    width *= 2;
    glo = g(lo);
    k++;
  }
  k = 0;
  while (ghi < 0 && k < maxExpand) {
    lo = hi;
    glo = ghi;
    hi += width;
    width *= 2;
    ghi = g(hi);
    k++;
  }
  if (!(glo <= 0 && ghi >= 0)) {
    throw new NumericalError(
      `${where}: could not bracket f(x) = ${y} after ${maxExpand} expansions (f(${lo}) = ${glo + y}, f(${hi}) = ${ghi + y}); is y in the range of f and f increasing?`,
    );
  }
  if (glo === 0) return lo;
  if (ghi === 0) return hi;
  return brent(g, lo, hi, opts);
}
