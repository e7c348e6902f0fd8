/**
 * Entropic optimal transport by Sinkhorn iterations with epsilon scaling.
 *
 *   min_P <C, P> + eps KL(P | a b^T)  s.t.  P 1 = a, P^T 1 = b,
 * solved through potentials (f, g) with P_ij = a_i b_j exp((f_i + g_j - c_ij) / eps):
 *   f_i = -eps log sum_j b_j exp((g_j - c_ij) / eps),   g_j = -eps log sum_i a_i exp((f_i - c_ij) / eps).
 * Three implementations of the same iteration (safeguarded over-relaxation, `overRelaxation.ts`):
 * - absorption-stabilised scaling (`sinkhornScaling.ts`), used when the positive-weight kernel has
 *   at most 2^27 entries (1 GiB): multiply-adds against a stored kernel, exponentials only on rebuilds;
 * - blocked (`sinkhornBlocked.ts`), above that: the kernel recomputed per block of rows, one
 *   exponential per entry and iteration, both half-steps fused;
 * - log domain (here), the tested reference ({@link sinkhornLogDomain}) and the fallback when a
 *   kernel entry would overflow: every sum is a max-shifted log-sum-exp, so no under/overflow for
 *   any eps > 0; zero weights drop out of the sums (log 0 = -inf terms are skipped), so nothing is
 *   ever NaN.
 * Epsilon scaling: eps runs geometrically (factor 4) from eps 4^K >= max(c) down to the target,
 * warm-starting the potentials, which cuts the iteration count at small eps.
 */
