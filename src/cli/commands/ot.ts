import { totalmem } from 'node:os';
import type { Command } from 'commander';
import { InputError, NumericalError } from '../../core/errors.ts';
import { makePoints, type Points } from '../../core/points.ts';
import { Rng } from '../../core/rng.ts';
import { readFileChecked, writeFileAtomic } from '../../io/files.ts';
import { readNpy, writeNpy } from '../../io/npy.ts';
import { emd } from '../../ot/emd.ts';
import { formatScaled } from '../../ot/rescale.ts';
import { sinkhorn } from '../../ot/sinkhorn.ts';
import { MAX_KERNEL_ENTRIES } from '../../ot/sinkhornScaling.ts';
import { slicedWasserstein } from '../../ot/slicedWasserstein.ts';
import { UsageError } from '../errors.ts';
import { checkBudget } from '../limits.ts';
import { checkOutputs, type OutputSpec } from '../outputs.ts';

interface OtCliOptions {
  cost: string;
  method: string;
  epsilon?: string;
  weightsA?: string;
  weightsB?: string;
  planOut?: string;
  dualsOut?: string;
  projections?: string;
  seed?: string;
  tol?: string;
  maxIter?: string;
  progress?: boolean;
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
  if (s.trim() === '' || !Number.isFinite(v) || (positive && !(v > 0))) {
    throw new UsageError(`${name}: expected a ${positive ? 'positive ' : ''}finite number, got ${JSON.stringify(s)}`);
  }
  return v;
}

function parseInteger(s: string, name: string, lo: number, hi: number): number {
  const v = Number(s);
  if (s.trim() === '' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new UsageError(`${name}: expected an integer in [${lo}, ${hi}], got ${JSON.stringify(s)}`);
  }
  return v;
}

/** Largest dense allocation (bytes) the exact network simplex or a dense Sinkhorn plan may make. */
function denseLimitBytes(): number {
  return Math.min(4e9, totalmem() / 2);
}

const gb = (bytes: number) => `${(bytes / 1e9).toPrecision(3)} GB`;

/**
 * Reject flags that the chosen method would ignore, and output paths that cannot work (the shared
 * `checkOutputs`: equal to an input or to each other, a folder, not writable), before any file is
 * read or work starts.
 */
function checkFlags(fileA: string, fileB: string, o: OtCliOptions): void {
  const only: [keyof OtCliOptions, string, string[]][] = [
    ['epsilon', '--epsilon', ['sinkhorn']],
    ['dualsOut', '--duals-out', ['exact']],
    ['progress', '--progress', ['exact']],
    ['projections', '--projections', ['sliced']],
    ['seed', '--seed', ['sliced']],
    ['tol', '--tol', ['exact', 'sinkhorn']],
    ['maxIter', '--max-iter', ['exact', 'sinkhorn']],
    ['planOut', '--plan-out', ['exact', 'sinkhorn']],
  ];
  for (const [key, flag, methods] of only) {
    if (o[key] !== undefined && !methods.includes(o.method)) {
      throw new UsageError(`${flag} has no effect with --method ${o.method} (only with --method ${methods.join(' or ')})`);
    }
  }
  const inputs = [['<a>', fileA], ['<b>', fileB], ['--weights-a', o.weightsA], ['--weights-b', o.weightsB]]
    .filter((x): x is [string, string] => x[1] !== undefined)
    .map(([flag, path]) => ({ flag, path }));
  const outs: OutputSpec[] = [];
  if (o.planOut !== undefined) outs.push({ flag: '--plan-out', path: o.planOut });
  if (o.dualsOut !== undefined) outs.push({ flag: '--duals-out', path: o.dualsOut });
  checkOutputs(outs, inputs);
}

/**
 * Run `thermodiff ot` and return the JSON-able record (the CLI prints it) and the output files
 * to write (written by the caller only when the result is a valid answer).
 * @throws UsageError / InputError for bad input (exit 2), NumericalError when the solver ran but
 *   did not converge, the certificate failed, or the result is not a finite number (exit 3).
 */
