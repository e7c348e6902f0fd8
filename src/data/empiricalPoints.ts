import { InputError } from '../core/errors.ts';
import { makePoints, type Points } from '../core/points.ts';
import { readNpy } from '../io/npy.ts';

/**
 * Empirical data from the bytes of a NumPy `.npy` file holding an [n, dim] float32/float64 array
 * (a 1-D array of length n is read as n points in 1-D). The empirical law is the mixture of point
 * masses 1/n at the rows; its forward marginals are exact Gaussian mixtures (see
 * `mixtureFromPoints` in src/fields/linearForceMixtureField.ts).
 * @throws InputError for a malformed file, an empty array or non-finite values.
 */
export function empiricalPointsFromNpy(bytes: Uint8Array, where = 'data.file'): Points {
  const a = readNpy(bytes, where);
  const n = a.shape[0];
  const dim = a.shape.length === 2 ? a.shape[1] : 1;
  if (!(n > 0) || !(dim > 0)) throw new InputError(`expected a non-empty [n, dim] array, got shape [${a.shape.join(', ')}]`, where);
  return makePoints(a.data, n, dim, where);
}
