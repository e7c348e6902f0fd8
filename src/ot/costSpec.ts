/**
 * How the ground cost c(i, j) between source point i and target point j is given.
 */
import { InputError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';

/**
 * Ground cost of an optimal-transport problem.
 * - `sqeuclidean`: c(i, j) = |x_i - y_j|^2 (the optimal cost is W2^2);
 * - `euclidean`: c(i, j) = |x_i - y_j| (the optimal cost is W1);
 * - `matrix`: a user cost, row-major `matrix[i * m + j]`, n x m.
 */
export type CostSpec =
  | { kind: 'sqeuclidean' | 'euclidean'; x: Points; y: Points }
  | { kind: 'matrix'; matrix: Float64Array; n: number; m: number };

/** Number of source (n) and target (m) points of a cost. */
export function costShape(cost: CostSpec): { n: number; m: number } {
  return cost.kind === 'matrix' ? { n: cost.n, m: cost.m } : { n: cost.x.n, m: cost.y.n };
}

/**
 * Validate a cost: matching dimensions, finite values, at least one point per side.
 * @throws InputError
 */
export function validateCost(cost: CostSpec, where = 'cost'): void {
  if (cost.kind === 'matrix') {
    const { matrix, n, m } = cost;
    if (!Number.isInteger(n) || !Number.isInteger(m) || n < 1 || m < 1) {
      throw new InputError(`expected n, m >= 1, got n=${n}, m=${m}`, where);
    }
    if (matrix.length !== n * m) throw new InputError(`expected ${n}x${m} = ${n * m} costs, got ${matrix.length}`, where);
    for (let i = 0; i < matrix.length; i++) {
      if (!Number.isFinite(matrix[i])) {
        throw new InputError(`expected finite costs, got ${matrix[i]} at (${Math.floor(i / m)}, ${i % m})`, where);
      }
    }
    return;
  }
  if (cost.kind !== 'sqeuclidean' && cost.kind !== 'euclidean') {
    throw new InputError(`unknown cost kind ${JSON.stringify((cost as { kind: unknown }).kind)}; expected sqeuclidean, euclidean or matrix`, where);
  }
  const { x, y } = cost;
  if (x.dim !== y.dim) throw new InputError(`point dimensions differ: x has dim ${x.dim}, y has dim ${y.dim}`, where);
  if (x.n < 1 || y.n < 1) throw new InputError(`expected at least one point on each side, got n=${x.n}, m=${y.n}`, where);
  for (const [name, p] of [['x', x], ['y', y]] as const) {
    if (p.data.length !== p.n * p.dim) throw new InputError(`${name} has ${p.data.length} values, expected ${p.n}x${p.dim}`, where);
    for (let i = 0; i < p.data.length; i++) {
      if (!Number.isFinite(p.data[i])) {
        throw new InputError(`expected finite coordinates, got ${p.data[i]} in ${name} at point ${Math.floor(i / p.dim)}`, where);
      }
    }
  }
}

/** c(i, j) for one pair (slow path; solvers inline their own loops). */
export function costAt(cost: CostSpec, i: number, j: number): number {
  if (cost.kind === 'matrix') return cost.matrix[i * cost.m + j];
  const d = cost.x.dim;
  const xd = cost.x.data;
  const yd = cost.y.data;
  let s = 0;
  for (let k = 0; k < d; k++) {
    const t = xd[i * d + k] - yd[j * d + k];
    s += t * t;
  }
  return cost.kind === 'sqeuclidean' ? s : Math.sqrt(s);
}

/**
 * Fill one row of the cost: out[j] = c(i, j) for j < m. Used by the solvers and the certificate
 * so that every part of the code sees bit-identical costs.
 */
export function costRow(cost: CostSpec, i: number, out: Float64Array): Float64Array {
  if (cost.kind === 'matrix') {
    out.set(cost.matrix.subarray(i * cost.m, (i + 1) * cost.m));
    return out;
  }
  const d = cost.x.dim;
  const xd = cost.x.data;
  const yd = cost.y.data;
  const m = cost.y.n;
  const sq = cost.kind === 'sqeuclidean';
  if (d === 2) {
    const a0 = xd[2 * i];
    const a1 = xd[2 * i + 1];
    for (let j = 0; j < m; j++) {
      const t0 = a0 - yd[2 * j];
      const t1 = a1 - yd[2 * j + 1];
      const s = t0 * t0 + t1 * t1;
      out[j] = sq ? s : Math.sqrt(s);
    }
    return out;
  }
  const base = i * d;
  for (let j = 0; j < m; j++) {
    let s = 0;
    const jb = j * d;
    for (let k = 0; k < d; k++) {
      const t = xd[base + k] - yd[jb + k];
      s += t * t;
    }
    out[j] = sq ? s : Math.sqrt(s);
  }
  return out;
}

/** The dense n x m cost matrix (row-major). Memory: 8 n m bytes. */
export function costMatrix(cost: CostSpec): Float64Array {
  if (cost.kind === 'matrix') return cost.matrix;
  const { n, m } = costShape(cost);
  const out = new Float64Array(n * m);
  const row = new Float64Array(m);
  for (let i = 0; i < n; i++) out.set(costRow(cost, i, row), i * m);
  return out;
}
