import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gaussHermite } from '../../src/core/gaussHermite.ts';
import { Rng } from '../../src/core/rng.ts';
import { swissRoll } from '../../src/data/swissRoll.ts';
import { linearForceMixtureField, mixtureFromPoints } from '../../src/fields/linearForceMixtureField.ts';
import { swissRollForce } from '../../src/processes/swissRollForce.ts';
import { processFlow } from '../../src/thermo/ndFlow.ts';
import { perturbationNd } from '../../src/thermo/perturbationNd.ts';
import { blobNodeW1, blobQMasses, blobW1, pushBlobNodes } from '../../src/thermo/pointMassBlobs.ts';
import { evenGridIndices, ndSnapshotTimes, ndTimeGrid } from '../../src/thermo/quadratureNd.ts';

const data = swissRoll(40, new Rng(7), { noise: 0.1 });
const pert = perturbationNd({ kind: 'normal', mean: [0, 0], std: 0.9 }, 2);

function w1End(g: number, order: number, late: number) {
  const field = linearForceMixtureField(swissRollForce({ h: 1.1, g, Tfin: 0.5, tau: 3 }), mixtureFromPoints(data));
  const flow = processFlow(field);
  const grid = ndTimeGrid(flow, 80, ndSnapshotTimes(flow));
  const w1Idx = [...evenGridIndices(grid.length, 20)].sort((p, q) => p - q);
  const nodes = pushBlobNodes(flow, flow.pointMassComponents!(flow.tMin), order, grid, w1Idx, 38, late);
  const q = blobQMasses(flow, pert, nodes);
  const r = blobW1(nodes, q.b, 2);
  return { w1: r.w1[0], bound: r.bound[0], sum: q.sum };
}

test('per-blob W1End is the same for g = 0 and g = 3 (exact invariance of Eq. 99 under the rotation), within its own order-3/4 error', () => {
  const g0 = w1End(0, 4, 24);
  const g3 = w1End(3, 4, 24);
  const g0lo = w1End(0, 3, 16);
  // stated error of the order-4 value: |order 4 - order 3| + aggregation bound (as the engine states it)
  const err = Math.abs(g0.w1 - g0lo.w1) + g0.bound;
  assert.ok(err < 0.05 * g0.w1, `error estimate ${err} should be small against W1End ${g0.w1}`);
  // the two runs share no arithmetic after the field: their difference is RK4 and node error, within 2x the stated error
  assert.ok(Math.abs(g0.w1 - g3.w1) <= 2 * err, `g = 0: ${g0.w1}, g = 3: ${g3.w1}, stated error ${err}`);
  // sum_i a_i rho(x_i(tMax)) = E_P[tildeP / P] = 1 up to the node quadrature error (measured 1e-4 on 1000 points)
  assert.ok(Math.abs(g0.sum - 1) < 0.02 && Math.abs(g3.sum - 1) < 0.02, `mass sums ${g0.sum}, ${g3.sum}`);
});

// undefined: the engine's default, which must run the node-level W1 (this fails if it is off by default)
for (const nodeW1 of [false, undefined]) {
test(`the engine takes W1End of point-mass data from the blobs, so it is the same for g = 0 and g = 3 within its stated error (nodeW1 ${nodeW1 ?? 'default'})`, async () => {
  const { speedAccuracyNd } = await import('../../src/thermo/speedAccuracyNd.ts');
  const run = (g: number) => {
    const field = linearForceMixtureField(swissRollForce({ h: 1.1, g, Tfin: 0.5, tau: 3 }), mixtureFromPoints(data));
    return speedAccuracyNd(processFlow(field), pert, { estimator: 'quadrature', steps: 80, nW1: 20, nodeW1 });
  };
  const [r0, r3] = [run(0), run(3)];
  const nodeTimes = r0.convergence.blob?.nodeW1Times ?? 0;
  if (nodeW1 === false) assert.equal(nodeTimes, 0, 'nodeW1: false runs no node-level OT');
  else assert.ok(nodeTimes > 0, 'by default the engine runs the node-level OT at some W1 times');
  for (const r of [r0, r3]) {
    // at tMin the lattice has not converged on the narrow blobs, whatever its order band says (on the
    // first 1000-point Swiss-roll draw it gave 0.2658 "+-0.3 %" against the blobs' 0.2626 +-0.23 %)
    const blob = r.convergence.blob;
    assert.ok(blob, 'point-mass data run the per-blob W1');
    assert.equal(r.w1End, blob.blobW1EndHigh);
  }
  // W1End is invariant under the rotation (Eq. 99): the two runs agree within the sum of their stated errors
  const tol = r0.errors.w1End * r0.w1End + r3.errors.w1End * r3.w1End;
  assert.ok(Math.abs(r0.w1End - r3.w1End) <= tol, `W1End g = 0 ${r0.w1End}, g = 3 ${r3.w1End}, stated ${tol}`);
  // so are eta and c1 (exactly g-independent): within the sum of the stated errors (c1's includes the
  // coarse-to-fine change of the lattice W1 between the blob times and W1Start)
  for (const k of ['eta', 'c1'] as const) {
    const both = r0.errors[k] * r0[k] + r3.errors[k] * r3[k];
    assert.ok(Math.abs(r0[k] - r3[k]) <= both, `${k} g = 0 ${r0[k]}, g = 3 ${r3[k]}, stated ${both}`);
  }
});
}

