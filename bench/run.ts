/**
 * Runs every `bench/*.bench.ts` in its own process (so one benchmark's memory or JIT state does
 * not affect another) and forwards its JSON lines: one object per case with
 * `name`, `size`, `seconds`, `throughput` (and extra fields as the case needs).
 * Usage: `npm run bench` or `npm run bench -- ot` (only files whose name contains "ot").
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();
let failed = 0;
for (const f of files) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, f)], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    failed++;
    console.error(`bench ${f} exited with ${r.status}`);
  }
}
process.exitCode = failed ? 1 : 0;
