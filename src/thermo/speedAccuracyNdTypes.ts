/** One numerical self-check of a run. */
export interface SpeedAccuracyNdCheck {
  name: string;
  value: number;
  tolerance: number;
  ok: boolean;
}

/**
 * Result of {@link speedAccuracyNd}: the keys of the 1-D `SpeedAccuracyResult` plus
 * `housekeeping`, `v2Method` and n-D snapshots (2-D histograms).
 */
export interface SpeedAccuracyNdResult {
  protocol: string;
  tau: number;
  dim: number;
  d0: number;
  /** Monte Carlo D0 = E_{tilde P}[tilde P / P_tau] - 1 and its standard error (cross-check). */
  d0MonteCarlo: { value: number; stderr: number };
  w1Start: number;
  w1End: number;
  deltaW1: number;
  eta: number;
  c1: number;
  /** int v2^2 dt = wD - housekeeping. */
  c2: number;
  wD: number;
  /** int housekeeping rate dt. */
  housekeeping: number;
  /** How v2 / housekeeping were obtained (per-time methods, comma-joined when mixed). */
  v2Method: string;
  /** eta <= c1 <= wD (and c1 <= c2 when conservative), with slack {@link CHAIN_SLACK_ND}. */
  chainHolds: boolean;
  conservative: boolean;
  curves: {
    /** W1 times (forward). */
    t: number[];
    w1: number[];
    /** vLoss^2 on the midpoints tMid of the W1 times. */
    tMid: number[];
    vLossSq: number[];
    /** T S_dot (Monte Carlo over the true particles) on the step grid tGrid. */
    tGrid: number[];
    tsDot: number[];
    /** Excess/housekeeping split at the times tSplit. */
    tSplit: number[];
    v2sq: number[];
    housekeepingRate: number[];
    /** Kept for the 1-D key set: v2sq interpolated on `t`. */
  };
  snapshots: {
    tOverTau: number[];
    /** Histogram box [x0, x1, y0, y1] and cells per axis (2-D only; empty otherwise). */
    box: number[];
    cells: number;
    /**
     * Probability per cell, row-major iy * cells + ix, one array per snapshot time. Forward: exact
     * density x cell area where the grid resolves it, else the weighted particle histogram;
     * estimated: weighted particle histogram.
     */
    forward: number[][];
    estimated: number[][];
  };
  checks: SpeedAccuracyNdCheck[];
  /** Which estimator ran: `quadrature` (deterministic node grid, d <= 3) or `particles`. */
  estimator: 'quadrature' | 'particles';
  /**
   * Estimated relative error of each reported number (|estimate - truth| / |estimate|), from two
   * resolutions: keys d0, w1Start, w1End, deltaW1, eta, c1, c2, wD, housekeeping (absolute error
   * divided by wD for housekeeping when it is 0).
   */
  errors: Record<string, number>;
  /** Names of the quantities whose estimated relative error exceeds {@link FLAG_RELATIVE_ERROR}. */
  flagged: string[];
  /**
   * The values at each resolution behind `errors` (label -> quantity -> value); `blob` (2-D
   * point-mass data, quadrature estimator) holds the per-blob W1 details: `blobW1EndLow` / `blobW1EndHigh`
   * (Gauss-Hermite orders low / high; W1End is the high one), `blobTimes` (W1 times taken from the
   * blobs), `blobMassSum`, `w1StartLattice64` / `w1StartLattice80`, and the per-blob T S_dot: `tsDotBlobTimes`
   * (leading ODE-grid times whose T S_dot is the blobs'), `wDLateFromBlobs` (1 when the rest of wD is the
   * blobs' Simpson integral over their late steps), `wDBlobLateLow` / `wDBlobLateHigh` (that integral at the two levels).
   * `d0` (3-D quadrature): D0 on its own lattice (src/thermo/d0LatticeNd.ts): `value`, `err` (absolute,
   * = `spread` + `tail` + `rounding`), `level0` / `level1` (primary / half-cell-shifted lattice, or
   * Gauss-Legendre orders 10 / 16 for a uniform-box start, `uniformBox` 1), `cellsX/Y/Z`; there
   * `values.d0` is [coarse W1 lattice, fine W1 lattice, own lattice (reported)].
   */
  convergence: { levels: string[]; values: Record<string, number[]>; blob?: Record<string, number>; d0?: Record<string, number> };
  settings: Record<string, number | string>;
  seconds: Record<string, number>;
}

