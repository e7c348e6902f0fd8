/** Conditional moments of a linear-force process at one time (row-major matrices). */
export interface ProcessMoments {
  /** phi_t (dim x dim): mean map, mu_t(y) = phi_t y + shift_t. */
  phi: Float64Array;
  /** shift_t (dim). */
  shift: Float64Array;
  /** Sigma_t (dim x dim): covariance of x_t given x_0. */
  cov: Float64Array;
}

/** Coefficients of the moment equations. */
export interface MomentCoefficients {
  dim: number;
  forceMatrix: (t: number) => Float64Array;
  forceOffset: (t: number) => Float64Array;
  temperature: (t: number) => number;
}

/**
 * Integrate the moment equations of a linear-force process (paper Eqs. B3-B4) with classical RK4:
 * d(phi)/dt = A phi, d(shift)/dt = A shift + b, d(Sigma)/dt = A Sigma + Sigma A^T + 2 T I,
 * from `start` (default phi = I, shift = 0, Sigma = 0) at t0 to t1 in `steps` equal steps.
 *
 * @returns every step's moments when `all` (steps + 1 entries, t0 first), else only the last.
 */
export function integrateMoments(
  c: MomentCoefficients,
  t0: number,
  t1: number,
  steps: number,
  all: boolean,
  start?: ProcessMoments,
): ProcessMoments[] {
  const d = c.dim;
  const dd = d * d;
  const size = 2 * dd + d;
  const y = new Float64Array(size);
  if (start) {
    y.set(start.phi, 0);
    y.set(start.shift, dd);
    y.set(start.cov, dd + d);
  } else {
    for (let i = 0; i < d; i++) y[i * d + i] = 1;
  }
  const rhs = (t: number, s: Float64Array, out: Float64Array): void => {
    const A = c.forceMatrix(t);
    const b = c.forceOffset(t);
    const T = c.temperature(t);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let p = 0;
        let q = 0;
        for (let k = 0; k < d; k++) {
          p += A[i * d + k] * s[k * d + j];
          q += A[i * d + k] * s[dd + d + k * d + j] + s[dd + d + i * d + k] * A[j * d + k];
        }
        out[i * d + j] = p;
        out[dd + d + i * d + j] = q + (i === j ? 2 * T : 0);
      }
      let m = b[i];
      for (let k = 0; k < d; k++) m += A[i * d + k] * s[dd + k];
      out[dd + i] = m;
    }
  };
  const k1 = new Float64Array(size);
  const k2 = new Float64Array(size);
  const k3 = new Float64Array(size);
  const k4 = new Float64Array(size);
  const tmp = new Float64Array(size);
  const unpack = (s: Float64Array): ProcessMoments => ({
    phi: s.slice(0, dd),
    shift: s.slice(dd, dd + d),
    cov: s.slice(dd + d, size),
  });
  const outList: ProcessMoments[] = all ? [unpack(y)] : [];
  const h = (t1 - t0) / steps;
  for (let n = 0; n < steps; n++) {
    const t = t0 + n * h;
    rhs(t, y, k1);
    for (let i = 0; i < size; i++) tmp[i] = y[i] + 0.5 * h * k1[i];
    rhs(t + 0.5 * h, tmp, k2);
    for (let i = 0; i < size; i++) tmp[i] = y[i] + 0.5 * h * k2[i];
    rhs(t + 0.5 * h, tmp, k3);
    for (let i = 0; i < size; i++) tmp[i] = y[i] + h * k3[i];
    rhs(t + h, tmp, k4);
    for (let i = 0; i < size; i++) y[i] += (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    if (all) outList.push(unpack(y));
  }
  if (!all) outList.push(unpack(y));
  return outList;
}
