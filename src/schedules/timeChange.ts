/**
 * Constant-speed time change of a path of marginals (thermodynamic length, paper Eqs. 66, 68, 92).
 *
 * A path P_t on [0, tau] with Wasserstein speed v2(t) has length L = int_0^tau v2 dt and cost
 * c2 = int_0^tau v2^2 dt >= L^2 / tau (Cauchy-Schwarz, Eq. 92). Reparametrising time by the arc length,
 *   s(t) = tau ell(t) / L,  ell(t) = int_0^t v2,
 * keeps the same marginals (P~_s = P_{t(s)}) and makes the speed constant, v2~(s) = v2(t) dt/ds = L/tau,
 * so the cost drops to exactly L^2 / tau: the minimum over all time changes of the path.
 *
 * Representation: a table of original times t_i (panel ends), cumulative lengths ell_i and speeds
 * v2(t_i); between nodes ell(t) is the cubic Hermite interpolant of (ell, v2), which is C^1, exact for
 * cubic ell and has error O(h^4) in ell and O(h^3) in v2. The time change t(s) inverts it by safeguarded
 * Newton; dt/ds = (L / tau) / ell'(t) uses the interpolant's own derivative, so t(s) and dt/ds are
 * consistent to rounding (the time-changed schedule's velocity matches its marginals exactly; only
 * the constancy of the speed carries the O(h^3) interpolation error).
 */
import { InputError, NumericalError } from '../core/errors.ts';
import { gaussLegendre } from '../core/quadrature.ts';

/** A constant-speed time change, see the module comment. */
export interface TimeChange {
  readonly tau: number;
  /** Node times in the original time, 0 = t_0 < ... < t_n = tau. */
  readonly t: Float64Array;
  /** Cumulative length ell(t_i) = int_0^{t_i} v2 dt (ell_0 = 0, ell_n = L). */
  readonly ell: Float64Array;
  /** v2(t_i) >= 0. */
  readonly speed: Float64Array;
  /** Thermodynamic length L = int_0^tau v2 dt. */
  readonly length: number;
  /** c2 = int_0^tau v2^2 dt of the original parametrisation (NaN when built from a table alone). */
  readonly cost: number;
  /** L^2 / tau: the cost after the time change (the minimum over time changes, Eq. 92). */
  readonly constantSpeedCost: number;
  /** Original time t(s) reached at new time s in [0, tau]. */
  timeAt(s: number): number;
  /**
   * dt/ds at new time s; Infinity where the interpolated speed is below 1e-12 L / tau (vanishes, e.g.
   * the cosine path of symmetric data at both ends).
   */
  rateAt(s: number): number;
  /** New time s(t) = tau ell(t) / L of original time t. */
  newTimeAt(t: number): number;
  /** Interpolated cumulative length ell(t). */
  lengthAt(t: number): number;
  /** Interpolated speed ell'(t) (the derivative of the Hermite interpolant). */
  speedAt(t: number): number;
}

/** Options of {@link speedNodes} and {@link buildTimeChange}. */
export interface TimeChangeOptions {
  /** Number of panels (Chebyshev-clustered towards both ends, where speeds often vanish). @default 128 */
  panels?: number;
}

/** Gauss-Legendre nodes per panel for the length increments (exact for polynomials of degree 7). */
const GL_NODES = 4;

function panelEnds(tau: number, panels: number): Float64Array {
  const e = Float64Array.from({ length: panels + 1 }, (_, j) => 0.5 * tau * (1 - Math.cos((Math.PI * j) / panels)));
  e[0] = 0;
  e[panels] = tau;
  return e;
}

/**
 * The times at which {@link timeChangeFromSpeeds} needs v2: every panel end, then the Gauss-Legendre
 * nodes of each panel in order (length panels + 1 + 4 panels). Lets callers evaluate the speed in one
 * batch (e.g. along sampled trajectories).
 */
