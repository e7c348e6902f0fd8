/**
 * Resource limits of the CLI: a command estimates the memory and time a request needs before it
 * starts, and refuses (exit 2, one line with the estimate and what to change) when the estimate
 * exceeds the limit.
 *
 * - Memory limit: THERMODIFF_MEMORY_LIMIT (bytes, or with a unit: 512M, 4G), default 75% of the
 *   machine's memory (or of the cgroup limit when lower).
 * - Time limit: THERMODIFF_TIME_LIMIT (seconds, or with a unit: 90m, 12h, 2d), default 24 h;
 *   `0` or `none` disables it. Time estimates are optimistic (lower bounds), so a refusal means
 *   the run would certainly take longer than the limit.
 */
import { totalmem } from 'node:os';
import { UsageError } from './errors.ts';

const MEMORY_UNITS: Record<string, number> = { '': 1, b: 1, k: 2 ** 10, kb: 2 ** 10, m: 2 ** 20, mb: 2 ** 20, g: 2 ** 30, gb: 2 ** 30, t: 2 ** 40, tb: 2 ** 40 };
const TIME_UNITS: Record<string, number> = { '': 1, s: 1, m: 60, min: 60, h: 3600, d: 86400 };

function parseWithUnit(text: string, units: Record<string, number>, name: string): number {
  const m = /^\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? units[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new UsageError(`${name}: expected a number with an optional unit (${Object.keys(units).filter(Boolean).join(', ')}), got ${JSON.stringify(text)}`);
  return Number(m[1]) * unit;
}

/** Memory available to a run, in bytes (see the module comment). @throws UsageError for a malformed THERMODIFF_MEMORY_LIMIT */
export function memoryLimit(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.THERMODIFF_MEMORY_LIMIT;
  if (v !== undefined && v !== '') return parseWithUnit(v, MEMORY_UNITS, 'THERMODIFF_MEMORY_LIMIT');
  const cg = typeof process.constrainedMemory === 'function' ? (process.constrainedMemory() ?? 0) : 0;
  const machine = totalmem();
  return 0.75 * (cg > 0 && cg < machine ? cg : machine);
}

/** Time limit of a run in seconds (Infinity when disabled). @throws UsageError for a malformed THERMODIFF_TIME_LIMIT */
export function timeLimit(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.THERMODIFF_TIME_LIMIT;
  if (v === undefined || v === '') return 24 * 3600;
  if (v.trim().toLowerCase() === 'none') return Number.POSITIVE_INFINITY;
  const s = parseWithUnit(v, TIME_UNITS, 'THERMODIFF_TIME_LIMIT');
  return s === 0 ? Number.POSITIVE_INFINITY : s;
}

/** Bytes as a short human-readable size: 512 B, 3.2 MB, 24 GB (powers of 1024). */
export function formatBytes(b: number): string {
  if (!Number.isFinite(b)) return 'an unbounded amount of memory';
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let i = 0;
  let x = b;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  if (x >= 1024) return `${b.toExponential(1)} B`;
  return `${x < 10 && i > 0 ? x.toFixed(1) : Math.round(x)} ${units[i]}`;
}

/** Seconds as a short duration: 40 s, 12 min, 3.5 h, 20 days, 3e+9 years. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return 'forever';
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 3 * 86400) return `${(s / 3600).toFixed(1)} h`;
  if (s < 2 * 365 * 86400) return `${Math.round(s / 86400)} days`;
  const y = s / (365 * 86400);
  return `${y < 1e4 ? Math.round(y) : y.toExponential(0)} years`;
}

/** What a request needs, as estimated by the command before any work. */
export interface Budget {
  /** What is being asked, for the message: e.g. `1e9 samples of dim 2`. */
  what: string;
  /** Peak memory estimate in bytes. */
  bytes?: number;
  /** Optimistic (lower-bound) time estimate in seconds. */
  seconds?: number;
  /** What the user can change, e.g. `use a smaller --n`. */
  hint: string;
}

/**
 * Refuse a request whose estimate exceeds the memory or time limit.
 * @throws UsageError `needs ~24 GB for 1e9 samples of dim 2; the limit is 17 GB (75% of this
 *   machine's memory; THERMODIFF_MEMORY_LIMIT changes it); use a smaller --n`
 */
export function checkBudget(b: Budget, env: NodeJS.ProcessEnv = process.env): void {
  if (b.bytes !== undefined) {
    const limit = memoryLimit(env);
    if (!(b.bytes <= limit)) {
      const src = env.THERMODIFF_MEMORY_LIMIT ? 'THERMODIFF_MEMORY_LIMIT' : "75% of this machine's memory; THERMODIFF_MEMORY_LIMIT changes it";
      throw new UsageError(`needs ~${formatBytes(b.bytes)} for ${b.what}; the limit is ${formatBytes(limit)} (${src}); ${b.hint}`);
    }
  }
  if (b.seconds !== undefined) {
    const limit = timeLimit(env);
    if (!(b.seconds <= limit)) {
      const src = env.THERMODIFF_TIME_LIMIT ? 'THERMODIFF_TIME_LIMIT' : 'default; THERMODIFF_TIME_LIMIT changes it';
      throw new UsageError(`would take at least ~${formatSeconds(b.seconds)} for ${b.what}; the limit is ${formatSeconds(limit)} (${src}); ${b.hint}`);
    }
  }
}

/** A count for messages: 1000 -> "1000", 1e9 -> "1e+9". */
export function formatCount(n: number): string {
  return n < 1e6 ? String(n) : n.toExponential().replace(/\.?0+e/, 'e');
}
