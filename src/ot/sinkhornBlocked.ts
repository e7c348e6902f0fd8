/**
 * Sinkhorn iterations with the kernel recomputed block by block, used by {@link sinkhorn} when the
 * kernel does not fit in memory (more than 2^27 entries).
 *
 * Each iteration runs over blocks of eight rows: the block's kernel rows
 * K_ij = exp((f_i + g_j - c_ij) / eps) are computed once (one exponential per entry, a
 * {@link kernelExp}) into an 8 x m buffer, which then serves both half-steps exactly as the stored
 * kernel does on the scaling path (`sweepRows`): the row sums give the new f_i, and the same rows,
 * still in cache, are accumulated into the column sums of the new plan. The potentials absorb the
 * scalings after every iteration (u = v = 1), so the kernel is always that of the current
 * potentials and never needs a rebuild. Per iteration: n m exponentials and cost evaluations
 * and 2 n m multiply-adds (the log domain needs 2 n m exponentials and costs). Rows or columns whose
 * sums leave [LO, HI] take an exact log-sum-exp update, as on the scaling path; a kernel entry that
 * would overflow (weights near the float64 limits) hands the solve over to the log domain.
 */
import { logSumExp } from '../core/special.ts';
import { type CostSpec, costAt } from './costSpec.ts';
import type { OmegaSchedule } from './overRelaxation.ts';
import * as scaling from './sinkhornScaling.ts';
import type { StageResult } from './sinkhornScaling.ts';

// module-local copies of the scaling path's constants and kernels: imported bindings can be
// accessor calls in the hot loops (measured 4-8x slower per kernel entry under tsx)
const { BLOCK, FLUSH, HI, LO, OVER } = scaling;
const kernelExp = scaling.kernelExp;
const relaxedScaling = scaling.relaxedScaling;
const sweepRows = scaling.sweepRows;

