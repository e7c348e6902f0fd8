/**
 * Exact OT with arbitrary weights (the network-simplex path of `emd`), side by side with POT's
 * `ot.dist` + `ot.emd2` (numItermax 1e9, i.e. to optimality) on the same points and weights, in the
 * same run. Cases (docs/ot.md, docs/benchmarks.md):
 * - `weighted3d`: 2000 x 1500 points uniform in the unit cube, weights uniform on (0, 1), normalised;
 * - `weighted2d`: 4000 x 4000 points uniform in the unit square, same weights.
 * Cost: squared Euclidean (W2^2). One JSON line per solver and case: name, size (n), m, seconds (wall),
 * cpuSeconds, throughput (points/s), cost, and for thermodiff the algorithm, pivots, pricing rounds,
 * the certificate verdict and the relative difference from POT's cost. Thermodiff runs twice: the
 * first call in the process (cold, as a one-shot CLI call; V8 compiles the solver during it) and a
 * second one (`.warm`, as in a loop of calls).
 * POT needs `/usr/bin/python3` with `ot` (Debian python3-pot); without it the POT lines say `skipped`.
 * Usage: `npm run bench -- otWeighted`, or `tsx bench/otWeighted.bench.ts [2000x1500x3 4000x4000x2 ...]`;
 * `OT_SMALLER_SIDE=1` runs the sparse simplex with smaller-side potential updates (`emd` option
 * `sparseSmallerSide`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/core/rng.ts';
import { writeNpy } from '../src/io/npy.ts';
import { emd, type EmdOptions } from '../src/ot/emd.ts';
import { emit } from './benchCase.ts';

const cases = (process.argv.length > 2 ? process.argv.slice(2) : ['2000x1500x3', '4000x4000x2']).map((s) => s.split('x').map(Number));
const method = (process.env.OT_METHOD ?? 'auto') as EmdOptions['method'];
const sparseSmallerSide = process.env.OT_SMALLER_SIDE === '1';
const dir = mkdtempSync(join(tmpdir(), 'thermodiff-bench-otw-'));
const POT = `
import sys, time, json, numpy as np, ot
x = np.load(sys.argv[1]); y = np.load(sys.argv[2]); a = np.load(sys.argv[3]); b = np.load(sys.argv[4])
t0 = time.perf_counter(); c0 = time.process_time()
M = ot.dist(x, y)
t1 = time.process_time()
v, log = ot.emd2(a, b, M, numItermax=1_000_000_000, log=True)
print(json.dumps({'seconds': time.perf_counter() - t0, 'cpuSeconds': time.process_time() - c0, 'distCpuSeconds': t1 - c0, 'cost': float(v), 'warning': log.get('warning'), 'version': ot.__version__}))
`;

try {
  for (const [n, m, dim] of cases) {
    const rng = new Rng(31 + n + 7 * m + dim);
    const x = { data: Float64Array.from({ length: n * dim }, () => rng.uniform()), n, dim };
    const y = { data: Float64Array.from({ length: m * dim }, () => rng.uniform()), n: m, dim };
    const a = Float64Array.from({ length: n }, () => rng.uniform());
    const b = Float64Array.from({ length: m }, () => rng.uniform());
    let sa = 0;
    let sb = 0;
    for (const t of a) sa += t;
    for (const t of b) sb += t;
    for (let i = 0; i < n; i++) a[i] /= sa;
    for (let j = 0; j < m; j++) b[j] /= sb;
    const name = `weighted${dim}d`;
    const files = ['x', 'y', 'a', 'b'].map((s) => join(dir, `${s}${n}.npy`));
    writeFileSync(files[0], writeNpy(x.data, [n, dim]));
    writeFileSync(files[1], writeNpy(y.data, [m, dim]));
    writeFileSync(files[2], writeNpy(a, [n]));
    writeFileSync(files[3], writeNpy(b, [m]));
    let potCost: number | null = null;
    const r = spawnSync('/usr/bin/python3', ['-c', POT, ...files], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
    if (r.status === 0) {
      const p = JSON.parse(r.stdout);
      potCost = p.cost;
      emit({ name: `ot.pot.emd2.${name}`, size: n, m, dim, seconds: p.seconds, cpuSeconds: p.cpuSeconds, distCpuSeconds: p.distCpuSeconds, throughput: n / p.seconds, cost: p.cost, warning: p.warning, potVersion: p.version });
    } else {
      emit({ name: `ot.pot.emd2.${name}`, size: n, m, dim, seconds: Number.NaN, throughput: Number.NaN, skipped: `POT unavailable: ${r.stderr.trim().split('\n').pop()}` });
    }
    // first call in the process (cold: includes V8 compiling the solver), then a second (warm) call
    for (const call of ['cold', 'warm']) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const res = emd(a, b, { kind: 'sqeuclidean', x, y }, { method, sparseSmallerSide });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    emit({
      name: `ot.exact.w2sq.${name}${call === 'warm' ? '.warm' : ''}`,
      size: n,
      m,
      dim,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      throughput: n / seconds,
      cost: res.cost,
      relDiffVsPot: potCost === null ? null : (res.cost - potCost) / potCost,
      algorithm: res.algorithm,
      sparseSmallerSide,
      iterations: res.iterations,
      pricingRounds: res.pricingRounds,
      optimal: res.certificate.optimal,
      maxDualViolation: res.certificate.maxDualViolation,
      peakRssGB: process.resourceUsage().maxRSS / 1e6,
    });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
