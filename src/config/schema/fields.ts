/**
 * Field schemas of the config dialect (valibot), each with the one-line message the CLI prints:
 * `expected a positive number, got -0.3`. The path (`config.data.stds[1]`) is added by
 * {@link validateConfig}. Browser-safe.
 */
import * as v from 'valibot';
import { describe } from '../../core/check.ts';

type AnySchema = v.GenericSchema;

const got = (issue: v.BaseIssue<unknown>) => describe(issue.input);

/** Attach a description (shown by editors through the JSON Schema). */
export function doc<S extends AnySchema>(schema: S, text: string) {
  return v.pipe(schema, v.description(text));
}

/** A finite number. */
export function finite() {
  const m = (i: v.BaseIssue<unknown>) => `expected a finite number, got ${got(i)}`;
  return v.pipe(v.number(m), v.finite(m));
}

/** A finite number > 0 (message `expected <label> > 0, got -1`, or `expected a positive number`). */
export function positive(label?: string) {
  const m = (i: v.BaseIssue<unknown>) =>
    typeof i.input === 'number' && Number.isFinite(i.input)
      ? `expected ${label === undefined ? 'a positive number' : `${label} > 0`}, got ${got(i)}`
      : `expected a finite number, got ${got(i)}`;
  return v.pipe(v.number(m), v.finite(m), v.gtValue(0, m));
}

/** A finite number >= 0 (message `expected <label> >= 0, got -1`). */
export function nonNegative(label = 'a number') {
  const m = (i: v.BaseIssue<unknown>) =>
    typeof i.input === 'number' && Number.isFinite(i.input) ? `expected ${label} >= 0, got ${got(i)}` : `expected a finite number, got ${got(i)}`;
  return v.pipe(v.number(m), v.finite(m), v.minValue(0, m));
}

/** A finite number in the open interval (0, 1). */
export function openUnit() {
  const m = (i: v.BaseIssue<unknown>) => `expected a number in (0, 1), got ${got(i)}`;
  return v.pipe(v.number(m), v.finite(m), v.gtValue(0, m), v.ltValue(1, m));
}

/** An integer in [min, max]. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  const m = (i: v.BaseIssue<unknown>) =>
    max === Number.MAX_SAFE_INTEGER ? `expected an integer >= ${min}, got ${got(i)}` : `expected an integer in [${min}, ${max}], got ${got(i)}`;
  if (max === Number.MAX_SAFE_INTEGER) return v.pipe(v.number(m), v.integer(m), v.minValue(min, m));
  return v.pipe(v.number(m), v.integer(m), v.minValue(min, m), v.maxValue(max, m));
}

/** A non-empty string (message `expected <label>, got ""`). */
export function text(label = 'a non-empty string') {
  const m = (i: v.BaseIssue<unknown>) => `expected ${label}, got ${got(i)}`;
  return v.pipe(v.string(m), v.minLength(1, m));
}

/** One of `names` (message `unknown <what> "x", expected one of a, b` when `what` is given). */
export function oneOf<const T extends readonly [string, ...string[]]>(names: T, what?: string) {
  return v.picklist(names, (i) =>
    what === undefined ? `expected one of ${names.join(', ')}, got ${got(i)}` : `unknown ${what} ${got(i)}, expected one of ${names.join(', ')}`,
  );
}

/** A non-empty array of `item`. */
export function list<S extends AnySchema>(item: S, what = 'array') {
  const m = (i: v.BaseIssue<unknown>) => `expected a non-empty ${what}, got ${got(i)}`;
  return v.pipe(v.array(item, m), v.minLength(1, m));
}

/** A coordinate vector: an array of finite numbers, or a bare number in 1-D. */
export function vector() {
  return v.union([finite(), list(finite(), 'array of numbers')], (i) => `expected a number or a non-empty array of numbers, got ${got(i)}`);
}

/**
 * An object with exactly these keys (optional ones wrapped in v.optional). Messages: `unknown key
 * "x" (expected a, b)`, `missing key "a"`, `expected an object, got array of length 2`;
 * {@link validateConfig} reports the first two at the object's own path.
 */
export function strict<E extends v.ObjectEntries>(entries: E) {
  const keys = Object.keys(entries);
  return v.strictObject(entries, (i) => {
    if (i.expected === 'never') return `unknown key ${i.received} (expected ${keys.join(', ')})`;
    if (i.received === 'undefined' && i.expected?.startsWith('"')) return `missing key ${i.expected}`;
    return `expected an object, got ${got(i)}`;
  });
}

/** Like {@link strict}, but keys it does not list pass through (the command's own parser checks them). */
export function loose<E extends v.ObjectEntries>(entries: E) {
  return v.looseObject(entries, (i) => {
    if (i.received === 'undefined' && i.expected?.startsWith('"')) return `missing key ${i.expected}`;
    return `expected an object, got ${got(i)}`;
  });
}

/** Objects told apart by their `kind` (message: `unknown <what> kind "c", expected one of a, b`). */
export function byKind<const O extends v.VariantOptions<'kind'>>(what: string, options: O) {
  const kinds = options.map((o) => (o as unknown as { entries: { kind: { literal: string } } }).entries.kind.literal);
  return v.variant('kind', options, (i) => {
    const last = i.path?.[i.path.length - 1] as { key?: unknown } | undefined;
    if (last?.key === 'kind') return `unknown ${what} kind ${got(i)}, expected one of ${kinds.join(', ')}`;
    return `expected an object with a "kind" (${kinds.join(', ')}), got ${got(i)}`;
  });
}

/** `{"kind": name, ...entries}`, an option of {@link byKind}. */
export function kind<const K extends string, E extends v.ObjectEntries>(name: K, entries: E) {
  return strict({ kind: v.literal(name), ...entries });
}
