import { assertInteger } from '../core/check.ts';
import { InputError, NumericalError } from '../core/errors.ts';
import { LATTICE_W1_OFFSETS, type LatticeWeights, latticeWeights, type SignedPlan, staggeredW1 } from './latticeW1.ts';
import type { NdFlow } from './ndFlow.ts';
import type { PerturbationNd } from './perturbationNd.ts';
import { weightedMeanSquare } from './weightedMeanSquare.ts';

/** One resolution of {@link quadratureLevel}: every speed-accuracy quantity on one node grid. */
export interface QuadratureLevel {
  /** Nodes per axis of the grid at the reverse start. */
  cells: number;
  /** Nodes kept (mass above the pruning threshold in P_tMax or the perturbation). */
  nodes: number;
  d0: number;
  /** W1(P_t, q_t) at the times `tW1` (forward time, ascending): the staggered-lattice mean ({@link staggeredW1}). */
  tW1: number[];
  w1: number[];
  /**
   * At the same times: |sum_i a_i x_i(t) - sum_i b_i x_i(t)|, the distance between the means of P_t and
   * q_t on the primary lattice (spectrally accurate), a rigorous lower bound of W1 (the dual value of a
   * linear potential), equal to W1 for a pure translation.
   */
  w1Lower: number[];
  /** T S_dot = E_{P_t} |nu_t|^2 on the ODE grid `grid`. */
  grid: number[];
  tsDot: number[];
  /** Trapezoid masses of P_tMax and of the perturbation on the node grid before normalisation (1 up to the box truncation). */
  massStart: number;
  massPerturbation: number;
  /** Node positions and the two weightings at the grid indices asked for in `keep`. */
  clouds: Map<number, Float64Array>;
  weightsTrue: Float64Array;
  weightsEst: Float64Array;
  /** The start lattice: node q sits at lo + (index_d(q) + 1/2) h per axis (index 0 fastest); `kept[i]` = lattice index of node i. */
  lattice: { lo: number[]; h: number[]; kept: Int32Array };
}

/** Options of {@link quadratureLevel}. */
export interface QuadratureLevelOptions {
  cells: number;
  /** The forward ODE grid on [tMin, tMax] (ascending); the reverse integration runs backwards on it. */
  grid: number[];
  /** Indices into `grid` where W1 is computed. */
  w1Idx: number[];
  /** Half-width of the node box in standard deviations of the widest law. @default 6 */
  halfWidth?: number;
  /** Grid indices at which to keep a copy of the node positions (snapshots). */
  keep?: number[];
  /**
   * Offsets (fractions of the node spacing, on every axis) of the lattices whose W1 values are
   * averaged; the first lattice (offset 0) carries every other number.
   * @default LATTICE_W1_OFFSETS ([0, 0.5]) for d >= 2, [0] in 1-D
   */
  w1Offsets?: readonly number[];
}

/** Node box at the reverse start: the union of P_tMax's and the perturbation's boxes. */
function nodeBox(flow: NdFlow, perturbation: PerturbationNd, halfWidth: number): { lo: number[]; hi: number[] } {
  const s = flow.startBox(halfWidth);
  const p = perturbation.boxAt(halfWidth);
  return { lo: s.lo.map((v, d) => Math.min(v, p.lo[d])), hi: s.hi.map((v, d) => Math.max(v, p.hi[d])) };
}

/**
 * One resolution of the deterministic quadrature estimator (d <= 3).
 *
 * A regular grid of `cells`^d nodes on a box holding P_tMax and the perturbation tilde P (each to
 * ~e^{-halfWidth^2/2}) carries two weights per node: a_i = P_tMax(x_i) h^d and b_i = tildeP(x_i) h^d,
 * each normalised to total 1 (the product trapezoid rule, spectrally accurate for smooth,
 * Gaussian-tailed densities). Nodes whose two weights are both below 1e-16 of the largest are
 * dropped. D0 = sum_i b_i^2 / a_i - 1 (Eq. 78 by the same rule).
 * The nodes are pushed backwards by the shared velocity nu_t (classical RK4 on `grid`): the flow is
 * deterministic and mass-preserving, so the weights stay exact masses of the true reverse marginal
 * P_t and of the estimated one q_t on the SAME deformed grid (the characteristics + Liouville view).
 * Then T S_dot(t) = sum_i a_i |nu_t(x_i(t))|^2 (same rule on the mapped grid) and
 * W1(P_t, q_t) is the mean, over the lattice and its copies shifted by `w1Offsets` (pushed by the same
 * RK4), of the exact OT value between the positive and the negative part of a - b
 * ({@link staggeredW1}, src/thermo/latticeW1.ts). Its lattice excess falls like h^p with p ~ 2.4-3;
 * callers extrapolate from two resolutions ({@link extrapolateLatticeW1}).
 * @throws InputError on bad options; NumericalError if a node leaves the finite range or D0 is not finite.
 */