export class BlockedSinkhorn {
  private readonly I: Int32Array;
  private readonly J: Int32Array;
  private readonly n2: number;
  private readonly m2: number;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly logA: Float64Array;
  private readonly logB: Float64Array;
  private readonly fc: Float64Array;
  private readonly gc: Float64Array;
  private readonly u: Float64Array;
  private readonly buf: Float64Array;
  private readonly rowBuf: Float64Array;
  private readonly termsM: Float64Array;
  private readonly termsN: Float64Array;
  private readonly rowErr = new Float64Array(1);

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
    this.a = Float64Array.from(this.I, (i) => wa[i]);
    this.b = Float64Array.from(this.J, (j) => wb[j]);
    this.logA = this.a.map(Math.log);
    this.logB = this.b.map(Math.log);
    this.fc = new Float64Array(this.n2);
    this.gc = new Float64Array(this.m2);
    this.u = new Float64Array(this.n2);
    this.buf = new Float64Array(BLOCK * this.m2);
    this.rowBuf = new Float64Array(this.m2);
    this.termsM = new Float64Array(this.m2);
    this.termsN = new Float64Array(this.n2);
  }

  /** Cost row of positive-weight row k over the positive-weight columns. */
  private crow(k: number): Float64Array {
    const r = this.row(this.I[k]);
    if (this.m2 === r.length) return r;
    const out = this.rowBuf;
    for (let l = 0; l < this.m2; l++) out[l] = r[this.J[l]];
    return out;
  }

  /** Kernel row k into buf row r from fc[k], gc; false if an entry would overflow. */
  private fillRow(k: number, r: number, inv: number): boolean {
    const c = this.crow(k);
    const { buf, gc, m2 } = this;
    const fk = this.fc[k];
    const base = r * m2;
    let ok = true;
    for (let l = 0; l < m2; l++) {
      const x = (fk + gc[l] - c[l]) * inv;
      if (x > OVER) ok = false;
      buf[base + l] = x < FLUSH ? 0 : x > OVER ? Number.POSITIVE_INFINITY : kernelExp(x);
    }
    return ok;
  }

  /** Exact (log-sum-exp) update of f for row k against gc. */
  private rowUpdate(k: number, e: number): number {
    const { gc, logB, m2 } = this;
    const inv = 1 / e;
    const c = this.crow(k);
    const t = this.termsM;
    for (let l = 0; l < m2; l++) t[l] = logB[l] + (gc[l] - c[l]) * inv;
    return -e * logSumExp(t, 0, m2);
  }

  /** Exact (log-sum-exp) update of g for column l against f_eff = fc + e log u. */
  private colUpdate(l: number, e: number): number {
    const { fc, u, logA, n2 } = this;
    const inv = 1 / e;
    const j = this.J[l];
    const t = this.termsN;
    for (let k = 0; k < n2; k++) t[k] = logA[k] + (fc[k] - costAt(this.cost, this.I[k], j)) * inv + Math.log(u[k]);
    return -e * logSumExp(t, 0, n2);
  }

  /**
   * Up to `cap` iterations at regularisation e from the potentials (f, g) (full length, updated in
   * place on return), stopping once the L1 marginal error of an iterate is below `stopTol`; the
   * same iteration, over-relaxation and stopping rule as `ScalingSinkhorn.stage`.
   */
  stage(f: Float64Array, g: Float64Array, e: number, cap: number, stopTol: number, _last: boolean, schedule: OmegaSchedule): StageResult {
    const { I, J, n2, m2, a, b, fc, gc, u, buf } = this;
    const inv = 1 / e;
    for (let k = 0; k < n2; k++) fc[k] = f[I[k]];
    for (let l = 0; l < m2; l++) gc[l] = g[J[l]];
    const col = new Float64Array(m2);
    const gNew = new Float64Array(m2);
    const fixed: number[] = [];
    let iterations = 0;
    let err = Infinity;
    let stopped = false;
    let failed = false;
    schedule.reset();
    while (!failed && iterations < cap) {
      const omega = schedule.omega;
      col.fill(0);
      u.fill(1);
      this.rowErr[0] = 0;
      let rowErr = 0;
      for (let k0 = 0; k0 < n2; k0 += BLOCK) {
        const rows = Math.min(BLOCK, n2 - k0);
        for (let r = 0; r < rows; r++) if (!this.fillRow(k0 + r, r, inv)) failed = true;
        // v = 1: the row sums are against b; u_old = 1
        const done = rows === BLOCK ? sweepRows(buf, b, a.subarray(k0, k0 + BLOCK), u.subarray(k0, k0 + BLOCK), col, m2, 0, BLOCK, omega, this.rowErr) : 0;
        if (done === BLOCK) continue;
        for (let r = 0; r < rows; r++) {
          const k = k0 + r;
          const base = r * m2;
          let s = 0;
          for (let l = 0; l < m2; l++) s += buf[base + l] * b[l];
          if (s > LO && s < HI) {
            const uk = relaxedScaling(1, s, omega);
            u[k] = uk;
            rowErr += a[k] * Math.abs(uk * s - 1);
          } else {
            // exact update of f_k (row exact afterwards), fresh kernel row
            fc[k] = this.rowUpdate(k, e);
            if (!this.fillRow(k, r, inv)) failed = true;
          }
          const w = a[k] * u[k];
          for (let q = 0; q < m2; q++) col[q] += w * buf[base + q];
        }
      }
      rowErr += this.rowErr[0];
      let colErr = 0;
      fixed.length = 0;
      for (let l = 0; l < m2; l++) {
        const c = col[l];
        if (c > LO && c < HI) colErr += b[l] * Math.abs(c - 1);
        else {
          const g1 = this.colUpdate(l, e);
          gNew[l] = g1;
          fixed.push(l);
          colErr += b[l] * Math.abs(Math.expm1((gc[l] - g1) * inv));
        }
      }
      err = rowErr + colErr;
      iterations++;
      // absorb u: (fc, gc) are the potentials of the measured iterate
      for (let k = 0; k < n2; k++) fc[k] += e * Math.log(u[k]);
      if (err < stopTol) {
        stopped = true;
        break;
      }
      schedule.update(err);
      for (let l = 0; l < m2; l++) {
        const c = col[l];
        if (c > LO && c < HI) gc[l] += e * Math.log(relaxedScaling(1, c, omega));
      }
      for (const l of fixed) gc[l] = gNew[l];
    }
    for (let k = 0; k < n2; k++) f[I[k]] = fc[k];
    for (let l = 0; l < m2; l++) g[J[l]] = gc[l];
    return { iterations, err, stopped, failed };
  }
}
