/**
 * The grid-study context of an exactly known 1-D process (Gaussian-mixture data under a schedule, or
 * the OT protocol): speeds by quadrature, optimisation starts on quadrature nodes of P_tau in normal
 * scores, and errors and W2 to the data by adaptive quadrature, with no sampling error anywhere.
 */
import { gaussLegendre } from '../core/quadrature.ts';
import type { Exact1dProcess } from '../fields/exact1d.ts';
import type { Schedule } from '../schedules/schedule.ts';
import { buildTimeChange, type TimeChange } from '../schedules/timeChange.ts';
import { expectation1d } from '../thermo/expectation1d.ts';
import { exact1dGridField, referenceEndpoints } from './gridField.ts';
import type { GridEvaluator, GridStudyContext, StartSet } from './gridStudy.ts';
import { integrateGrid } from './integrateGrid.ts';
import { normalScoreNodes } from './normalScoreNodes.ts';

/** Wasserstein speed v2(t) = sqrt(int nu_t^2 P_t dx) of a 1-D process (Eq. 66; every 1-D field is a gradient). */
export function speed1d(process: Exact1dProcess, t: number): number {
  return Math.sqrt(expectation1d(process, t, (x) => process.velocity(t, x) ** 2));
}

/**
 * Optimisation starts: 96 nodes (24 panels x 4 on |z| <= 9), a smooth proxy of the error integral.
 * Evaluation: adaptive quadrature ({@link adaptive1dEvaluator}), on nodes the optimiser never sees.
 */
const OPT_NODES = { panels: 24, perPanel: 4, zMax: 9 };

/** Gauss-Legendre order of the adaptive evaluation (per half panel). */
const EVAL_GL = 8;
/** Initial panels of the adaptive evaluation on |z| <= 10 (the truncated tails hold 1.5e-23). */
const EVAL_PANELS = 40;
const EVAL_ZMAX = 10;
/** Panel accepted when its 8-node and 2 x 8-node estimates agree to this fraction of the total. */
const EVAL_RTOL = 1e-11;
/**
 * Absolute floor of that test: squared errors below 1e-24 (RMS 1e-12) are at the level of the
 * reference's own error (dopri5 at rtol 1e-11), so refining further would chase rounding noise.
 */
const EVAL_ATOL = 1e-24;
/** Refinement stops after this many rounds or when this many panels would be active. */
const EVAL_MAX_ROUNDS = 30;
const EVAL_MAX_ACTIVE = 4000;

type EvalNode = { z: number; w: number; x: number; ref: number; q: number };

/**
 * Exact 1-D evaluation of a grid by adaptive quadrature over normal scores z of P_tau:
 *   endpointError^2 = int (Phi_grid(x_z) - Phi_ref(x_z))^2 phi(z) dz,   x_z = Q_tau(Phi(z)),
 *   W2^2(p, q)      = int (Phi_grid(x_z) - Q_0(Phi(z)))^2 phi(z) dz     (Phi_grid increasing),
 * the second being the exact W2 because (Phi_grid(X), Q_0(F_tau(X))) is then the monotone, optimal
 * coupling. The integrands have sharp features where the few-step map errs most (e.g. near the
 * separatrix between two modes, a width of ~0.02 in z at NFE 8), so a fixed rule is not enough:
 * panels of |z| <= 10 are halved until the 8-point Gauss-Legendre estimate on each panel agrees with
 * the sum over its halves to 1e-11 of the total plus 1e-24 (both integrands), in batched rounds (each round
 * integrates all new nodes at once). Increasing is checked on all final nodes sorted by z; when it
 * fails, W2 falls back to the weighted atoms against q's quantiles (`exact: false`).
 */
