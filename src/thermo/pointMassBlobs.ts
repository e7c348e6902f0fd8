import { InputError, NumericalError } from '../core/errors.ts';
import { gaussHermite } from '../core/gaussHermite.ts';
import type { MarginalComponents } from '../fields/linearForceMixtureField.ts';
import { w1Signed } from './latticeW1.ts';
import type { NdFlow } from './ndFlow.ts';
import type { PerturbationNd } from './perturbationNd.ts';
import { weightedMeanSquare } from './weightedMeanSquare.ts';

/** Per-blob Gauss-Hermite nodes of point-mass data, pushed forward from tMin to the join time. */
export interface BlobNodes {
  order: number;
  /** Number of blobs (data points) and nodes per blob (order^dim). */
  blobs: number;
  perBlob: number;
  /** P-mass of each node, w_k times the tensor Gauss-Hermite weight (sum 1). */
  a: Float64Array;
  /** Node positions at the grid indices `tIdx` (the W1 indices <= the join index, ascending). */
  tIdx: number[];
  positions: Float64Array[];
  /** Node positions at tMax. */
  end: Float64Array;
  /**
   * The push times: grid[0..joinIdx] (with `refine` - 1 inserted times per interval), then the `lateSteps` uniform steps to tMax, and
   * T S_dot(t) = sum_i a_i |nu_t(x_i(t))|^2 at each of them: the per-blob Gauss-Hermite rule for
   * E_{P_t} |nu_t|^2 (the a_i stay the exact P-masses along the flow), from the RK4 stage that starts
   * at each time (one extra velocity call at tMax).
   */
  times: number[];
  tsDot: number[];
  /** Index of grid[joinIdx] in `times` (the late steps follow it). */
  joinPos: number;
  /** `tsDot` at the grid times grid[0..joinIdx]. */
  gridTsDot: number[];
}

/**
 * Tensor Gauss-Hermite nodes on every component of P_tMin (point-mass data: component k is
 * N(mu_k(tMin), gamma_k I), tiny), pushed FORWARD by the shared velocity (classical RK4) to tMax:
 * on the engine's ODE grid up to index `joinIdx` (each interval split into `refine` equal steps), then
 * on `lateSteps` uniform steps to tMax (the
 * nodes only carry the weights there). Positions are kept at the W1 indices <= joinIdx. The flow
 * preserves mass, so node i carries the P-mass a_i at every time, and (q_t / P_t being constant
 * along characteristics) the q-mass a_i rho(x_i(tMax)) ({@link blobQMasses}), and
 * T S_dot(t) = sum_i a_i |nu_t(x_i(t))|^2 is the blob rule for E_{P_t}|nu_t|^2 at every push time
 * (`times`, `tsDot`). Positions are kept at the indices of `w1Idx` that are <= joinIdx.
 * Co-rotating frame: when the 2-D flow states a rigid rotation omega_t J x in nu_t ({@link NdFlow.rotation},
 * G_t of Eq. 99), RK4 integrates y = R(-Phi_t) x, y' = R(-Phi_t) nu_t(R(Phi_t) y) - omega_t J y (the same ODE,
 * exactly), and positions, end points and T S_dot are taken back in x. The nodes are laid out in y (each
 * blob's tensor grid around its mean turned by -Phi at grid[0], the time of `comps`). Under Eq. 99 the
 * y-velocity is the g = 0 velocity and the y start nodes are the g = 0 nodes, so the push does not depend on g
 * up to rounding; RK4 on x itself lost rotation angle at large g (100-point Swiss roll, the engine's order-5
 * steps: W1End at g = 5 0.068 % low against 0.0045 % at g = 0).
 * Without a rotation (symmetric forces, g = 0) the push is on x, exactly as before the frame was added.
 * @throws InputError if joinIdx is outside the grid, lateSteps < 1, refine < 1 or dim > 3.
 */
