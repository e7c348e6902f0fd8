/**
 * The optimize-schedule config: a speed-accuracy config (data, schedule, tau, scheduleOptions; a
 * perturbation is accepted and ignored) plus an optional `optimize` block (docs/schedules.md).
 */
import { describe, jsonObject, rejectUnknownKeys } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import { GRID_SOLVERS, type GridSolverName } from '../grids/integrateGrid.ts';
import { type OptimizeScheduleConfig, type OptimizeScheduleOptions, type OptimizeScheduleResult, optimizeSchedule } from '../grids/optimizeSchedule.ts';
import { type NamedScheduleOptions, namedSchedule, parseNamedScheduleOptions } from '../schedules/namedSchedule.ts';
import type { Schedule } from '../schedules/schedule.ts';
import { parseScheduleFile, type ScheduleFile } from '../schedules/scheduleFile.ts';
import { validateSchedule } from '../schedules/validateSchedule.ts';
import { parseMixtureBlock } from './speedAccuracyConfig.ts';
import { parseLinearProcess } from './speedAccuracyNdConfig.ts';
import { normalizeConfig } from './normalizeConfig.ts';


function int(v: unknown, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new InputError(`expected an integer in [${min}, ${max}], got ${describe(v)}`, where);
  return v;
}

function num(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`expected a finite number, got ${describe(v)}`, where);
  return v;
}

function solverName(v: unknown, where: string): GridSolverName {
  if (typeof v !== 'string' || !(GRID_SOLVERS as readonly string[]).includes(v)) throw new InputError(`expected one of ${GRID_SOLVERS.join(', ')}, got ${describe(v)}`, where);
  return v as GridSolverName;
}

/**
 * Validate the `optimize` block (every key optional).
 * @throws InputError with the JSON path of the first problem (NFE < 1, unknown solver, ...).
 */
export function parseOptimizeOptions(v: unknown, where = 'config.optimize'): OptimizeScheduleOptions {
  const o = jsonObject(v, where);
  rejectUnknownKeys(o, ['nfe', 'solver', 'nfeSweep', 'sweepSolvers', 'panels', 'optStarts', 'evalStarts', 'seed', 'maxIterations', 'multiStart', 'edm'], where);
  const out: OptimizeScheduleOptions = {};
  if ('nfe' in o) out.nfe = int(o.nfe, `${where}.nfe`, 1, 4096);
  if ('solver' in o) out.solver = solverName(o.solver, `${where}.solver`);
  if ('nfeSweep' in o) {
    if (!Array.isArray(o.nfeSweep)) throw new InputError(`expected an array of NFE values, got ${describe(o.nfeSweep)}`, `${where}.nfeSweep`);
    out.nfeSweep = o.nfeSweep.map((x, i) => int(x, `${where}.nfeSweep[${i}]`, 1, 4096));
  }
  if ('sweepSolvers' in o) {
    if (!Array.isArray(o.sweepSolvers) || o.sweepSolvers.length === 0) throw new InputError(`expected a non-empty array of solvers, got ${describe(o.sweepSolvers)}`, `${where}.sweepSolvers`);
    out.sweepSolvers = o.sweepSolvers.map((x, i) => solverName(x, `${where}.sweepSolvers[${i}]`));
  }
  if ('panels' in o) out.panels = int(o.panels, `${where}.panels`, 4, 10_000);
  if ('optStarts' in o) out.optStarts = int(o.optStarts, `${where}.optStarts`, 2, 1_000_000);
  if ('evalStarts' in o) out.evalStarts = int(o.evalStarts, `${where}.evalStarts`, 2, 1_000_000);
  if ('seed' in o) out.seed = int(o.seed, `${where}.seed`, 0, 2 ** 32 - 1);
  if ('maxIterations' in o) out.maxIterations = int(o.maxIterations, `${where}.maxIterations`, 0, 100_000);
  if ('multiStart' in o) {
    if (typeof o.multiStart !== 'boolean') throw new InputError(`expected true or false, got ${describe(o.multiStart)}`, `${where}.multiStart`);
    out.multiStart = o.multiStart;
  }
  if ('edm' in o) {
    const e = jsonObject(o.edm, `${where}.edm`);
    rejectUnknownKeys(e, ['rho', 'lambdaMin', 'lambdaMax'], `${where}.edm`);
    out.edm = {};
    for (const k of ['rho', 'lambdaMin', 'lambdaMax'] as const) {
      if (!(k in e)) continue;
      const x = num(e[k], `${where}.edm.${k}`);
      if (!(x > 0)) throw new InputError(`expected a number > 0, got ${x}`, `${where}.edm.${k}`);
      out.edm[k] = x;
    }
  }
  return out;
}