export function speedNodes(tau: number, opts: TimeChangeOptions = {}): Float64Array {
  const panels = opts.panels ?? 128;
  if (!(Number.isInteger(panels) && panels >= 1 && panels <= 100_000)) {
    throw new InputError(`expected an integer number of panels in [1, 100000], got ${panels}`, 'timeChange.panels');
  }
  if (!(tau > 0 && Number.isFinite(tau))) throw new InputError(`expected tau > 0 and finite, got ${tau}`, 'timeChange.tau');
  const e = panelEnds(tau, panels);
  const { nodes } = gaussLegendre(GL_NODES);
  const out = new Float64Array(panels + 1 + GL_NODES * panels);
  out.set(e);
  let k = panels + 1;
  for (let j = 0; j < panels; j++) {
    const a = e[j];
    const h = e[j + 1] - a;
    for (let g = 0; g < GL_NODES; g++) out[k++] = a + 0.5 * h * (1 + nodes[g]);
  }
  return out;
}

/**
 * Build the time change from speeds v2 at the nodes of {@link speedNodes} (same options). Length
 * increments and c2 by 4-point Gauss-Legendre per panel (error O(h^8) for smooth v2).
 * @throws InputError if the speeds are not finite and >= 0, or their count does not match.
 * @throws NumericalError if the path has zero length or the Hermite interpolant is not monotone
 *   (a speed resolved too coarsely: use more panels).
 */
export function timeChangeFromSpeeds(tau: number, speeds: ArrayLike<number>, opts: TimeChangeOptions = {}): TimeChange {
  const nodes = speedNodes(tau, opts);
  const panels = opts.panels ?? 128;
  if (speeds.length !== nodes.length) {
    throw new InputError(`expected ${nodes.length} speeds (speedNodes), got ${speeds.length}`, 'timeChange.speeds');
  }
  for (let i = 0; i < speeds.length; i++) {
    if (!(speeds[i] >= 0 && Number.isFinite(speeds[i]))) {
      throw new InputError(`expected finite speeds >= 0, got ${speeds[i]} at t = ${nodes[i]}`, 'timeChange.speeds');
    }
  }
  const { weights } = gaussLegendre(GL_NODES);
  const t = nodes.slice(0, panels + 1);
  const speed = Float64Array.from({ length: panels + 1 }, (_, j) => speeds[j]);
  const ell = new Float64Array(panels + 1);
  let cost = 0;
  for (let j = 0; j < panels; j++) {
    const h = t[j + 1] - t[j];
    let inc = 0;
    for (let g = 0; g < GL_NODES; g++) {
      const v = speeds[panels + 1 + GL_NODES * j + g];
      inc += 0.5 * h * weights[g] * v;
      cost += 0.5 * h * weights[g] * v * v;
    }
    ell[j + 1] = ell[j] + inc;
  }
  return makeTimeChange(tau, t, ell, speed, cost, 'timeChange', NumericalError);
}

/**
 * Build the time change from a speed function v2(t) on [0, tau] (evaluated at the
 * {@link speedNodes}, 5 evaluations per panel).
 */
export function buildTimeChange(speed: (t: number) => number, tau: number, opts: TimeChangeOptions = {}): TimeChange {
  const nodes = speedNodes(tau, opts);
  return timeChangeFromSpeeds(tau, Array.from(nodes, speed), opts);
}

/**
 * A time change from a stored table (a schedule file): node times from 0 to tau, cumulative lengths
 * and speeds. Validated: equal lengths >= 2, finite, times strictly increasing from exactly 0 to tau
 * (1e-12 relative), ell_0 = 0, ell non-decreasing with ell_n > 0, speeds >= 0, and a monotone Hermite
 * interpolant on every panel.
 * @throws InputError naming the first violated condition (prefixed by `where`).
 */
