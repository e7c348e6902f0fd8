import { InputError } from './errors.ts';

/**
 * A set of `n` points in `dim` dimensions, stored row-major in one Float64Array
 * (`data[i * dim + k]` is coordinate k of point i). This is the one point-cloud type of thermodiff.
 */
export interface Points {
  readonly data: Float64Array;
  readonly n: number;
  readonly dim: number;
}

/**
 * Make a {@link Points} from a flat array.
 * @throws InputError if `data.length !== n * dim` or a value is not finite.
 */
export function makePoints(data: Float64Array, n: number, dim: number, where = 'points'): Points {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(dim) || dim < 1) {
    throw new InputError(`expected n >= 0 and dim >= 1 integers, got n=${n}, dim=${dim}`, where);
  }
  if (data.length !== n * dim) {
    throw new InputError(`expected ${n}x${dim} = ${n * dim} values, got ${data.length}`, where);
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new InputError(
        `expected finite values, got ${data[i]} at point ${Math.floor(i / dim)}, coordinate ${i % dim}`,
        where,
      );
    }
  }
  return { data, n, dim };
}

/** Points from an array of rows, e.g. `[[0, 1], [2, 3]]`. @throws InputError on ragged rows or non-finite values. */
export function pointsFromRows(rows: readonly (readonly number[])[], where = 'points'): Points {
  if (rows.length === 0) throw new InputError('expected at least one point, got none', where);
  const dim = rows[0].length;
  const data = new Float64Array(rows.length * dim);
  rows.forEach((r, i) => {
    if (r.length !== dim) throw new InputError(`row ${i} has ${r.length} coordinates, expected ${dim}`, where);
    for (let k = 0; k < dim; k++) data[i * dim + k] = r[k];
  });
  return makePoints(data, rows.length, dim, where);
}
