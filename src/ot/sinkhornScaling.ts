/**
 * Absorption-stabilised Sinkhorn scaling (the "stabilised" scheme of Schmitzer 2019) used by
 * {@link sinkhorn} when the kernel fits in memory (2^27 entries). Kernels of later epsilon stages
 * are 4th powers of the previous one (`powerRebuild`); the final plan is read from the kernel
 * (`evaluate`).
 *
 * With potentials (f, g) held fixed, the kernel K_ij = exp((f_i + g_j - c_ij) / eps) is built once
 * and the iteration runs on scaling vectors u, v in the ordinary domain:
 *   u_i = 1 / sum_j K_ij b_j v_j,   v_j = 1 / sum_i a_i u_i K_ij,
 * (each over-relaxed with the safeguard of `overRelaxation.ts`), i.e. exactly the log-domain
 * updates of f_i + eps log u_i and g_j + eps log v_j, but with multiply-adds instead of exponentials. Both updates are fused into one pass over K (row i is
 * used for u_i and then, still in cache, for the column sums). When u or v leave [1/TAU, TAU] they
 * are absorbed into (f, g) and K is rebuilt. A row (column) whose scaled sum leaves [LO, HI]
 * (all of K underflowed, e.g. at a cold start with tiny eps) gets an exact log-sum-exp update of
 * its potential and a rebuilt kernel row (column) instead, so nothing is ever 0 * Inf or 1 / 0.
 * Only positive-weight rows and columns take part (zero weights carry no mass); the caller gives
 * them c-transform potentials at the end.
 */
import { logSumExp } from '../core/special.ts';
import { type CostSpec, costAt } from './costSpec.ts';
import { type OmegaSchedule, relaxedRatio } from './overRelaxation.ts';

/**
 * Largest number of kernel entries (8 bytes each) the scaling path allocates: 2^27 (1 GiB, up to
 * 11585 x 11585 points). Above it the solve runs in the log domain, 2 n m exponentials per
 * iteration instead of 2 n m multiply-adds (about 6x slower per entry).
 */
export const MAX_KERNEL_ENTRIES = 2 ** 27;

/**
 * Absorption threshold. Between absorptions K is off the current potentials by at most
 * 2 eps log TAU in the exponent; with TAU = 1e50 every entry that carries a relative 1e-16 of a row
 * or column sum is still >= 1e-16 / TAU^2 = 1e-116 in K, far above the flush level below, and
 * u K v products stay in [1e-300, 1e300]. A large TAU keeps absorptions (n m exponentials each)
 * rare: on the benchmark's uniform clouds at eps = 0.01 there are none besides the per-stage
 * rebuilds. (Floating point has no precision loss from scaling, so a moderate threshold such as
 * POT's 1e3 would only cost time.)
 */
const TAU = 1e50;
/** A row/column sum outside [LO, HI] is recomputed in the log domain. */
export const LO = 1e-100;
export const HI = 1e100;
/**
 * Kernel exponents below this are stored as 0 (exp(-650) = 5e-283): avoids subnormal arithmetic;
 * such an entry is < 1e-180 relative to any sum in [LO, HI] even after scaling by TAU^2.
 */
export const FLUSH = -650;
const EXP_FLUSH = Math.exp(FLUSH);
/** A kernel exponent above this means K would overflow: give up (the caller continues in the log domain). */
export const OVER = 700;
const EXP_OVER = Math.exp(OVER);

// exp for kernel entries, x in [FLUSH, OVER]: x = (32 e + j) ln2 / 32 + r with |r| <= ln2 / 64,
// exp(x) = 2^e 2^(j/32) p(r), p the degree-6 Taylor polynomial (truncation < 4e-18 relative).
// Within 2 ulp of Math.exp (checked in the tests), 1.3-1.6x faster here; entries computed from
// x = (f + g - c) / eps already carry |x| ulp from the argument, up to 650 ulp.
const LN2_HI_32 = 0.6931471803691238 / 32; // fdlibm ln2_hi (low 21 bits zero: k * LN2_HI_32 is exact)
const LN2_LO_32 = 1.9082149292705877e-10 / 32;
const LOG2E_32 = 32 / Math.LN2;
const POW2_MIN = -940;
const POW2 = Float64Array.from({ length: 1024 - POW2_MIN }, (_, i) => 2 ** (i + POW2_MIN));
const POW2_32 = Float64Array.from({ length: 32 }, (_, j) => 2 ** (j / 32));