/** E_{P_t}|nu_t|^2 and E_{P_t}|x|^2 by order-10 Gauss-Hermite on the EXACT components of P_t (no flow push, no Liouville). */
function exactMoments(flow: ReturnType<typeof processFlow>, t: number) {
  const c = flow.pointMassComponents!(t);
  const gh = gaussHermite(10);
  let tsDot = 0;
  let m2 = 0;
  for (let k = 0; k < c.k; k++) {
    const sd = Math.sqrt(c.variances[k]);
    const x = new Float64Array(200);
    const w = new Float64Array(100);
    for (let p = 0; p < 10; p++) {
      for (let q = 0; q < 10; q++) {
        const i = p * 10 + q;
        x[2 * i] = c.means[2 * k] + sd * gh.nodes[p];
        x[2 * i + 1] = c.means[2 * k + 1] + sd * gh.nodes[q];
        w[i] = c.weights[k] * gh.weights[p] * gh.weights[q];
      }
    }
    const v = flow.velocity(t, x, 100);
    for (let i = 0; i < 100; i++) tsDot += w[i] * (v[2 * i] ** 2 + v[2 * i + 1] ** 2);
    m2 += c.weights[k] * (c.means[2 * k] ** 2 + c.means[2 * k + 1] ** 2 + 2 * c.variances[k]);
  }
  return { tsDot, m2 };
}

function blobTsDot(g: number) {
  const flow = processFlow(linearForceMixtureField(swissRollForce({ h: 1.1, g, Tfin: 0.5, tau: 3 }), mixtureFromPoints(data)));
  const grid = ndTimeGrid(flow, 80, ndSnapshotTimes(flow));
  const join = 44; // t = 0.90 = 0.3 tau, the engine's join
  const comps = flow.pointMassComponents!(flow.tMin);
  // the engine's two resolutions: order 4 on the ODE grid, order 5 with every ODE step halved
  const lo = pushBlobNodes(flow, comps, 4, grid, [], join, 12, 1);
  const hi = pushBlobNodes(flow, comps, 5, grid, [], join, 18, 2);
  return { flow, grid, join, lo, hi };
}

test('per-blob T S_dot along the push agrees with Gauss-Hermite on the exact marginal at every grid time up to 0.3 tau, within 3x its stated error', () => {
  for (const g of [0, 3]) {
    const { flow, grid, join, lo, hi } = blobTsDot(g);
    assert.equal(hi.gridTsDot.length, join + 1);
    assert.equal(hi.times[hi.joinPos], grid[join]);
    for (let j = 0; j <= join; j++) {
      const exact = exactMoments(flow, grid[j]).tsDot;
      // stated error |order 5 (halved steps) - order 4|: holds the order-4 RK4 error (~16x the order-5 one)
      // and the Gauss-Hermite order error; measured true / stated <= 1.03 (g = 0) and 0.6 (g = 3), so 3x is
      // the engine's own "true error at most 3x the stated" margin; 1e-12 relative covers round-off at tMin
      const stated = Math.abs(hi.gridTsDot[j] - lo.gridTsDot[j]);
      const err = Math.abs(hi.gridTsDot[j] - exact);
      assert.ok(err <= 3 * stated + 1e-12 * exact, `g = ${g}, t = ${grid[j]}: blob ${hi.gridTsDot[j]}, exact-marginal rule ${exact}, stated ${stated}`);
    }
  }
});

