/**
 * The velocity fields the step-grid tools work on: the exact 1-D process velocity, the exact n-D
 * Gaussian-mixture velocity and a trained {@link FlowModel}. Each adapter also provides the
 * data-free reference of the grid error: a fine-step (adaptive dopri5) solution of the same field
 * from the same starts.
 */
import { solveOde } from '../core/ode.ts';
import type { Exact1dProcess } from '../fields/exact1d.ts';
import type { ScheduleMixtureField } from '../fields/scheduleMixtureField.ts';
import type { FlowModel } from '../nn/models/flowModel.ts';
import { integrateFlow } from '../nn/sample/integrateFlow.ts';

/** A velocity field u(t, x) on [0, tau] in `dim` dimensions, integrated from tau (source) to 0 (data). */
export interface GridField {
  readonly dim: number;
  readonly tau: number;
  /** Label for reports. */
  readonly label: string;
  /**
   * `exact`: float64 closed-form velocity; `float32`: a network (velocities carry ~1e-7 relative
   * rounding), which sets finite-difference steps and reference tolerances.
   */
  readonly precision: 'exact' | 'float32';
  /** u(t, x_i) for n points (x row-major n*dim) into `out`. */
  velocity(t: number, x: Float64Array, n: number, out: Float64Array): void | Promise<void>;
  /**
   * The fine-step solution: the flow of n points from tau by adaptive dopri5, returning the states
   * at `tEval` (descending times in [0, tau], landed on exactly).
   */
  flow(x0: Float64Array, n: number, tEval: readonly number[]): Promise<Float64Array[]>;
}

/** The fine-step reference endpoints (the flow from tau to 0): the data-free yardstick of grid errors. */
export async function referenceEndpoints(field: GridField, x0: Float64Array, n: number): Promise<Float64Array> {
  const r = await field.flow(x0, n, [0]);
  return r[0];
}

/** dopri5 tolerances of the exact fields' reference (1e-11 relative: far below any grid error reported). */
const EXACT_RTOL = 1e-11;
const EXACT_ATOL = 1e-12;

function exactFlow(field: Pick<GridField, 'tau' | 'velocity'>) {
  return async (x0: Float64Array, n: number, tEval: readonly number[]): Promise<Float64Array[]> => {
    const r = solveOde((t, y, dy) => void field.velocity(t, y, n, dy), x0, field.tau, 0, { method: 'dopri5', rtol: EXACT_RTOL, atol: EXACT_ATOL, tEval });
    return r.y;
  };
}

/** The exact velocity of a 1-D process (Gaussian mixture under a schedule, or the OT protocol). */
export function exact1dGridField(process: Exact1dProcess): GridField {
  const velocity = (t: number, x: Float64Array, n: number, out: Float64Array) => {
    for (let i = 0; i < n; i++) out[i] = process.velocity(t, x[i]);
  };
  const field = { dim: 1, tau: process.tau, label: `exact 1-D ${process.name} velocity`, precision: 'exact' as const, velocity };
  return { ...field, flow: exactFlow(field) };
}

/**
 * The exact velocity of Gaussian-mixture data in any dimension: under an (m, sigma) schedule
 * (ScheduleMixtureField) or a linear-force process (LinearForceMixtureField).
 */
export function mixtureGridField(mixture: Pick<ScheduleMixtureField, 'dim' | 'tau' | 'velocity'>, label = 'exact mixture velocity'): GridField {
  const velocity = (t: number, x: Float64Array, n: number, out: Float64Array) => {
    mixture.velocity(t, x, n, out);
  };
  const field = { dim: mixture.dim, tau: mixture.tau, label, precision: 'exact' as const, velocity };
  return { ...field, flow: exactFlow(field) };
}

/**
 * Reference tolerances for a network (float32 inputs and outputs): 1e-7 relative rounding in every
 * velocity makes tighter tolerances meaningless; the reference then carries ~1e-6 of the spread.
 */
const MODEL_RTOL = 1e-6;
const MODEL_ATOL = 1e-6;

/** A trained flow model's velocity u_theta (inputs rounded to float32, outputs widened to float64). */
export function modelGridField(model: FlowModel, label = `model (${model.scheduleName})`): GridField {
  let buf = new Float32Array(0);
  return {
    dim: model.dim,
    tau: model.tau,
    label,
    precision: 'float32',
    async velocity(t, x, n, out) {
      if (buf.length !== n * model.dim) buf = new Float32Array(n * model.dim);
      for (let i = 0; i < n * model.dim; i++) buf[i] = x[i];
      const v = await model.velocity(t, buf, n);
      for (let i = 0; i < n * model.dim; i++) out[i] = v[i];
    },
    async flow(x0, n, tEval) {
      const r = await integrateFlow(model, Float32Array.from(x0), n, { from: model.tau, to: 0, solver: 'dopri5', rtol: MODEL_RTOL, atol: MODEL_ATOL, tEval: [...tEval] });
      return (r.path as Float32Array[]).map((p) => Float64Array.from(p));
    },
  };
}