/** exp(x) for x in [-650, 700] (kernel entries; see above). @internal exported for the tests. */
export function kernelExp(x: number): number {
  const k = Math.floor(x * LOG2E_32 + 0.5);
  const r = x - k * LN2_HI_32 - k * LN2_LO_32;
  const j = k & 31;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720))))));
  return POW2[((k - j) >> 5) - POW2_MIN] * POW2_32[j] * p;
}

export interface StageResult {
  /** Iterations (fused u, v updates) done. */
  iterations: number;
  /** L1 marginal error (rows + columns) of the last iterate measured (after its u update), as in the log-domain path. */
  err: number;
  /** err fell below the stage tolerance. */
  stopped: boolean;
  /** The kernel would overflow (extreme weights): (f, g) are valid, continue in the log domain. */
  failed: boolean;
}

/**
 * Bound on the relative error of kernel entries after k successive 4th-power rebuilds from a kernel
 * built by exponentials (see `powerRebuild`): 8 x 4^k x 2^-53.
 */
export function powerErrorBound(k: number): number {
  return 8 * 4 ** k * 2 ** -53;
}

export class ScalingSinkhorn {
  private readonly I: Int32Array;
  private readonly J: Int32Array;
  private readonly n2: number;
  private readonly m2: number;
  /** Number of columns including zero weights. */
  private readonly mAll: number;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly logA: Float64Array;
  private readonly logB: Float64Array;
  private readonly fc: Float64Array;
  private readonly gc: Float64Array;
  private readonly u: Float64Array;
  private readonly v: Float64Array;
  private readonly K: Float64Array;
  private readonly rowBuf: Float64Array;
  private readonly colBuf: Float64Array;
  /** Scratch for the log-sum-exp terms of the exact row / column updates. */
  private readonly termsM: Float64Array;
  private readonly termsN: Float64Array;
  /** Row-error accumulator of {@link sweepRows}. */
  private readonly rowErr = new Float64Array(1);
  /** Kernel rebuilds (initial, per stage and per absorption), for diagnostics. */
  rebuilds = 0;
  /** Epsilon of the stage that left K, u, v describing the current potentials (0: none). */
  private kept = 0;

  /**
   * @param wa, wb normalised weights (sum 1) over all n / m points
   * @param row cost row i over all m columns (a view, valid until the next call)
   */
  constructor(
    private readonly cost: CostSpec,
    wa: Float64Array,
    wb: Float64Array,
    private readonly row: (i: number) => Float64Array,
  ) {
    const pos = (w: Float64Array) => Int32Array.from(Array.from(w.keys()).filter((k) => w[k] > 0));
    this.I = pos(wa);
    this.J = pos(wb);
    this.n2 = this.I.length;
    this.m2 = this.J.length;
    this.mAll = wb.length;
    this.a = Float64Array.from(this.I, (i) => wa[i]);
    this.b = Float64Array.from(this.J, (j) => wb[j]);
    this.logA = this.a.map(Math.log);
    this.logB = this.b.map(Math.log);
    this.fc = new Float64Array(this.n2);
    this.gc = new Float64Array(this.m2);
    this.u = new Float64Array(this.n2);
    this.v = new Float64Array(this.m2);
    this.K = new Float64Array(this.n2 * this.m2);
    this.rowBuf = new Float64Array(this.m2);
    this.colBuf = new Float64Array(this.n2);
    this.termsM = new Float64Array(this.m2);
    this.termsN = new Float64Array(this.n2);
  }

