/**
 * Exact power-of-two rescaling of an optimal-transport cost, so that extreme but finite inputs
 * (coordinates near 1e200 or 1e-200) do not overflow or underflow when costs are formed.
 */
import type { CostSpec } from './costSpec.ts';

/** A cost multiplied by 2^(-log2Factor) (exactly, as long as no value becomes subnormal). */
export interface RescaledCost {
  cost: CostSpec;
  /**
   * c_ij(original) = 2^log2Factor * c_ij(rescaled). 0 when nothing was rescaled. Costs are homogeneous:
   * scaling points by 2^-k scales sqeuclidean costs by 2^-2k and euclidean costs by 2^-k.
   */
  log2Factor: number;
}

/** Largest |value| that is left alone: its square (a cost) stays far from overflow and underflow. */
const SAFE_HIGH = 2 ** 100;
const SAFE_LOW = 2 ** -100;

/**
 * Rescale a cost by an exact power of two when its values (cost matrix) or coordinates (point
 * clouds) exceed 2^100 or the largest is below 2^-100 in magnitude; otherwise return it unchanged.
 * Plans do not change under a positive scaling of all costs; the optimal cost and the dual
 * potentials scale by 2^log2Factor.
 */
export function rescaleCost(cost: CostSpec): RescaledCost {
  const values = cost.kind === 'matrix' ? [cost.matrix] : [cost.x.data, cost.y.data];
  let big = 0;
  for (const v of values) for (let t = 0; t < v.length; t++) big = Math.max(big, Math.abs(v[t]));
  if (big === 0 || (big <= SAFE_HIGH && big >= SAFE_LOW)) return { cost, log2Factor: 0 };
  // (clamped: 2^-k must stay finite for subnormal inputs)
  const k = Math.max(-1000, Math.floor(Math.log2(big)));
  const f = 2 ** -k;
  if (cost.kind === 'matrix') {
    return { cost: { kind: 'matrix', matrix: cost.matrix.map((c) => c * f), n: cost.n, m: cost.m }, log2Factor: k };
  }
  const x = { data: cost.x.data.map((c) => c * f), n: cost.x.n, dim: cost.x.dim };
  const y = { data: cost.y.data.map((c) => c * f), n: cost.y.n, dim: cost.y.dim };
  return { cost: { kind: cost.kind, x, y }, log2Factor: cost.kind === 'sqeuclidean' ? 2 * k : k };
}

/** v * 2^log2Factor, computed in two steps so an intermediate power of two does not overflow. */
export function scaleBack(v: number, log2Factor: number): number {
  if (log2Factor === 0) return v;
  const h = Math.trunc(log2Factor / 2);
  return v * 2 ** h * 2 ** (log2Factor - h);
}

/** Decimal text of v * 2^log2Factor, also when it lies outside the float64 range (e.g. "3.2e+400"). */
export function formatScaled(v: number, log2Factor: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(scaleBack(v, log2Factor));
  const e10 = Math.log10(Math.abs(v)) + log2Factor * Math.LOG10E * Math.LN2;
  const exp = Math.floor(e10);
  const mant = Math.sign(v) * 10 ** (e10 - exp);
  return `${mant.toPrecision(6)}e${exp >= 0 ? '+' : ''}${exp}`;
}