export function runOt(fileA: string, fileB: string, o: OtCliOptions, progress?: (line: string) => void): { record: Record<string, unknown>; outputs: [string, Uint8Array][] } {
  if (o.cost !== 'sqeuclidean' && o.cost !== 'euclidean') throw new UsageError(`--cost: expected sqeuclidean or euclidean, got ${JSON.stringify(o.cost)}`);
  if (o.method !== 'exact' && o.method !== 'sinkhorn' && o.method !== 'sliced') {
    throw new UsageError(`--method: expected exact, sinkhorn or sliced, got ${JSON.stringify(o.method)}`);
  }
  checkFlags(fileA, fileB, o);
  if ((o.weightsA === undefined) !== (o.weightsB === undefined)) throw new UsageError('--weights-a and --weights-b must be given together');
  const tol = o.tol === undefined ? undefined : parseNumber(o.tol, '--tol', true);
  if (tol !== undefined && !(tol < 1)) throw new UsageError(`--tol: expected a number in (0, 1), got ${JSON.stringify(o.tol)}`);
  const maxIter = o.maxIter === undefined ? undefined : parseInteger(o.maxIter, '--max-iter', 1, 1e9);
  const epsilon = o.epsilon === undefined ? undefined : parseNumber(o.epsilon, '--epsilon', true);
  if (o.method === 'sinkhorn' && epsilon === undefined) throw new UsageError('--method sinkhorn needs --epsilon E (absolute, in cost units)');
  const projections = o.projections === undefined ? 128 : parseInteger(o.projections, '--projections', 1, 1e6);
  const seed = o.seed === undefined ? 0 : parseInteger(o.seed, '--seed', 0, Number.MAX_SAFE_INTEGER);
  const x = readPointsNpy(fileA);
  const y = readPointsNpy(fileB);
  if (x.dim !== y.dim) throw new InputError(`point dimensions differ: ${fileA} has dim ${x.dim}, ${fileB} has dim ${y.dim}`, 'ot');
  const a = o.weightsA ? readWeightsNpy(o.weightsA, x.n) : null;
  const b = o.weightsB ? readWeightsNpy(o.weightsB, y.n) : null;
  const kind = o.cost;
  const base = { method: o.method, costKind: kind, n: x.n, m: y.n, dim: x.dim };
  const outputs: [string, Uint8Array][] = [];
  if (o.method === 'exact') {
    const uniform = x.n === y.n && (a === null || isConstant(a)) && (b === null || isConstant(b));
    // non-uniform weights or sizes: below 250000 pairs the dense network simplex keeps an n x m cost
    // matrix and arc flags (9 bytes per pair); above, the sparse multiscale simplex keeps O(n + m)
    // arcs (measured: 163 MB peak RSS for a weighted 20000 x 20000 2-D problem, i.e. < 4.1 kB per point
    // including the runtime; 4 kB per point plus 64 MB is the estimate)
    const sparse = x.n * y.n >= 250_000;
    if (!uniform && x.dim > 1) {
      checkBudget({
        what: `exact OT with unequal sizes or weights, ${x.n} x ${y.n} points (${sparse ? 'sparse' : 'dense'} network simplex)`,
        bytes: sparse ? 4096 * (x.n + y.n) + 64e6 : 9 * x.n * y.n,
        hint: 'use equal sizes with uniform weights, --method sinkhorn, or fewer points',
      });
    }
    const t0 = performance.now();
    const r = emd(a, b, { kind, x, y }, {
      certificateTol: tol,
      maxIter,
      onProgress: progress ? (e) => progress(`[ot] ${e.stage}${e.detail ? `: ${e.detail}` : ''}`) : undefined,
    });
    const seconds = (performance.now() - t0) / 1000;
    const record: Record<string, unknown> = {
      cost: r.cost,
      ...base,
      seconds,
      algorithm: r.algorithm,
      converged: r.converged,
      iterations: r.iterations,
      pricingRounds: r.pricingRounds,
      levels: r.levels,
      planEntries: r.plan.mass.length,
      certificate: r.certificate,
    };
    if (!Number.isFinite(r.cost)) {
      const exact = r.rescaled ? formatScaled(r.rescaled.cost, r.rescaled.log2Factor) : String(r.cost);
      throw new NumericalError(`the optimal cost ${exact} is outside the float64 range (about 1.8e308); rescale the inputs or use --cost euclidean`);
    }
    if (!r.converged) throw new NumericalError(`exact solver stopped before optimality (${r.stopReason ?? 'iteration budget exhausted'}); raise --max-iter`);
    if (!r.certificate.optimal) {
      throw new NumericalError(`optimality certificate failed: dual violation ${r.certificate.maxDualViolation}, slack ${r.certificate.maxSlackViolation}, marginal error ${r.certificate.marginalError} (tolerance ${r.certificate.tolerance})`);
    }
    if (o.planOut) {
      const k = r.plan.mass.length;
      const out = new Float64Array(k * 3);
      for (let t = 0; t < k; t++) {
        out[3 * t] = r.plan.rows[t];
        out[3 * t + 1] = r.plan.cols[t];
        out[3 * t + 2] = r.plan.mass[t];
      }
      outputs.push([o.planOut, writeNpy(out, [k, 3])]);
    }
    if (o.dualsOut) {
      const d = new Float64Array(x.n + y.n);
      d.set(r.potentials.u, 0);
      d.set(r.potentials.v, x.n);
      outputs.push([o.dualsOut, writeNpy(d, [x.n + y.n])]);
    }
    return { record, outputs };
  }
  if (o.method === 'sinkhorn') {
    const eps = epsilon as number;
    // the stored kernel (8 bytes per entry, up to MAX_KERNEL_ENTRIES; above it the blocked path keeps
    // 8-row blocks only) plus potentials and the runtime
    const kernelBytes = 8 * (x.n * y.n <= MAX_KERNEL_ENTRIES ? x.n * y.n : 8 * y.n);
    checkBudget({ what: `Sinkhorn on ${x.n} x ${y.n} points (stored kernel)`, bytes: kernelBytes + 64 * (x.n + y.n) + 64e6, hint: 'use fewer points or --method exact' });
    if (o.planOut && 8 * x.n * y.n > denseLimitBytes()) {
      throw new InputError(`--plan-out: the dense ${x.n} x ${y.n} Sinkhorn plan needs ~${gb(8 * x.n * y.n)}; limit ${gb(denseLimitBytes())}`, 'ot');
    }
    const t0 = performance.now();
    const r = sinkhorn(a, b, { kind, x, y }, { epsilon: eps, plan: o.planOut !== undefined, tol, maxIter });
    const seconds = (performance.now() - t0) / 1000;
    const record: Record<string, unknown> = {
      cost: r.cost,
      ...base,
      seconds,
      epsilon: eps,
      entropicCost: r.entropicCost,
      iterations: r.iterations,
      marginalError: r.marginalError,
      converged: r.converged,
    };
    if (!Number.isFinite(r.cost) || !Number.isFinite(r.entropicCost) || !Number.isFinite(r.marginalError)) {
      throw new NumericalError(`Sinkhorn result is not finite (cost ${r.cost}, marginal error ${r.marginalError}) at epsilon ${eps}; use a larger --epsilon or --method exact`);
    }
    if (!r.converged) {
      throw new NumericalError(`Sinkhorn did not converge in ${r.iterations} iterations (marginal error ${r.marginalError.toPrecision(3)}); raise --max-iter, --tol or --epsilon`);
    }
    if (o.planOut && r.plan) outputs.push([o.planOut, writeNpy(r.plan, [x.n, y.n])]);
    return { record, outputs };
  }
  const t0 = performance.now();
  const p = kind === 'sqeuclidean' ? 2 : 1;
  const r = slicedWasserstein(x, y, new Rng(seed), { projections, p, wx: a ?? undefined, wy: b ?? undefined });
  const seconds = (performance.now() - t0) / 1000;
  const cost = kind === 'sqeuclidean' ? r.distance ** 2 : r.distance;
  const record: Record<string, unknown> = {
    // same convention as exact: W2^2 for sqeuclidean, W1 for euclidean
    cost,
    ...base,
    seconds,
    projections,
    seed,
    powerStdError: r.powerStdError,
  };
  if (!Number.isFinite(cost)) throw new NumericalError(`sliced cost is not finite (${cost}); rescale the inputs`);
  return { record, outputs };
}

