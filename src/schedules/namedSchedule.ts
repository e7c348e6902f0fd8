import { describe, jsonObject, rejectUnknownKeys } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import { condOtSchedule } from './condOtSchedule.ts';
import { cosineSchedule } from './cosineSchedule.ts';
import type { Schedule } from './schedule.ts';
import { veSchedule } from './veSchedule.ts';
import { vpLinearSchedule } from './vpLinearSchedule.ts';

/** Names accepted by {@link namedSchedule}. */
export const SCHEDULE_NAMES = ['cosine', 'cond-ot', 'vp-linear', 've'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

/** Options of the named schedules (ignored by those that do not use them). */
export interface NamedScheduleOptions {
  /** vp-linear. @default 0.1 */
  betaMin?: number;
  /** vp-linear. @default 20 */
  betaMax?: number;
  /** ve. @default 0.01 */
  sigmaMin?: number;
  /** ve. @default 50 */
  sigmaMax?: number;
}

/**
 * A named (m, sigma) schedule on [0, tau]: `cosine` ({@link cosineSchedule}), `cond-ot`
 * ({@link condOtSchedule}), `vp-linear` ({@link vpLinearSchedule}), `ve` ({@link veSchedule}).
 * @throws InputError on an unknown name (listing the known ones) or invalid options.
 */
export function namedSchedule(name: string, tau = 1, opts: NamedScheduleOptions = {}): Schedule {
  switch (name) {
    case 'cosine':
      return cosineSchedule(tau);
    case 'cond-ot':
      return condOtSchedule(tau);
    case 'vp-linear':
      return vpLinearSchedule(tau, { betaMin: opts.betaMin, betaMax: opts.betaMax });
    case 've':
      return veSchedule(tau, { sigmaMin: opts.sigmaMin, sigmaMax: opts.sigmaMax });
    default:
      throw new InputError(`unknown schedule ${JSON.stringify(name)}, expected one of ${SCHEDULE_NAMES.join(', ')}`, 'schedule');
  }
}

/** Keys of {@link NamedScheduleOptions}. */
export const SCHEDULE_OPTION_KEYS = ['betaMin', 'betaMax', 'sigmaMin', 'sigmaMax'] as const;

/**
 * Parse a JSON `scheduleOptions` object (`betaMin`, `betaMax`, `sigmaMin`, `sigmaMax`, all optional).
 * @throws InputError on unknown keys or non-finite values, with the JSON path.
 */
export function parseNamedScheduleOptions(v: unknown, where: string): NamedScheduleOptions {
  const o = jsonObject(v, where);
  rejectUnknownKeys(o, SCHEDULE_OPTION_KEYS, where);
  const out: NamedScheduleOptions = {};
  for (const k of SCHEDULE_OPTION_KEYS) {
    if (!(k in o)) continue;
    const x = o[k];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new InputError(`expected a finite number, got ${describe(x)}`, `${where}.${k}`);
    out[k] = x;
  }
  return out;
}