  /** Whether the positive-weight kernel of these weights has at most `maxEntries` entries (default {@link MAX_KERNEL_ENTRIES}). */
  static fits(wa: Float64Array, wb: Float64Array, maxEntries: number = MAX_KERNEL_ENTRIES): boolean {
    let n2 = 0;
    let m2 = 0;
    for (const w of wa) if (w > 0) n2++;
    for (const w of wb) if (w > 0) m2++;
    return n2 * m2 <= maxEntries;
  }

  /** Cost row of positive-weight row k over the positive-weight columns. */
  private crow(k: number): Float64Array {
    const r = this.row(this.I[k]);
    if (this.m2 === r.length) return r;
    const out = this.rowBuf;
    for (let l = 0; l < this.m2; l++) out[l] = r[this.J[l]];
    return out;
  }

  /** Kernel row k from fc[k], gc; false if it would overflow. */
  private buildRow(k: number, inv: number): boolean {
    const c = this.crow(k);
    const { K, gc, m2 } = this;
    const fk = this.fc[k];
    const base = k * m2;
    let ok = true;
    for (let l = 0; l < m2; l++) {
      const x = (fk + gc[l] - c[l]) * inv;
      if (x > OVER) ok = false;
      K[base + l] = x < FLUSH ? 0 : x > OVER ? Number.POSITIVE_INFINITY : kernelExp(x);
    }
    return ok;
  }

  /** Absorb u, v into the potentials (u = v = 1 afterwards). */
  private absorb(e: number): void {
    const { fc, gc, u, v } = this;
    for (let k = 0; k < this.n2; k++) fc[k] += e * Math.log(u[k]);
    for (let l = 0; l < this.m2; l++) gc[l] += e * Math.log(v[l]);
    u.fill(1);
    v.fill(1);
  }

  private rebuild(e: number): boolean {
    this.rebuilds++;
    const inv = 1 / e;
    let ok = true;
    for (let k = 0; k < this.n2; k++) if (!this.buildRow(k, inv)) ok = false;
    return ok;
  }

  /**
   * Kernel for the next epsilon stage, eps / 4, from the one left by the previous stage:
   * exp((f + g - c) / (eps / 4)) = (u_i K_ij v_j)^4, four multiplications per entry instead of an
   * exponential. Relative error per entry: delta' <= 4 delta + 10 u (u = 2^-53: two roundings in
   * u K v, two in the squarings), so after k such stages from a kernel built by exponentials of
   * arguments in [-1, 0] (delta_0 <= 4 u), delta_k <= 8 4^k u = 4^(k+1) x 2^-52 / 2: for the usual
   * max(c) / eps = 200 (k = 4), 2.3e-13, like an exponential of an argument of that size (|x| ulp).
   * The caller builds the last stage by exponentials unless {@link powerErrorBound} is far below its
   * tolerance. u = v = 1 afterwards.
   */
  private powerRebuild(): boolean {
    this.rebuilds++;
    const { K, u, v, n2, m2 } = this;
    let ok = true;
    for (let k = 0; k < n2; k++) {
      const uk = u[k];
      const base = k * m2;
      for (let l = 0; l < m2; l++) {
        const t = K[base + l] * uk * v[l];
        const t2 = t * t;
        const t4 = t2 * t2;
        if (!(t4 <= EXP_OVER)) ok = false;
        K[base + l] = t4 < EXP_FLUSH ? 0 : t4;
      }
    }
    u.fill(1);
    v.fill(1);
    return ok;
  }

  /** Exact update of f for row k against g_eff = gc + e log v; rebuilds its kernel row (u_k = 1). */
  private fixRow(k: number, e: number): boolean {
    const { gc, v, logB, m2 } = this;
    const inv = 1 / e;
    const c = this.crow(k);
    const t = this.termsM;
    for (let l = 0; l < m2; l++) t[l] = logB[l] + (gc[l] - c[l]) * inv + Math.log(v[l]);
    this.fc[k] = -e * logSumExp(t, 0, m2);
    this.u[k] = 1;
    return this.buildRow(k, inv);
  }