import { InputError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';
import { logSumExp } from '../core/special.ts';
import { rescaleCost, scaleBack } from './rescale.ts';
import { type CostSpec, costRow, costShape, validateCost } from './costSpec.ts';
import { checkBalanced, checkWeights } from './emd.ts';
import { OmegaSchedule, omegaProblem, relaxedRatio } from './overRelaxation.ts';
import { BlockedSinkhorn } from './sinkhornBlocked.ts';
import { MAX_KERNEL_ENTRIES, powerErrorBound, ScalingSinkhorn } from './sinkhornScaling.ts';

/** Options of {@link sinkhorn}. */
export interface SinkhornOptions {
  /** Entropic regularisation eps > 0 (absolute, in cost units). */
  epsilon: number;
  /** Stop when the L1 marginal error (rows + columns) of an iterate is below tol; that iterate is returned. Default 1e-9. */
  tol?: number;
  /** Iteration cap at the final epsilon (default 10000). */
  maxIter?: number;
  /** Start at max(c) and divide eps by `scalingFactor` per stage down to `epsilon` (default true). */
  epsilonScaling?: boolean;
  /** Factor between scaling stages (default 4). */
  scalingFactor?: number;
  /**
   * Over-relaxation factor omega in [1, 1.9] of each half-step, f <- f + omega (f_Sinkhorn - f),
   * with a per-coordinate safeguard that keeps the iteration convergent (`overRelaxation.ts`;
   * Thibault et al. 2017, Lehmann et al. 2021). 1 = plain Sinkhorn. Default 'auto': per epsilon
   * stage, omega rises from 1 towards the optimum estimated from the observed contraction
   * (`OmegaSchedule`).
   */
  overRelaxation?: number | 'auto';
  /** Return the dense n x m plan (default true when n m <= 2.5e7). */
  plan?: boolean;
  /**
   * Largest stored kernel, in entries of 8 bytes, the scaling path may allocate (default
   * {@link MAX_KERNEL_ENTRIES} = 2^27, 1 GiB); above it the blocked path runs (kernel recomputed per
   * block of rows, same iterates, ~6x slower per entry). A caller with a memory budget sets it to
   * budget / 8. Must be a non-negative number (0 = never store the kernel).
   */
  maxKernelEntries?: number;
}

/** Result of {@link sinkhorn}. */
export interface SinkhornResult {
  /** Linear transport cost <C, P> of the entropic plan. */
  cost: number;
  /** Entropic objective <C, P> + eps KL(P | a b^T), evaluated as the dual value sum a f + sum b g. */
  entropicCost: number;
  /** Dense row-major plan, or null when not requested. */
  plan: Float64Array | null;
  potentials: { f: Float64Array; g: Float64Array };
  /** Iterations (f and g updates) over all stages. */
  iterations: number;
  /** L1 marginal error sum_i |(P 1)_i - a_i| + sum_j |(P^T 1)_j - b_j| at the end. */
  marginalError: number;
  converged: boolean;
  epsilon: number;
}

/**
 * Sinkhorn between weighted clouds (or a cost matrix): absorption-stabilised scaling iterations
 * when the positive-weight kernel has at most 2^27 entries (1 GiB), blocked iterations (kernel
 * recomputed per block) otherwise.
 * @param a, b weights (null = uniform); totals must agree (both are normalised to mass 1).
 * @throws InputError for eps <= 0, NaN, negative weights, unequal totals, mismatched dimensions.
 */
export function sinkhorn(a: Float64Array | null, b: Float64Array | null, cost: CostSpec, opts: SinkhornOptions): SinkhornResult {
  return solve(a, b, cost, opts, 'auto');
}

/**
 * The log-domain path alone (2 n m exponentials per iteration; the reference the scaling path is
 * tested against). Same options, result and errors as {@link sinkhorn}.
 * @internal not exported from the package index.
 */
export function sinkhornLogDomain(a: Float64Array | null, b: Float64Array | null, cost: CostSpec, opts: SinkhornOptions): SinkhornResult {
  return solve(a, b, cost, opts, 'log');
}

/**
 * The blocked path (kernel recomputed per block of rows, `sinkhornBlocked.ts`) at any size; what
 * {@link sinkhorn} uses above 2^27 kernel entries. Same options, result and errors.
 * @internal not exported from the package index.
 */
export function sinkhornBlocked(a: Float64Array | null, b: Float64Array | null, cost: CostSpec, opts: SinkhornOptions): SinkhornResult {
  return solve(a, b, cost, opts, 'blocked');
}

/** Which implementation runs: auto (scaling if the kernel fits, else blocked), log domain only, blocked only. */
type Path = 'auto' | 'log' | 'blocked';

function solve(a: Float64Array | null, b: Float64Array | null, cost: CostSpec, opts: SinkhornOptions, logOnly: Path): SinkhornResult {
  validateCost(cost);
  const eps = opts.epsilon;
  if (!Number.isFinite(eps) || !(eps > 0)) throw new InputError(`expected epsilon > 0, got ${eps}`, 'sinkhorn');
  // extreme coordinates or costs: solve the problem scaled by an exact power of two (epsilon with
  // it), then scale costs and potentials back; the plan is unchanged
  const rs = rescaleCost(cost);
  if (rs.log2Factor !== 0) {
    const k = rs.log2Factor;
    const up = (v: number) => scaleBack(v, k);
    const scaledEps = scaleBack(eps, -k);
    if (!(scaledEps >= 2 ** -1022)) {
      throw new InputError(`epsilon ${eps} is below 1e-308 times the cost scale 2^${k} (it underflows); use a larger epsilon or the exact solver`, 'sinkhorn');
    }
    const r = solveScaled(a, b, rs.cost, { ...opts, epsilon: scaledEps }, logOnly);
    return {
      ...r,
      cost: up(r.cost),
      entropicCost: up(r.entropicCost),
      potentials: { f: r.potentials.f.map(up), g: r.potentials.g.map(up) },
      epsilon: eps,
    };
  }
  return solveScaled(a, b, cost, opts, logOnly);
}

function solveScaled(a: Float64Array | null, b: Float64Array | null, cost: CostSpec, opts: SinkhornOptions, path: Path): SinkhornResult {
  const { n, m } = costShape(cost);
  const eps = opts.epsilon;
  const wa = checkWeights(a, n, 'weights a');
  const wb = checkWeights(b, m, 'weights b');
  const total = checkBalanced(wa, wb);
  let sb = 0;
  for (let j = 0; j < m; j++) sb += wb[j];
  const logA = Float64Array.from(wa, (w) => Math.log(w / total));
  const logB = Float64Array.from(wb, (w) => Math.log(w / sb));
  const tol = opts.tol ?? 1e-9;
  const maxIter = opts.maxIter ?? 10000;
  const factor = opts.scalingFactor ?? 4;
  if (!(factor > 1)) throw new InputError(`expected scalingFactor > 1, got ${factor}`, 'sinkhorn');
  const relax = opts.overRelaxation ?? 'auto';
  const bad = relax === 'auto' ? null : omegaProblem(relax);
  if (bad) throw new InputError(bad, 'sinkhorn');
  const schedule = new OmegaSchedule(relax === 'auto' ? null : relax);
  let omega = schedule.omega;
  const wantPlan = opts.plan ?? n * m <= 2.5e7;

  const maxKernel = opts.maxKernelEntries ?? MAX_KERNEL_ENTRIES;
  if (!(maxKernel >= 0)) throw new InputError(`expected maxKernelEntries >= 0 (kernel entries of 8 bytes), got ${maxKernel}`, 'sinkhorn');
  const fast = path === 'auto' && ScalingSinkhorn.fits(wa, wb, maxKernel);
  const blocked = path === 'blocked' || (path === 'auto' && !fast);

  // cost rows: a matrix is used in place; cloud costs are cached for the log-domain path when
  // small enough (the scaling path reads them only when it rebuilds its kernel) and recomputed otherwise
  const cache = !fast && cost.kind !== 'matrix' && n * m <= 2.5e7 ? new Float64Array(n * m) : null;
  const rowBuf = new Float64Array(m);
  const row = (i: number): Float64Array =>
    cost.kind === 'matrix'
      ? cost.matrix.subarray(i * m, (i + 1) * m)
      : cache
        ? cache.subarray(i * m, (i + 1) * m)
        : costRow(cost, i, rowBuf);
  // max |c| starts the epsilon schedule: exact for a matrix or while filling the cache, else the
  // bounding-box bound (>= max c; at most one more stage), which saves a pass over all n m costs
  let cmax = 0;
  if (cost.kind === 'matrix' || cache) {
    for (let i = 0; i < n; i++) {
      const c = cost.kind === 'matrix' ? row(i) : costRow(cost, i, rowBuf);
      for (let j = 0; j < m; j++) cmax = Math.max(cmax, Math.abs(c[j]));
      if (cache) cache.set(c, i * m);
    }
  } else {
    cmax = boxCostBound(cost.x, cost.y, cost.kind);
  }

  const f = new Float64Array(n);
  const g = new Float64Array(m);
  const colMax = new Float64Array(m);
  const colSum = new Float64Array(m);

  const gb = new Float64Array(m); // log b_j + g_j / eps
  const gNext = new Float64Array(m);
  const colShift = new Float64Array(m);
  // Each LSE is shifted by the previous potential (-f_i/eps, -g_j/eps), which is within a few
  // units of the true maximum once the iteration settles, so one exp per entry suffices; a sum
  // outside [1e-280, 1e280] (or not finite) is recomputed with the exact max shift.
  // The update is f* + eps t' with f* the Sinkhorn update and t' = relaxedRatio((f - f*) / eps);
  // returns the row L1 error of the new plan (f, g), a_i |e^{t'} - 1| summed.
  const updateF = (e: number): number => {
    const inv = 1 / e;
    let err = 0;
    for (let j = 0; j < m; j++) gb[j] = logB[j] + g[j] * inv;
    for (let i = 0; i < n; i++) {
      const c = row(i);
      const shift = -f[i] * inv;
      let s = 0;
      for (let j = 0; j < m; j++) s += Math.exp(gb[j] - c[j] * inv - shift);
      let fStar: number;
      if (s > 1e-280 && s < 1e280) {
        fStar = -e * (shift + Math.log(s));
      } else {
        let mx = -Infinity;
        for (let j = 0; j < m; j++) {
          const t = gb[j] - c[j] * inv;
          if (t > mx) mx = t;
        }
        s = 0;
        for (let j = 0; j < m; j++) s += Math.exp(gb[j] - c[j] * inv - mx);
        fStar = -e * (mx + Math.log(s));
      }
      const tp = omega === 1 || logA[i] === -Infinity ? 0 : relaxedRatio((f[i] - fStar) * inv, omega);
      f[i] = fStar + e * tp;
      if (logA[i] !== -Infinity) err += Math.exp(logA[i]) * Math.abs(Math.expm1(tp));
    }
    return err;
  };
  // g-update, row-major, into gNext (g is left unchanged). Returns the column-marginal L1 error of
  // the current plan (f, g): (P^T 1)_j = b_j exp((g_j - g*_j) / eps), g* the Sinkhorn update.
  const updateG = (e: number): number => {
    const inv = 1 / e;
    colSum.fill(0);
    for (let j = 0; j < m; j++) colShift[j] = -g[j] * inv;
    for (let i = 0; i < n; i++) {
      const la = logA[i];
      if (la === -Infinity) continue;
      const c = row(i);
      const base = la + f[i] * inv;
      for (let j = 0; j < m; j++) colSum[j] += Math.exp(base - c[j] * inv - colShift[j]);
    }
    let err = 0;
    let bad = false;
    for (let j = 0; j < m; j++) if (!(colSum[j] > 1e-280 && colSum[j] < 1e280)) bad = true;
    if (bad) {
      // exact max-shifted LSE per column (online, row-major)
      colMax.fill(-Infinity);
      colSum.fill(0);
      for (let i = 0; i < n; i++) {
        const la = logA[i];
        if (la === -Infinity) continue;
        const c = row(i);
        const base = la + f[i] * inv;
        for (let j = 0; j < m; j++) {
          const t = base - c[j] * inv;
          const mx = colMax[j];
          if (t > mx) {
            colSum[j] = colSum[j] * Math.exp(mx - t) + 1;
            colMax[j] = t;
          } else {
            colSum[j] += Math.exp(t - mx);
          }
        }
      }
      for (let j = 0; j < m; j++) colShift[j] = colMax[j];
    }
    for (let j = 0; j < m; j++) {
      const gStar = -e * (colShift[j] + Math.log(colSum[j]));
      const t = (g[j] - gStar) * inv;
      if (logB[j] !== -Infinity) err += Math.exp(logB[j]) * Math.abs(Math.expm1(t));
      gNext[j] = omega === 1 || logB[j] === -Infinity ? gStar : gStar + e * relaxedRatio(t, omega);
    }
    return err;
  };

  // epsilon schedule
  // eps factor^k for k = K..0, eps factor^K >= max c (with the default factor 4 the ratios are
  // exact, so the scaling path builds each kernel after the first from the previous one)
  const stages: number[] = [];
  if (opts.epsilonScaling !== false && cmax > eps) {
    let top = eps;
    while (top < cmax) top *= factor;
    for (let e = top; e > eps * (1 + 1e-12); e /= factor) stages.push(e);
  }
  stages.push(eps);
  // the last kernel too may be a 4th power when its error bound is far below tol (its effect on
  // the marginal error is at most twice that bound)
  const powerLast = powerErrorBound(stages.length - 1) <= 1e-3 * tol;
  let iterations = 0;
  let err = Infinity;
  let converged = false;
  const [wn, wm] = [wa.map((w) => w / total), wb.map((w) => w / sb)];
  const scaling = fast ? new ScalingSinkhorn(cost, wn, wm, row) : blocked ? new BlockedSinkhorn(cost, wn, wm, row) : null;
  let logDomain = !scaling;
  for (let s = 0; s < stages.length; s++) {
    const e = stages[s];
    const last = s === stages.length - 1;
    const cap = last ? maxIter : Math.max(10, Math.min(200, maxIter));
    const stopTol = last ? tol : Math.max(tol, 1e-3);
    let done = 0;
    if (scaling && !logDomain) {
      const r = scaling.stage(f, g, e, cap, stopTol, last && !powerLast, schedule);
      done = r.iterations;
      iterations += r.iterations;
      err = r.err;
      if (r.stopped) {
        if (last) converged = true;
        continue;
      }
      // the kernel would overflow (weights near the float64 limits): finish in the log domain
      if (r.failed) logDomain = true;
    }
    if (!logDomain) continue;
    if (done === 0) schedule.reset();
    for (let it = done; it < cap; it++) {
      omega = schedule.omega;
      const rowErr = updateF(e);
      err = rowErr + updateG(e);
      iterations++;
      // err is the L1 marginal error of the plan (f, g) after this f update; stop with it
      if (err < stopTol) {
        if (last) converged = true;
        break;
      }
      schedule.update(err);
      g.set(gNext);
    }
  }
  // the scaling path leaves zero-weight rows and columns out: give them c-transform potentials
  if (scaling) cTransformZeroWeights(f, g, logA, logB, row, eps);
  // final errors, cost and plan: from the scaling path's kernel when it finished the last stage,
  // else recomputed from the returned (f, g)
  const P = wantPlan ? new Float64Array(n * m) : null;
  const ev = scaling instanceof ScalingSinkhorn && !logDomain ? scaling.evaluate(eps, P, total) : null;
  let linear = ev ? ev.linear : 0;
  let rowErr = ev ? ev.rowErr : 0;
  let colErr = ev ? ev.colErr : 0;
  if (!ev) {
    const colTot = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      const c = row(i);
      let rs = 0;
      if (logA[i] !== -Infinity) {
        for (let j = 0; j < m; j++) {
          const lp = logA[i] + logB[j] + (f[i] + g[j] - c[j]) / eps;
          const p = lp > -Infinity ? Math.exp(lp) : 0;
          rs += p;
          colTot[j] += p;
          linear += p * c[j];
          if (P) P[i * m + j] = p * total;
        }
      }
      rowErr += Math.abs(rs - Math.exp(logA[i]));
    }
    for (let j = 0; j < m; j++) colErr += Math.abs(colTot[j] - Math.exp(logB[j]));
  }
  const marginalError = (rowErr + colErr) * total;
  converged = converged && marginalError <= 2 * tol * Math.max(1, total);
  let dual = 0;
  for (let i = 0; i < n; i++) if (logA[i] !== -Infinity) dual += Math.exp(logA[i]) * f[i];
  for (let j = 0; j < m; j++) if (logB[j] !== -Infinity) dual += Math.exp(logB[j]) * g[j];
  return {
    cost: linear * total,
    entropicCost: dual * total,
    plan: P,
    potentials: { f, g },
    iterations,
    marginalError,
    converged,
    epsilon: eps,
  };
}

