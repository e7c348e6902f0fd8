/**
 * Entropic OT plan between two uniform batches of equal size B (Sinkhorn-Knopp scaling):
 *   P = diag(u) K diag(v),  K_ij = exp(-(C_ij - min C) / eps),
 * alternating v = (1/B) / (K^T u), u = (1/B) / (K v) until the row sums match 1/B to a relative
 * `tol` (checked every 10 iterations) or `maxIter`. The kernel is shifted by min C, so with
 * eps = 0.05 * mean cost (the coupling's default) entries stay far above the float64 underflow
 * (exp(-700)) unless max C > 35 * mean C. Returns the dense plan (B*B, row-major, total mass 1).
 * Used only for the `sinkhorn` coupling of minibatches.
 * @throws RangeError if eps <= 0 or the kernel underflows (a row or column of zeros).
 */
export function sinkhornRowPlan(cost: Float64Array, B: number, eps: number, tol = 1e-6, maxIter = 1000): Float64Array {
  if (!(eps > 0)) throw new RangeError(`sinkhorn: eps must be > 0, got ${eps}`);
  let cmin = Infinity;
  for (let i = 0; i < cost.length; i++) cmin = Math.min(cmin, cost[i]);
  const K = new Float64Array(B * B);
  for (let i = 0; i < K.length; i++) K[i] = Math.exp(-(cost[i] - cmin) / eps);
  const u = new Float64Array(B).fill(1);
  const v = new Float64Array(B).fill(1);
  const tmp = new Float64Array(B);
  for (let it = 0; it < maxIter; it++) {
    tmp.fill(0);
    for (let i = 0; i < B; i++) {
      const ui = u[i];
      for (let j = 0; j < B; j++) tmp[j] += K[i * B + j] * ui;
    }
    for (let j = 0; j < B; j++) {
      if (!(tmp[j] > 0)) throw new RangeError('sinkhorn: kernel underflow (increase the regularisation)');
      v[j] = 1 / B / tmp[j];
    }
    let err = 0;
    for (let i = 0; i < B; i++) {
      let s = 0;
      for (let j = 0; j < B; j++) s += K[i * B + j] * v[j];
      if (!(s > 0)) throw new RangeError('sinkhorn: kernel underflow (increase the regularisation)');
      err = Math.max(err, Math.abs(u[i] * s * B - 1));
      u[i] = 1 / B / s;
    }
    if (err < tol) break;
  }
  const P = new Float64Array(B * B);
  for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) P[i * B + j] = u[i] * K[i * B + j] * v[j];
  return P;
}
