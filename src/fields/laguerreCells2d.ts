/**
 * Laguerre (power) cells of weighted sites in the plane, clipped to a box, with the neighbour that
 * created each edge (needed by the Newton solver of semi-discrete OT), and power-nearest-site queries.
 *
 * Cell of site j with weights w: L_j = {z : |z - y_j|^2 / 2 - w_j <= |z - y_i|^2 / 2 - w_i for all i}
 * = {z : a_j(z) >= a_i(z)} with the affine functions a_i(z) = z . y_i + c_i, c_i = w_i - |y_i|^2/2.
 * Hand-written rather than `d3-weighted-voronoi` (the npm power-diagram package) because the solver
 * needs per-edge neighbour labels and exact half-plane clipping to a box; a k-d tree over the sites
 * ({@link siteTree}) with per-node maxima of the weights bounds which sites can matter (branch and
 * bound), so a cell far from its own site (large weight spreads, as in OT to a Gaussian) is still
 * found fast.
 */
import { affineUpperBounds, boxDistSq, boxSupport, nodeMaxima, type SiteTree, siteTree } from './siteTree.ts';

/** Sites, their tree and weights, with the per-node maxima the searches need. */
export interface PowerIndex {
  readonly tree: SiteTree;
  readonly w: Float64Array;
  /** c_i = w_i - |y_i|^2/2. */
  readonly c: Float64Array;
  /** Per-node max of w. */
  readonly wMax: Float64Array;
  /** Per-node affine upper bounds of c ({@link affineUpperBounds}). */
  readonly cPlane: Float64Array;
  /** Per-node max of -|y|^2/2. */
  readonly hMax: Float64Array;
}

/** Build the {@link PowerIndex} of sites (n x 2) with weights w (a tree may be reused). */
export function powerIndex(sites: Float64Array, w: Float64Array, tree: SiteTree = siteTree(sites, w.length)): PowerIndex {
  const n = w.length;
  const c = new Float64Array(n);
  const h = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    h[i] = -0.5 * (sites[2 * i] ** 2 + sites[2 * i + 1] ** 2);
    c[i] = w[i] + h[i];
  }
  return { tree, w, c, wMax: nodeMaxima(tree, w), cPlane: affineUpperBounds(tree, c), hMax: nodeMaxima(tree, h) };
}

/**
 * Index of the site minimising |q - y_i|^2 - 2 scale w_i, i.e. maximising
 * q . y_i - |y_i|^2/2 + scale w_i (scale >= 0; scale = 1 gives the Laguerre cells below, other
 * scales the power cells of the weights scale * w). Exact branch and bound: a node is skipped when
 * the smaller of two upper bounds of -|q - y_i|^2/2 + scale w_i over its sites cannot beat the best
 * value: -dist(q, box)^2/2 + scale max(w), and, with w_i = c_i + |y_i|^2/2 and c_i <= g + d . y_i,
 * scale g + (scale - 1) min|y|^2/2 + sup_box((q + scale d) . y) - |q|^2/2. Ties go to the lower index.
 */
export function nearestPowerSite(index: PowerIndex, scale: number, qx: number, qy: number): number {
  const { tree, w, wMax, cPlane, hMax } = index;
  const s = tree.sites;
  let best = -1;
  let bestV = -Infinity;
  const q2 = 0.5 * (qx * qx + qy * qy);
  const bound = (k: number) => {
    const a = scale * wMax[k] - 0.5 * boxDistSq(tree, k, qx, qy);
    const b = scale * cPlane[3 * k] + (1 - scale) * hMax[k] + boxSupport(tree, k, qx + scale * cPlane[3 * k + 1], qy + scale * cPlane[3 * k + 2]) - q2;
    return Math.min(a, b);
  };
  const stack: number[] = [0];
  while (stack.length) {
    const k = stack.pop()!;
    if (bound(k) < bestV) continue;
    const l = tree.left[k];
    if (l < 0) {
      for (let q = tree.lo[k]; q < tree.hi[k]; q++) {
        const i = tree.perm[q];
        const v = -0.5 * ((qx - s[2 * i]) ** 2 + (qy - s[2 * i + 1]) ** 2) + scale * w[i];
        if (v > bestV || (v === bestV && i < best)) {
          bestV = v;
          best = i;
        }
      }
      continue;
    }
    const r = tree.right[k];
    // visit the more promising child first (pushed last)
    const bl = bound(l);
    const br = bound(r);
    if (bl > br) stack.push(r, l);
    else stack.push(l, r);
  }
  return best;
}

/** The cells of {@link laguerreCells2d}: concatenated counter-clockwise polygons with edge labels. */
export interface LaguerreCells {
  readonly n: number;
  /** Cell j's vertices are xs/ys[start[j] .. start[j+1]) (empty when the cell is empty). */
  readonly start: Int32Array;
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  /** Edge from vertex k to the next vertex of the same cell: the neighbouring site, or -1 (box). */
  readonly labels: Int32Array;
}

/**
 * Laguerre cells of the index's sites and weights, each clipped to the box [x0, x1] x [y0, y1]:
 * start from the box and clip by the half-planes z . (y_i - y_j) <= c_j - c_i. `hint` (the cells at
 * nearby weights, e.g. the previous Newton iterate) gives each cell's likely neighbours, clipped
 * first; then a branch and bound over the k-d tree visits only nodes whose bound of
 * max_i a_i(v) (affine bound c_i <= g + d . y_i of the node: g + sup_box((v + d) . y)) exceeds a_j(v)
 * at some vertex v of the current polygon (a site can cut the convex polygon only if its affine
 * function exceeds a_j at a vertex). Exact, whatever the hint.
 * Sites at identical positions must not occur (the caller merges them).
 */
