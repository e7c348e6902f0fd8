import { describe } from '../core/check.ts';
import { InputError } from '../core/errors.ts';

/**
 * Dotted paths into a config as written: `process.g`, `data.seed`, `train.steps`; a numeric
 * segment indexes an array (`perturbation.mean.0`). Keys containing dots cannot be addressed.
 */
export function splitPath(path: string, where: string): string[] {
  const parts = path.split('.');
  if (path === '' || parts.some((p) => p === '')) throw new InputError(`expected a dotted path like "process.g", got ${JSON.stringify(path)}`, where);
  return parts;
}

/** The value at `path`, or undefined when any step is missing. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/**
 * A deep copy of `obj` with `value` at `path`. Missing objects on the way are created (the
 * command's validation then rejects keys it does not know); stepping into a number, a string or
 * past the end of an array is an error.
 * @returns the copy and whether the path existed in `obj`.
 * @throws InputError naming the path when a step goes through a non-object or off an array.
 */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown, where: string): { value: Record<string, unknown>; existed: boolean } {
  const parts = splitPath(path, where);
  const root = structuredClone(obj);
  let cur: Record<string, unknown> | unknown[] = root;
  let existed = true;
  for (let i = 0; i < parts.length; i++) {
    const key = parts[i];
    const last = i === parts.length - 1;
    if (Array.isArray(cur)) {
      const k = Number(key);
      if (!Number.isInteger(k) || k < 0 || k >= cur.length) {
        throw new InputError(`${parts.slice(0, i).join('.')} is an array of ${cur.length}; ${JSON.stringify(key)} is not an index in it`, where);
      }
      if (last) cur[k] = structuredClone(value);
      else cur = descend(cur[k], parts.slice(0, i + 1).join('.'), where);
      continue;
    }
    if (!(key in cur)) existed = false;
    if (last) {
      cur[key] = structuredClone(value);
    } else {
      if (!(key in cur)) cur[key] = {};
      cur = descend(cur[key], parts.slice(0, i + 1).join('.'), where);
    }
  }
  return { value: root, existed };
}

function descend(v: unknown, at: string, where: string): Record<string, unknown> | unknown[] {
  if (v === null || typeof v !== 'object') throw new InputError(`cannot set a key inside ${at}, which is ${describe(v)}`, where);
  return v as Record<string, unknown> | unknown[];
}