  /** Exact (log-sum-exp) update of g for column l against f_eff = fc + e log u; nothing is changed. */
  private colUpdate(l: number, e: number): number {
    const { fc, u, logA, n2 } = this;
    const inv = 1 / e;
    const j = this.J[l];
    const c = this.colBuf;
    for (let k = 0; k < n2; k++) c[k] = costAt(this.cost, this.I[k], j);
    const t = this.termsN;
    for (let k = 0; k < n2; k++) t[k] = logA[k] + (fc[k] - c[k]) * inv + Math.log(u[k]);
    return -e * logSumExp(t, 0, n2);
  }

  /** Sets g for column l to gNew with v_l = 1 and rebuilds its kernel column; false on overflow. */
  private setColumn(l: number, gNew: number, e: number): boolean {
    const { fc, n2, m2, K, I } = this;
    const inv = 1 / e;
    const j = this.J[l];
    this.gc[l] = gNew;
    this.v[l] = 1;
    let ok = true;
    for (let k = 0; k < n2; k++) {
      const x = (fc[k] + gNew - costAt(this.cost, I[k], j)) * inv;
      if (x > OVER) ok = false;
      K[k * m2 + l] = x < FLUSH ? 0 : x > OVER ? Number.POSITIVE_INFINITY : kernelExp(x);
    }
    return ok;
  }

  /**
   * The plan a_i u_i K_ij v_j b_j of the last completed stage, if it ran at eps (null otherwise):
   * its linear cost and L1 row / column errors (normalised weights), and the dense n x m plan
   * (times `total`) written into P when given. Same values as exp((f_i + g_j - c_ij) / eps) a_i b_j
   * from the returned potentials up to rounding (K carries |x| ulp from its exponent x, as that
   * exponential would), with n m multiply-adds instead of n m exponentials.
   */
  evaluate(eps: number, P: Float64Array | null, total: number): { linear: number; rowErr: number; colErr: number } | null {
    if (this.kept !== eps) return null;
    const { I, J, n2, m2, a, b, u, v, K } = this;
    const m = this.mAll;
    const bv = Float64Array.from(v, (x, l) => x * b[l]);
    const colTot = new Float64Array(m2);
    let linear = 0;
    let rowErr = 0;
    for (let k = 0; k < n2; k++) {
      const c = this.crow(k);
      const au = a[k] * u[k];
      const base = k * m2;
      let rs = 0;
      let lin = 0;
      for (let l = 0; l < m2; l++) {
        const p = au * K[base + l] * bv[l];
        rs += p;
        colTot[l] += p;
        lin += p * c[l];
      }
      linear += lin;
      rowErr += Math.abs(rs - a[k]);
      if (P) {
        const pb = I[k] * m;
        for (let l = 0; l < m2; l++) P[pb + J[l]] = au * K[base + l] * bv[l] * total;
      }
    }
    let colErr = 0;
    for (let l = 0; l < m2; l++) colErr += Math.abs(colTot[l] - b[l]);
    return { linear, rowErr, colErr };
  }