export function pushBlobNodes(
  flow: NdFlow,
  comps: MarginalComponents,
  order: number,
  grid: number[],
  w1Idx: number[],
  joinIdx: number,
  lateSteps: number,
  refine = 1,
): BlobNodes {
  const { dim, k } = comps;
  if (dim > 3) throw new InputError(`per-blob nodes are for 1-3 dimensions, got ${dim}`, 'dim');
  if (!(joinIdx >= 0 && joinIdx < grid.length)) throw new InputError(`expected a join index in [0, ${grid.length - 1}], got ${joinIdx}`, 'joinIdx');
  if (!(Number.isInteger(lateSteps) && lateSteps >= 1)) throw new InputError(`expected lateSteps >= 1, got ${lateSteps}`, 'lateSteps');
  if (!(Number.isInteger(refine) && refine >= 1)) throw new InputError(`expected refine >= 1, got ${refine}`, 'refine');
  const gh = gaussHermite(order);
  const perBlob = order ** dim;
  const n = k * perBlob;
  const x = new Float64Array(n * dim);
  const a = new Float64Array(n);
  const frame = dim === 2 ? flow.rotation : undefined;
  /** 2-D points `from` turned by the angle phi into `to`. */
  const turn = (phi: number, from: ArrayLike<number>, to: Float64Array) => {
    const c = Math.cos(phi);
    const sn = Math.sin(phi);
    for (let i = 0; 2 * i + 1 < to.length; i++) {
      const u = from[2 * i];
      const v = from[2 * i + 1];
      to[2 * i] = c * u - sn * v;
      to[2 * i + 1] = sn * u + c * v;
    }
    return to;
  };
  // nodes laid out in the integrated variable: with a frame, around the means turned into it (the tensor
  // grid's axes turn with the frame, so under Eq. 99 every g starts from the g = 0 nodes up to rounding)
  const means = frame ? turn(-frame.angle(grid[0]), comps.means, new Float64Array(k * dim)) : comps.means;
  for (let j = 0; j < k; j++) {
    const sd = Math.sqrt(comps.variances[j]);
    for (let p = 0; p < perBlob; p++) {
      let r = p;
      let w = comps.weights[j];
      const i = j * perBlob + p;
      for (let d = 0; d < dim; d++) {
        const g = r % order;
        r = Math.floor(r / order);
        x[i * dim + d] = means[j * dim + d] + sd * gh.nodes[g];
        w *= gh.weights[g];
      }
      a[i] = w;
    }
  }
  const want = new Set(w1Idx.filter((j) => j <= joinIdx));
  const tIdx = [...want].sort((p, q) => p - q);
  const positions: Float64Array[] = [];
  // x in the lab frame at time t (a fresh copy)
  const inLab = (t: number) => (frame ? turn(frame.angle(t), x, new Float64Array(n * dim)) : x.slice());
  if (want.has(0)) positions.push(inLab(grid[0]));
  // push times: each ODE grid interval up to the join split into `refine` equal steps; gridAt[m] = the
  // grid index of push time m (-1 for the inserted and the late times)
  const times: number[] = [];
  const gridAt: number[] = [];
  for (let j = 0; j < joinIdx; j++) {
    for (let s = 0; s < refine; s++) {
      times.push(s === 0 ? grid[j] : grid[j] + ((grid[j + 1] - grid[j]) * s) / refine);
      gridAt.push(s === 0 ? j : -1);
    }
  }
  times.push(grid[joinIdx]);
  gridAt.push(joinIdx);
  const joinPos = times.length - 1;
  const tJoin = grid[joinIdx];
  const tEnd = grid[grid.length - 1];
  if (tEnd > tJoin) {
    for (let s = 1; s <= lateSteps; s++) {
      times.push(s === lateSteps ? tEnd : tJoin + ((tEnd - tJoin) * s) / lateSteps);
      gridAt.push(-1);
    }
  }
  const k1 = new Float64Array(n * dim);
  const k2 = new Float64Array(n * dim);
  const k3 = new Float64Array(n * dim);
  const k4 = new Float64Array(n * dim);
  const tmp = new Float64Array(n * dim);
  const tsDot: number[] = [];
  const meanSq = (v: Float64Array) => weightedMeanSquare(v, a, n, dim);
  // the velocity of the integrated variable (x, or y in the co-rotating frame) into `out`; returns nu_t in x
  // (for T S_dot)
  const nu = frame ? new Float64Array(n * dim) : k1;
  const lab = frame ? new Float64Array(n * dim) : x;
  const velocity = (t: number, z: Float64Array, out: Float64Array): Float64Array => {
    if (!frame) {
      flow.velocity(t, z, n, out);
      return out;
    }
    const phi = frame.angle(t);
    const w = frame.rate(t);
    flow.velocity(t, turn(phi, z, lab), n, nu);
    turn(-phi, nu, out);
    for (let i = 0; i < n; i++) {
      out[2 * i] += w * z[2 * i + 1];
      out[2 * i + 1] -= w * z[2 * i];
    }
    return nu;
  };
  for (let j = 0; j + 1 < times.length; j++) {
    const t = times[j];
    const h = times[j + 1] - t;
    tsDot.push(meanSq(velocity(t, x, k1)));
    for (let i = 0; i < x.length; i++) tmp[i] = x[i] + 0.5 * h * k1[i];
    velocity(t + 0.5 * h, tmp, k2);
    for (let i = 0; i < x.length; i++) tmp[i] = x[i] + 0.5 * h * k2[i];
    velocity(t + 0.5 * h, tmp, k3);
    for (let i = 0; i < x.length; i++) tmp[i] = x[i] + h * k3[i];
    velocity(t + h, tmp, k4);
    for (let i = 0; i < x.length; i++) {
      x[i] += (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
      if (!Number.isFinite(x[i])) throw new NumericalError(`blob node left the finite range at t=${times[j + 1]}`);
    }
    if (gridAt[j + 1] >= 0 && want.has(gridAt[j + 1])) positions.push(inLab(times[j + 1]));
  }
  const tLast = times[times.length - 1];
  const end = frame ? inLab(tLast) : x;
  tsDot.push(meanSq(flow.velocity(tLast, end, n, k1)));
  const gridTsDot = tsDot.filter((_, m) => gridAt[m] >= 0);
  return { order, blobs: k, perBlob, a, tIdx, positions, end, times, tsDot, joinPos, gridTsDot };
}

/**
 * q-mass of every blob node from its position at tMax: b_i = a_i rho(x_i(tMax)) with
 * rho = tildeP / P_tMax in closed form (the ratio q_t / P_t is constant along the shared flow).
 * Returns b normalised to sum 1 and the sum before normalisation (sum_i a_i rho(x_i) = E_P[rho] = 1
 * up to the node quadrature error).
 */
export function blobQMasses(flow: NdFlow, perturbation: PerturbationNd, nodes: BlobNodes): { b: Float64Array; sum: number } {
  const n = nodes.a.length;
  const lq = perturbation.logDensity(nodes.end, n);
  const lp = flow.startLogDensity(nodes.end, n);
  const b = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    b[i] = nodes.a[i] * Math.exp(lq[i] - lp[i]);
    sum += b[i];
  }
  if (!(sum > 0 && Number.isFinite(sum))) throw new NumericalError(`blob q-masses sum to ${sum}`);
  for (let i = 0; i < n; i++) b[i] /= sum;
  return { b, sum };
}

