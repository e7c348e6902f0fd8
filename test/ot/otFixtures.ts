import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePoints, type Points } from '../../src/core/points.ts';
import type { Rng } from '../../src/core/rng.ts';
import { readNpy } from '../../src/io/npy.ts';

export const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ot');

/** POT 0.8.2 reference values (see test/fixtures/ot/values.json `_about`). */
export const potValues = JSON.parse(readFileSync(join(fixtureDir, 'values.json'), 'utf8')) as Record<
  string,
  { n: number; m: number; dim: number; weights: boolean; sqeuclidean: Record<string, number>; euclidean: Record<string, number> }
>;

export const fixtureNames = ['uniform50_2d', 'uniform300_3d', 'weighted80x120_2d', 'uneven500x700_1d'];

export function loadFixture(name: string): { x: Points; y: Points; a: Float64Array | null; b: Float64Array | null } {
  const load = (suffix: string) => readNpy(new Uint8Array(readFileSync(join(fixtureDir, `${name}_${suffix}.npy`))));
  const X = load('x');
  const Y = load('y');
  const dim = X.shape.length === 2 ? X.shape[1] : 1;
  const x = makePoints(X.data, X.shape[0], dim);
  const y = makePoints(Y.data, Y.shape[0], dim);
  const weighted = potValues[name].weights;
  return { x, y, a: weighted ? load('a').data : null, b: weighted ? load('b').data : null };
}

/** n uniform points in [0, 1)^dim. */
export function uniformCloud(rng: Rng, n: number, dim: number): Points {
  const data = new Float64Array(n * dim);
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform();
  return { data, n, dim };
}

/** Random positive weights summing to 1. */
export function randomWeights(rng: Rng, n: number): Float64Array {
  const w = Float64Array.from({ length: n }, () => 0.05 + rng.uniform());
  const s = w.reduce((p, q) => p + q, 0);
  return w.map((v) => v / s);
}
