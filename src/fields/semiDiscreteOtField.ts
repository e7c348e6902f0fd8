import { assertPositive } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';
import type { Rng } from '../core/rng.ts';
import { nearestPowerSite } from './laguerreCells2d.ts';
import type { OtProtocolField } from './otProtocolField.ts';
import { type SemiDiscreteOt2d, type SemiDiscreteOtOptions, semiDiscreteOt2d } from './semiDiscreteOt2d.ts';

/** The exact OT protocol between a 2-D point cloud (t = 0) and a Gaussian (t = tau). */
export interface SemiDiscreteOtField extends OtProtocolField {
  readonly method: 'semi-discrete';
  /** The solved semi-discrete plan (sites, dual weights, achieved cell masses, solve errors). */
  readonly plan: SemiDiscreteOt2d;
  /** Exact draws from P_t: z ~ N(mean, std^2 I), x = (1 - t/tau) T(z) + (t/tau) z. */
  sample(t: number, n: number, rng: Rng): Points;
  /**
   * Exact transport along the flow backwards in time, from tFrom to tTo <= tFrom (tTo may be 0):
   * x(tTo) = y_j + (tTo/tFrom)(x - y_j) with j the velocity's site at (x, tFrom). Along a
   * trajectory of nu the site never changes backwards in time (power cells shrink homothetically
   * towards their sites), so this is the flow map of nu, not an approximation.
   */
  transportBack(tFrom: number, tTo: number, x: Float64Array, n: number, out?: Float64Array): Float64Array;
  /** Site index of the velocity branch at (x, t): argmin_i |x - y_i|^2 - 2 (t/tau) w_i. */
  branchOf(t: number, x: number, y: number): number;
}

/**
 * The optimal ("OT") protocol of the paper (T4, Eq. 92), exactly: the constant-speed W2 geodesic
 * (displacement interpolation) between the empirical data (point cloud, t = 0) and the Gaussian end
 * law N(mean, std^2 I) (t = tau), from the semi-discrete optimal map T(z) = y_{j(z)} on Laguerre
 * cells ({@link semiDiscreteOt2d}). With s = t/tau, P_t is the law of x = (1 - s) T(z) + s z and
 * its Eulerian velocity is, at ANY x (paper G19 without a kernel):
 *   nu_t(x) = (x - y_j)/t,   j = argmin_i |x - y_i|^2 - 2 s w_i
 * (the power cells of the sites with weights s w: a particle at (1 - s) y_j + s z moves with
 * (z - y_j)/tau = (x - y_j)/t). nu_t is a gradient field (of the piecewise quadratic potential
 * max_i [s w_i - |x - y_i|^2/2]/t + |x|^2/(2t) up to sign conventions), defined everywhere, also in
 * the gaps between the shrunken cells where P_t has no mass. Density: P_t(x) = rho(z)/s^2 with
 * z = (x - (1 - s) y_j)/s when z lies in the Laguerre cell of j, else 0; div nu_t = 2/t.
 * E|nu_t|^2 = W2^2/tau^2 at every t (constant speed).
 *
 * Error: everything is exact for the achieved cell masses G_j; they differ from the requested
 * point masses by the solve tolerance, stated in `errors` (relative mass error, TV distance of the
 * weights, first-order W2^2 error). t = 0 is singular (point masses): use t > 0 (`tMin`).
 * @throws InputError for a non-2-D cloud, tau <= 0, std <= 0; NumericalError if the solve fails.
 */
