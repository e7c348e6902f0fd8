import type { Command } from 'commander';
import { InputError } from '../../core/errors.ts';
import { makePoints, type Points } from '../../core/points.ts';
import { Rng } from '../../core/rng.ts';
import { readNpy, writeNpy } from '../../io/npy.ts';
import { emd } from '../../ot/emd.ts';
import { sinkhorn } from '../../ot/sinkhorn.ts';
import { slicedWasserstein } from '../../ot/slicedWasserstein.ts';
import { UsageError } from '../errors.ts';
import { checkOutputs } from '../outputs.ts';
import { readFileChecked, writeFileAtomic } from '../../io/files.ts';

interface OtCliOptions {
  cost: string;
  method: string;
  epsilon?: string;
  weightsA?: string;
  weightsB?: string;
  planOut?: string;
  projections: string;
  seed: string;
  json?: boolean;
}

/** Read an n x d (or length-n, taken as n x 1) point cloud from a .npy file. @throws InputError */
export function readPointsNpy(path: string): Points {
  const arr = readNpy(new Uint8Array(readFileChecked(path)), path);
  const n = arr.shape[0];
  const dim = arr.shape.length === 2 ? arr.shape[1] : 1;
  if (n < 1 || dim < 1) throw new InputError(`expected at least one point with at least one coordinate, got shape (${arr.shape.join(', ')})`, path);
  return makePoints(arr.data, n, dim, path);
}

function readWeightsNpy(path: string, n: number): Float64Array {
  const arr = readNpy(new Uint8Array(readFileChecked(path)), path);
  if (arr.shape.length !== 1 && !(arr.shape.length === 2 && arr.shape[1] === 1)) {
    throw new InputError(`expected a 1-D weight vector, got shape (${arr.shape.join(', ')})`, path);
  }
  if (arr.data.length !== n) throw new InputError(`expected ${n} weights (one per point), got ${arr.data.length}`, path);
  for (let i = 0; i < n; i++) {
    const w = arr.data[i];
    if (!Number.isFinite(w)) throw new InputError(`expected finite weights, got ${w} at index ${i}`, path);
    if (w < 0) throw new InputError(`expected non-negative weights, got ${w} at index ${i}`, path);
  }
  return arr.data;
}

function parseNumber(s: string, name: string, positive: boolean): number {
  const v = Number(s);
  if (!Number.isFinite(v) || (positive && !(v > 0))) throw new UsageError(`${name}: expected a ${positive ? 'positive ' : ''}number, got ${JSON.stringify(s)}`);
  return v;
}

