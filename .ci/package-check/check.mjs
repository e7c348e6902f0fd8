// Plain-node consumer of the installed package (no tsx, no TypeScript): imports both entries and
// runs real computations, checked against values computed here by other means.
// Usage (inside the consumer project): node check.mjs OUT_DIR
// Writes OUT_DIR/a.npy, b.npy and expected.json (what the CLI must print for them and for the
// shipped config) for the shell part of the check.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as lib from 'thermodiff';
import * as nodeLib from 'thermodiff/node';

const out = process.argv[2];
assert.ok(out, 'usage: node check.mjs OUT_DIR');

// The core entry is the browser-safe subset; the node entry adds the Node-only parts.
assert.equal(typeof lib.trainFlowModel, 'undefined', 'trainFlowModel is Node-only');
for (const name of ['trainFlowModel', 'createMlpEngine', 'svgToPng', 'loadFlowModel']) assert.equal(typeof nodeLib[name], 'function', name);

// Exact OT on 3 + 3 points against brute force over the 3! assignments (uniform weights: the optimal
// plan of equal-size uniform problems is a permutation, Birkhoff).
const xs = [0, 0, 1, 0.2, -0.5, 1.5];
const ys = [2, 1, 0.3, -1, -1, 0.4];
const x = lib.makePoints(Float64Array.from(xs), 3, 2);
const y = lib.makePoints(Float64Array.from(ys), 3, 2);
const sq = (i, j) => (xs[2 * i] - ys[2 * j]) ** 2 + (xs[2 * i + 1] - ys[2 * j + 1]) ** 2;
let brute = Number.POSITIVE_INFINITY;
for (const p of [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]) brute = Math.min(brute, (sq(0, p[0]) + sq(1, p[1]) + sq(2, p[2])) / 3);
const r = lib.emd(null, null, { kind: 'sqeuclidean', x, y });
// 1e-12 relative: a sum of three O(1) terms; the solver's answer is exact up to rounding
assert.ok(Math.abs(r.cost - brute) <= 1e-12 * brute, `emd ${r.cost} vs brute force ${brute}`);
assert.equal(r.certificate.optimal, true);

// Schedules: the cosine schedule's endpoints (m0 = 1, sigma0 = 0, m1 = 0, sigma1 = 1).
const cos = lib.cosineSchedule(1);
assert.ok(Math.abs(cos.m(0) - 1) < 1e-15 && Math.abs(cos.sigma(0)) < 1e-15, 'cosine at t = 0');
assert.ok(Math.abs(cos.m(1)) < 1e-15 && Math.abs(cos.sigma(1) - 1) < 1e-15, 'cosine at t = 1');

// Speed-accuracy on the shipped Fig. 6 config: the chain eta <= c1 <= c2 and its self-checks.
const require = createRequire(import.meta.url);
const configPath = join(require.resolve('thermodiff/package.json'), '..', 'configs', 'fig6-mean-cosine.json');
const sa = lib.speedAccuracy1d(lib.parseSpeedAccuracyConfig(JSON.parse(readFileSync(configPath, 'utf8'))));
assert.ok(sa.chainHolds && sa.eta > 0 && sa.eta <= sa.c1 && sa.c1 <= sa.c2, `chain: eta ${sa.eta}, c1 ${sa.c1}, c2 ${sa.c2}`);
assert.ok(sa.checks.every((c) => c.ok), `self-checks: ${JSON.stringify(sa.checks.filter((c) => !c.ok))}`);

// Node entry without the optional training packages: a PNG chart works, training says what to install.
const png = nodeLib.svgToPng(lib.lineChart({ xLabel: 't', yLabel: 'm(t)', series: [{ name: 'cosine', x: [0, 0.5, 1], y: [cos.m(0), cos.m(0.5), cos.m(1)] }] }));
assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
let ortInstalled = true;
try {
  require.resolve('onnxruntime-node');
} catch {
  ortInstalled = false;
}
if (!ortInstalled) {
  await assert.rejects(nodeLib.createMlpEngine({ dim: 2, hidden: [8], batchSize: 4, seed: 0 }), (e) => {
    assert.ok(e instanceof lib.MissingDependencyError, `expected MissingDependencyError, got ${e}`);
    assert.equal(e.packageName, 'onnxruntime-node');
    assert.match(e.message, /^onnxruntime-node is not installed; .*npm install onnxruntime-node onnx-proto/);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
}

// Inputs and expected outputs for the installed CLI.
writeFileSync(join(out, 'a.npy'), lib.writeNpy(Float64Array.from(xs), [3, 2]));
writeFileSync(join(out, 'b.npy'), lib.writeNpy(Float64Array.from(ys), [3, 2]));
writeFileSync(join(out, 'expected.json'), JSON.stringify({ otCost: r.cost, eta: sa.eta, c1: sa.c1, c2: sa.c2, d0: sa.d0, configPath, ortInstalled }));
console.log(`library ok: emd ${r.cost} (brute force ${brute}); fig6-mean-cosine eta ${sa.eta} <= c1 ${sa.c1} <= c2 ${sa.c2}; png ${png.length} bytes; onnxruntime-node ${ortInstalled ? 'installed' : 'absent (MissingDependencyError as expected)'}`);
