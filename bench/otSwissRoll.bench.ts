/**
 * Exact W2^2 between a 2-D Swiss roll (src/data/swissRoll, default noise 0.1) and N(0, I), uniform
 * weights, n = m, side by side with POT's `ot.dist` + `ot.emd2` (numItermax 1e7, i.e. to optimality)
 * measured in the same run on the same points. POT runs only where its dense n x n cost matrix
 * fits (n <= 10^4: 800 MB); at 10^5 it would need 80 GB.
 * One JSON line per case: name, size, seconds (wall), cpuSeconds, throughput (points/s), cost,
 * and for thermodiff the algorithm, levels, pricing rounds, certificate verdict and peak RSS.
 * POT needs `/usr/bin/python3` with the `ot` module (Debian python3-pot); without it the POT lines
 * say `skipped`.
 * Usage: `npm run bench -- ot`, or `tsx bench/otSwissRoll.bench.ts [sizes...]` (default 2000 10000 100000).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/core/rng.ts';
import { swissRoll } from '../src/data/swissRoll.ts';
import { writeNpy } from '../src/io/npy.ts';
import { emd } from '../src/ot/emd.ts';
import { emit } from './benchCase.ts';

const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [2000, 10000, 100000];
const dir = mkdtempSync(join(tmpdir(), 'thermodiff-bench-ot-'));
const POT = `
import sys, time, json, numpy as np, ot
x = np.load(sys.argv[1]); y = np.load(sys.argv[2]); n = x.shape[0]
t0 = time.perf_counter(); c0 = time.process_time()
a = np.full(n, 1.0 / n)
v, log = ot.emd2(a, a, ot.dist(x, y), numItermax=10_000_000, log=True)
print(json.dumps({'seconds': time.perf_counter() - t0, 'cpuSeconds': time.process_time() - c0, 'cost': float(v), 'warning': log.get('warning'), 'version': ot.__version__}))
`;

try {
  for (const n of sizes) {
    const rng = new Rng(7 + n);
    const x = swissRoll(n, rng);
    const y = { data: Float64Array.from({ length: 2 * n }, () => rng.normal()), n, dim: 2 };
    let potCost: number | null = null;
    if (n <= 10000) {
      const fx = join(dir, `x${n}.npy`);
      const fy = join(dir, `y${n}.npy`);
      writeFileSync(fx, writeNpy(x.data, [n, 2]));
      writeFileSync(fy, writeNpy(y.data, [n, 2]));
      const r = spawnSync('/usr/bin/python3', ['-c', POT, fx, fy], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
      if (r.status === 0) {
        const p = JSON.parse(r.stdout);
        potCost = p.cost;
        emit({ name: 'ot.pot.emd2.swissroll-vs-normal', size: n, seconds: p.seconds, cpuSeconds: p.cpuSeconds, throughput: n / p.seconds, cost: p.cost, warning: p.warning, potVersion: p.version });
      } else {
        emit({ name: 'ot.pot.emd2.swissroll-vs-normal', size: n, seconds: Number.NaN, throughput: Number.NaN, skipped: `POT unavailable: ${r.stderr.trim().split('\n').pop()}` });
      }
    }
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = emd(null, null, { kind: 'sqeuclidean', x, y });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    emit({
      name: 'ot.exact.w2sq.swissroll-vs-normal',
      size: n,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      throughput: n / seconds,
      cost: r.cost,
      relDiffVsPot: potCost === null ? null : (r.cost - potCost) / potCost,
      algorithm: r.algorithm,
      levels: r.levels,
      pricingRounds: r.pricingRounds,
      optimal: r.certificate.optimal,
      maxDualViolation: r.certificate.maxDualViolation,
      peakRssGB: process.resourceUsage().maxRSS / 1e6,
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