export function timeChangeFromTable(
  table: { t: ArrayLike<number>; ell: ArrayLike<number>; speed: ArrayLike<number> },
  tau: number,
  where = 'timeChange',
): TimeChange {
  const n = table.t.length;
  if (n < 2 || table.ell.length !== n || table.speed.length !== n) {
    throw new InputError(`expected t, ell and speed of the same length >= 2, got ${n}, ${table.ell.length}, ${table.speed.length}`, where);
  }
  const t = Float64Array.from(table.t);
  const ell = Float64Array.from(table.ell);
  const speed = Float64Array.from(table.speed);
  for (const [name, a] of [
    ['t', t],
    ['ell', ell],
    ['speed', speed],
  ] as const) {
    for (let i = 0; i < n; i++) if (!Number.isFinite(a[i])) throw new InputError(`expected finite numbers, got ${a[i]}`, `${where}.${name}[${i}]`);
  }
  if (Math.abs(t[0]) > 1e-12 * tau || Math.abs(t[n - 1] - tau) > 1e-12 * tau) {
    throw new InputError(`expected node times spanning [0, ${tau}], got [${t[0]}, ${t[n - 1]}]`, `${where}.t`);
  }
  t[0] = 0;
  t[n - 1] = tau;
  for (let i = 1; i < n; i++) {
    if (!(t[i] > t[i - 1])) throw new InputError(`expected strictly increasing times, got ${t[i - 1]} then ${t[i]}`, `${where}.t[${i}]`);
    if (!(ell[i] >= ell[i - 1])) throw new InputError(`expected non-decreasing lengths, got ${ell[i - 1]} then ${ell[i]}`, `${where}.ell[${i}]`);
  }
  if (ell[0] !== 0) throw new InputError(`expected ell[0] = 0, got ${ell[0]}`, `${where}.ell[0]`);
  for (let i = 0; i < n; i++) if (speed[i] < 0) throw new InputError(`expected speeds >= 0, got ${speed[i]}`, `${where}.speed[${i}]`);
  return makeTimeChange(tau, t, ell, speed, Number.NaN, where, InputError);
}

/** Cubic Hermite basis on [0, 1]: value and d/dtheta. */
function hermite(y0: number, y1: number, d0: number, d1: number, th: number): { v: number; d: number } {
  const t2 = th * th;
  const t3 = t2 * th;
  const v = (2 * t3 - 3 * t2 + 1) * y0 + (t3 - 2 * t2 + th) * d0 + (-2 * t3 + 3 * t2) * y1 + (t3 - t2) * d1;
  const d = (6 * t2 - 6 * th) * y0 + (3 * t2 - 4 * th + 1) * d0 + (-6 * t2 + 6 * th) * y1 + (3 * t2 - 2 * th) * d1;
  return { v, d };
}

/**
 * Minimum over theta in [0, 1] of the Hermite derivative on one panel (a quadratic in theta).
 * Negative means the interpolant of ell decreases somewhere: s(t) would not be monotone.
 */
function minHermiteSlope(y0: number, y1: number, d0: number, d1: number): number {
  // derivative q(th) = a th^2 + b th + c
  const a = 6 * y0 + 3 * d0 - 6 * y1 + 3 * d1;
  const b = -6 * y0 - 4 * d0 + 6 * y1 - 2 * d1;
  const c = d0;
  let mn = Math.min(d0, d1);
  if (a > 0) {
    const th = -b / (2 * a);
    if (th > 0 && th < 1) mn = Math.min(mn, a * th * th + b * th + c);
  }
  return mn;
}