/**
 * Upper bound on max_ij c(x_i, y_j) from the bounding boxes of the two clouds:
 * sum_d max(max x_d - min y_d, max y_d - min x_d)^2 (its square root for the euclidean cost).
 */
function boxCostBound(x: Points, y: Points, kind: 'sqeuclidean' | 'euclidean'): number {
  const d = x.dim;
  let s = 0;
  for (let k = 0; k < d; k++) {
    let xlo = Infinity;
    let xhi = -Infinity;
    let ylo = Infinity;
    let yhi = -Infinity;
    for (let i = 0; i < x.n; i++) {
      const v = x.data[i * d + k];
      if (v < xlo) xlo = v;
      if (v > xhi) xhi = v;
    }
    for (let j = 0; j < y.n; j++) {
      const v = y.data[j * d + k];
      if (v < ylo) ylo = v;
      if (v > yhi) yhi = v;
    }
    const t = Math.max(xhi - ylo, yhi - xlo);
    s += t * t;
  }
  return kind === 'sqeuclidean' ? s : Math.sqrt(s);
}

/**
 * f_i = -eps LSE_j (log b_j + (g_j - c_ij) / eps) for a_i = 0, then g_j likewise for b_j = 0
 * (from the positive-weight f only). Zero weights get no mass, so the plan and the dual value are
 * unchanged.
 */
