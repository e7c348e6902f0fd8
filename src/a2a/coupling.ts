/**
 * The A2A-FM coupling (Ikeda et al. 2025, Eq. 11): pairwise optimal transports between all
 * condition pairs, learned from two plain batches of (x, c) samples.
 *
 * Two batches B1 = {(x1_i, c1_i)} and B2 = {(x2_i, c2_i)} of equal size N. Row i carries the
 * condition pair z_i = (c1_i, c2_i) (c1 from B1, c2 from B2, the same index). Source item i is
 * (x1_i, z_i), target item j is (x2_j, z_j): the target row j is tagged with B1's j-th
 * condition, not with a condition of x2_j. The coupling is the permutation
 *
 *   pi* = argmin_pi sum_i |x1_i - x2_pi(i)|^2 + beta (|c1_i - c1_pi(i)|^2 + |c2_i - c2_pi(i)|^2).
 *
 * `beta` is in the PAPER's convention (the weight of the squared condition distance). The
 * reference code multiplies the conditions by a factor b before a squared Euclidean cost, so
 * beta_paper = b^2 ({@link betaFromCodeScale}). Default rule (paper Sec. 3.3): beta = N^(1/(2 d_c)).
 *
 * Large beta forces z_pi(i) ~ z_i, so x1_i (condition c1_i) is matched to a target x2_pi(i) whose
 * own condition c2_pi(i) ~ c2_i; for finite C and beta -> infinity the problem splits into one
 * exact OT problem per class pair (paper Sec. 3.2). Solved exactly with the assignment solver of
 * src/ot (sparse candidates plus full pricing passes, certified optimal).
 */
import { InputError, NumericalError } from '../core/errors.ts';
import { makePoints } from '../core/points.ts';
import { solveAssignment } from '../ot/assignment.ts';
import { minibatchAssignment } from '../nn/train/minibatchAssignment.ts';
import { blockAssignment } from './blockAssignment.ts';

/** A set of n samples x (n x dx, row-major) with conditions c (n x dc, row-major). */
export interface ConditionalSamples {
  x: Float64Array;
  c: Float64Array;
  n: number;
  dx: number;
  dc: number;
}

/** Result of {@link a2aCoupling}. */
export interface A2ACouplingResult {
  /** perm[i] = index into B2 of the target matched to row i. */
  perm: Int32Array;
  /** Optimal total cost sum_i (|dx|^2 + beta (|dc1|^2 + |dc2|^2)). */
  cost: number;
  /** Which exact solver ran. */
  solver: 'blocks' | 'sparse' | 'dense';
}

/** Options of {@link a2aCoupling}. */
export interface A2ACouplingOptions {
  /** Weight of the squared condition distance, paper convention (default N^(1/(2 d_c))). */
  beta?: number;
  /**
   * Exact solver: `sparse` (src/ot solveAssignment: candidate lists + full pricing passes, O(N k)
   * memory), `dense` (the dense Jonker-Volgenant minibatch solver on an N x N matrix), `blocks`
   * (grouped conditions: one assignment per condition pair plus a global optimality certificate,
   * see blockAssignment.ts; falls back to `sparse` when the certificate fails), or `auto` (default:
   * `blocks` when the rows hold at most N/16 distinct condition pairs, else dense up to N = 1500,
   * sparse above; measured in bench/a2a.bench.ts).
   */
  solver?: 'auto' | 'blocks' | 'sparse' | 'dense';
}

/** The paper's default rule beta = N^(1/(2 d_c)) (Sec. 3.3; App. A.3 shows beta = O(N^(1/d_c)) is necessary). */
export function defaultBeta(n: number, dc: number): number {
  if (!Number.isInteger(n) || n < 1) throw new InputError(`expected a batch size >= 1, got ${n}`, 'defaultBeta');
  if (!Number.isInteger(dc) || dc < 1) throw new InputError(`expected a condition dimension >= 1, got ${dc}`, 'defaultBeta');
  return n ** (1 / (2 * dc));
}

/** The reference code's condition scale b (conditions multiplied by b) as a paper beta: beta = b^2. */
export function betaFromCodeScale(b: number): number {
  return b * b;
}

/**
 * Check a {@link ConditionalSamples}: sizes, finite values.
 * @throws InputError naming `where`.
 */
export function checkConditionalSamples(s: ConditionalSamples, where: string): void {
  if (!Number.isInteger(s.n) || s.n < 1) throw new InputError(`expected n >= 1 samples, got ${s.n}`, where);
  if (!Number.isInteger(s.dx) || s.dx < 1) throw new InputError(`expected dx >= 1, got ${s.dx}`, where);
  if (!Number.isInteger(s.dc) || s.dc < 1) throw new InputError(`expected dc >= 1, got ${s.dc}`, where);
  if (s.x.length !== s.n * s.dx) throw new InputError(`x has ${s.x.length} values, expected ${s.n}x${s.dx}`, where);
  if (s.c.length !== s.n * s.dc) throw new InputError(`c has ${s.c.length} values, expected ${s.n}x${s.dc}`, where);
  for (let i = 0; i < s.x.length; i++) {
    if (!Number.isFinite(s.x[i])) throw new InputError(`expected finite x, got ${s.x[i]} at row ${Math.floor(i / s.dx)}`, where);
  }
  for (let i = 0; i < s.c.length; i++) {
    if (!Number.isFinite(s.c[i])) throw new InputError(`expected finite c, got ${s.c[i]} at row ${Math.floor(i / s.dc)}`, where);
  }
}