  /**
   * Up to `cap` iterations at regularisation e, starting from the potentials (f, g) (full length,
   * updated in place on return), stopping once the L1 marginal error of an iterate (u, v) is below
   * `stopTol`; half-steps over-relaxed by the schedule's omega (see `overRelaxation.ts`; 1 = plain Sinkhorn).
   */
  stage(f: Float64Array, g: Float64Array, e: number, cap: number, stopTol: number, exactKernel: boolean, schedule: OmegaSchedule): StageResult {
    const { I, J, n2, m2, a, b, fc, gc, u, v, K } = this;
    // K, u, v left by the previous stage at 4 e still describe (f, g) if nobody changed them
    let reuse = !exactKernel && this.kept === 4 * e;
    for (let k = 0; k < n2 && reuse; k++) reuse = f[I[k]] === fc[k];
    for (let l = 0; l < m2 && reuse; l++) reuse = g[J[l]] === gc[l];
    this.kept = 0;
    let failed: boolean;
    if (reuse) {
      failed = !this.powerRebuild();
    } else {
      for (let k = 0; k < n2; k++) fc[k] = f[I[k]];
      for (let l = 0; l < m2; l++) gc[l] = g[J[l]];
      u.fill(1);
      v.fill(1);
      failed = !this.rebuild(e);
    }
    const bv = new Float64Array(m2);
    const col = new Float64Array(m2);
    const gNew = new Float64Array(m2); // exact log-domain column updates (column sums outside [LO, HI])
    const fixed: number[] = [];
    let iterations = 0;
    let err = Infinity;
    let stopped = false;
    schedule.reset();
    while (!failed && iterations < cap) {
      const omega = schedule.omega;
      for (let l = 0; l < m2; l++) bv[l] = b[l] * v[l];
      col.fill(0);
      this.rowErr[0] = 0;
      // row half-step (u from v) fused with the column sums of the new plan (u, v)
      let rowErr = 0;
      for (let k = sweepRows(K, bv, a, u, col, m2, 0, n2, omega, this.rowErr); k < n2; k = sweepRows(K, bv, a, u, col, m2, k, n2, omega, this.rowErr)) {
        // a block with a row sum outside [LO, HI], or the last < BLOCK rows: one row at a time
        for (const end = Math.min(k + BLOCK, n2); k < end; k++) {
          const base = k * m2;
          let s = 0;
          for (let l = 0; l < m2; l++) s += K[base + l] * bv[l];
          if (s > LO && s < HI) {
            const uk = relaxedScaling(u[k], s, omega);
            u[k] = uk;
            rowErr += a[k] * Math.abs(uk * s - 1);
          } else if (!this.fixRow(k, e)) failed = true; // exact log-domain update of f_k, fresh kernel row (row exact)
          const w = a[k] * u[k];
          for (let q = 0; q < m2; q++) col[q] += w * K[base + q];
        }
      }
      rowErr += this.rowErr[0];
      this.rowErr[0] = 0;
      // L1 marginal error of the plan (u, v) just formed: rows from the sweep, columns here
      let colErr = 0;
      fixed.length = 0;
      for (let l = 0; l < m2; l++) {
        const c = col[l];
        if (c > LO && c < HI) colErr += b[l] * Math.abs(v[l] * c - 1);
        else {
          const g1 = this.colUpdate(l, e);
          gNew[l] = g1;
          fixed.push(l);
          colErr += b[l] * Math.abs(Math.expm1(Math.log(v[l]) + (gc[l] - g1) / e));
        }
      }
      err = rowErr + colErr;
      iterations++;
      // (exact even after a failure: rows and columns with overflowing kernel entries took exact updates)
      if (err < stopTol) {
        stopped = true; // (u, v) is the measured iterate: v is not updated
        break;
      }
      schedule.update(err);
      // column half-step (v from u)
      for (let l = 0; l < m2; l++) {
        const c = col[l];
        if (c > LO && c < HI) v[l] = relaxedScaling(v[l], c, omega);
      }
      for (const l of fixed) if (!this.setColumn(l, gNew[l], e)) failed = true;
      if (failed) break;
      let out = false;
      for (let k = 0; k < n2 && !out; k++) out = u[k] > TAU || u[k] < 1 / TAU;
      for (let l = 0; l < m2 && !out; l++) out = v[l] > TAU || v[l] < 1 / TAU;
      if (out) {
        this.absorb(e);
        if (!this.rebuild(e)) failed = true;
      }
    }
    // absorb into (f, g) but keep u, v: diag(u) K diag(v) is the kernel of the returned potentials
    for (let k = 0; k < n2; k++) f[I[k]] = fc[k] += e * Math.log(u[k]);
    for (let l = 0; l < m2; l++) g[J[l]] = gc[l] += e * Math.log(v[l]);
    if (!failed) this.kept = e;
    return { iterations, err, stopped, failed };
  }
}