export function quadratureLevel(flow: NdFlow, perturbation: PerturbationNd, opts: QuadratureLevelOptions): QuadratureLevel {
  const dim = flow.dim;
  if (dim > 3) throw new InputError(`the quadrature estimator is for 1-3 dimensions, got ${dim}`, 'estimator');
  const { cells, grid, w1Idx } = opts;
  assertInteger(cells, 'cells', 4);
  const halfWidth = opts.halfWidth ?? 6;
  const box = nodeBox(flow, perturbation, halfWidth);
  const h = box.lo.map((lo, d) => (box.hi[d] - lo) / cells);
  const primary = latticeWeights(box.lo, h, cells, 0, (p, m) => flow.startLogDensity(p, m), (p, m) => perturbation.logDensity(p, m));
  const { a, b, n, kept } = primary;
  let cellVolume = 1;
  for (const hd of h) cellVolume *= hd;
  const massStart = primary.sumA * Math.exp(primary.maxLogA) * cellVolume;
  const massPerturbation = primary.sumB * Math.exp(primary.maxLogB) * cellVolume;
  let chi = 0;
  for (let i = 0; i < n; i++) if (b[i] > 0) chi += (b[i] * b[i]) / a[i];
  const d0 = chi - 1;
  if (!Number.isFinite(d0) || d0 <= 0) throw new NumericalError(`D0 is not a finite positive number (got ${d0}) at ${cells} cells per axis`);

  // the staggered copies of the lattice ride along in the same RK4 (their nodes follow the primary ones in xAll)
  const offsets = opts.w1Offsets ?? (dim >= 2 ? LATTICE_W1_OFFSETS : [0]);
  if (offsets.length === 0 || offsets[0] !== 0) throw new InputError(`expected w1Offsets starting with 0, got [${offsets.join(', ')}]`, 'w1Offsets');
  const lattices: LatticeWeights[] = [primary];
  for (const off of offsets.slice(1)) {
    lattices.push(latticeWeights(box.lo, h, cells, off, (p, m) => flow.startLogDensity(p, m), (p, m) => perturbation.logDensity(p, m)));
  }
  const nAll = lattices.reduce((s, L) => s + L.n, 0);
  const xAll = new Float64Array(nAll * dim);
  let start = 0;
  for (const L of lattices) {
    xAll.set(L.x, start * dim);
    start += L.n;
  }
  const G = grid.length;
  const w1Set = new Set(w1Idx);
  const k1 = new Float64Array(nAll * dim);
  const k2 = new Float64Array(nAll * dim);
  const k3 = new Float64Array(nAll * dim);
  const k4 = new Float64Array(nAll * dim);
  const tmp = new Float64Array(nAll * dim);
  const tsDot = new Array<number>(G).fill(0);
  const w1ByIdx = new Map<number, number>();
  const lowerByIdx = new Map<number, number>();
  const meanSq = (v: Float64Array) => weightedMeanSquare(v, a, n, dim);
  const meanGap = () => {
    let s = 0;
    for (let d = 0; d < dim; d++) {
      let g = 0;
      for (let i = 0; i < n; i++) g += (a[i] - b[i]) * xAll[i * dim + d];
      s += g * g;
    }
    return Math.sqrt(s);
  };
  // 3-D: each lattice's optimal plan is tried first at the next W1 time (same certified value; the
  // 2-D point-mass path keeps its cold solves, whose values are fixed bit for bit)
  const plans: (SignedPlan | undefined)[] | undefined = dim >= 3 ? lattices.map(() => undefined) : undefined;
  const w1Now = (j: number) => {
    lowerByIdx.set(j, meanGap());
    return staggeredW1(xAll, lattices, dim, plans);
  };
  const keep = new Set(opts.keep ?? []);
  const clouds = new Map<number, Float64Array>();
  if (keep.has(G - 1)) clouds.set(G - 1, xAll.slice(0, n * dim));
  if (w1Set.has(G - 1)) w1ByIdx.set(G - 1, w1Now(G - 1));
  for (let j = G - 1; j > 0; j--) {
    const t = grid[j];
    const hh = grid[j - 1] - t;
    flow.velocity(t, xAll, nAll, k1);
    tsDot[j] = meanSq(k1);
    for (let i = 0; i < xAll.length; i++) tmp[i] = xAll[i] + 0.5 * hh * k1[i];
    flow.velocity(t + 0.5 * hh, tmp, nAll, k2);
    for (let i = 0; i < xAll.length; i++) tmp[i] = xAll[i] + 0.5 * hh * k2[i];
    flow.velocity(t + 0.5 * hh, tmp, nAll, k3);
    for (let i = 0; i < xAll.length; i++) tmp[i] = xAll[i] + hh * k3[i];
    flow.velocity(t + hh, tmp, nAll, k4);
    for (let i = 0; i < xAll.length; i++) {
      xAll[i] += (hh / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
      if (!Number.isFinite(xAll[i])) throw new NumericalError(`quadrature node left the finite range at t=${grid[j - 1]}`);
    }
    if (w1Set.has(j - 1)) w1ByIdx.set(j - 1, w1Now(j - 1));
    if (keep.has(j - 1)) clouds.set(j - 1, xAll.slice(0, n * dim));
  }
  flow.velocity(grid[0], xAll, nAll, k1);
  tsDot[0] = meanSq(k1);
  const sorted = [...w1Set].sort((p, q) => p - q);
  return { cells, nodes: n, d0, tW1: sorted.map((j) => grid[j]), w1: sorted.map((j) => w1ByIdx.get(j)!), w1Lower: sorted.map((j) => lowerByIdx.get(j)!), grid: grid.slice(), tsDot, massStart, massPerturbation, clouds, weightsTrue: a, weightsEst: b, lattice: { lo: box.lo, h, kept } };
}

/** The snapshot times of the reports' density panels: 0, tau/3, 2 tau/3 and tau, clamped to [tMin, tMax]. */
export function ndSnapshotTimes(flow: NdFlow): number[] {
  const { tau, tMin, tMax } = flow;
  return [0, 1 / 3, 2 / 3, 1].map((f) => Math.min(tMax, Math.max(tMin, f * tau)));
}

/**
 * `count` indices of a grid of `size` points, evenly spaced (rounded), always including the first and
 * the last; `count` is capped at `size`.
 */
export function evenGridIndices(size: number, count: number): Set<number> {
  const c = Math.min(count, size);
  const s = new Set<number>([0, size - 1]);
  for (let i = 1; i < c - 1; i++) s.add(Math.round((i * (size - 1)) / (c - 1)));
  return s;
}

/**
 * The reverse-ODE time grid on [tMin, tMax]: the union of a log-spaced and a uniform grid (`steps`
 * intervals in all, so the stiff start of point-mass data is resolved) plus the `extra` times.
 */
export function ndTimeGrid(flow: NdFlow, steps: number, extra: number[]): number[] {
  const { tau, tMin, tMax } = flow;
  const raw: number[] = [...extra];
  const half = Math.max(2, Math.floor(steps / 2));
  const lo = tMin > 0 ? tMin : 1e-3 * tau;
  for (let j = 0; j <= half; j++) {
    raw.push(tMin + ((tMax - tMin) * j) / half);
    raw.push(lo * (tMax / lo) ** (j / half));
  }
  raw.sort((a, b) => a - b);
  const grid: number[] = [];
  for (const t of raw) {
    if (t < tMin || t > tMax) continue;
    if (grid.length === 0 || t - grid[grid.length - 1] > 1e-9 * tau) grid.push(t);
  }
  grid[grid.length - 1] = tMax;
  return grid;
}

/** int f dt by the trapezoid rule on the points (t_i, f_i). */
export function trapezoid(t: number[], f: number[]): number {
  let s = 0;
  for (let i = 0; i + 1 < t.length; i++) s += 0.5 * (f[i] + f[i + 1]) * (t[i + 1] - t[i]);
  return s;
}

/** Every other point of a list, always keeping the last one (the coarse half of a Richardson pair). */
export function everyOther<T>(v: T[]): T[] {
  const out = v.filter((_, i) => i % 2 === 0);
  if ((v.length - 1) % 2 !== 0) out.push(v[v.length - 1]);
  return out;
}
