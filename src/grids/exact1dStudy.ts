/**
 * The grid-study context of an exactly known 1-D process (Gaussian-mixture data under a schedule, or
 * the OT protocol): speeds by quadrature, starts on quadrature nodes of P_tau in normal scores, and
 * W2 to the data by the quantile formula, with no sampling error anywhere.
 */
import type { Exact1dProcess } from '../fields/exact1d.ts';
import type { Schedule } from '../schedules/schedule.ts';
import { buildTimeChange, type TimeChange } from '../schedules/timeChange.ts';
import { expectation1d } from '../thermo/expectation1d.ts';
import { exact1dGridField, referenceEndpoints } from './gridField.ts';
import type { GridStudyContext, StartSet, W2ToData } from './gridStudy.ts';
import { normalScoreNodes } from './normalScoreNodes.ts';

/** Wasserstein speed v2(t) = sqrt(int nu_t^2 P_t dx) of a 1-D process (Eq. 66; every 1-D field is a gradient). */
export function speed1d(process: Exact1dProcess, t: number): number {
  return Math.sqrt(expectation1d(process, t, (x) => process.velocity(t, x) ** 2));
}

/**
 * Optimisation starts: 96 nodes (24 panels x 4 on |z| <= 9); evaluation starts: 320 nodes (40 panels
 * x 8 on |z| <= 10). Different node sets, so the optimiser cannot fit its grid to the nodes it is judged on.
 */
const OPT_NODES = { panels: 24, perPanel: 4, zMax: 9 };
const EVAL_NODES = { panels: 40, perPanel: 8, zMax: 10 };

async function nodeStarts(process: Exact1dProcess, spec: typeof OPT_NODES, ref: (x: Float64Array, n: number) => Promise<Float64Array>): Promise<StartSet & { z: Float64Array }> {
  const { z, w } = normalScoreNodes(spec.panels, spec.perPanel, spec.zMax);
  const x = Float64Array.from(z, (zi) => process.quantileZ(process.tau, zi));
  return { x, n: x.length, w, ref: await ref(x, x.length), z };
}

/**
 * W2(p, q) of the generated law p = Phi_grid # P_tau to the data q = P_0, on the evaluation nodes.
 * When Phi_grid is increasing (checked on the sorted nodes) the pair (Phi_grid(X), Q_0(F_tau(X))) is
 * the monotone (optimal) coupling, so W2^2 = sum_j w_j (Phi_grid(x_j) - Q_0(Phi(z_j)))^2 exactly up
 * to quadrature (`exact: true`). Otherwise the generated law is taken as the weighted atoms, sorted,
 * against q's quantile at the middle of each atom's mass (`exact: false`).
 */
export function w2ToData1d(process: Exact1dProcess, z: Float64Array, w: Float64Array): W2ToData {
  const q = Float64Array.from(z, (zi) => process.quantileZ(0, zi));
  return (y) => {
    let monotone = true;
    for (let j = 1; j < y.length; j++) if (y[j] < y[j - 1]) monotone = false;
    let s = 0;
    if (monotone) {
      for (let j = 0; j < y.length; j++) s += w[j] * (y[j] - q[j]) ** 2;
      return { w2: Math.sqrt(s), exact: true, monotone };
    }
    const order = Array.from(y.keys()).sort((a, b) => y[a] - y[b]);
    let acc = 0;
    for (const j of order) {
      const u = Math.min(Math.max(acc + 0.5 * w[j], 1e-300), 1 - 1e-16);
      acc += w[j];
      s += w[j] * (y[j] - process.quantile(0, u)) ** 2;
    }
    return { w2: Math.sqrt(s), exact: false, monotone };
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
  const ref = (x: Float64Array, n: number) => referenceEndpoints(field, x, n);
  const optStarts = await nodeStarts(process, OPT_NODES, ref);
  const evalStarts = await nodeStarts(process, EVAL_NODES, ref);
  return {
    field,
    schedule,
    timeChange,
    optStarts,
    evalStarts,
    w2ToData: w2ToData1d(process, evalStarts.z, evalStarts.w),
    maxIterations: opts.maxIterations ?? 200,
    multiStart: opts.multiStart ?? true,
    edm: opts.edm,
  };
}
