import { assertInteger, assertPositive } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import type { LinearForceMixtureField } from '../fields/linearForceMixtureField.ts';
import { emd } from '../ot/emd.ts';

/** Result of {@link wassersteinSpeedFromClouds}. */
export interface CloudSpeed {
  t: number;
  dt: number;
  /** W2(cloud at t - dt/2, same cloud pushed to t + dt/2) / dt. */
  v2: number;
  /** The identity-coupling value sqrt(mean |x' - x|^2) / dt (an upper bound of v2 for the clouds). */
  identity: number;
  /** Fraction of particles the optimal plan does not send to themselves. */
  rematched: number;
}

/**
 * Wasserstein speed v2(t) (Eq. 66) from particle clouds: n exact samples of P_{t - dt/2}, pushed
 * by the exact flow (RK4, `substeps` steps) to t + dt/2, then v2 ~ W2(cloud, pushed cloud)/dt by
 * exact OT (`emd`, squared Euclidean cost).
 *
 * Error (the same particles on both sides, so the optimal plan is close to the identity):
 * - conservative nu (a gradient): for small dt the identity coupling is optimal (a gradient flow
 *   map is cyclically monotone), so the estimate is sqrt(E_n |Phi(x) - x|^2)/dt = v2 (1 + O(dt^2))
 *   with a Monte Carlo error of relative size ~ sd(|nu|^2) / (2 E|nu|^2 sqrt(n));
 * - a divergence-free (housekeeping) part moves points by ~ |nu_hk| dt. The plan can only remove it
 *   by re-matching points, which pays the matching cost of two n-samples, ~ C log(n)/n in 2-D. So
 *   the estimate sits between v2 and sqrt(T S_dot): it tends to v2 only when |nu_hk| dt is large
 *   compared with the particle spacing n^{-1/2}, while dt is small on the time scale of P_t. The
 *   returned `identity` (= sqrt(T S_dot) estimate) and `rematched` fraction show which regime ran.
 * @throws InputError on dt <= 0, t -+ dt/2 outside the valid range, n < 2.
 */
export function wassersteinSpeedFromClouds(
  field: LinearForceMixtureField,
  t: number,
  dt: number,
  n: number,
  rng: Rng,
  substeps = 8,
): CloudSpeed {
  assertPositive(dt, 'dt');
  assertInteger(n, 'n', 2);
  assertInteger(substeps, 'substeps', 1);
  const t0 = t - dt / 2;
  const t1 = t + dt / 2;
  if (t0 < 0 || t1 > field.tau) throw new InputError(`expected [t - dt/2, t + dt/2] inside [0, ${field.tau}], got [${t0}, ${t1}]`, 'dt');
  const dim = field.dim;
  const start = field.sample(t0, n, rng);
  const x = start.data.slice();
  const k1 = new Float64Array(x.length);
  const k2 = new Float64Array(x.length);
  const k3 = new Float64Array(x.length);
  const k4 = new Float64Array(x.length);
  const tmp = new Float64Array(x.length);
  const h = dt / substeps;
  for (let s = 0; s < substeps; s++) {
    const ts = t0 + s * h;
    field.velocity(ts, x, n, k1);
    for (let i = 0; i < x.length; i++) tmp[i] = x[i] + 0.5 * h * k1[i];
    field.velocity(ts + 0.5 * h, tmp, n, k2);
    for (let i = 0; i < x.length; i++) tmp[i] = x[i] + 0.5 * h * k2[i];
    field.velocity(ts + 0.5 * h, tmp, n, k3);
    for (let i = 0; i < x.length; i++) tmp[i] = x[i] + h * k3[i];
    field.velocity(ts + h, tmp, n, k4);
    for (let i = 0; i < x.length; i++) x[i] += (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }
  let id = 0;
  for (let i = 0; i < x.length; i++) id += (x[i] - start.data[i]) ** 2;
  id /= n;
  const r = emd(null, null, { kind: 'sqeuclidean', x: start, y: { data: x, n, dim } });
  let moved = 0;
  for (let p = 0; p < r.plan.rows.length; p++) if (r.plan.rows[p] !== r.plan.cols[p] && r.plan.mass[p] > 0) moved += r.plan.mass[p];
  return { t, dt, v2: Math.sqrt(Math.max(r.cost, 0)) / dt, identity: Math.sqrt(id) / dt, rematched: moved / (1 / n) / n };
}
