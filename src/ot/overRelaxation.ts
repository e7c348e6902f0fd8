/**
 * Safeguarded over-relaxation of a Sinkhorn half-step (Thibault et al. 2017; Lehmann et al. 2021),
 * shared by both Sinkhorn paths so that they run the same iteration.
 *
 * For fixed g the dual objective D(f, g) = <a, f> + <b, g> - eps sum_ij a_i b_j e^{(f_i + g_j - c_ij) / eps}
 * is a sum of one-dimensional concave terms, one per f_i. Write t_i = (f_i - f*_i) / eps, f*_i the
 * exact Sinkhorn update (the maximiser), so that the row marginal of the current plan is a_i e^{t_i}.
 * The term's deficit from its maximum is eps a_i phi(t_i), phi(t) = e^t - 1 - t >= 0. The plain
 * Sinkhorn step moves to t = 0 and gains eps a_i phi(t_i) (summed: eps KL(a | P 1)); the
 * over-relaxed step f_i + omega (f*_i - f_i) moves to t' = (1 - omega) t_i. It is taken only if it
 * keeps at least a fraction THETA of the plain gain, phi(t') <= (1 - THETA) phi(t_i); otherwise this
 * coordinate takes the plain step. Every half-step therefore raises D by at least THETA eps times
 * the generalised KL divergence between the target and current marginals; D is bounded above (by
 * the primal value), so these divergences are summable and the marginal errors tend to 0: the
 * stopping test L1 error < tol is always reached, and limit points are the Sinkhorn fixed point
 * (exact marginals). Near the fixed point phi is quadratic and the ratio is (1 - omega)^2 < 1 - THETA
 * for omega <= 1.9, so the over-relaxed step is the one taken there.
 */

/** Fraction of the plain Sinkhorn step's dual gain an over-relaxed coordinate step must keep. */
export const THETA = 0.1;
/** Largest accepted over-relaxation factor ((1 - omega)^2 < 1 - THETA needs omega < 1.95). */
export const MAX_OMEGA = 1.9;

/** phi(t) = e^t - 1 - t, with a series below |t| = 1e-4 (expm1(t) - t cancels there). */
function phi(t: number): number {
  if (Math.abs(t) < 1e-4) return t * t * (0.5 + t * (1 / 6 + t / 24));
  return Math.expm1(t) - t;
}

/**
 * The new log marginal ratio t' of a coordinate whose current plan marginal is target x e^t:
 * (1 - omega) t when the safeguard accepts it, else 0 (the plain Sinkhorn step). omega = 1 gives 0.
 * The new potential is f* + eps t' (log domain), the new scaling u* e^{t'} (scaling domain).
 */
export function relaxedRatio(t: number, omega: number): number {
  if (omega === 1 || t === 0) return 0;
  const tp = (1 - omega) * t;
  return phi(tp) <= (1 - THETA) * phi(t) ? tp : 0;
}

/**
 * Checks an over-relaxation factor: 1 (plain Sinkhorn) to {@link MAX_OMEGA}.
 * @throws RangeError-like message via the returned string (null when valid).
 */
export function omegaProblem(omega: number): string | null {
  return Number.isFinite(omega) && omega >= 1 && omega <= MAX_OMEGA ? null : `expected overRelaxation in [1, ${MAX_OMEGA}], got ${omega}`;
}

/** Iterations per window of {@link OmegaSchedule}: omega is constant within a window. */
const WINDOW = 3;

/**
 * Adaptive over-relaxation factor for one epsilon stage. The first window runs plain Sinkhorn
 * (omega = 1); after each window of WINDOW iterations at a constant omega, the observed per-iteration
 * contraction q of the marginal error gives an estimate of the plain iteration's rate mu through
 * Young's relation for over-relaxed two-block iterations, (q + omega - 1)^2 = q omega^2 mu, and
 * omega moves up to the optimum 2 / (1 + sqrt(1 - mu)) (never down within a stage; quantised to
 * 1/32 so that rounding-level differences between the two Sinkhorn paths do not change it; at most
 * {@link MAX_OMEGA}). Convergence does not depend on these choices: the safeguard of
 * {@link relaxedRatio} holds for every omega in [1, MAX_OMEGA].
 */
export class OmegaSchedule {
  /** The factor for the next iteration. */
  omega = 1;
  private count = 0;
  private start = Number.NaN;

  /** @param fixed a fixed factor (no adaptation), or null for the adaptive schedule */
  constructor(private readonly fixed: number | null) {
    this.reset();
  }

  /** Start of an epsilon stage. */
  reset(): void {
    this.omega = this.fixed ?? 1;
    this.count = 0;
    this.start = Number.NaN;
  }

  /** Records the marginal error of the iteration just done; updates {@link omega}. */
  update(err: number): void {
    if (this.fixed !== null) return;
    if (this.count === 0) this.start = err;
    this.count++;
    if (this.count <= WINDOW) return;
    if ((this.count - 1) % WINDOW !== 0) return;
    const q = (err / this.start) ** (1 / WINDOW);
    this.start = err;
    if (!(q > 0 && q < 1)) return;
    const w = this.omega;
    const mu = Math.min(((q + w - 1) * (q + w - 1)) / (q * w * w), 1);
    const opt = Math.floor((32 * 2) / (1 + Math.sqrt(1 - mu))) / 32;
    if (opt > w) this.omega = Math.min(opt, MAX_OMEGA);
  }
}
