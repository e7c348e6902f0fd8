/**
 * What the n-D engine needs of an OT-protocol field (paper T4: the constant-speed W2 geodesic from
 * the data at t = 0 to the Gaussian end law at t = tau), whichever construction made it: the exact
 * semi-discrete one (`semiDiscreteOtField`, 2-D point clouds) or the kernel estimate of Eq. G19
 * (`otDisplacementField`, any dimension). Each states its own error.
 */
export interface OtProtocolField {
  /** `semi-discrete` (exact up to the solve tolerance) or `kernel` (Eq. G19 estimate). */
  readonly method: 'semi-discrete' | 'kernel';
  readonly dim: number;
  readonly tau: number;
  /** Smallest time at which velocity and density are finite (> 0 for point-mass data). */
  readonly tMin: number;
  /** W2^2(data, end law) of the construction (int E|nu_t|^2 dt = W2^2 / tau at constant speed). */
  readonly w2Sq: number;
  /**
   * The construction's own error estimates, e.g. `relativeMassError`, `tvError`, `w2SqError`
   * (semi-discrete) or `velocityL2Error`, `kineticEnergyDeficit` (kernel). Relative unless named
   * otherwise; see each field's TSDoc.
   */
  readonly errors: Readonly<Record<string, number>>;
  velocity(t: number, x: Float64Array, n: number, out?: Float64Array): Float64Array;
  logDensity(t: number, x: Float64Array, n: number, out?: Float64Array): Float64Array;
  /** div nu_t (for Liouville estimators: d ln P_t(x_t)/dt = -div nu_t(x_t)). */
  divergence?(t: number, x: Float64Array, n: number, out?: Float64Array): Float64Array;
}
