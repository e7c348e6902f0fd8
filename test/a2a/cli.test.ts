import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });

describe('thermodiff a2a grouped', () => {
  it('--json prints a2a and geodesic mean, std and runs', () => {
    const r = cli('a2a', 'grouped', '--runs', '2', '--per-class', '40', '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.a2a.runs.length, 2);
    assert.equal(j.geodesic.runs.length, 2);
    assert.ok(Number.isFinite(j.a2a.mean) && Number.isFinite(j.geodesic.std));
    assert.equal(j.wrongClassRows, 0);
  });

  for (const args of [
    ['--runs', '0'],
    ['--runs', 'x'],
    ['--per-class', '1'],
    ['--beta', '-3'],
    ['--seed', '1.5'],
  ]) {
    it(`bad input ${args.join(' ')}: exit 2, one line`, () => {
      const r = cli('a2a', 'grouped', ...args);
      assert.equal(r.status, 2);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(r.stdout, '');
    });
  }
});

describe('thermodiff a2a train / transfer', async () => {
  const { mkdtempSync, writeFileSync, existsSync, readdirSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { writeNpy, readNpy } = await import('../../src/io/npy.ts');
  const dir = mkdtempSync(join(tmpdir(), 'a2a-cli-'));
  const cfg = { data: { kind: 'quarter-annulus', n: 500 }, hidden: [8], steps: 6, batchSize: 16, lr: 1e-3, checkpointEvery: 3 };
  writeFileSync(join(dir, 'cfg.json'), JSON.stringify(cfg));
  const run = join(dir, 'run');

  it('train writes model/, checkpoint.bin, losses.json; transfer writes n x dx float64', () => {
    const r = cli('a2a', 'train', '--config', join(dir, 'cfg.json'), '--out', run, '--quiet', '--json');
    assert.equal(r.status, 0, r.stderr);
    for (const f of ['model/model.json', 'model/weights.bin', 'checkpoint.bin', 'losses.json', 'config.json']) assert.ok(existsSync(join(run, f)), f);
    const rows = Float64Array.of(1.5, 0, 0, 0.5, 0, 1.2, 0.7, 0.1);
    writeFileSync(join(dir, 'rows.npy'), writeNpy(rows, [2, 4], 'float64'));
    const t = cli('a2a', 'transfer', '--model', join(run, 'model'), '--in', join(dir, 'rows.npy'), '--out', join(dir, 'y.npy'), '--steps', '5');
    assert.equal(t.status, 0, t.stderr);
    const y = readNpy(new Uint8Array(readFileSync(join(dir, 'y.npy'))));
    assert.deepEqual(y.shape, [2, 2]);
    assert.ok([...y.data].every(Number.isFinite));
  });

  const bad: [string, Float64Array, number[]][] = [
    ['wrong row width', new Float64Array(6), [2, 3]],
    ['NaN', Float64Array.of(1, Number.NaN, 0, 1), [1, 4]],
    ['c of the wrong dimension (2 condition columns each for a dc = 1 model)', new Float64Array(12), [2, 6]],
  ];
  for (const [name, data, shape] of bad) {
    it(`transfer, bad input (${name}): exit 2, one line, nothing written`, () => {
      const inp = join(dir, `bad-${shape.join('x')}.npy`);
      writeFileSync(inp, writeNpy(data, shape, 'float64'));
      const out = join(dir, `out-${shape.join('x')}.npy`);
      const r = cli('a2a', 'transfer', '--model', join(run, 'model'), '--in', inp, '--out', out);
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(!existsSync(out));
    });
  }

  it('train, bad input (c rows != x rows; c dimension differs between data and data2; NaN in x): exit 2, nothing written', () => {
    writeFileSync(join(dir, 'x.npy'), writeNpy(new Float64Array(20), [10, 2], 'float64'));
    writeFileSync(join(dir, 'c9.npy'), writeNpy(new Float64Array(9), [9, 1], 'float64'));
    writeFileSync(join(dir, 'c10.npy'), writeNpy(new Float64Array(10), [10, 1], 'float64'));
    writeFileSync(join(dir, 'c10x2.npy'), writeNpy(new Float64Array(20), [10, 2], 'float64'));
    writeFileSync(join(dir, 'xnan.npy'), writeNpy(Float64Array.from({ length: 20 }, (_, i) => (i === 7 ? Number.NaN : i)), [10, 2], 'float64'));
    const cases = [
      { data: { kind: 'npy', x: 'x.npy', c: 'c9.npy' } },
      { data: { kind: 'npy', x: 'x.npy', c: 'c10.npy' }, data2: { kind: 'npy', x: 'x.npy', c: 'c10x2.npy' } },
      { data: { kind: 'npy', x: 'xnan.npy', c: 'c10.npy' } },
      { data: { kind: 'npy', x: 'x.npy', c: 'c10.npy' }, hidden: [] },
    ];
    cases.forEach((c, k) => {
      const f = join(dir, `bad${k}.json`);
      writeFileSync(f, JSON.stringify({ ...cfg, ...c }));
      const out = join(dir, `badrun${k}`);
      const r = cli('a2a', 'train', '--config', f, '--out', out, '--quiet');
      assert.equal(r.status, 2, `case ${k}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(!existsSync(out) || readdirSync(out).length === 0, `case ${k} wrote ${out}`);
    });
  });

  it('cleanup', () => rmSync(dir, { recursive: true, force: true }));
});