/** Rows per block of {@link sweepRows}. */
export const BLOCK = 8;
const SUMS = new Float64Array(BLOCK);

/**
 * Over-relaxed scaling update: the plain one is 1 / s (s = current sum against the other scaling),
 * the current marginal ratio is u s = e^t, and the new scaling is (1 / s) e^{t'} with t' from
 * {@link relaxedRatio} (t' = (1 - omega) t, or 0 where the safeguard refuses).
 */
export function relaxedScaling(u: number, s: number, omega: number): number {
  const inv = 1 / s;
  if (omega === 1) return inv;
  const tp = relaxedRatio(Math.log(u * s), omega);
  return tp === 0 ? inv : inv * Math.exp(tp);
}

/**
 * Fused half-sweeps over rows from..to-1 of the row-major kernel K (m columns), eight rows at a
 * time (each bv and col element is then loaded once per eight rows; measured about 2x faster than
 * row by row, 10-15% faster than four rows): u_k = 1 / sum_l K_kl bv_l, then col_l += a_k u_k K_kl
 * while the rows are in cache (u over-relaxed by omega; the row L1 error of the new plan is added to
 * rowErr[0]). Returns the start of the first block it did not process (a row sum
 * outside [LO, HI], or fewer than eight rows left), or `to`; u and col are untouched for that block.
 */
export function sweepRows(
  K: Float64Array,
  bv: Float64Array,
  a: Float64Array,
  u: Float64Array,
  col: Float64Array,
  m: number,
  from: number,
  to: number,
  omega: number,
  rowErr: Float64Array,
): number {
  let k = from;
  const S = SUMS;
  for (; k + BLOCK <= to; k += BLOCK) {
    const b0 = k * m;
    const b1 = b0 + m;
    const b2 = b1 + m;
    const b3 = b2 + m;
    const b4 = b3 + m;
    const b5 = b4 + m;
    const b6 = b5 + m;
    const b7 = b6 + m;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    for (let l = 0; l < m; l++) {
      const t = bv[l];
      s0 += K[b0 + l] * t;
      s1 += K[b1 + l] * t;
      s2 += K[b2 + l] * t;
      s3 += K[b3 + l] * t;
      s4 += K[b4 + l] * t;
      s5 += K[b5 + l] * t;
      s6 += K[b6 + l] * t;
      s7 += K[b7 + l] * t;
    }
    const lo = Math.min(s0, s1, s2, s3, s4, s5, s6, s7);
    const hi = Math.max(s0, s1, s2, s3, s4, s5, s6, s7);
    if (!(lo > LO && hi < HI)) return k; // (NaN fails too)
    S[0] = s0;
    S[1] = s1;
    S[2] = s2;
    S[3] = s3;
    S[4] = s4;
    S[5] = s5;
    S[6] = s6;
    S[7] = s7;
    let re = 0;
    for (let r = 0; r < BLOCK; r++) {
      const s = S[r];
      const uk = relaxedScaling(u[k + r], s, omega);
      u[k + r] = uk;
      re += a[k + r] * Math.abs(uk * s - 1);
    }
    rowErr[0] += re;
    const w0 = a[k] * u[k];
    const w1 = a[k + 1] * u[k + 1];
    const w2 = a[k + 2] * u[k + 2];
    const w3 = a[k + 3] * u[k + 3];
    const w4 = a[k + 4] * u[k + 4];
    const w5 = a[k + 5] * u[k + 5];
    const w6 = a[k + 6] * u[k + 6];
    const w7 = a[k + 7] * u[k + 7];
    for (let q = 0; q < m; q++) {
      col[q] += w0 * K[b0 + q] + w1 * K[b1 + q] + (w2 * K[b2 + q] + w3 * K[b3 + q]) + (w4 * K[b4 + q] + w5 * K[b5 + q] + (w6 * K[b6 + q] + w7 * K[b7 + q]));
    }
  }
  return k;
}
