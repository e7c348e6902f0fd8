import { InputError } from './errors.ts';

/** Format a value for an error message (short, never throws). */
export function describe(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `array of length ${v.length}`;
  if (v === null) return 'null';
  return typeof v;
}

/**
 * Assert that `v` is a finite number.
 * @throws InputError `"<where>: expected a finite number, got NaN"`.
 */
export function assertFiniteNumber(v: unknown, where: string): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new InputError(`expected a finite number, got ${describe(v)}`, where);
  }
}

/** Assert a finite number strictly greater than 0. @throws InputError */
export function assertPositive(v: unknown, where: string): asserts v is number {
  assertFiniteNumber(v, where);
  if (!(v > 0)) throw new InputError(`expected a number > 0, got ${v}`, where);
}

/** Assert a finite number >= 0. @throws InputError */
export function assertNonNegative(v: unknown, where: string): asserts v is number {
  assertFiniteNumber(v, where);
  if (!(v >= 0)) throw new InputError(`expected a number >= 0, got ${v}`, where);
}

/** Assert every entry of an array-like is finite; reports the first offending index. @throws InputError */
export function assertAllFinite(a: ArrayLike<number>, where: string): void {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (!Number.isFinite(x)) {
      throw new InputError(`expected finite values, got ${describe(x)} at index ${i}`, where);
    }
  }
}

/** Assert an integer in [min, max]. @throws InputError */
export function assertInteger(v: unknown, where: string, min = -Infinity, max = Infinity): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InputError(`expected an integer in [${min}, ${max}], got ${describe(v)}`, where);
  }
}

/**
 * Assert that a parsed JSON value is a plain object (not null, not an array).
 * @throws InputError `"<where>: expected an object, got array of length 2"`.
 */
export function jsonObject(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError(`expected an object, got ${describe(v)}`, where);
  return v as Record<string, unknown>;
}

/** @throws InputError naming the first key of `o` not in `keys` (and listing the expected ones). */
export function rejectUnknownKeys(o: Record<string, unknown>, keys: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new InputError(`unknown key ${JSON.stringify(k)} (expected ${keys.join(', ')})`, where);
}