export function adaptive1dEvaluator(process: Exact1dProcess): GridEvaluator {
  const field = exact1dGridField(process);
  const tau = process.tau;
  const gl = gaussLegendre(EVAL_GL);
  // Nodes, their references and data quantiles do not depend on the grid: cache them across grids.
  const nodeCache = new Map<string, EvalNode[]>();
  const panelNodes = async (panels: [number, number][]): Promise<EvalNode[][]> => {
    const missing = panels.filter(([a, b]) => !nodeCache.has(`${a},${b}`));
    if (missing.length > 0) {
      const zs: number[] = [];
      const ws: number[] = [];
      for (const [a, b] of missing) {
        const h = b - a;
        for (let g = 0; g < EVAL_GL; g++) {
          const z = a + 0.5 * h * (1 + gl.nodes[g]);
          zs.push(z);
          ws.push(0.5 * h * gl.weights[g] * Math.exp(-0.5 * z * z) * 0.3989422804014327);
        }
      }
      const x = Float64Array.from(zs, (z) => process.quantileZ(tau, z));
      const ref = await referenceEndpoints(field, x, x.length);
      missing.forEach(([a, b], p) => {
        const nodes = Array.from({ length: EVAL_GL }, (_, g) => {
          const k = p * EVAL_GL + g;
          return { z: zs[k], w: ws[k], x: x[k], ref: ref[k], q: process.quantileZ(0, zs[k]) };
        });
        nodeCache.set(`${a},${b}`, nodes);
      });
    }
    return panels.map(([a, b]) => nodeCache.get(`${a},${b}`) as EvalNode[]);
  };
  return async (times, plan) => {
    const h0 = (2 * EVAL_ZMAX) / EVAL_PANELS;
    let active: [number, number][] = Array.from({ length: EVAL_PANELS }, (_, p) => [-EVAL_ZMAX + p * h0, -EVAL_ZMAX + (p + 1) * h0]);
    const accepted: (EvalNode & { y: number })[] = [];
    let totals: [number, number] | null = null;
    for (let round = 0; active.length > 0; round++) {
      const halves = active.flatMap(([a, b]): [number, number][] => [
        [a, 0.5 * (a + b)],
        [0.5 * (a + b), b],
      ]);
      const sets = await panelNodes([...active, ...halves]);
      const all = sets.flat();
      const y = (await integrateGrid(field, Float64Array.from(all, (n) => n.x), all.length, times, plan.solver, { finalEuler: plan.finalEuler })).x;
      const est = (s: number): [number, number] => {
        let e = 0;
        let d = 0;
        sets[s].forEach((n, i) => {
          e += n.w * (y[s * EVAL_GL + i] - n.ref) ** 2;
          d += n.w * (y[s * EVAL_GL + i] - n.q) ** 2;
        });
        return [e, d];
      };
      const A = active.length;
      const coarse = active.map((_, p) => est(p));
      const fine = active.map((_, p) => {
        const l = est(A + 2 * p);
        const r = est(A + 2 * p + 1);
        return [l[0] + r[0], l[1] + r[1]] as [number, number];
      });
      if (!totals) totals = fine.reduce<[number, number]>((s, f) => [s[0] + f[0], s[1] + f[1]], [0, 0]);
      const tot = totals;
      const next: [number, number][] = [];
      active.forEach((p, k) => {
        const ok = [0, 1].every((c) => Math.abs(fine[k][c] - coarse[k][c]) <= EVAL_RTOL * tot[c] + EVAL_ATOL);
        if (ok || round >= EVAL_MAX_ROUNDS || 2 * active.length > EVAL_MAX_ACTIVE) {
          for (const s of [A + 2 * k, A + 2 * k + 1]) {
            sets[s].forEach((n, i) => {
              accepted.push({ ...n, y: y[s * EVAL_GL + i] });
            });
          }
        } else {
          const mid = 0.5 * (p[0] + p[1]);
          next.push([p[0], mid], [mid, p[1]]);
        }
      });
      active = next;
    }
    const nodes = accepted.sort((a, b) => a.z - b.z);
    let e2 = 0;
    let d2 = 0;
    let monotone = true;
    nodes.forEach((n, i) => {
      e2 += n.w * (n.y - n.ref) ** 2;
      d2 += n.w * (n.y - n.q) ** 2;
      if (i > 0 && n.y < nodes[i - 1].y) monotone = false;
    });
    if (monotone) return { endpointError: Math.sqrt(e2), w2: Math.sqrt(d2), w2Exact: true, monotone };
    const mass = nodes.reduce((s, n) => s + n.w, 0);
    const byY = [...nodes].sort((a, b) => a.y - b.y);
    let acc = 0;
    let s2 = 0;
    for (const n of byY) {
      const u = Math.min(Math.max((acc + 0.5 * n.w) / mass, 1e-300), 1 - 1e-16);
      acc += n.w;
      s2 += n.w * (n.y - process.quantile(0, u)) ** 2;
    }
    return { endpointError: Math.sqrt(e2), w2: Math.sqrt(s2 / mass), w2Exact: false, monotone };
  };
}

/** The full context of a 1-D study; `timeChange` from the exact speeds on `panels` panels. */
export async function exact1dStudyContext(
  process: Exact1dProcess,
  schedule: Schedule | null,
  opts: { panels?: number; maxIterations?: number; multiStart?: boolean; edm?: GridStudyContext['edm'] } = {},
): Promise<GridStudyContext & { timeChange: TimeChange }> {
  const field = exact1dGridField(process);
  const timeChange = buildTimeChange((t) => speed1d(process, t), process.tau, { panels: opts.panels ?? 128 });
  const { z, w } = normalScoreNodes(OPT_NODES.panels, OPT_NODES.perPanel, OPT_NODES.zMax);
  const x = Float64Array.from(z, (zi) => process.quantileZ(process.tau, zi));
  const optStarts: StartSet = { x, n: x.length, w, ref: await referenceEndpoints(field, x, x.length) };
  return {
    field,
    schedule,
    timeChange,
    optStarts,
    evaluate: adaptive1dEvaluator(process),
    maxIterations: opts.maxIterations ?? 200,
    multiStart: opts.multiStart ?? true,
    edm: opts.edm,
  };
}