/** Run `thermodiff ot` and return the JSON-able record (the CLI prints it). */
export function runOt(fileA: string, fileB: string, o: OtCliOptions): Record<string, unknown> {
  if (o.cost !== 'sqeuclidean' && o.cost !== 'euclidean') throw new UsageError(`--cost: expected sqeuclidean or euclidean, got ${JSON.stringify(o.cost)}`);
  if (o.method !== 'exact' && o.method !== 'sinkhorn' && o.method !== 'sliced') {
    throw new UsageError(`--method: expected exact, sinkhorn or sliced, got ${JSON.stringify(o.method)}`);
  }
  if ((o.weightsA === undefined) !== (o.weightsB === undefined)) throw new UsageError('--weights-a and --weights-b must be given together');
  if (o.planOut !== undefined) {
    const inputs = [['<a>', fileA], ['<b>', fileB], ['--weights-a', o.weightsA], ['--weights-b', o.weightsB]].filter((x): x is [string, string] => x[1] !== undefined);
    checkOutputs([{ flag: '--plan-out', path: o.planOut }], inputs.map(([flag, path]) => ({ flag, path })));
  }
  const x = readPointsNpy(fileA);
  const y = readPointsNpy(fileB);
  if (x.dim !== y.dim) throw new InputError(`point dimensions differ: ${fileA} has dim ${x.dim}, ${fileB} has dim ${y.dim}`, 'ot');
  const a = o.weightsA ? readWeightsNpy(o.weightsA, x.n) : null;
  const b = o.weightsB ? readWeightsNpy(o.weightsB, y.n) : null;
  const kind = o.cost;
  const t0 = performance.now();
  const base = { method: o.method, costKind: kind, n: x.n, m: y.n, dim: x.dim };
  if (o.method === 'exact') {
    const r = emd(a, b, { kind, x, y });
    const seconds = (performance.now() - t0) / 1000;
    if (o.planOut) {
      const dense = r.plan.mass.length;
      const out = new Float64Array(dense * 3);
      for (let k = 0; k < dense; k++) {
        out[3 * k] = r.plan.rows[k];
        out[3 * k + 1] = r.plan.cols[k];
        out[3 * k + 2] = r.plan.mass[k];
      }
      writeFileAtomic(o.planOut, writeNpy(out, [dense, 3]));
    }
    return {
      cost: r.cost,
      ...base,
      seconds,
      algorithm: r.algorithm,
      converged: r.converged,
      iterations: r.iterations,
      planEntries: r.plan.mass.length,
      certificate: r.certificate,
    };
  }
  if (o.method === 'sinkhorn') {
    if (o.epsilon === undefined) throw new UsageError('--method sinkhorn needs --epsilon E (absolute, in cost units)');
    const epsilon = parseNumber(o.epsilon, '--epsilon', true);
    const r = sinkhorn(a, b, { kind, x, y }, { epsilon, plan: o.planOut !== undefined });
    const seconds = (performance.now() - t0) / 1000;
    if (o.planOut && r.plan) writeFileAtomic(o.planOut, writeNpy(r.plan, [x.n, y.n]));
    return {
      cost: r.cost,
      ...base,
      seconds,
      epsilon,
      entropicCost: r.entropicCost,
      iterations: r.iterations,
      marginalError: r.marginalError,
      converged: r.converged,
    };
  }
  if (o.planOut) throw new UsageError('--plan-out is not available with --method sliced (it computes no plan)');
  const projections = parseNumber(o.projections, '--projections', true);
  if (!Number.isInteger(projections)) throw new UsageError(`--projections: expected an integer, got ${o.projections}`);
  const seed = parseNumber(o.seed, '--seed', false);
  const p = kind === 'sqeuclidean' ? 2 : 1;
  const r = slicedWasserstein(x, y, new Rng(seed), { projections, p, wx: a ?? undefined, wy: b ?? undefined });
  const seconds = (performance.now() - t0) / 1000;
  return {
    // same convention as exact: W2^2 for sqeuclidean, W1 for euclidean
    cost: kind === 'sqeuclidean' ? r.distance ** 2 : r.distance,
    ...base,
    seconds,
    projections,
    seed,
    powerStdError: r.powerStdError,
  };
}

/**
 * `thermodiff ot A.npy B.npy [--cost sqeuclidean|euclidean] [--method exact|sinkhorn|sliced] ...`:
 * optimal transport cost between two point clouds stored as .npy (n x d float32/float64).
 * `cost` is W2^2 for sqeuclidean and W1 for euclidean. Exact plans are written as a k x 3 array of
 * (row, col, mass); Sinkhorn plans as the dense n x m matrix.
 */
export function register(program: Command): void {
  program
    .command('ot')
    .description('optimal transport cost between two point clouds (.npy, n x d): exact with certificate, Sinkhorn or sliced')
    .argument('<a>', 'source points, .npy (n x d, or length n for 1-D)')
    .argument('<b>', 'target points, .npy (m x d)')
    .option('--cost <kind>', 'sqeuclidean (cost = W2^2) or euclidean (cost = W1)', 'sqeuclidean')
    .option('--method <m>', 'exact, sinkhorn or sliced', 'exact')
    .option('--epsilon <e>', 'Sinkhorn regularisation (absolute, cost units)')
    .option('--weights-a <file>', 'source weights .npy (length n, non-negative)')
    .option('--weights-b <file>', 'target weights .npy (length m, same total as a)')
    .option('--plan-out <file>', 'write the plan as .npy (exact: k x 3 rows of (i, j, mass); sinkhorn: dense n x m)')
    .option('--projections <k>', 'sliced: number of random directions', '128')
    .option('--seed <s>', 'sliced: seed of the directions', '0')
    .option('--json', 'print one JSON object on stdout')
    .action((fileA: string, fileB: string, opts: OtCliOptions) => {
      const r = runOt(fileA, fileB, opts);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      const lines = Object.entries(r).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