/**
 * Validate an optimize-schedule config: a speed-accuracy config (`data`, `schedule`, `tau`,
 * `scheduleOptions`; a `perturbation` is accepted and ignored, so the same files serve both commands)
 * plus an optional `optimize` block ({@link parseOptimizeOptions}). `schedule` is one of cosine,
 * cond-ot, ot, vp-linear, ve, or an inline schedule file object (format "thermodiff-schedule");
 * instead of `schedule`, `process: {"kind": "linear", "A": [[..]], "b"?: [..], "temperature": T}`
 * (a time-homogeneous linear-force process, as in n-D speed-accuracy configs).
 * @throws InputError with the JSON path of the first problem.
 */
export function parseOptimizeScheduleConfig(json: unknown, where = 'config'): OptimizeScheduleConfig {
  const o = jsonObject(normalizeConfig('optimize-schedule', json, where).config, where); // old spellings, $schema, types and ranges (docs/config.md)
  rejectUnknownKeys(o, ['data', 'schedule', 'process', 'tau', 'scheduleOptions', 'perturbation', 'optimize'], where);
  if (!('data' in o)) throw new InputError('missing key "data"', where);
  if ('schedule' in o === 'process' in o) throw new InputError('expected exactly one of "schedule" and "process"', where);
  const data = parseMixtureBlock(o.data, `${where}.data`);
  let tau = 1;
  if ('tau' in o) {
    tau = num(o.tau, `${where}.tau`);
    if (!(tau > 0)) throw new InputError(`expected tau > 0, got ${tau}`, `${where}.tau`);
  }
  let scheduleOptions: NamedScheduleOptions | undefined;
  if ('scheduleOptions' in o) scheduleOptions = parseNamedScheduleOptions(o.scheduleOptions, `${where}.scheduleOptions`);
  const options = 'optimize' in o ? parseOptimizeOptions(o.optimize, `${where}.optimize`) : {};
  if ('process' in o) {
    const p = jsonObject(o.process, `${where}.process`);
    if (p.kind !== 'linear') throw new InputError(`unknown process kind ${describe(p.kind)}, expected "linear"`, `${where}.process.kind`);
    const { A, b, temperature } = parseLinearProcess(p, data.dim, `${where}.process`);
    return { data, schedule: 'linear', process: { A, b, temperature }, tau, options };
  }
  let schedule: string | Schedule;
  let scheduleFile: ScheduleFile | undefined;
  if (typeof o.schedule === 'object' && o.schedule !== null) {
    const f = parseScheduleFile(o.schedule, `${where}.schedule`);
    if (Math.abs(f.file.tau - tau) > 1e-12 * tau) throw new InputError(`the schedule file has tau = ${f.file.tau}, the config ${tau}`, `${where}.schedule.tau`);
    schedule = f.schedule;
    scheduleFile = f.file;
  } else {
    if (typeof o.schedule !== 'string' || !['cosine', 'cond-ot', 'ot', 'vp-linear', 've'].includes(o.schedule)) {
      throw new InputError(`unknown schedule ${describe(o.schedule)}, expected one of cosine, cond-ot, ot, vp-linear, ve or a schedule file object`, `${where}.schedule`);
    }
    schedule = o.schedule;
    if (schedule !== 'ot') validateSchedule(namedSchedule(schedule, tau, scheduleOptions), `${where}.schedule`);
  }
  if (schedule === 'ot' && data.dim !== 1) throw new InputError('the OT protocol is available for one-dimensional data only', `${where}.schedule`);
  return { data, schedule, tau, scheduleOptions, scheduleFile, options };
}

/** Parse and run a config (the entry point for sweeps): JSON in, JSON-able result out. */
export async function runOptimizeScheduleConfig(json: unknown, overrides: OptimizeScheduleOptions = {}): Promise<OptimizeScheduleResult> {
  const config = parseOptimizeScheduleConfig(json);
  return optimizeSchedule({ ...config, options: { ...config.options, ...overrides } });
}
