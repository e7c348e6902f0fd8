import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Rng } from '../../src/core/rng.ts';
import { readNpy, writeNpy } from '../../src/io/npy.ts';
import { cliInProcess } from '../support/cliInProcess.ts';
import { expectClose } from '../support/expectClose.ts';
import { fixtureDir, potValues } from './otFixtures.ts';

const main = join(fixtureDir, '..', '..', '..', 'src', 'cli', 'main.ts');
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', main, 'ot', ...args], { encoding: 'utf8', cwd: fixtureDir });
const dir = mkdtempSync(join(tmpdir(), 'thermodiff-ot-'));

test('exact W2^2 with --json: POT value, certificate, plan written atomically', () => {
  const plan = join(dir, 'plan.npy');
  const r = run('weighted80x120_2d_x.npy', 'weighted80x120_2d_y.npy', '--weights-a', 'weighted80x120_2d_a.npy', '--weights-b', 'weighted80x120_2d_b.npy', '--plan-out', plan, '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  // 1e-9 relative (acceptance criterion): exact LP optimum vs POT emd2
  expectClose(out.cost, potValues.weighted80x120_2d.sqeuclidean.emd2, { rtol: 1e-9 }, 'cost');
  assert.equal(out.method, 'exact');
  assert.equal(out.n, 80);
  assert.equal(out.m, 120);
  assert.ok(out.seconds >= 0 && out.certificate.optimal && out.certificate.maxDualViolation <= out.certificate.tolerance);
  const p = readNpy(new Uint8Array(readFileSync(plan)));
  assert.equal(p.shape[1], 3);
  assert.ok(p.shape[0] <= 80 + 120 - 1);
  let mass = 0;
  for (let k = 0; k < p.shape[0]; k++) mass += p.data[3 * k + 2];
  expectClose(mass, 1, { atol: 1e-12 }, 'plan mass'); // sums of the weights, rounding only
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
});

test('euclidean cost gives W1; sinkhorn and sliced methods run', () => {
  const e = run('uniform50_2d_x.npy', 'uniform50_2d_y.npy', '--cost', 'euclidean', '--json');
  assert.equal(e.status, 0, e.stderr);
  expectClose(JSON.parse(e.stdout).cost, potValues.uniform50_2d.euclidean.emd2, { rtol: 1e-9 }, 'W1');
  const s = run('uniform50_2d_x.npy', 'uniform50_2d_y.npy', '--method', 'sinkhorn', '--epsilon', '0.5', '--json');
  assert.equal(s.status, 0, s.stderr);
  const so = JSON.parse(s.stdout);
  assert.equal(so.method, 'sinkhorn');
  assert.ok(so.cost > potValues.uniform50_2d.sqeuclidean.emd2 && so.converged);
  const sl = run('uniform50_2d_x.npy', 'uniform50_2d_y.npy', '--method', 'sliced', '--projections', '32', '--seed', '3', '--json');
  assert.equal(sl.status, 0, sl.stderr);
  const slo = JSON.parse(sl.stdout);
  assert.ok(slo.cost > 0 && slo.cost <= potValues.uniform50_2d.sqeuclidean.emd2);
});

function expectExit2(args: string[], re: RegExp) {
  const r = run(...args);
  assert.equal(r.status, 2, `expected exit 2 for ${args.join(' ')}, got ${r.status}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got: ${r.stderr}`);
  assert.match(lines[0], re);
  assert.equal(r.stdout, '');
}

test('user mistakes exit 2 with one line', () => {
  writeFileSync(join(dir, 'bad.npy'), 'not a numpy file');
  const nan = Float64Array.from([0, 0, 1, Number.NaN]);
  writeFileSync(join(dir, 'nan.npy'), writeNpy(nan, [2, 2]));
  writeFileSync(join(dir, 'two.npy'), writeNpy(Float64Array.from([0, 0, 1, 1]), [2, 2]));
  writeFileSync(join(dir, 'neg.npy'), writeNpy(Float64Array.from([1.5, -0.5]), [2]));
  writeFileSync(join(dir, 'half.npy'), writeNpy(Float64Array.from([0.25, 0.25]), [2]));
  writeFileSync(join(dir, 'one.npy'), writeNpy(Float64Array.from([0.5, 0.5]), [2]));
  copyFileSync(join(fixtureDir, 'uniform300_3d_y.npy'), join(dir, 'three.npy'));
  const f = (name: string) => join(dir, name);
  expectExit2([f('bad.npy'), f('two.npy')], /magic/);
  expectExit2([f('missing.npy'), f('two.npy')], /no such file/);
  expectExit2([f('two.npy'), f('three.npy')], /dimensions differ/);
  expectExit2([f('nan.npy'), f('two.npy')], /finite/);
  expectExit2([f('two.npy'), f('two.npy'), '--weights-a', f('neg.npy'), '--weights-b', f('one.npy')], /non-negative/);
  expectExit2([f('two.npy'), f('two.npy'), '--weights-a', f('half.npy'), '--weights-b', f('one.npy')], /equal totals/);
  expectExit2([f('two.npy'), f('two.npy'), '--weights-a', f('one.npy')], /together/);
  expectExit2([f('two.npy'), f('two.npy'), '--cost', 'manhattan'], /--cost/);
  expectExit2([f('two.npy'), f('two.npy'), '--method', 'sinkhorn'], /--epsilon/);
  expectExit2([f('two.npy'), f('two.npy'), '--method', 'sinkhorn', '--epsilon', '-1'], /--epsilon/);
  assert.equal(existsSync(f('plan.none')), false);
});

test('weighted exact OT: the memory estimate follows the solver that runs (sparse above 250000 pairs), exit 2 over the limit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'thermodiff-otmem-'));
  const rng = new Rng(5);
  const write = (name: string, data: Float64Array, shape: number[]) => {
    writeFileSync(join(dir, name), writeNpy(data, shape));
    return join(dir, name);
  };
  const [n, m] = [600, 500]; // 300000 pairs: the sparse network simplex
  const x = write('x.npy', new Float64Array(2 * n).map(() => rng.uniform()), [n, 2]);
  const y = write('y.npy', new Float64Array(2 * m).map(() => rng.uniform()), [m, 2]);
  const a = write('a.npy', new Float64Array(n).fill(1 / n), [n]);
  const b = write('b.npy', new Float64Array(m).fill(1 / m), [m]);
  const ok = await cliInProcess(['ot', x, y, '--weights-a', a, '--weights-b', b, '--json']);
  assert.equal(ok.status, 0, ok.stderr);
  const r = JSON.parse(ok.stdout);
  assert.equal(r.algorithm, 'sparse-simplex');
  assert.ok(r.certificate.optimal);
  // the sparse estimate is 4096 (n + m) + 64e6 bytes = 68.5 MB: refused under a 10 MB limit, with the estimate
  const refused = await cliInProcess(['ot', x, y, '--weights-a', a, '--weights-b', b, '--json', '--duals-out', join(dir, 'd.npy')], { THERMODIFF_MEMORY_LIMIT: '10M' });
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /needs ~6\d(\.\d)? MB for exact OT with unequal sizes or weights, 600 x 500 points \(sparse network simplex\); the limit is 10(\.0)? MB/);
  assert.ok(!existsSync(join(dir, 'd.npy')), 'no partial output');
});

test('Sinkhorn: the stored kernel is budgeted before any work (exit 2 over THERMODIFF_MEMORY_LIMIT, no partial output)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'thermodiff-sinkmem-'));
  const rng = new Rng(6);
  const n = 2000; // kernel 8 n^2 = 32 MB, plus 64 (n + m) + 64e6: ~96 MB estimate
  const x = join(dir, 'x.npy');
  const y = join(dir, 'y.npy');
  writeFileSync(x, writeNpy(new Float64Array(2 * n).map(() => rng.uniform()), [n, 2]));
  writeFileSync(y, writeNpy(new Float64Array(2 * n).map(() => rng.uniform()), [n, 2]));
  const r = await cliInProcess(['ot', x, y, '--method', 'sinkhorn', '--epsilon', '0.01', '--plan-out', join(dir, 'p.npy')], { THERMODIFF_MEMORY_LIMIT: '50M' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /needs ~9\d(\.\d)? MB for Sinkhorn on 2000 x 2000 points \(stored kernel\); the limit is 50(\.0)? MB/);
  assert.ok(!existsSync(join(dir, 'p.npy')), 'no partial output');
});
