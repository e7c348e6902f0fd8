/**
 * sum_i w_i |v_i|^2 over n points of a row-major n x dim array `v` (the kinetic term T S_dot =
 * E_P |nu|^2 of a weighted node set or particle cloud, Eq. 66's integrand). Plain summation in index
 * order (the callers' results are bit-identical to their former inline loops).
 */
export function weightedMeanSquare(v: Float64Array, w: ArrayLike<number>, n: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let q = 0;
    for (let d = 0; d < dim; d++) q += v[i * dim + d] ** 2;
    s += w[i] * q;
  }
  return s;
}
