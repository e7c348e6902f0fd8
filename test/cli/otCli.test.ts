/**
 * `thermodiff ot` interface: certificate outputs (--duals-out, --plan-out, --json, --progress) and
 * honest results on extreme input (issue 14): rescaling of huge / tiny coordinates, exit 3 for
 * non-finite or non-converged results, exit 2 for flags that do nothing and bad numbers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readNpy, writeNpy } from '../../src/io/npy.ts';
import { fixtureDir, loadFixture, potValues } from '../ot/otFixtures.ts';
import { expectClose } from '../support/expectClose.ts';

const main = join(fixtureDir, '..', '..', '..', 'src', 'cli', 'main.ts');
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', main, 'ot', ...args], { encoding: 'utf8', cwd: fixtureDir });
const dir = mkdtempSync(join(tmpdir(), 'thermodiff-otcli-'));
const f = (name: string) => join(dir, name);

/** Check duals and plan read back from disk against the optimality conditions, by brute force over all pairs. */
function verifyCertificate(name: string, cost: number, dualsPath: string, planPath: string) {
  const { x, y, a, b } = loadFixture(name);
  const n = x.n;
  const m = y.n;
  const wa = a ?? new Float64Array(n).fill(1 / n);
  const wb = b ?? new Float64Array(m).fill(1 / m);
  const D = readNpy(new Uint8Array(readFileSync(dualsPath)));
  assert.deepEqual(D.shape, [n + m]);
  const c = (i: number, j: number) => {
    let s = 0;
    for (let t = 0; t < x.dim; t++) s += (x.data[i * x.dim + t] - y.data[j * x.dim + t]) ** 2;
    return s;
  };
  let cmax = 0;
  let worst = -Infinity;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const cij = c(i, j);
      cmax = Math.max(cmax, cij);
      worst = Math.max(worst, D.data[i] + D.data[n + j] - cij);
    }
  }
  // dual feasibility f_i + g_j <= c_ij up to 1e-9 max c (the certificate's own relative tolerance;
  // the duals come from an exact combinatorial solver, so only rounding remains)
  assert.ok(worst <= 1e-9 * cmax, `dual violation ${worst}`);
  let dualObj = 0;
  for (let i = 0; i < n; i++) dualObj += wa[i] * D.data[i];
  for (let j = 0; j < m; j++) dualObj += wb[j] * D.data[n + j];
  // strong duality: sum a f + sum b g = cost up to rounding (1e-10 relative: sums of ~n+m terms of size max c)
  expectClose(dualObj, cost, { rtol: 1e-10, atol: 1e-12 * cmax }, 'dual objective');
  const P = readNpy(new Uint8Array(readFileSync(planPath)));
  assert.equal(P.shape[1], 3);
  const rows = new Float64Array(n);
  const cols = new Float64Array(m);
  let primal = 0;
  for (let k = 0; k < P.shape[0]; k++) {
    const i = P.data[3 * k];
    const j = P.data[3 * k + 1];
    const w = P.data[3 * k + 2];
    assert.ok(Number.isInteger(i) && Number.isInteger(j) && w >= 0);
    rows[i] += w;
    cols[j] += w;
    primal += w * c(i, j);
  }
  // marginals and primal cost: sums of at most n + m masses, rounding only (1e-12)
  for (let i = 0; i < n; i++) expectClose(rows[i], wa[i], { atol: 1e-12 }, `row ${i}`);
  for (let j = 0; j < m; j++) expectClose(cols[j], wb[j], { atol: 1e-12 }, `col ${j}`);
  expectClose(primal, cost, { rtol: 1e-12 }, 'primal');
}

