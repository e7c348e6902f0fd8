/**
 * The grid-study context of a field known only through samples of its source (n-D Gaussian-mixture
 * data with the exact velocity, or a trained model): starts drawn at tau (separate optimisation and
 * evaluation sets, weights 1/n), speeds as the kinetic energy along the field's own trajectories, and
 * W2 to held-out data from samples (exact OT), next to the data's own sampling noise.
 */
import { InputError } from '../core/errors.ts';
import type { Points } from '../core/points.ts';
import { w2SqPoints } from '../ot/w2SqPoints.ts';
import type { Schedule } from '../schedules/schedule.ts';
import { speedNodes, type TimeChange, timeChangeFromSpeeds } from '../schedules/timeChange.ts';
import { type GridField, referenceEndpoints } from './gridField.ts';
import { type GridStudyContext, sampledEvaluator, type StartSet, type W2ToData } from './gridStudy.ts';

/**
 * v2(t)^2 as E|u(t, x(t))|^2 along the fine-step trajectories x(t) of the field from the starts, at
 * the nodes of {@link speedNodes} (panels as given). For an exact gradient velocity from exact P_tau
 * samples this is the Wasserstein speed of the path up to sampling noise O(1/sqrt(n)); for a trained
 * model it is the kinetic energy of its own flow (>= its W2 speed when u_theta is not a gradient).
 * @returns the time change built from these speeds.
 */
export async function timeChangeAlongFlow(field: GridField, x0: Float64Array, n: number, panels: number): Promise<TimeChange> {
  const nodes = speedNodes(field.tau, { panels });
  const order = Array.from(nodes.keys()).sort((a, b) => nodes[b] - nodes[a]);
  const tEval = order.map((i) => nodes[i]);
  const states = await field.flow(x0, n, tEval);
  const speeds = new Float64Array(nodes.length);
  const u = new Float64Array(n * field.dim);
  for (let k = 0; k < order.length; k++) {
    await field.velocity(tEval[k], states[k], n, u);
    let s = 0;
    for (let i = 0; i < u.length; i++) s += u[i] * u[i];
    speeds[order[k]] = Math.sqrt(s / n);
  }
  return timeChangeFromSpeeds(field.tau, speeds, { panels });
}

/** Inputs of {@link sampledStudyContext}. */
export interface SampledStudyInput {
  field: GridField;
  schedule: Schedule | null;
  /** Starts at tau for the optimiser and (separately drawn) for evaluation, n * dim each. */
  optStarts: Float64Array;
  evalStarts: Float64Array;
  /** Held-out data (at least as many points as evaluation starts) and a second independent set, for W2. */
  data?: Points;
  data2?: Points;
  /** Panels of the time-change table. @default 48 */
  panels?: number;
  maxIterations?: number;
  multiStart?: boolean;
  edm?: GridStudyContext['edm'];
}

function startSet(field: GridField, x: Float64Array, ref: Float64Array): StartSet {
  const n = x.length / field.dim;
  return { x, n, w: new Float64Array(n).fill(1 / n), ref };
}

/**
 * Build the context; also returns W2 between the two held-out sets (the sampling-noise floor of W2
 * at this n) when both are given.
 * @throws InputError on mismatched dimensions or too few data points.
 */
export async function sampledStudyContext(input: SampledStudyInput): Promise<GridStudyContext & { timeChange: TimeChange; w2DataNoise?: number }> {
  const { field } = input;
  const d = field.dim;
  for (const [x, name] of [
    [input.optStarts, 'optStarts'],
    [input.evalStarts, 'evalStarts'],
  ] as const) {
    if (x.length === 0 || x.length % d !== 0) throw new InputError(`expected n x ${d} coordinates, got ${x.length}`, `gridStudy.${name}`);
  }
  const nEval = input.evalStarts.length / d;
  const optStarts = startSet(field, input.optStarts, await referenceEndpoints(field, input.optStarts, input.optStarts.length / d));
  const evalStarts = startSet(field, input.evalStarts, await referenceEndpoints(field, input.evalStarts, nEval));
  const timeChange = await timeChangeAlongFlow(field, input.evalStarts, nEval, input.panels ?? 48);
  let w2ToData: W2ToData | undefined;
  let w2DataNoise: number | undefined;
  const data = input.data;
  if (data) {
    if (data.dim !== d || data.n < nEval) throw new InputError(`expected held-out data of dimension ${d} with >= ${nEval} points, got ${data.n} x ${data.dim}`, 'gridStudy.data');
    const sub = (p: Points): Points => ({ data: p.data.subarray(0, nEval * d), n: nEval, dim: d });
    const ho = sub(data);
    w2ToData = (y) => ({ w2: Math.sqrt(w2SqPoints({ data: y, n: nEval, dim: d }, ho)), exact: false });
    if (input.data2) w2DataNoise = Math.sqrt(w2SqPoints(sub(input.data2), ho));
  }
  return {
    field,
    schedule: input.schedule,
    timeChange,
    optStarts,
    evaluate: sampledEvaluator(field, evalStarts, w2ToData),
    w2DataNoise,
    maxIterations: input.maxIterations ?? 40,
    multiStart: input.multiStart ?? false,
    edm: input.edm,
  };
}