/** Options of {@link speedAccuracyNd}. */
export interface SpeedAccuracyNdOptions {
  /** `quadrature` (default in 1-3 D) or `particles` (default, and the only choice, in d > 3). */
  estimator?: 'quadrature' | 'particles';
  /** Quadrature: nodes per axis of the fine level. @default 48 in 2-D, 24 in 3-D, 400 in 1-D */
  cells?: number;
  /**
   * Quadrature, 2-D point-mass data: Gauss-Hermite orders per blob of the two resolutions of the
   * per-blob W1 (W1End and the early W1 times) and T S_dot (wD); `false` turns the per-blob nodes off. @default [4, 5]
   */
  blobOrders?: [number, number] | false;
  /**
   * Quadrature, 2-D point-mass data: W1 between ~0.06 and 0.3 tau by exact OT over the individual
   * Gauss-Hermite node masses (16,000 / 25,000 nodes for 1000 blobs; docs/multid.md "point-mass data")
   * instead of the lattice, with a per-time choice of the smaller stated error: the W1 entering c1
   * (c1 = int_0^tau v_loss^2 dt of the chain eta <= c1 <= wD, Eq. 81) is then resolved per Swiss-roll draw (g = 0 / 3, exactly
   * equal by Eq. 99, agree to 0.2 %, stated 0.7-1.0 %). `false` takes the 48 / 36 lattice there, which is
   * not converged (c1 g = 0 / 3 up to 5-10 % apart), for ~25-35 % less CPU (Swiss roll, 1000 points: ~100 s
   * against ~130 s per run; 500 points: 34 against 52 s). @default true
   */
  nodeW1?: boolean;
  /**
   * Quadrature: add the whole coarse-to-fine change of the W1-derived numbers (|X_fine - X_coarse| of
   * W1Start, W1End, Delta W1, eta and c1, before extrapolation) to their stated errors, for flows whose
   * lattice W1 is not in the asymptotic regime of the order band (`extrapolateLatticeW1`). Measured for
   * the OT protocol's kernel flow on the Swiss roll (docs/multid.md "Results"): its W1 at t = 0 moves
   * erratically with the node count (eta unextrapolated, draw 1: 0.00416 / 0.00424 / 0.00425 / 0.00422 /
   * 0.00423 at 48 / 64 / 72 / 96 / 128 nodes per axis; draw 2: 72 nodes 9 % below 48, 64 and 96), so the
   * band alone stated eta to 0.15-0.35 % where the 64/48 and 96/72 values are 3 % apart (draw 1). The
   * change is an error scale, not a bound: two levels can agree by chance. No effect with per-blob W1
   * (2-D point-mass data), whose errors have their own rule. @default false
   */
  w1RefinementError?: boolean;
  /** Quadrature: nodes per axis of the coarse level (the error estimate). @default 3/4 of `cells`, rounded to the same parity */
  coarseCells?: number;
  /**
   * Set by {@link speedAccuracyNd}: the D0 Monte Carlo estimator has finite variance (every
   * perturbation variance < 1.5 x the smallest component variance of P_tau), so its check is printed.
   */
  mcVarianceFinite?: boolean;
  /** Quadrature: node box half-width in standard deviations of the widest component. @default 6 */
  halfWidth?: number;
  /** Particles in each reverse cloud (true and estimated). @default 1000 */
  nParticles?: number;
  /** RK4 steps (union of a log-spaced and a uniform grid on [tMin, tau]). @default 120 */
  steps?: number;
  /** Number of times where W1 is computed by exact OT. @default 30 (24 for the 3-D quadrature estimator) */
  nW1?: number;
  /** Number of times where the excess/housekeeping split is computed. @default 12 */
  nSplit?: number;
  /** Grid cells per axis for D0 quadrature (2-D). @default 240 */
  d0Cells?: number;
  /** Monte Carlo samples for the D0 cross-check. @default 20000 */
  d0Samples?: number;
  /** Snapshot histogram box and cells (2-D). @default [-5, 5, -5, 5], 50 */
  snapshotBox?: [number, number, number, number];
  snapshotCells?: number;
  seed?: number;
  onProgress?: (done: number, total: number, label: string) => void;
}

/** Relative slack of the chain: the discrete Cauchy-Schwarz makes eta <= c1 exact; c1 <= wD is physics. */
export const CHAIN_SLACK_ND = 1e-9;


/** A reported number whose estimated relative error exceeds this is flagged (issue 11: 1 %). */
export const FLAG_RELATIVE_ERROR = 0.01;
