import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { runReproduce } from '../../src/cli/commands/reproduce.ts';

it('reproduce a2a --quick writes the report section, results and three figures', async () => {
  const out = mkdtempSync(join(tmpdir(), 'a2a-rep-'));
  try {
    const s = await runReproduce({ names: ['a2a'], out, quick: true, seed: 1, progress: { start() {}, update() {}, finish() {}, note() {} } });
    assert.deepEqual(s.failed, []);
    assert.equal(s.files.filter((f) => f.endsWith('.png')).length, 3);
    const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).a2a;
    for (const m of ['a2a', 'otcfm', 'pdcfg']) assert.ok(Number.isFinite(r.table1b[m].eval.mse.mean), m);
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /Table 1a/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
