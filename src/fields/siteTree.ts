/**
 * A 2-D k-d tree over fixed sites with per-node bounding boxes, for branch-and-bound searches over
 * affine functions of the sites: max_i (q . y_i + c_i) for per-site constants c (Laguerre cells and
 * power-nearest queries, laguerreCells2d.ts). The constants may change between searches; only
 * per-node maxima of them are recomputed ({@link nodeMaxima}, O(n)).
 */
export interface SiteTree {
  readonly n: number;
  readonly sites: Float64Array;
  /** Sites in tree order; node k holds perm[lo[k] .. hi[k]). */
  readonly perm: Int32Array;
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  /** Children (-1 for leaves). */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Bounding box [x0, x1, y0, y1] of node k at 4 k. */
  readonly bounds: Float64Array;
  readonly nodes: number;
}

const LEAF = 8;

/** Build the tree (median splits along the longer box side, leaves of <= 8 sites). */
export function siteTree(sites: Float64Array, n: number): SiteTree {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const cap = Math.max(1, 2 * Math.ceil(n / LEAF) + 1) * 2;
  const lo = new Int32Array(cap);
  const hi = new Int32Array(cap);
  const left = new Int32Array(cap).fill(-1);
  const right = new Int32Array(cap).fill(-1);
  const bounds = new Float64Array(4 * cap);
  let nodes = 0;
  const build = (a: number, b: number): number => {
    const k = nodes++;
    lo[k] = a;
    hi[k] = b;
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (let q = a; q < b; q++) {
      const i = perm[q];
      x0 = Math.min(x0, sites[2 * i]);
      x1 = Math.max(x1, sites[2 * i]);
      y0 = Math.min(y0, sites[2 * i + 1]);
      y1 = Math.max(y1, sites[2 * i + 1]);
    }
    bounds[4 * k] = x0;
    bounds[4 * k + 1] = x1;
    bounds[4 * k + 2] = y0;
    bounds[4 * k + 3] = y1;
    if (b - a > LEAF) {
      const axis = x1 - x0 >= y1 - y0 ? 0 : 1;
      const mid = (a + b) >> 1;
      const sub = Array.from(perm.subarray(a, b)).sort((u, v) => sites[2 * u + axis] - sites[2 * v + axis]);
      perm.set(sub, a);
      left[k] = build(a, mid);
      right[k] = build(mid, b);
    }
    return k;
  };
  if (n > 0) build(0, n);
  return { n, sites, perm, lo, hi, left, right, bounds, nodes };
}

/** Per-node maxima of per-site values (length n) over each node's sites. */
export function nodeMaxima(tree: SiteTree, values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(tree.nodes);
  for (let k = tree.nodes - 1; k >= 0; k--) {
    if (tree.left[k] < 0) {
      let m = -Infinity;
      for (let q = tree.lo[k]; q < tree.hi[k]; q++) m = Math.max(m, values[tree.perm[q]]);
      out[k] = m;
    } else {
      out[k] = Math.max(out[tree.left[k]], out[tree.right[k]]);
    }
  }
  return out;
}

/** sup over the node's box of q . y (a linear function's maximum is at a corner). */
export function boxSupport(tree: SiteTree, k: number, qx: number, qy: number): number {
  const b = tree.bounds;
  return (qx >= 0 ? qx * b[4 * k + 1] : qx * b[4 * k]) + (qy >= 0 ? qy * b[4 * k + 3] : qy * b[4 * k + 2]);
}

/** Squared distance from (qx, qy) to the node's bounding box (0 inside). */
export function boxDistSq(tree: SiteTree, k: number, qx: number, qy: number): number {
  const b = tree.bounds;
  const dx = Math.max(b[4 * k] - qx, 0, qx - b[4 * k + 1]);
  const dy = Math.max(b[4 * k + 2] - qy, 0, qy - b[4 * k + 3]);
  return dx * dx + dy * dy;
}

/**
 * Per-node affine upper bounds of per-site values: for node k, [g, dx, dy] at 3 k with
 * values[i] <= g + dx y_ix + dy y_iy for every site i of the node (least-squares plane through the
 * node's values, raised by the largest residual; a constant bound when the node's sites are
 * collinear). Tight where the values are locally affine in the sites (O(diam^2) slack for smooth
 * values), which the plain maximum is not.
 */
export function affineUpperBounds(tree: SiteTree, values: ArrayLike<number>): Float64Array {
  const { sites, perm, lo, hi } = tree;
  const out = new Float64Array(3 * tree.nodes);
  for (let k = 0; k < tree.nodes; k++) {
    const a = lo[k];
    const b = hi[k];
    const m = b - a;
    let mx = 0;
    let my = 0;
    let mv = 0;
    for (let q = a; q < b; q++) {
      const i = perm[q];
      mx += sites[2 * i];
      my += sites[2 * i + 1];
      mv += values[i];
    }
    mx /= m;
    my /= m;
    mv /= m;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    let sxv = 0;
    let syv = 0;
    for (let q = a; q < b; q++) {
      const i = perm[q];
      const x = sites[2 * i] - mx;
      const y = sites[2 * i + 1] - my;
      const v = values[i] - mv;
      sxx += x * x;
      sxy += x * y;
      syy += y * y;
      sxv += x * v;
      syv += y * v;
    }
    const det = sxx * syy - sxy * sxy;
    let dx = 0;
    let dy = 0;
    if (det > 1e-12 * (sxx + syy) ** 2 && det > 0) {
      dx = (syy * sxv - sxy * syv) / det;
      dy = (sxx * syv - sxy * sxv) / det;
    }
    let r = -Infinity;
    for (let q = a; q < b; q++) {
      const i = perm[q];
      r = Math.max(r, values[i] - dx * sites[2 * i] - dy * sites[2 * i + 1]);
    }
    out[3 * k] = r;
    out[3 * k + 1] = dx;
    out[3 * k + 2] = dy;
  }
  return out;
}
