/**
 * Shared parsers of numeric and choice flags. Every error is one line naming the flag, what was
 * expected and what was received (a {@link UsageError}: exit code 2).
 */
import { UsageError } from './errors.ts';

/** A decimal number as typed on a command line: optional sign, digits, fraction, exponent. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function show(v: unknown): string {
  return JSON.stringify(String(v));
}

function range(min: number, max: number): string {
  if (max === Number.MAX_SAFE_INTEGER || max === Number.POSITIVE_INFINITY) return `>= ${min}`;
  return `in [${min}, ${max}]`;
}

/**
 * Parse an integer flag in [min, max] (decimal, exponent allowed when the value is an integer, e.g.
 * 1e6). @throws UsageError for anything else: fractions, hex, NaN, Infinity, values outside the
 * range or beyond 2^53.
 */
export function parseIntFlag(value: unknown, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const s = String(value).trim();
  const x = Number(s);
  if (!NUMBER.test(s) || !Number.isSafeInteger(x) || x < min || x > max) {
    throw new UsageError(`${flag}: expected an integer ${range(min, max)}, got ${show(value)}`);
  }
  return x;
}

/** A seed: a non-negative integer up to 2^53 - 1. @throws UsageError */
export function parseSeedFlag(value: unknown, flag = '--seed'): number {
  return parseIntFlag(value, flag, 0);
}

/** Options of {@link parseNumberFlag}. */
export interface NumberRange {
  /** Lower bound (inclusive unless `exclusiveMin`). */
  min?: number;
  exclusiveMin?: boolean;
  /** Upper bound (inclusive unless `exclusiveMax`). */
  max?: number;
  exclusiveMax?: boolean;
}

/**
 * Parse a finite number flag within an optional range. @throws UsageError for non-numbers, NaN,
 * +-Infinity and values outside the range.
 */
export function parseNumberFlag(value: unknown, flag: string, r: NumberRange = {}): number {
  const s = String(value).trim();
  const x = Number(s);
  const lo = r.min === undefined ? '' : `${r.exclusiveMin ? '>' : '>='} ${r.min}`;
  const hi = r.max === undefined ? '' : `${r.exclusiveMax ? '<' : '<='} ${r.max}`;
  const what = ['a finite number', [lo, hi].filter(Boolean).join(' and ')].filter(Boolean).join(' ');
  if (!NUMBER.test(s) || !Number.isFinite(x)) throw new UsageError(`${flag}: expected ${what}, got ${show(value)}`);
  if (r.min !== undefined && (r.exclusiveMin ? !(x > r.min) : !(x >= r.min))) throw new UsageError(`${flag}: expected ${what}, got ${show(value)}`);
  if (r.max !== undefined && (r.exclusiveMax ? !(x < r.max) : !(x <= r.max))) throw new UsageError(`${flag}: expected ${what}, got ${show(value)}`);
  return x;
}

/** A finite number > 0. @throws UsageError */
export function parsePositiveFlag(value: unknown, flag: string, max?: number): number {
  return parseNumberFlag(value, flag, { min: 0, exclusiveMin: true, ...(max === undefined ? {} : { max }) });
}

/** One of a fixed set of words. @throws UsageError listing them. */
export function parseChoiceFlag<T extends string>(value: unknown, flag: string, choices: readonly T[]): T {
  const s = String(value);
  if (!(choices as readonly string[]).includes(s)) {
    const list = choices.length <= 2 ? choices.join(' or ') : `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`;
    throw new UsageError(`${flag}: expected ${list}, got ${show(value)}`);
  }
  return s as T;
}
