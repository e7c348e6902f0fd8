/**
 * JSON with sorted object keys, for hashing configs and comparing results bit for bit.
 * Numbers print as JavaScript's shortest round-trip form, so a double survives
 * stringify/parse exactly. Non-finite numbers, which plain JSON turns into `null`, are kept as the
 * strings "NaN", "Infinity" and "-Infinity" (see {@link reviveNonFinite}).
 */
export function stableJson(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), nonFiniteReplacer, indent);
}

/** JSON.stringify replacer that writes non-finite numbers as "NaN", "Infinity", "-Infinity". */
export function nonFiniteReplacer(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

/** JSON.parse reviver that turns "NaN", "Infinity", "-Infinity" back into numbers. */
export function reviveNonFinite(_key: string, v: unknown): unknown {
  return v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = sortKeys(o[k]);
    return out;
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  return v;
}