test('per-blob T S_dot: g = 3 minus g = 0 equals G_t^2 E_{P_t}|x|^2 (Eq. 99: the cross term vanishes), at every push time', () => {
  // nu^g(x) = G J x + R nu^0(R^-1 x) and E_{P^0}[(J y) . nu^0(y)] = 0 ((J y) . H y = 0, and the score term
  // integrates to -int div(J y) P = 0), so T S_dot^g = T S_dot^0 + G_t^2 E_{P_t}|x|^2 exactly
  const r0 = blobTsDot(0);
  const r3 = blobTsDot(3);
  const G = (t: number) => 3 * (1 - t / 3);
  for (let m = 0; m < r3.hi.times.length; m++) {
    const t = r3.hi.times[m];
    assert.equal(t, r0.hi.times[m]);
    const want = G(t) ** 2 * exactMoments(r0.flow, t).m2;
    const got = r3.hi.tsDot[m] - r0.hi.tsDot[m];
    // up to 0.3 tau: within 3x the two stated errors (measured <= 0.35x); after it (late uniform steps, no
    // grid-time partner at order 4) the blob rule's own error against the exact marginal is <= 1e-3 relative
    // of T S_dot^3 (measured, 40 points), so 3e-3
    const j = r3.grid.indexOf(t);
    const tol =
      m <= r3.hi.joinPos && j >= 0
        ? 3 * (Math.abs(r3.hi.gridTsDot[j] - r3.lo.gridTsDot[j]) + Math.abs(r0.hi.gridTsDot[j] - r0.lo.gridTsDot[j])) + 1e-12 * r3.hi.tsDot[m]
        : 3e-3 * r3.hi.tsDot[m];
    assert.ok(Math.abs(got - want) <= tol, `t = ${t}: difference ${got}, G^2 E|x|^2 ${want}, tolerance ${tol}`);
  }
});

test('engine wD of point-mass data from the per-blob T S_dot: wD(g = 3) - wD(g = 0) = int G_t^2 E_{P_t}|x|^2 dt within the stated errors', async () => {
  const { speedAccuracyNd } = await import('../../src/thermo/speedAccuracyNd.ts');
  const run = (g: number) => {
    const field = linearForceMixtureField(swissRollForce({ h: 1.1, g, Tfin: 0.5, tau: 3 }), mixtureFromPoints(data));
    return { flow: processFlow(field), r: speedAccuracyNd(processFlow(field), pert, { estimator: 'quadrature', steps: 80, nW1: 20 }) };
  };
  const [a, b] = [run(0), run(3)];
  for (const { r } of [a, b]) {
    const blob = r.convergence.blob;
    // at least the first grid times come from the blobs (at tMin |nu|^2 is quadratic on each blob: the blob rule is exact)
    assert.ok(blob && blob.tsDotBlobTimes > 0, `T S_dot from the blobs: ${JSON.stringify(blob)}`);
  }
  // closed form of the difference (previous test): int_tMin^tau G^2 m2 dt (Simpson, 4000 intervals: < 1e-12
  // relative for this smooth integrand) + tMin G(tMin)^2 m2(tMin) (the engine's constant extrapolation on [0, tMin])
  const flow = a.flow;
  const G = (t: number) => 3 * (1 - t / 3);
  const m2 = (t: number) => {
    const c = flow.pointMassComponents!(t);
    let v = 0;
    for (let k = 0; k < c.k; k++) v += c.weights[k] * (c.means[2 * k] ** 2 + c.means[2 * k + 1] ** 2 + 2 * c.variances[k]);
    return v;
  };
  const f = (t: number) => G(t) ** 2 * m2(t);
  const n = 4000;
  const h = (3 - flow.tMin) / n;
  let s = f(flow.tMin) + f(3);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(flow.tMin + i * h);
  const want = (s * h) / 3 + flow.tMin * f(flow.tMin);
  const got = b.r.wD - a.r.wD;
  // the two runs' stated absolute errors add (independent estimates)
  const tol = a.r.errors.wD * a.r.wD + b.r.errors.wD * b.r.wD;
  assert.ok(Math.abs(got - want) <= tol, `wD(3) - wD(0) = ${got}, closed form ${want}, stated ${tol}`);
  assert.ok(a.r.errors.wD < 0.01 && b.r.errors.wD < 0.01, `wD stated errors ${a.r.errors.wD}, ${b.r.errors.wD}`);
});