/**
 * Augmented points [x, sqrt(beta) c1, sqrt(beta) c2] (n x (dx + 2 dc)) whose squared Euclidean
 * distances are the A2A costs: row i takes x from `xs`, c1 from b1.c and c2 from b2.c (both at i).
 */
function augment(xs: ConditionalSamples, b1: ConditionalSamples, b2: ConditionalSamples, beta: number): Float64Array {
  const { n, dx, dc } = b1;
  const w = dx + 2 * dc;
  const s = Math.sqrt(beta);
  const out = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dx; k++) out[i * w + k] = xs.x[i * dx + k];
    for (let k = 0; k < dc; k++) {
      out[i * w + dx + k] = s * b1.c[i * dc + k];
      out[i * w + dx + dc + k] = s * b2.c[i * dc + k];
    }
  }
  return out;
}

/**
 * The A2A cost matrix C[i, j] = |x1_i - x2_j|^2 + beta (|c1_i - c1_j|^2 + |c2_i - c2_j|^2),
 * row-major N x N (c1 from b1, c2 from b2; see the file comment). For tests and small N.
 */
export function a2aCostMatrix(b1: ConditionalSamples, b2: ConditionalSamples, beta: number): Float64Array {
  const { n, dx, dc } = b1;
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sx = 0;
      for (let k = 0; k < dx; k++) {
        const d = b1.x[i * dx + k] - b2.x[j * dx + k];
        sx += d * d;
      }
      let sc = 0;
      for (let k = 0; k < dc; k++) {
        const d1 = b1.c[i * dc + k] - b1.c[j * dc + k];
        const d2 = b2.c[i * dc + k] - b2.c[j * dc + k];
        sc += d1 * d1 + d2 * d2;
      }
      C[i * n + j] = sx + beta * sc;
    }
  }
  return C;
}

/**
 * Solve the A2A coupling exactly (Eq. 11).
 * @param b1 source batch (x1, c1), @param b2 target batch (x2, c2), same n, dx, dc.
 * @returns the permutation pi* (row i -> B2 index) and its cost. The training pair of row i is
 *   x1_i -> x2_pi(i) under the conditions (c1_i, c2_pi(i)) (the matched target's actual condition).
 * @throws InputError for mismatched or non-finite batches or beta <= 0 / non-finite;
 *   NumericalError if the exact solver does not certify its result.
 */
export function a2aCoupling(b1: ConditionalSamples, b2: ConditionalSamples, opts: A2ACouplingOptions = {}): A2ACouplingResult {
  checkConditionalSamples(b1, 'a2aCoupling.b1');
  checkConditionalSamples(b2, 'a2aCoupling.b2');
  if (b1.n !== b2.n) throw new InputError(`batches must have equal size, got ${b1.n} and ${b2.n}`, 'a2aCoupling');
  if (b1.dx !== b2.dx) throw new InputError(`x dimensions differ: ${b1.dx} vs ${b2.dx}`, 'a2aCoupling');
  if (b1.dc !== b2.dc) throw new InputError(`condition dimensions differ: ${b1.dc} vs ${b2.dc}`, 'a2aCoupling');
  const beta = opts.beta ?? defaultBeta(b1.n, b1.dc);
  if (!(Number.isFinite(beta) && beta > 0)) throw new InputError(`expected beta > 0 (paper convention), got ${beta}`, 'a2aCoupling.beta');
  const n = b1.n;
  const w = b1.dx + 2 * b1.dc;
  const src = augment(b1, b1, b2, beta);
  const tgt = augment(b2, b1, b2, beta);
  const choice = opts.solver ?? 'auto';
  let solver: A2ACouplingResult['solver'] = choice === 'auto' ? (n <= 1500 ? 'dense' : 'sparse') : choice === 'blocks' ? 'sparse' : choice;
  let perm: Int32Array | null = null;
  if (choice === 'auto' || choice === 'blocks') {
    const r = blockAssignment(src, tgt, n, w, b1.dx, choice === 'blocks' ? n : Math.floor(n / 16));
    if (r.perm) {
      perm = r.perm;
      solver = 'blocks';
    }
  }
  if (perm) {
    // certified by blockAssignment
  } else if (solver === 'dense') {
    const C = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < w; k++) {
          const d = src[i * w + k] - tgt[j * w + k];
          s += d * d;
        }
        C[i * n + j] = s;
      }
    }
    perm = minibatchAssignment(C, n);
  } else {
    const r = solveAssignment({ kind: 'sqeuclidean', x: makePoints(src, n, w), y: makePoints(tgt, n, w) });
    if (!r.converged) throw new NumericalError(`a2aCoupling: the assignment solver did not converge (n = ${n}, beta = ${beta})`);
    perm = r.rowToCol;
  }
  let cost = 0;
  for (let i = 0; i < n; i++) {
    const j = perm[i];
    let s = 0;
    for (let k = 0; k < w; k++) {
      const d = src[i * w + k] - tgt[j * w + k];
      s += d * d;
    }
    cost += s;
  }
  return { perm, cost, solver };
}