function cTransformZeroWeights(
  f: Float64Array,
  g: Float64Array,
  logA: Float64Array,
  logB: Float64Array,
  row: (i: number) => Float64Array,
  eps: number,
): void {
  const n = f.length;
  const m = g.length;
  const zeroCols: number[] = [];
  for (let j = 0; j < m; j++) if (logB[j] === -Infinity) zeroCols.push(j);
  const terms = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    if (logA[i] !== -Infinity) continue;
    const c = row(i);
    // zero-weight columns give -Infinity terms, which logSumExp skips
    for (let j = 0; j < m; j++) terms[j] = logB[j] === -Infinity ? -Infinity : logB[j] + (g[j] - c[j]) / eps;
    f[i] = -eps * logSumExp(terms);
  }
  if (zeroCols.length === 0) return;
  // online max-shifted LSE per zero-weight column, row-major
  const mx = new Float64Array(zeroCols.length).fill(-Infinity);
  const sum = new Float64Array(zeroCols.length);
  for (let i = 0; i < n; i++) {
    if (logA[i] === -Infinity) continue;
    const c = row(i);
    for (let q = 0; q < zeroCols.length; q++) {
      const t = logA[i] + (f[i] - c[zeroCols[q]]) / eps;
      if (t > mx[q]) {
        sum[q] = sum[q] * Math.exp(mx[q] - t) + 1;
        mx[q] = t;
      } else {
        sum[q] += Math.exp(t - mx[q]);
      }
    }
  }
  for (let q = 0; q < zeroCols.length; q++) g[zeroCols[q]] = -eps * (mx[q] + Math.log(sum[q]));
}