/** Node-level and blob-centre W1 at the W1 times up to the join (t = 0.90), orders 4 and 5 as the engine pushes them. */
function nodeW1(g: number) {
  const flow = processFlow(linearForceMixtureField(swissRollForce({ h: 1.1, g, Tfin: 0.5, tau: 3 }), mixtureFromPoints(data)));
  const grid = ndTimeGrid(flow, 80, ndSnapshotTimes(flow));
  const w1Idx = [...evenGridIndices(grid.length, 20)].sort((p, q) => p - q);
  const comps = flow.pointMassComponents!(flow.tMin);
  const level = (order: number, late: number, refine: number) => {
    const nodes = pushBlobNodes(flow, comps, order, grid, w1Idx, 44, late, refine);
    const q = blobQMasses(flow, pert, nodes);
    const all = nodes.positions.map((_, m) => m);
    return { centre: blobW1(nodes, q.b, 2), node: blobNodeW1(nodes, q.b, 2, all).w1, times: nodes.tIdx.map((j) => grid[j]) };
  };
  return { lo: level(4, 12, 1), hi: level(5, 18, 2) };
}

test('node-level blob W1: within the aggregation bound of the blob-centre W1, and g = 0 / g = 3 agree within the summed order-4/5 differences', () => {
  const a = nodeW1(0);
  const b = nodeW1(3);
  assert.ok(a.hi.times.length >= 8 && a.hi.times[a.hi.times.length - 1] > 0.8, `kept times ${a.hi.times}`);
  for (const lv of [a.lo, a.hi, b.lo, b.hi]) {
    lv.node.forEach((w, m) => {
      // |W1(nodes) - W1(centres)| <= sum_i |a_i - b_i| |x_i - c_k| (moving each node's signed mass to its
      // centre is a transport of that cost); slack: the 1e-7 dropped total variation times the cloud
      // diameter (< 20) in each of the two values, and rounding
      const slack = 8e-6 + 1e-12;
      assert.ok(Math.abs(w - lv.centre.w1[m]) <= lv.centre.bound[m] + slack, `t = ${lv.times[m]}: node ${w}, centre ${lv.centre.w1[m]}, bound ${lv.centre.bound[m]}`);
    });
  }
  // W1(P_t, q_t) is exactly g-independent (Eq. 99 rotates P_t and q_t alike): the two pushes share no
  // arithmetic after the field, so their node W1 agree within the sum of their stated (order 4/5) errors
  a.hi.node.forEach((w, m) => {
    const err = Math.abs(w - a.lo.node[m]) + Math.abs(b.hi.node[m] - b.lo.node[m]);
    assert.ok(Math.abs(w - b.hi.node[m]) <= err, `t = ${a.hi.times[m]}: g = 0 ${w}, g = 3 ${b.hi.node[m]}, stated ${err}`);
    // the node W1 removes the aggregation bound: its stated error is below the centre's at the late kept times
    if (a.hi.times[m] > 0.3) assert.ok(Math.abs(w - a.lo.node[m]) < a.hi.centre.bound[m], `t = ${a.hi.times[m]}: order 4/5 ${Math.abs(w - a.lo.node[m])}, bound ${a.hi.centre.bound[m]}`);
  });
});

