/**
 * Schedule files: a named (m, sigma) schedule, optionally run on a new clock (a {@link TimeChange}),
 * as JSON that every command reads with `--schedule-file` (docs/schedules.md):
 * ```json
 * {"format": "thermodiff-schedule", "version": 1, "name": "cosine@constant-speed", "tau": 1,
 *  "base": {"name": "cosine", "options": {}},
 *  "timeChange": {"t": [0, ..., 1], "ell": [0, ..., L], "speed": [v2(t_0), ...]},
 *  "provenance": {...}}
 * ```
 * `t` are node times of the base clock, `ell` the cumulative thermodynamic length int_0^t v2 and
 * `speed` v2 at the nodes; the new clock is s = tau ell(t) / L (cubic Hermite interpolation of ell).
 * `timeChange` may be omitted (the base schedule itself). `provenance` is free-form (how the table was
 * made: data, L, c2) and is not read back.
 */
import { describe, jsonObject, rejectUnknownKeys } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import { type NamedScheduleOptions, namedSchedule, parseNamedScheduleOptions, SCHEDULE_NAMES } from './namedSchedule.ts';
import type { Schedule } from './schedule.ts';
import { type TimeChange, timeChangeFromTable } from './timeChange.ts';
import { timeChangedSchedule } from './timeChangedSchedule.ts';
import { validateSchedule } from './validateSchedule.ts';

/** Value of the `format` key. */
export const SCHEDULE_FILE_FORMAT = 'thermodiff-schedule';

/** A parsed schedule file. */
export interface ScheduleFile {
  name: string;
  tau: number;
  base: { name: string; options: NamedScheduleOptions };
  /** Absent: the base schedule itself. */
  timeChange?: { t: number[]; ell: number[]; speed: number[] };
  provenance?: Record<string, unknown>;
}


function numbers(v: unknown, where: string): number[] {
  if (!Array.isArray(v)) throw new InputError(`expected an array of numbers, got ${describe(v)}`, where);
  return v.map((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new InputError(`expected a finite number, got ${describe(x)}`, `${where}[${i}]`);
    return x;
  });
}

/**
 * Validate a parsed schedule file (see the module comment) and build its schedule.
 * @returns the file contents and the {@link Schedule} (validated with {@link validateSchedule}).
 * @throws InputError with the JSON path of the first problem: wrong format or version, unknown keys,
 *   unknown base schedule, non-finite numbers, a table that does not span [0, tau] or is not monotone.
 */
export function parseScheduleFile(json: unknown, where = 'schedule file'): { file: ScheduleFile; schedule: Schedule } {
  const o = jsonObject(json, where);
  rejectUnknownKeys(o, ['format', 'version', 'name', 'tau', 'base', 'timeChange', 'provenance'], where);
  if (o.format !== SCHEDULE_FILE_FORMAT) throw new InputError(`expected "format": "${SCHEDULE_FILE_FORMAT}", got ${describe(o.format)}`, `${where}.format`);
  if (o.version !== 1) throw new InputError(`expected "version": 1, got ${describe(o.version)}`, `${where}.version`);
  const tau = o.tau;
  if (typeof tau !== 'number' || !(tau > 0) || !Number.isFinite(tau)) throw new InputError(`expected tau > 0 and finite, got ${describe(tau)}`, `${where}.tau`);
  const b = jsonObject(o.base, `${where}.base`);
  rejectUnknownKeys(b, ['name', 'options'], `${where}.base`);
  if (typeof b.name !== 'string' || !(SCHEDULE_NAMES as readonly string[]).includes(b.name)) {
    throw new InputError(`expected one of ${SCHEDULE_NAMES.join(', ')}, got ${describe(b.name)}`, `${where}.base.name`);
  }
  const options: NamedScheduleOptions = b.options === undefined ? {} : parseNamedScheduleOptions(b.options, `${where}.base.options`);
  const name = o.name === undefined ? b.name : o.name;
  if (typeof name !== 'string' || name.length === 0) throw new InputError(`expected a non-empty string, got ${describe(name)}`, `${where}.name`);
  const base = namedSchedule(b.name, tau, options);
  const file: ScheduleFile = { name, tau, base: { name: b.name, options } };
  let schedule: Schedule = { ...base, name };
  if (o.timeChange !== undefined) {
    const tcj = jsonObject(o.timeChange, `${where}.timeChange`);
    rejectUnknownKeys(tcj, ['t', 'ell', 'speed'], `${where}.timeChange`);
    const table = {
      t: numbers(tcj.t, `${where}.timeChange.t`),
      ell: numbers(tcj.ell, `${where}.timeChange.ell`),
      speed: numbers(tcj.speed, `${where}.timeChange.speed`),
    };
    const tc = timeChangeFromTable(table, tau, `${where}.timeChange`);
    file.timeChange = table;
    schedule = timeChangedSchedule(base, tc, name);
  }
  if (o.provenance !== undefined) file.provenance = jsonObject(o.provenance, `${where}.provenance`);
  validateSchedule(schedule, where);
  return { file, schedule };
}

/**
 * The JSON object of a schedule file for a named base schedule and (optionally) a time change
 * (tables written at full double precision).
 */
export function scheduleFileJson(spec: {
  name: string;
  tau: number;
  base: { name: string; options?: NamedScheduleOptions };
  timeChange?: TimeChange;
  provenance?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    format: SCHEDULE_FILE_FORMAT,
    version: 1,
    name: spec.name,
    tau: spec.tau,
    base: { name: spec.base.name, options: spec.base.options ?? {} },
    ...(spec.timeChange
      ? { timeChange: { t: Array.from(spec.timeChange.t), ell: Array.from(spec.timeChange.ell), speed: Array.from(spec.timeChange.speed) } }
      : {}),
    ...(spec.provenance ? { provenance: spec.provenance } : {}),
  };
}