test('--duals-out and --plan-out: a user can verify optimality without trusting the solver', () => {
  for (const name of ['uniform50_2d', 'weighted80x120_2d', 'uniform300_3d']) {
    const weighted = potValues[name].weights;
    const extra = weighted ? ['--weights-a', `${name}_a.npy`, '--weights-b', `${name}_b.npy`] : [];
    const r = run(`${name}_x.npy`, `${name}_y.npy`, ...extra, '--duals-out', f(`${name}_d.npy`), '--plan-out', f(`${name}_p.npy`), '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    // 1e-9 relative: exact LP optimum vs POT emd2 (acceptance criterion of the exact solver)
    expectClose(out.cost, potValues[name].sqeuclidean.emd2, { rtol: 1e-9 }, `${name} cost`);
    assert.equal(out.certificate.optimal, true);
    assert.ok(out.pricingRounds >= 0 && out.levels >= 1);
    verifyCertificate(name, out.cost, f(`${name}_d.npy`), f(`${name}_p.npy`));
  }
  assert.deepEqual(readdirSync(dir).filter((p) => p.includes('.tmp')), []);
});

test('--progress writes stage lines on stderr, stdout stays one JSON object', () => {
  const r = run('uniform50_2d_x.npy', 'uniform50_2d_y.npy', '--progress', '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^\[ot\] /m);
  assert.match(r.stderr, /pricing pass 1/);
  assert.equal(r.stdout.trim().split('\n').length, 1);
  JSON.parse(r.stdout);
});

/** Write the fixture clouds multiplied by 2^k (exact in float64 while nothing over- or underflows). */
function scaledFixture(name: string, k: number): [string, string] {
  const { x, y } = loadFixture(name);
  const s = 2 ** k;
  writeFileSync(f(`${name}_x_${k}.npy`), writeNpy(x.data.map((v) => v * s), [x.n, x.dim]));
  writeFileSync(f(`${name}_y_${k}.npy`), writeNpy(y.data.map((v) => v * s), [y.n, y.dim]));
  return [f(`${name}_x_${k}.npy`), f(`${name}_y_${k}.npy`)];
}

test('coordinates near 1e200 and 1e-150: rescaled internally, exact result or exit 3 with the value', () => {
  const ref = potValues.uniform50_2d;
  // 2^664 ~ 1.9e200: W1 scales by exactly 2^664
  const [hx, hy] = scaledFixture('uniform50_2d', 664);
  const e = run(hx, hy, '--cost', 'euclidean', '--json');
  assert.equal(e.status, 0, e.stderr);
  const eo = JSON.parse(e.stdout);
  // 1e-9 relative: the unscaled POT value times the exact power of two
  expectClose(eo.cost, ref.euclidean.emd2 * 2 ** 664, { rtol: 1e-9 }, 'W1 at 1e200');
  assert.equal(eo.certificate.optimal, true);
  // W2^2 ~ 1e400 is not a float64: exit 3, nothing on stdout, the one stderr line states the value
  const q = run(hx, hy, '--json', '--plan-out', f('huge_plan.npy'));
  assert.equal(q.status, 3, q.stderr);
  assert.equal(q.stdout, '');
  assert.match(q.stderr, /^thermodiff: error: the computation did not produce a finite, converged result: /);
  const lines = q.stderr.trim().split('\n');
  assert.equal(lines.length, 1);
  const m = lines[0].match(/cost ([0-9.]+)e\+(\d+)/);
  assert.ok(m, lines[0]);
  const log10 = Math.log10(ref.sqeuclidean.emd2) + 1328 * Math.log10(2);
  // printed with 6 significant digits: compare the decimal logarithm to 1e-5 absolute
  expectClose(Math.log10(Number(m[1])) + Number(m[2]), log10, { atol: 1e-5 }, 'printed W2^2');
  assert.equal(existsSync(f('huge_plan.npy')), false);
  // 2^-500: W2^2 ~ 1e-301 is still a normal float64 and must come out exactly scaled
  const [tx, ty] = scaledFixture('uniform50_2d', -500);
  const t = run(tx, ty, '--json');
  assert.equal(t.status, 0, t.stderr);
  expectClose(JSON.parse(t.stdout).cost, ref.sqeuclidean.emd2 * 2 ** -1000, { rtol: 1e-9 }, 'W2^2 at 1e-150');
  // Sinkhorn on huge euclidean costs: epsilon scales with them
  const s = run(hx, hy, '--cost', 'euclidean', '--method', 'sinkhorn', '--epsilon', String(0.05 * 2 ** 664), '--json');
  assert.equal(s.status, 0, s.stderr);
  const so = JSON.parse(s.stdout);
  // entropic cost >= exact W1 (the plan is feasible) and within 10 % at epsilon = 5 % of the unit scale
  assert.ok(so.cost >= eo.cost * (1 - 1e-12) && so.cost < 1.1 * eo.cost, `${so.cost} vs ${eo.cost}`);
});

test('a tiny Sinkhorn epsilon never looks like success (exit 3, one line, nothing written)', () => {
  const r = run('uniform50_2d_x.npy', 'uniform50_2d_y.npy', '--method', 'sinkhorn', '--epsilon', '1e-300', '--plan-out', f('tiny_plan.npy'), '--json');
  assert.equal(r.status, 3, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /did not produce a finite, converged result: Sinkhorn/);
  assert.equal(r.stdout, '');
  assert.equal(existsSync(f('tiny_plan.npy')), false);
});

test('an exhausted budget says so: exit 3, no output files', () => {
  const r = run('weighted80x120_2d_x.npy', 'weighted80x120_2d_y.npy', '--weights-a', 'weighted80x120_2d_a.npy', '--weights-b', 'weighted80x120_2d_b.npy', '--max-iter', '1', '--duals-out', f('b_d.npy'), '--json');
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /budget/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(r.stdout, '');
  assert.equal(existsSync(f('b_d.npy')), false);
});

function expectExit2(args: string[], re: RegExp) {
  const r = run(...args);
  assert.equal(r.status, 2, `expected exit 2 for ${args.join(' ')}, got ${r.status}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got: ${r.stderr}`);
  assert.match(lines[0], re);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
  assert.equal(r.stdout, '');
}

test('bad numbers, flags that do nothing and unsafe outputs exit 2 with one line, nothing written', () => {
  const X = 'uniform50_2d_x.npy';
  const Y = 'uniform50_2d_y.npy';
  const sk = ['--method', 'sinkhorn', '--epsilon', '0.5'];
  expectExit2([X, Y, ...sk, '--tol', '-1e-9'], /--tol/);
  expectExit2([X, Y, ...sk, '--tol', '0'], /--tol/);
  expectExit2([X, Y, ...sk, '--tol', 'abc'], /--tol/);
  expectExit2([X, Y, '--tol', '2'], /--tol/);
  expectExit2([X, Y, ...sk, '--max-iter', '0'], /--max-iter/);
  expectExit2([X, Y, ...sk, '--max-iter', '1.5'], /--max-iter/);
  expectExit2([X, Y, '--max-iter', '1e99'], /--max-iter/);
  expectExit2([X, Y, '--epsilon', '0.1'], /--epsilon has no effect with --method exact/);
  expectExit2([X, Y, '--seed', '3'], /--seed has no effect/);
  expectExit2([X, Y, ...sk, '--projections', '10'], /--projections has no effect/);
  expectExit2([X, Y, ...sk, '--duals-out', f('x.npy')], /--duals-out has no effect/);
  expectExit2([X, Y, '--method', 'sliced', '--progress'], /--progress has no effect/);
  expectExit2([X, Y, '--method', 'sliced', '--tol', '1e-3'], /--tol has no effect/);
  expectExit2([X, Y, '--method', 'sliced', '--seed', '1e99'], /--seed/);
  expectExit2([X, Y, '--method', 'sliced', '--seed', '-1'], /--seed/);
  expectExit2([X, Y, '--method', 'sliced', '--seed', '0.5'], /--seed/);
  expectExit2([X, Y, '--method', 'sliced', '--projections', '1e12'], /--projections/);
  const before = readFileSync(join(fixtureDir, X));
  expectExit2([X, Y, '--plan-out', X], /--plan-out: refusing to overwrite the input/);
  expectExit2([X, Y, '--duals-out', Y], /--duals-out: refusing to overwrite the input/);
  assert.deepEqual(readFileSync(join(fixtureDir, X)), before);
  expectExit2([X, Y, '--plan-out', f('same.npy'), '--duals-out', f('same.npy')], /same location/);
  expectExit2([X, Y, '--duals-out', dir], /--duals-out: expected a file path, got an existing folder/);
  assert.deepEqual(readdirSync(dir).filter((p) => p === 'same.npy' || p === 'x.npy'), []);
});

test('--help documents exit code 3 and the dual / plan formats', () => {
  const r = run('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /3 ran but did not converge/);
  assert.match(r.stdout, /nothing on stdout/);
  assert.match(r.stdout, /f then g/);
});
