import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { getPath, setPath } from '../../src/sweep/dottedPath.ts';
import { reviveNonFinite, stableJson } from '../../src/sweep/stableJson.ts';
import { flattenScalars, rowsToCsv, summarizeRows, type SweepRow } from '../../src/sweep/sweepRows.ts';
import { describeParams, expandGrid, parseSweepSpec } from '../../src/sweep/sweepSpec.ts';

describe('sweep file and grid', () => {
  it('expands the cartesian product in plan order (last axis fastest), setting dotted paths in copies', () => {
    const base = { process: { g: 3, h: 1 }, data: { seed: 1 }, tau: 3 };
    const spec = parseSweepSpec({ command: 'speed-accuracy', config: base, grid: { 'process.g': [0, 5], 'data.seed': [1, 2, 3] } });
    const { cells, addedPaths } = expandGrid(base, spec.grid);
    assert.deepEqual(
      cells.map((c) => [c.index, c.params['process.g'], c.params['data.seed']]),
      [[0, 0, 1], [1, 0, 2], [2, 0, 3], [3, 5, 1], [4, 5, 2], [5, 5, 3]],
    );
    assert.deepEqual(cells[4].config, { process: { g: 5, h: 1 }, data: { seed: 2 }, tau: 3 });
    assert.deepEqual(base, { process: { g: 3, h: 1 }, data: { seed: 1 }, tau: 3 }, 'base untouched');
    assert.deepEqual(addedPaths, []);
    assert.equal(describeParams(cells[4].params), 'process.g=5, data.seed=2');
    // no axes: one task, the base config
    assert.equal(expandGrid(base, []).cells.length, 1);
  });

  it('setPath indexes arrays, creates missing objects (reported), and refuses to step into a number', () => {
    const base = { perturbation: { mean: [0, 0] }, tau: 1 };
    assert.deepEqual(setPath(base, 'perturbation.mean.1', 0.5, 'w').value, { perturbation: { mean: [0, 0.5] }, tau: 1 });
    const made = setPath(base, 'scheduleOptions.betaMax', 20, 'w');
    assert.equal(made.existed, false);
    assert.equal(getPath(made.value, 'scheduleOptions.betaMax'), 20);
    assert.throws(() => setPath(base, 'tau.x', 1, 'grid'), /grid: cannot set a key inside tau, which is 1/);
    assert.throws(() => setPath(base, 'perturbation.mean.2', 1, 'grid'), /array of 2/);
    assert.throws(() => setPath(base, 'a..b', 1, 'grid'), /dotted path/);
  });

  it('rejects bad sweep files naming the key', () => {
    const bad: [unknown, RegExp][] = [
      [[], /sweep: expected an object/],
      [{ command: 'x', config: {}, grid: { a: [] } }, /sweep\.grid\["a"\]: expected a non-empty array/],
      [{ command: 'x', config: {}, grid: { a: [1, 2, 1] } }, /value 1 appears twice/],
      [{ command: 'x', config: {}, grid: { a: [1], 'a.b': [2] } }, /overlap/],
      [{ command: 'x', config: 3 }, /sweep\.config: expected a config file path or an inline config object/],
      [{ command: 'x', config: {}, gird: {} }, /unknown key "gird"/],
      [{ command: 'x', config: {}, grid: { a: [1] }, merge: { over: ['b'] } }, /"b" is not a grid axis/],
      [{ command: 'x', config: {}, grid: { a: [1] }, merge: { figures: [{ y: 'eta', x: 'b' }] } }, /figures\[0\]\.x: expected a grid axis/],
    ];
    for (const [json, re] of bad) assert.throws(() => parseSweepSpec(json), (e: Error) => e instanceof InputError && re.test(e.message), String(re));
  });
});

describe('stable JSON, rows and summaries', () => {
  it('stableJson sorts keys and keeps non-finite numbers; reviveNonFinite restores them bit for bit', () => {
    assert.equal(stableJson({ b: 1, a: { d: [1, { f: 2, e: 1 }], c: null } }), '{"a":{"c":null,"d":[1,{"e":1,"f":2}]},"b":1}');
    const v = { x: 0.1 + 0.2, y: Number.NaN, z: -Infinity, w: 1e-310 };
    const back = JSON.parse(stableJson(v), reviveNonFinite);
    assert.ok(Object.is(back.x, v.x) && Number.isNaN(back.y) && back.z === -Infinity && back.w === 1e-310);
  });

  it('summaries group by the axes not summarised over: mean, sample std, count per quantity', () => {
    const rows: SweepRow[] = [
      { id: 'a', index: 0, params: { g: 0, seed: 1 }, result: { eta: 1, sub: { w: 2 }, curve: [1, 2], label: 'x' } },
      { id: 'b', index: 1, params: { g: 0, seed: 2 }, result: { eta: 3, sub: { w: 2 } } },
      { id: 'c', index: 2, params: { g: 0, seed: 3 }, result: { eta: Number.NaN, sub: { w: 5 } } },
      { id: 'd', index: 3, params: { g: 1, seed: 1 }, result: { eta: 10, sub: { w: 1 } } },
    ];
    assert.deepEqual(flattenScalars(rows[0].result), { eta: 1, 'sub.w': 2, label: 'x' });
    const s = summarizeRows(rows, ['seed']);
    assert.equal(s.length, 2);
    assert.deepEqual(s[0].params, { g: 0 });
    assert.equal(s[0].count, 3);
    // eta over the finite values {1, 3}: mean 2, sample std sqrt(((1-2)^2 + (3-2)^2) / 1) = sqrt 2
    assert.equal(s[0].quantities.eta.mean, 2);
    assert.equal(s[0].quantities.eta.std, Math.SQRT2);
    assert.equal(s[0].quantities.eta.count, 2);
    assert.deepEqual([s[0].quantities['sub.w'].mean, s[0].quantities['sub.w'].min, s[0].quantities['sub.w'].max], [3, 2, 5]);
    assert.deepEqual([s[1].quantities.eta.mean, s[1].quantities.eta.std, s[1].quantities.eta.count], [10, 0, 1]);
  });

  it('CSV quotes text with commas and quotes and writes numbers in their exact shortest form', () => {
    const csv = rowsToCsv([{ id: 'a', index: 0, params: { s: 'x,"y"' }, result: { v: 0.1 + 0.2, t: true } }], ['s']);
    assert.equal(csv, 'id,s,v,t\na,"x,""y""",0.30000000000000004,true\n');
  });
});