export function laguerreCells2d(index: PowerIndex, box: readonly [number, number, number, number], hint?: LaguerreCells): LaguerreCells {
  const { tree, c, cPlane } = index;
  const { n, sites } = tree;
  const start = new Int32Array(n + 1);
  let cap = 8 * n + 64;
  let xs = new Float64Array(cap);
  let ys = new Float64Array(cap);
  let labels = new Int32Array(cap);
  let used = 0;
  // working polygons (double-buffered) and a_j at the vertices
  let px = new Float64Array(64);
  let py = new Float64Array(64);
  let pl = new Int32Array(64);
  let qx = new Float64Array(64);
  let qy = new Float64Array(64);
  let ql = new Int32Array(64);
  let aj = new Float64Array(64);
  const stack: number[] = [];
  for (let j = 0; j < n; j++) {
    const yjx = sites[2 * j];
    const yjy = sites[2 * j + 1];
    const cj = c[j];
    let m = 4;
    px[0] = box[0];
    py[0] = box[2];
    px[1] = box[1];
    py[1] = box[2];
    px[2] = box[1];
    py[2] = box[3];
    px[3] = box[0];
    py[3] = box[3];
    pl.fill(-1, 0, 4);
    const refresh = () => {
      if (aj.length < m) aj = new Float64Array(2 * m);
      for (let k = 0; k < m; k++) aj[k] = px[k] * yjx + py[k] * yjy + cj;
    };
    refresh();
    const clip = (i: number) => {
      if (i === j || m === 0) return;
      const gx = sites[2 * i];
      const gy = sites[2 * i + 1];
      const ci = c[i];
      // f(v) = a_i(v) - a_j(v) > 0: v is cut off
      let any = false;
      for (let k = 0; k < m; k++) {
        if (px[k] * gx + py[k] * gy + ci > aj[k]) {
          any = true;
          break;
        }
      }
      if (!any) return;
      if (qx.length < m + 2) {
        qx = new Float64Array(2 * (m + 2));
        qy = new Float64Array(2 * (m + 2));
        ql = new Int32Array(2 * (m + 2));
      }
      let out = 0;
      for (let k = 0; k < m; k++) {
        const k1 = k + 1 === m ? 0 : k + 1;
        const fa = px[k] * gx + py[k] * gy + ci - aj[k];
        const fb = px[k1] * gx + py[k1] * gy + ci - aj[k1];
        if (fa <= 0) {
          qx[out] = px[k];
          qy[out] = py[k];
          ql[out++] = pl[k];
          if (fb > 0) {
            const s = fa / (fa - fb);
            qx[out] = px[k] + s * (px[k1] - px[k]);
            qy[out] = py[k] + s * (py[k1] - py[k]);
            ql[out++] = i;
          }
        } else if (fb <= 0) {
          const s = fa / (fa - fb);
          qx[out] = px[k] + s * (px[k1] - px[k]);
          qy[out] = py[k] + s * (py[k1] - py[k]);
          ql[out++] = pl[k];
        }
      }
      [px, qx] = [qx, px];
      [py, qy] = [qy, py];
      [pl, ql] = [ql, pl];
      m = out < 3 ? 0 : out;
      refresh();
    };
    if (hint) for (let e = hint.start[j]; e < hint.start[j + 1]; e++) if (hint.labels[e] >= 0) clip(hint.labels[e]);
    /** max over vertices of (bound of max_node a_i(v)) - a_j(v) (> 0: the node may cut). */
    const potential = (k: number): number => {
      let best = -Infinity;
      const g = cPlane[3 * k];
      const dx = cPlane[3 * k + 1];
      const dy = cPlane[3 * k + 2];
      for (let q = 0; q < m; q++) best = Math.max(best, g + boxSupport(tree, k, px[q] + dx, py[q] + dy) - aj[q]);
      return best;
    };
    stack.length = 0;
    stack.push(0);
    while (stack.length && m > 0) {
      const k = stack.pop()!;
      if (!(potential(k) > 0)) continue;
      const l = tree.left[k];
      if (l < 0) {
        for (let q = tree.lo[k]; q < tree.hi[k]; q++) clip(tree.perm[q]);
        continue;
      }
      const r = tree.right[k];
      if (potential(l) > potential(r)) stack.push(r, l);
      else stack.push(l, r);
    }
    if (used + m > cap) {
      cap = 2 * (used + m);
      const nx = new Float64Array(cap);
      const ny = new Float64Array(cap);
      const nl = new Int32Array(cap);
      nx.set(xs.subarray(0, used));
      ny.set(ys.subarray(0, used));
      nl.set(labels.subarray(0, used));
      xs = nx;
      ys = ny;
      labels = nl;
    }
    xs.set(px.subarray(0, m), used);
    ys.set(py.subarray(0, m), used);
    labels.set(pl.subarray(0, m), used);
    used += m;
    start[j + 1] = used;
  }
  return { n, start, xs: xs.subarray(0, used), ys: ys.subarray(0, used), labels: labels.subarray(0, used) };
}