function isConstant(w: Float64Array): boolean {
  for (let i = 1; i < w.length; i++) if (w[i] !== w[0]) return false;
  return true;
}

function printRecord(r: Record<string, unknown>, json: boolean | undefined, stream: NodeJS.WriteStream): void {
  if (json) {
    stream.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const lines = Object.entries(r)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  stream.write(`${lines.join('\n')}\n`);
}

const EXIT_HELP = `
Exit codes: 0 success (exact: certified optimal); 2 bad input (one line on stderr, nothing written);
3 ran but did not converge, the certificate failed, or the result is not a finite number (one line
on stderr with the reason and, for an out-of-range cost, its value; nothing on stdout; no file written).
Exact duals (--duals-out): float64 array of length n + m, f then g, with f_i + g_j <= c(x_i, y_j) for
all pairs and sum a f + sum b g = cost. Plan (--plan-out): k x 3 rows (i, j, mass).
`;

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
    .option('--duals-out <file>', 'exact: write the dual potentials as .npy (float64, length n + m: f then g)')
    .option('--tol <t>', 'exact: relative certificate tolerance (default 1e-9); sinkhorn: marginal tolerance (default 1e-9); in (0, 1)')
    .option('--max-iter <k>', 'exact: pivot budget of the network simplex; sinkhorn: iterations at the final epsilon (default 10000)')
    .option('--projections <k>', 'sliced: number of random directions (default 128, at most 1e6)')
    .option('--seed <s>', 'sliced: seed of the directions, an integer >= 0 (default 0)')
    .option('--progress', 'exact: progress lines on stderr (stage, candidates, pricing rounds, gap)')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText('after', EXIT_HELP)
    .action((fileA: string, fileB: string, opts: OtCliOptions) => {
      const res = runOt(fileA, fileB, opts, opts.progress ? (line) => process.stderr.write(`${line}\n`) : undefined);
      for (const [path, bytes] of res.outputs) writeFileAtomic(path, bytes);
      printRecord(res.record, opts.json, process.stdout);
    });
}