/**
 * W1(P_t, q_t) at each kept time of the blob nodes by the exact OT between the blob masses
 * (P: w_k, q: m_k = sum of the blob's b_i) placed at the blob centres c_k(t) = sum_i a_i x_i(t) / w_k,
 * and the bound |W1(nodes) - W1(centres)| <= sum_i |a_i - b_i| |x_i(t) - c_k(t)| (each node's
 * signed mass moved to its centre).
 */
export function blobW1(nodes: BlobNodes, b: Float64Array, dim: number): { w1: number[]; bound: number[] } {
  const { blobs, perBlob, a } = nodes;
  const w = new Float64Array(blobs);
  const mq = new Float64Array(blobs);
  for (let k = 0; k < blobs; k++) {
    for (let p = 0; p < perBlob; p++) {
      w[k] += a[k * perBlob + p];
      mq[k] += b[k * perBlob + p];
    }
  }
  const w1: number[] = [];
  const bound: number[] = [];
  for (const x of nodes.positions) {
    const c = new Float64Array(blobs * dim);
    let beta = 0;
    for (let k = 0; k < blobs; k++) {
      for (let p = 0; p < perBlob; p++) {
        const i = k * perBlob + p;
        for (let d = 0; d < dim; d++) c[k * dim + d] += (a[i] * x[i * dim + d]) / w[k];
      }
      for (let p = 0; p < perBlob; p++) {
        const i = k * perBlob + p;
        let r = 0;
        for (let d = 0; d < dim; d++) r += (x[i * dim + d] - c[k * dim + d]) ** 2;
        beta += Math.abs(a[i] - b[i]) * Math.sqrt(r);
      }
    }
    w1.push(w1Signed(c, w, mq, blobs, dim));
    bound.push(beta);
  }
  return { w1, bound };
}

/**
 * W1(P_t, q_t) at the kept times `which` (indices into `nodes.positions`; NaN elsewhere) by the exact
 * OT between the node masses themselves: the signed measure a - b on the node positions x_i(t)
 * ({@link w1Signed}: the sparse network simplex, the smallest entries up to 1e-7 of the total variation
 * dropped). No aggregation to the blob centres, so no aggregation bound: the error left is the node
 * quadrature (Gauss-Hermite order) and the push's time stepping, which the engine measures as the
 * difference between its two orders. Each time is solved cold (the multiscale sparse network simplex):
 * the previous time's plan as a warm start (`w1SignedPlan`'s `prev`) never certified between the engine's
 * W1 times on the 1000-point Swiss roll and restarting the simplex from it took as long or longer
 * (order 4: 22.2 s warm vs 22.3 s cold over 7 times; order 5: 55.0 vs 49.4 s; draw 1, g = 0, same values).
 * The simplex starts from the coarse optimal plan split among the nodes (`start: 'coarse-plan'`): on the
 * order-4 nodes of draw 1, g = 0 (11,068 x 4,915 signed nodes, 7 times) 14.4 s against 21.8 s CPU with the
 * default coarse-duals greedy start, the same certified values to 10 digits.
 * @throws NumericalError if an OT answer is not certified optimal.
 */
export function blobNodeW1(nodes: BlobNodes, b: Float64Array, dim: number, which: number[]): { w1: number[] } {
  const n = nodes.a.length;
  const w1 = nodes.positions.map(() => Number.NaN);
  for (const m of which) w1[m] = w1Signed(nodes.positions[m], nodes.a, b, n, dim, 'coarse-plan');
  return { w1 };
}
