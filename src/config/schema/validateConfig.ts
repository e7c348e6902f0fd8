/**
 * Check a config against its command's schema, the one place where the dialect's structure, types
 * and ranges are validated. Browser-safe.
 */
import * as v from 'valibot';
import { describe } from '../../core/check.ts';
import { InputError } from '../../core/errors.ts';
import { type ConfigCommand, configSchema } from './commands.ts';

const isObject = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x);

/** `config` + path keys -> `config.data.stds[1]`, `config.grid["a.b"]`. */
export function jsonPath(where: string, keys: readonly unknown[]): string {
  let s = where;
  for (const k of keys) {
    if (typeof k === 'number') s += `[${k}]`;
    else if (typeof k === 'string' && /^[A-Za-z_$][\w$]*$/.test(k)) s += `.${k}`;
    else s += `[${JSON.stringify(k)}]`;
  }
  return s;
}

/**
 * Validate `json` (canonical spelling, see normalizeConfig) against the schema of `command`.
 * @throws InputError, one line naming the path of the first bad value, e.g.
 *   `config.data.stds[1]: expected a positive number, got -0.3`; unknown and missing keys are
 *   reported at the object that holds them (`config.data: unknown key "foo" (expected kind, ...)`).
 */
export function validateConfig(command: ConfigCommand, json: unknown, where = 'config'): void {
  const r = v.safeParse(configSchema(command), json, { abortEarly: true });
  if (r.success) return;
  const issue = r.issues[0];
  const keys = (issue.path ?? []).map((p) => (p as { key: unknown }).key);
  const last = keys[keys.length - 1];
  const holder = (issue.path?.[issue.path.length - 1] as { input?: unknown } | undefined)?.input;
  if (issue.input === undefined && typeof last === 'string' && !isObject(holder)) {
    throw new InputError(`expected an object, got ${describe(holder)}`, jsonPath(where, keys.slice(0, -1)));
  }
  // JSON has no undefined: a value schema that sees undefined is looking at a missing key
  if (issue.input === undefined && typeof last === 'string') throw new InputError(`missing key ${JSON.stringify(last)}`, jsonPath(where, keys.slice(0, -1)));
  const unknownKey = (issue.type === 'strict_object' || issue.type === 'loose_object') && issue.expected === 'never';
  throw new InputError(issue.message, jsonPath(where, unknownKey ? keys.slice(0, -1) : keys));
}
