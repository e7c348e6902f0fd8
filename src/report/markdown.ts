/**
 * Markdown helpers for reports: number formatting and tables.
 */
import { InputError } from '../core/errors.ts';

/**
 * Format a number for a report with `digits` significant digits: integers as integers, values
 * in [1e-3, 1e5) in fixed notation (0.01234, 123.4), others in exponent notation (1.234e-5);
 * NaN as "NaN", infinities as "inf" / "-inf".
 * @throws InputError if digits is not an integer in [1, 17].
 */
export function fmt(x: number, digits = 4): string {
  if (!(Number.isInteger(digits) && digits >= 1 && digits <= 17)) throw new InputError(`expected digits an integer in [1, 17], got ${digits}`, 'fmt');
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e5) {
    const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
    return x.toFixed(Math.min(decimals, 20));
  }
  return x.toExponential(digits - 1).replace('e+', 'e');
}

function cell(v: string | number, digits: number): string {
  const s = typeof v === 'number' ? fmt(v, digits) : String(v);
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * A GitHub-flavoured markdown table. Numbers are formatted with {@link fmt}; columns whose cells
 * are all numbers are right-aligned; `|` in text is escaped.
 * @param opts.digits significant digits for numbers. @default 4
 * @throws InputError if there are no headers or a row's length differs from the header's.
 */
export function markdownTable(headers: string[], rows: (string | number)[][], opts: { digits?: number } = {}): string {
  if (!headers || headers.length === 0) throw new InputError('expected at least one column header', 'markdownTable');
  const digits = opts.digits ?? 4;
  rows.forEach((r, i) => {
    if (r.length !== headers.length) throw new InputError(`expected ${headers.length} cells, got ${r.length}`, `markdownTable: rows[${i}]`);
  });
  const numeric = headers.map((_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number'));
  const lines = [
    `| ${headers.map((h) => cell(h, digits)).join(' | ')} |`,
    `|${numeric.map((n) => (n ? ' ---: ' : ' --- ')).join('|')}|`,
    ...rows.map((r) => `| ${r.map((v) => cell(v, digits)).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** Markdown image link `![alt](path)` (path used as given; use a path relative to the report). */
export function markdownImage(alt: string, path: string): string {
  return `![${alt.replace(/[[\]]/g, '')}](${path.replace(/ /g, '%20')})`;
}

/** `mean ± std`: the mean with `digits` significant digits, the spread with 2. */
export function fmtMeanStd(s: { mean: number; std: number }, digits = 3): string {
  return `${fmt(s.mean, digits)} ± ${fmt(s.std, 2)}`;
}
