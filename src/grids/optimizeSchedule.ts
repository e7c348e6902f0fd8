/**
 * `optimize-schedule` as a library function: config object -> JSON-able result (docs/schedules.md).
 *
 * For a path (data + schedule, or a trained model's own flow) it computes
 * 1. the thermodynamic length L = int v2 dt, c2 = int v2^2 dt and the constant-speed time change that
 *    lowers c2 to L^2 / tau (Eq. 92), exported as a schedule file;
 * 2. step grids at a fixed NFE for the probability-flow ODE (Euler or Heun): uniform, EDM, log-SNR,
 *    equal length, and the grid optimised for the data-free error, each with its endpoint error and,
 *    where the data law is known, W2 to the data (exactly in 1-D);
 * 3. optionally the same for every NFE of a sweep (error vs NFE).
 */
import { NumericalError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { type GaussianMixture, sampleGaussianMixture } from '../data/gaussianMixture.ts';
import { otProcess1d, scheduleProcess1d } from '../fields/exact1d.ts';
import { linearForceMixtureField } from '../fields/linearForceMixtureField.ts';
import { scheduleMixtureField } from '../fields/scheduleMixtureField.ts';
import { linearForceProcess } from '../processes/linearForceProcess.ts';
import { type NamedScheduleOptions, namedSchedule } from '../schedules/namedSchedule.ts';
import type { Schedule } from '../schedules/schedule.ts';
import { type ScheduleFile, scheduleFileJson } from '../schedules/scheduleFile.ts';
import { speedOnNewClock, type TimeChange } from '../schedules/timeChange.ts';
import { timeChangedSchedule } from '../schedules/timeChangedSchedule.ts';
import { exact1dStudyContext, speed1d } from './exact1dStudy.ts';
import { type GridField, mixtureGridField } from './gridField.ts';
import { GRID_NAMES, type GridResult, type GridStudyContext, gridStudy } from './gridStudy.ts';
import { type GridPlan, type GridSolverName, gridPlan } from './integrateGrid.ts';
import { sampledStudyContext } from './sampledStudy.ts';
import { acceleration1d, accelerationClock, accelerationGrid, type GridDiagnostic, gridDiagnostic } from './stepDiagnostics1d.ts';

/** Options of a study (the `optimize` block of a config; CLI flags override). */
export interface OptimizeScheduleOptions {
  /** NFE budget of the main comparison. @default 8 */
  nfe?: number;
  /** @default 'euler' */
  solver?: GridSolverName;
  /** NFE values of the error-vs-NFE sweep (empty: none). @default [] */
  nfeSweep?: number[];
  /** Solvers of the sweep. @default [solver] */
  sweepSolvers?: GridSolverName[];
  /** Panels of the time-change table. @default 128 (1-D), 48 (sampled) */
  panels?: number;
  /** Sampled studies: starts for the optimiser and for evaluation. @default 1000 each */
  optStarts?: number;
  evalStarts?: number;
  /** Seed of every draw of a sampled study. @default 0 */
  seed?: number;
  /** LM iterations. @default 200 (1-D), 40 (sampled) */
  maxIterations?: number;
  /** Optimise from every standard grid, not only the best. @default true (1-D), false (sampled) */
  multiStart?: boolean;
  /** EDM / log-SNR grid parameters. @default rho 7, lambdaMin 0.002, lambdaMax 80 */
  edm?: { rho?: number; lambdaMin?: number; lambdaMax?: number };
}

/** A validated optimize-schedule config. */
export interface OptimizeScheduleConfig {
  data: GaussianMixture;
  /** `ot`, a named schedule, or a schedule file's schedule (ignored when `process` is given). */
  schedule: string | Schedule;
  /**
   * A time-homogeneous linear-force process dx = (A x + b) dt + sqrt(2 T) dB instead of a schedule
   * (A row-major dim x dim, b of length dim, T >= 0): sampled study with the exact mixture velocity.
   */
  process?: { A: number[]; b: number[]; temperature: number };
  tau: number;
  scheduleOptions?: NamedScheduleOptions;
  /** Set when the schedule came from a schedule file (its base is then exportable). */
  scheduleFile?: ScheduleFile;
  options: OptimizeScheduleOptions;
}

/** The JSON printed by `thermodiff optimize-schedule --json` (and written by `--out`). */
export interface OptimizeScheduleResult {
  protocol: string;
  dim: number;
  tau: number;
  /** Thermodynamic length L = int v2 dt. */
  L: number;
  /** int v2^2 dt of the path as parametrised. */
  c2: number;
  /** L^2 / tau: the cost on the constant-speed clock (minimum over time changes, Eq. 92). */
  c2ConstantSpeed: number;
  /** int v2~^2 ds recomputed on the new clock (1-D: from the time-changed schedule's own velocity). */
  c2After: number;
  field: string;
  solver: GridSolverName;
  nfe: number;
  steps: number;
  errorMeasure: string;
  w2Measure: string | null;
  /** W2 between two independent held-out data sets of the evaluation size (sampled studies). */
  w2DataNoise?: number;
  grids: GridResult[];
  sweep: { solver: GridSolverName; nfe: number[]; grids: { name: string; endpointError: number[]; w2: (number | null)[] }[] }[];
  curves: { t: number[]; v2: number[]; s: number[]; v2After: number[] };
  /** Exact 1-D studies: why each grid errs where it does (src/grids/stepDiagnostics1d.ts), at the main NFE. */
  diagnostics?: Diagnostics1d;
  /** The constant-speed schedule as a schedule file (null when the path has no named (m, sigma) schedule). */
  scheduleFile: Record<string, unknown> | null;
  notes: string[];
  seconds: number;
}

/** Composite Simpson on a uniform grid with an odd number of points. */
function simpson(y: number[], h: number): number {
  let s = y[0] + y[y.length - 1];
  for (let i = 1; i < y.length - 1; i++) s += (i % 2 === 1 ? 4 : 2) * y[i];
  return (s * h) / 3;
}

/** Samples of the grid-studies' curves: 201 times on each clock. */
const CURVE_POINTS = 201;

/** Inputs of {@link runGridStudies} beyond the context. */
interface StudyMeta {
  protocol: string;
  dim: number;
  /** v2 at an original time (exact where available). */
  speedAt: (t: number) => number;
  /** v2~ at a new time s, recomputed independently of the table where possible. */
  speedAfterAt: (s: number) => number;
  errorMeasure: string;
  w2Measure: string | null;
  w2DataNoise?: number;
  scheduleFile: Record<string, unknown> | null;
  notes: string[];
  /** Exact 1-D: the step diagnostics of the main comparison. */
  diagnose?: (grids: GridResult[], plan: GridPlan) => Promise<Diagnostics1d>;
}

/** Step diagnostics of an exact 1-D study. */
export interface Diagnostics1d {
  /** Acceleration A(t) = ||Du/Dt||_{L2(P_t)} at 101 times; Euler's local error is (h^2/2) Du/Dt. */
  acceleration: { t: number[]; a: number[] };
  /** The grid equidistributing Euler's local error (density sqrt(A)) at the main NFE (null when A = 0). */
  accelerationGrid: { times: number[]; endpointError: number; w2?: number } | null;
  grids: GridDiagnostic[];
}

/**
 * Run the main comparison and the sweep on a prepared context and assemble the result.
 * @throws InputError for bad options (NFE < 1, unknown solver).
 */
export async function runGridStudies(ctx: GridStudyContext & { timeChange: TimeChange }, meta: StudyMeta, opts: OptimizeScheduleOptions, t0 = performance.now()): Promise<OptimizeScheduleResult> {
  const solver = opts.solver ?? 'euler';
  const nfe = opts.nfe ?? 8;
  const plan = gridPlan(solver, nfe);
  const tc = ctx.timeChange;
  const tau = tc.tau;
  const grids = await gridStudy(ctx, solver, nfe);
  const sweep: OptimizeScheduleResult['sweep'] = [];
  const nfes = opts.nfeSweep ?? [];
  if (nfes.length > 0) {
    for (const sv of opts.sweepSolvers ?? [solver]) {
      for (const k of nfes) gridPlan(sv, k);
      const rows = new Map<string, { endpointError: number[]; w2: (number | null)[] }>();
      for (const k of nfes) {
        const res = sv === solver && k === nfe ? grids : await gridStudy(ctx, sv, k);
        for (const g of res) {
          const row = rows.get(g.name) ?? { endpointError: [], w2: [] };
          row.endpointError.push(g.endpointError);
          row.w2.push(g.w2 ?? null);
          rows.set(g.name, row);
        }
      }
      sweep.push({ solver: sv, nfe: nfes, grids: GRID_NAMES.filter((g) => rows.has(g)).map((g) => ({ name: g, ...(rows.get(g) as { endpointError: number[]; w2: (number | null)[] }) })) });
    }
  }
  const ts = Array.from({ length: CURVE_POINTS }, (_, i) => (tau * i) / (CURVE_POINTS - 1));
  const v2 = ts.map(meta.speedAt);
  const v2After = ts.map(meta.speedAfterAt);
  const c2After = simpson(
    v2After.map((v) => v * v),
    tau / (CURVE_POINTS - 1),
  );
  return {
    protocol: meta.protocol,
    dim: meta.dim,
    tau,
    L: tc.length,
    c2: tc.cost,
    c2ConstantSpeed: tc.constantSpeedCost,
    c2After,
    field: ctx.field.label,
    solver,
    nfe,
    steps: plan.steps,
    errorMeasure: meta.errorMeasure,
    w2Measure: meta.w2Measure,
    ...(meta.w2DataNoise !== undefined ? { w2DataNoise: meta.w2DataNoise } : {}),
    grids,
    sweep,
    curves: { t: ts, v2, s: ts, v2After },
    ...(meta.diagnose ? { diagnostics: await meta.diagnose(grids, plan) } : {}),
    scheduleFile: meta.scheduleFile,
    notes: meta.notes,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The schedule file of the constant-speed clock, when the path has a named (m, sigma) schedule. */
function exportable(config: OptimizeScheduleConfig, tc: TimeChange, provenance: Record<string, unknown>): Record<string, unknown> | null {
  if (config.schedule === 'ot') return null;
  if (typeof config.schedule === 'string') {
    return scheduleFileJson({
      name: `${config.schedule}@constant-speed`,
      tau: config.tau,
      base: { name: config.schedule, options: config.scheduleOptions },
      timeChange: tc,
      provenance,
    });
  }
  const f = config.scheduleFile;
  if (!f || f.timeChange) return null; // composing two time changes is not supported: export from the base
  return scheduleFileJson({ name: `${f.base.name}@constant-speed`, tau: config.tau, base: f.base, timeChange: tc, provenance });
}

function dataJson(d: GaussianMixture) {
  const rows = (a: Float64Array) => Array.from({ length: d.k }, (_, c) => Array.from(a.subarray(c * d.dim, (c + 1) * d.dim)));
  return { kind: 'gaussian-mixture', means: rows(d.means), stds: Array.from(d.stds), weights: Array.from(d.weights) };
}

const ERROR_EXACT = 'RMS endpoint distance sqrt(E|Phi_grid(x) - Phi_ref(x)|^2) over x ~ P_tau (adaptive quadrature over normal scores, 1e-11 relative), Phi_ref = dopri5 (rtol 1e-11) of the same field';
const ERROR_SAMPLED = (n: number, tol: string) => `RMS endpoint distance sqrt(mean |Phi_grid(x_i) - Phi_ref(x_i)|^2) over ${n} fresh starts x_i ~ P_tau, Phi_ref = dopri5 (${tol}) of the same field`;

/**
 * Run optimize-schedule on a validated config with an exact velocity (1-D: exact quadrature
 * throughout; n-D mixtures: sampled starts and W2 from samples).
 * @throws InputError for bad options.
 */
export async function optimizeSchedule(config: OptimizeScheduleConfig): Promise<OptimizeScheduleResult> {
  const t0 = performance.now();
  const opts = config.options;
  const { data, tau } = config;
  if (config.process) return optimizeScheduleLinear(config, config.process, t0);
  const schedule = config.schedule === 'ot' ? null : typeof config.schedule === 'string' ? namedSchedule(config.schedule, tau, config.scheduleOptions) : config.schedule;
  const protocol = typeof config.schedule === 'string' ? config.schedule : config.schedule.name;
  // Validate the options up front (before any expensive work).
  gridPlan(opts.solver ?? 'euler', opts.nfe ?? 8);
  for (const k of opts.nfeSweep ?? []) for (const sv of opts.sweepSolvers ?? [opts.solver ?? 'euler']) gridPlan(sv, k);
  const notes: string[] = [];
  if (!schedule) notes.push('OT protocol: no (m, sigma) schedule, so no EDM or log-SNR grid; its velocity is constant along straight paths, so every grid is exact up to the reference tolerance');
  if (data.dim === 1) {
    const process = schedule ? scheduleProcess1d(data, schedule) : otProcess1d(data, tau);
    const ctx = await exact1dStudyContext(process, schedule, { panels: opts.panels, maxIterations: opts.maxIterations, multiStart: opts.multiStart, edm: opts.edm });
    const tc = ctx.timeChange;
    const after = schedule ? scheduleProcess1d(data, timeChangedSchedule(schedule, tc)) : null;
    const provenance = { data: dataJson(data), L: tc.length, c2: tc.cost, c2ConstantSpeed: tc.constantSpeedCost, panels: tc.t.length - 1, speeds: 'exact 1-D quadrature' };
    return runGridStudies(
      ctx,
      {
        protocol,
        dim: 1,
        speedAt: (t) => speed1d(process, t),
        // From the time-changed schedule's own velocity (independent of the table's speeds) when there is one.
        speedAfterAt: (s) => (after ? speed1d(after, s) : speedOnNewClock(tc, s, (t) => speed1d(process, t))),
        errorMeasure: ERROR_EXACT,
        w2Measure: 'W2 to the data q = P_0 by the exact 1-D quantile formula (the monotone coupling), same adaptive quadrature',
        scheduleFile: schedule ? exportable(config, tc, provenance) : null,
        notes,
        diagnose: async (grids, plan) => {
          const at = Array.from({ length: 101 }, (_, i) => (tau * i) / 100);
          let clock: TimeChange | null = null;
          try {
            clock = accelerationClock(process);
          } catch (e) {
            // A = 0 up to differencing noise (the OT protocol's straight constant-speed paths): no clock.
            if (!(e instanceof NumericalError)) throw e;
          }
          return {
            acceleration: { t: at, a: at.map((t) => acceleration1d(process, t)) },
            accelerationGrid: clock ? await accelerationGrid(clock, plan.steps, plan, ctx.evaluate) : null,
            grids: grids.map((g) => gridDiagnostic(process, tc, g.name, g.times, plan)),
          };
        },
      },
      opts,
      t0,
    );
  }
  // n-D Gaussian mixture with the exact velocity.
  const s = schedule as Schedule;
  const field = mixtureGridField(scheduleMixtureField(data, s), `exact ${data.dim}-D mixture velocity (${protocol})`);
  const m = s.m(tau);
  const sg = s.sigma(tau);
  const drawStarts = (n: number, rng: Rng) => {
    const y = sampleGaussianMixture(data, n, rng);
    return Float64Array.from(y.data, (v) => m * v + sg * rng.normal());
  };
  return sampledMixtureStudy(config, { field, schedule: s, protocol, drawStarts, notes, exportable: (tc, provenance) => exportable(config, tc, provenance) }, t0);
}

/**
 * The sampled study of Gaussian-mixture data with an exact velocity (n-D schedules, linear-force
 * processes): optimisation and evaluation starts drawn exactly from P_tau (streams 1 and 2 of the
 * seed), two held-out data sets (streams 3 and 4).
 */
async function sampledMixtureStudy(
  config: OptimizeScheduleConfig,
  o: {
    field: GridField;
    schedule: Schedule | null;
    protocol: string;
    drawStarts: (n: number, rng: Rng) => Float64Array;
    notes: string[];
    exportable: (tc: TimeChange, provenance: Record<string, unknown>) => Record<string, unknown> | null;
  },
  t0: number,
): Promise<OptimizeScheduleResult> {
  const opts = config.options;
  const { data } = config;
  const seed = opts.seed ?? 0;
  const nOpt = opts.optStarts ?? 1000;
  const nEval = opts.evalStarts ?? 1000;
  const ctx = await sampledStudyContext({
    field: o.field,
    schedule: o.schedule,
    optStarts: o.drawStarts(nOpt, new Rng(seed * 7919 + 1)),
    evalStarts: o.drawStarts(nEval, new Rng(seed * 7919 + 2)),
    data: sampleGaussianMixture(data, nEval, new Rng(seed * 7919 + 3)),
    data2: sampleGaussianMixture(data, nEval, new Rng(seed * 7919 + 4)),
    panels: opts.panels,
    maxIterations: opts.maxIterations,
    multiStart: opts.multiStart,
    edm: opts.edm,
  });
  const tc = ctx.timeChange;
  const provenance = { data: dataJson(data), L: tc.length, c2: tc.cost, c2ConstantSpeed: tc.constantSpeedCost, panels: tc.t.length - 1, speeds: `kinetic energy along ${nEval} exact trajectories (seed ${seed})` };
  return runGridStudies(
    ctx,
    {
      protocol: o.protocol,
      dim: data.dim,
      speedAt: (t) => tc.speedAt(t),
      speedAfterAt: (x) => speedOnNewClock(tc, x),
      errorMeasure: ERROR_SAMPLED(nEval, 'rtol 1e-11'),
      w2Measure: `W2 of the ${nEval} generated points to ${nEval} fresh data points (exact OT); w2DataNoise is the same between two data sets`,
      w2DataNoise: ctx.w2DataNoise,
      scheduleFile: o.exportable(tc, provenance),
      notes: o.notes,
    },
    opts,
    t0,
  );
}

/**
 * optimize-schedule for Gaussian-mixture data (any dimension, 1-D included) under a time-homogeneous
 * linear-force process: the exact velocity nu = A x + b - T grad ln P_t (Eq. 1; linearForceMixtureField)
 * and exact draws from P_tau. There is no (m, sigma) schedule: no EDM or log-SNR grid and no schedule
 * file. The speeds are the kinetic energy E|nu|^2 along the flow: the Wasserstein speed v2^2 when A is
 * symmetric (nu is then a gradient), an upper bound of it otherwise.
 */
async function optimizeScheduleLinear(config: OptimizeScheduleConfig, p: NonNullable<OptimizeScheduleConfig['process']>, t0: number): Promise<OptimizeScheduleResult> {
  const { data, tau } = config;
  const d = data.dim;
  const A = Float64Array.from(p.A);
  const b = Float64Array.from(p.b);
  const process = linearForceProcess({ name: 'linear', dim: d, tau, forceMatrix: () => A, forceOffset: () => b, temperature: () => p.temperature });
  const lf = linearForceMixtureField(process, data);
  const protocol = `linear(A = ${JSON.stringify(rowsOf(p.A, d))}, b = ${JSON.stringify(p.b)}, T = ${p.temperature})`;
  const field = mixtureGridField(lf, `exact ${d}-D mixture velocity under ${protocol}`);
  let symmetric = true;
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) if (A[i * d + j] !== A[j * d + i]) symmetric = false;
  const notes = ['linear-force process: no (m, sigma) schedule, so no EDM or log-SNR grid and no schedule file'];
  notes.push(symmetric ? 'A is symmetric, so the velocity is a gradient and its kinetic energy is the Wasserstein speed v2^2' : 'A is not symmetric: the speeds are the kinetic energy E|nu|^2 of the flow, an upper bound of v2^2 (the velocity is not a gradient)');
  return sampledMixtureStudy(config, { field, schedule: null, protocol, drawStarts: (n, rng) => Float64Array.from(lf.sample(tau, n, rng).data), notes, exportable: () => null }, t0);
}

function rowsOf(a: number[], d: number): number[][] {
  return Array.from({ length: d }, (_, i) => a.slice(i * d, (i + 1) * d));
}