function makeTimeChange(
  tau: number,
  t: Float64Array,
  ell: Float64Array,
  speed: Float64Array,
  cost: number,
  where: string,
  Err: typeof InputError | typeof NumericalError,
): TimeChange {
  const n = t.length;
  const L = ell[n - 1];
  if (!(L > 0)) {
    const msg = `the path has zero thermodynamic length (L = ${L}): the marginals do not move, there is nothing to reparametrise`;
    throw Err === InputError ? new InputError(msg, where) : new NumericalError(`${where}: ${msg}`);
  }
  for (let j = 0; j + 1 < n; j++) {
    const h = t[j + 1] - t[j];
    const mn = minHermiteSlope(ell[j], ell[j + 1], h * speed[j], h * speed[j + 1]);
    // Rounding allowance: the slope quadratic is a difference of terms of size ~ |ell increment|.
    if (mn < -1e-9 * (ell[j + 1] - ell[j] + h * (speed[j] + speed[j + 1]))) {
      const msg = `the cubic Hermite interpolant of the length is not monotone on [${t[j]}, ${t[j + 1]}] (speeds ${speed[j]}, ${speed[j + 1]}, length increment ${ell[j + 1] - ell[j]})`;
      throw Err === InputError ? new InputError(msg, where) : new NumericalError(`${where}: ${msg}; use more panels`);
    }
  }
  /** The last panel j (0..n-2) with a[j] <= x, by bisection on the non-decreasing node values a. */
  const panelOf = (a: Float64Array, x: number): number => {
    let lo = 0;
    let hi = n - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (a[mid] <= x) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const evalAt = (x: number) => {
    const xc = Math.min(Math.max(x, 0), tau);
    const j = panelOf(t, xc);
    const h = t[j + 1] - t[j];
    const r = hermite(ell[j], ell[j + 1], h * speed[j], h * speed[j + 1], (xc - t[j]) / h);
    return { ell: r.v, speed: r.d / h };
  };
  const timeAtLength = (target: number): number => {
    if (target <= 0) return 0;
    if (target >= L) return tau;
    const j = panelOf(ell, target);
    const h = t[j + 1] - t[j];
    const y0 = ell[j];
    const y1 = ell[j + 1];
    if (y1 === y0) return t[j];
    // Safeguarded Newton on theta in [0, 1] for H(theta) = target (H increasing).
    let a = 0;
    let b = 1;
    let th = (target - y0) / (y1 - y0);
    for (let it = 0; it < 100; it++) {
      const r = hermite(y0, y1, h * speed[j], h * speed[j + 1], th);
      const g = r.v - target;
      if (g > 0) b = th;
      else a = th;
      let next = r.d > 0 ? th - g / r.d : Number.NaN;
      if (!(next > a && next < b)) next = 0.5 * (a + b);
      if (Math.abs(next - th) <= 1e-16 || b - a <= 1e-16) {
        th = next;
        break;
      }
      th = next;
    }
    return t[j] + th * h;
  };
  return {
    tau,
    t,
    ell,
    speed,
    length: L,
    cost,
    constantSpeedCost: (L * L) / tau,
    timeAt: (s) => timeAtLength((L * s) / tau),
    rateAt(s) {
      const sp = evalAt(timeAtLength((L * s) / tau)).speed;
      // A speed below 1e-12 of the mean speed is a rounding-level zero (e.g. 7e-17 for cosine at tau).
      return sp > 1e-12 * (L / tau) ? L / tau / sp : Infinity;
    },
    newTimeAt: (x) => (tau * evalAt(x).ell) / L,
    lengthAt: (x) => evalAt(x).ell,
    speedAt: (x) => evalAt(x).speed,
  };
}

/**
 * Speed on the new clock, v2~(s) = v2(t(s)) dt/ds, with `speed` the original speed (default: the
 * table's interpolated one). Where dt/ds is infinite (the speed vanishes at an end) the limit is
 * taken 1e-9 tau inside [0, tau].
 */
export function speedOnNewClock(tc: TimeChange, s: number, speed: (t: number) => number = tc.speedAt): number {
  let r = tc.rateAt(s);
  let sc = s;
  if (!Number.isFinite(r)) {
    sc = s < 0.5 * tc.tau ? s + 1e-9 * tc.tau : s - 1e-9 * tc.tau;
    r = tc.rateAt(sc);
  }
  return speed(tc.timeAt(sc)) * r;
}