test('co-rotating push: under Eq. 99 the g = 5 nodes are the g = 0 nodes turned by Phi_t = int_0^t G at every kept time and at tMax (the lab-frame push was not)', () => {
  const mk = (g: number) => processFlow(linearForceMixtureField(swissRollForce({ h: 1.1, g, Tfin: 0.5, tau: 3 }), mixtureFromPoints(data)));
  const [f0, f5] = [mk(0), mk(5)];
  assert.equal(f0.rotation, undefined, 'g = 0: symmetric force, no frame');
  const grid = ndTimeGrid(f0, 80, ndSnapshotTimes(f0));
  const w1Idx = [...evenGridIndices(grid.length, 20)].sort((p, q) => p - q);
  // the engine's high level: order 5, halved ODE steps, 18 late steps; join 44 (t = 0.90 = 0.3 tau)
  const push = (f: ReturnType<typeof processFlow>) => pushBlobNodes(f, f.pointMassComponents!(f.tMin), 5, grid, w1Idx, 44, 18, 2);
  const [a, b] = [push(f0), push(f5)];
  // the same push on x itself (the frame removed): the old path, which loses rotation angle at g = 5
  const lab = push({ ...f5, rotation: undefined });
  const phi = (t: number) => 5 * (t - (t * t) / 6); // int_0^t 5 (1 - s/3) ds
  const dev = (x0: Float64Array, x5: Float64Array, t: number) => {
    const [c, s] = [Math.cos(phi(t)), Math.sin(phi(t))];
    let m = 0;
    for (let i = 0; i < x0.length; i += 2) m = Math.max(m, Math.hypot(c * x0[i] - s * x0[i + 1] - x5[i], s * x0[i] + c * x0[i + 1] - x5[i + 1]));
    return m;
  };
  assert.ok(Math.abs(f5.rotation!.angle(3) - phi(3)) < 1e-13, `angle at tau ${f5.rotation!.angle(3)}, closed form ${phi(3)}`);
  assert.equal(a.tIdx.length, b.tIdx.length);
  // P^5_t = R(Phi_t) P^0_t and nu^5 = G J x + R nu^0(R^-1 x): in the frame the g = 5 push is the g = 0 push
  // from the g = 0 nodes, so they differ by rounding only (~1e-16 |x| per operation, |x| <= 3.2, grown through
  // ~110 RK4 steps: measured <= 4e-11 at tMax); 1e-9 leaves 25x. The lab push differs by its RK4 angle error
  // (measured 2e-6 at tMin from the unturned node axes, 3.5e-2 at tMax), so this fails on it.
  a.tIdx.forEach((j, m) => {
    const d = dev(a.positions[m], b.positions[m], grid[j]);
    assert.ok(d <= 1e-9, `t = ${grid[j]}: max |x5 - R x0| = ${d}`);
  });
  assert.ok(dev(a.end, b.end, 3) <= 1e-9, `tMax: max |x5 - R x0| = ${dev(a.end, b.end, 3)}`);
  assert.ok(dev(a.end, lab.end, 3) > 1e-3, `the lab-frame push loses angle at g = 5: ${dev(a.end, lab.end, 3)}`);
});

test('engine, point-mass data: eta at g = 5 equals eta at g = 0 within the g-dependent part of the stated errors (W1Start and D0 lattices); W1End to rounding', async () => {
  const { speedAccuracyNd } = await import('../../src/thermo/speedAccuracyNd.ts');
  const run = (g: number) => {
    const field = linearForceMixtureField(swissRollForce({ h: 1.1, g, Tfin: 0.5, tau: 3 }), mixtureFromPoints(data));
    return speedAccuracyNd(processFlow(field), pert, { estimator: 'quadrature', steps: 80, nW1: 20 });
  };
  const [r0, r5] = [run(0), run(5)];
  // W1End comes from the blob nodes (blobW1EndHigh), pushed in the co-rotating frame from the same nodes for
  // every g (previous test): equal up to rounding (measured 2.1e-12; 1e-9 relative leaves 200x). The lab-frame
  // push gave 0.196563 against 0.196711 (7.5e-4 relative), inside its stated 0.22 + 0.41 %.
  assert.ok(Math.abs(r5.w1End - r0.w1End) <= 1e-9 * r0.w1End, `W1End g = 0 ${r0.w1End}, g = 5 ${r5.w1End}`);
  // eta = (W1End - W1Start)^2 / (tau D0): what still depends on g is W1Start (static 64/80 lattices on P_tMax,
  // which is turned by 7.5 rad at g = 5, so the lattice errs differently; each run states |W1_80 - W1_64|) and
  // D0 (node lattice, stated |fine - coarse| / (r^2 - 1)). First order: |d eta| / eta <= 2 (|d W1End| + |d W1Start|)
  // / Delta W1 + |d D0| / D0, with each difference bounded by the two runs' stated errors (W1End: the 1e-9 above).
  // Here 1.0 % (Delta W1 = 0.018 is small on 40 points); measured 0.11 %; the lab-frame push gave -1.48 %.
  const dW1 = Math.abs(r0.w1End - r0.w1Start);
  const w1StartErr = r0.errors.w1Start * r0.w1Start + r5.errors.w1Start * r5.w1Start;
  const tol = r0.eta * ((2 * (w1StartErr + 1e-9 * r0.w1End)) / dW1 + r0.errors.d0 + r5.errors.d0);
  assert.ok(Math.abs(r5.eta - r0.eta) <= tol, `eta g = 0 ${r0.eta}, g = 5 ${r5.eta}, tolerance ${tol} (${tol / r0.eta} relative)`);
  // and the full stated errors cover the difference too (the engine's claim)
  assert.ok(Math.abs(r5.eta - r0.eta) <= r0.errors.eta * r0.eta + r5.errors.eta * r5.eta);
});