export function semiDiscreteOtField(
  data: Points,
  end: { mean: readonly number[]; std: number },
  tau: number,
  opts: SemiDiscreteOtOptions & { weights?: ArrayLike<number>; tMin?: number } = {},
): SemiDiscreteOtField {
  assertPositive(tau, 'ot.tau');
  const plan = semiDiscreteOt2d(data, end, opts.weights, opts);
  const { sites, index, std } = plan;
  const [mx, my] = plan.mean;
  const w2Sq = plan.w2Sq;
  const tMin = opts.tMin ?? 1e-3 * tau;
  assertPositive(tMin, 'ot.tMin');
  const checkT = (t: number, allowZero: boolean) => {
    if (!(t >= 0 && t <= tau) || (!allowZero && t === 0)) {
      throw new InputError(`expected t in ${allowZero ? '[0' : '(0'}, ${tau}], got ${t} (the OT protocol is singular at t = 0: the data are point masses)`, 'ot.t');
    }
  };
  const checkX = (x: Float64Array, n: number) => {
    if (x.length !== 2 * n) throw new InputError(`expected ${n}x2 coordinates, got ${x.length}`, 'x');
  };
  const branch = (t: number, x: number, y: number) => nearestPowerSite(index, t / tau, x, y);
  const logNorm = -Math.log(2 * Math.PI * std * std);
  return {
    method: 'semi-discrete',
    dim: 2,
    tau,
    tMin,
    w2Sq,
    plan,
    errors: {
      relativeMassError: plan.relativeMassError,
      tvError: plan.tvError,
      w2SqError: plan.w2SqError,
      w2SqRelativeError: plan.w2SqError / Math.max(w2Sq, 1e-300),
    },
    branchOf: branch,
    velocity(t, x, n, out = new Float64Array(2 * n)) {
      checkT(t, false);
      checkX(x, n);
      for (let i = 0; i < n; i++) {
        const j = branch(t, x[2 * i], x[2 * i + 1]);
        out[2 * i] = (x[2 * i] - sites[2 * j]) / t;
        out[2 * i + 1] = (x[2 * i + 1] - sites[2 * j + 1]) / t;
      }
      return out;
    },
    logDensity(t, x, n, out = new Float64Array(n)) {
      checkT(t, false);
      checkX(x, n);
      const s = t / tau;
      for (let i = 0; i < n; i++) {
        const j = branch(t, x[2 * i], x[2 * i + 1]);
        const zx = (x[2 * i] - (1 - s) * sites[2 * j]) / s;
        const zy = (x[2 * i + 1] - (1 - s) * sites[2 * j + 1]) / s;
        const k = s === 1 ? j : nearestPowerSite(index, 1, zx, zy);
        let inside = k === j;
        if (!inside) {
          // on a cell boundary (measure zero) both power values agree to rounding
          const pj = plan.weights[j] - 0.5 * ((zx - sites[2 * j]) ** 2 + (zy - sites[2 * j + 1]) ** 2);
          const pk = plan.weights[k] - 0.5 * ((zx - sites[2 * k]) ** 2 + (zy - sites[2 * k + 1]) ** 2);
          inside = pk - pj <= 1e-12 * (1 + Math.abs(pk));
        }
        out[i] = inside ? logNorm - (0.5 * ((zx - mx) ** 2 + (zy - my) ** 2)) / (std * std) - 2 * Math.log(s) : -Infinity;
      }
      return out;
    },
    divergence(t, x, n, out = new Float64Array(n)) {
      checkT(t, false);
      checkX(x, n);
      return out.fill(2 / t, 0, n);
    },
    sample(t, n, rng) {
      checkT(t, true);
      const s = t / tau;
      const out = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        const zx = mx + std * rng.normal();
        const zy = my + std * rng.normal();
        const j = nearestPowerSite(index, 1, zx, zy);
        out[2 * i] = (1 - s) * sites[2 * j] + s * zx;
        out[2 * i + 1] = (1 - s) * sites[2 * j + 1] + s * zy;
      }
      return { data: out, n, dim: 2 };
    },
    transportBack(tFrom, tTo, x, n, out = new Float64Array(2 * n)) {
      checkT(tFrom, false);
      checkT(tTo, true);
      if (tTo > tFrom) throw new InputError(`expected tTo <= tFrom, got tFrom=${tFrom}, tTo=${tTo}`, 'ot.transportBack');
      checkX(x, n);
      const r = tTo / tFrom;
      for (let i = 0; i < n; i++) {
        const j = branch(tFrom, x[2 * i], x[2 * i + 1]);
        out[2 * i] = sites[2 * j] + r * (x[2 * i] - sites[2 * j]);
        out[2 * i + 1] = sites[2 * j + 1] + r * (x[2 * i + 1] - sites[2 * j + 1]);
      }
      return out;
    },
  };
}