/**
 * Debiased Sinkhorn divergence
 *   S_eps(a, b) = OT_eps(a, b) - (OT_eps(a, a) + OT_eps(b, b)) / 2
 * with OT_eps the entropic objective (dual value); S_eps >= 0 and S_eps -> OT as eps -> 0.
 * Needs point clouds (the self-terms use the same cost kind on x-x and y-y).
 * @throws InputError for a matrix cost or the errors of {@link sinkhorn}.
 */
export function sinkhornDivergence(
  a: Float64Array | null,
  b: Float64Array | null,
  cost: CostSpec,
  opts: SinkhornOptions,
): { divergence: number; converged: boolean; iterations: number } {
  if (cost.kind === 'matrix') throw new InputError('the Sinkhorn divergence needs point clouds, not a cost matrix', 'sinkhornDivergence');
  const o = { ...opts, plan: false };
  const xy = sinkhorn(a, b, cost, o);
  const xx = sinkhorn(a, a, { kind: cost.kind, x: cost.x, y: cost.x }, o);
  const yy = sinkhorn(b, b, { kind: cost.kind, x: cost.y, y: cost.y }, o);
  return {
    divergence: xy.entropicCost - 0.5 * (xx.entropicCost + yy.entropicCost),
    converged: xy.converged && xx.converged && yy.converged,
    iterations: xy.iterations + xx.iterations + yy.iterations,
  };
}
