import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UsageError } from '../../src/cli/errors.ts';
import { checkOutputs, writeOutputs } from '../../src/cli/outputs.ts';

const tmp = mkdtempSync(join(tmpdir(), 'thermodiff-outputs-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const refuses = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n'));

test('checkOutputs accepts new files in new folders and existing files', () => {
  writeFileSync(join(tmp, 'old.json'), '{}');
  checkOutputs([
    { flag: '--out', path: join(tmp, 'a/b/c.npy') },
    { flag: '--png', path: join(tmp, 'old.json') },
    { flag: '--report', path: join(tmp, 'rep'), kind: 'dir', files: ['report.md'] },
  ]);
});

test('checkOutputs refuses an output equal to an input, also through a symbolic link or another spelling', () => {
  const cfg = join(tmp, 'cfg.json');
  writeFileSync(cfg, '{}');
  symlinkSync(cfg, join(tmp, 'link.json'));
  refuses(() => checkOutputs([{ flag: '--out', path: cfg }], [{ flag: '--config', path: cfg }]), /^--out: refusing to overwrite the input --config /);
  refuses(() => checkOutputs([{ flag: '--out', path: join(tmp, 'link.json') }], [{ flag: '--config', path: cfg }]), /refusing to overwrite the input --config/);
  refuses(() => checkOutputs([{ flag: '--out', path: `${tmp}/x/../cfg.json` }], [{ flag: '--config', path: cfg }]), /refusing to overwrite/);
  // a file written into an output folder
  refuses(() => checkOutputs([{ flag: '--report', path: tmp, kind: 'dir', files: ['cfg.json'] }], [{ flag: '--config', path: cfg }]), /^--report: refusing to overwrite the input --config/);
});

test('checkOutputs refuses two outputs at one location, folders given as files and files under files', () => {
  const f = join(tmp, 'same.npy');
  refuses(() => checkOutputs([{ flag: '--out', path: f }, { flag: '--png', path: f }]), /^--png: the same location as --out/);
  refuses(() => checkOutputs([{ flag: '--out', path: tmp }]), /^--out: expected a file path, got an existing folder/);
  writeFileSync(join(tmp, 'file'), 'x');
  refuses(() => checkOutputs([{ flag: '--out', path: join(tmp, 'file/sub/x.npy') }]), /^--out: cannot write .*: .*file is a file, not a folder/);
  refuses(() => checkOutputs([{ flag: '--report', path: join(tmp, 'file'), kind: 'dir' }]), /^--report: expected a folder, got an existing file/);
});

test('checkOutputs refuses a read-only folder', { skip: process.getuid?.() === 0 ? 'root can write anywhere' : false }, () => {
  const ro = join(tmp, 'ro');
  mkdirSync(ro);
  chmodSync(ro, 0o555);
  try {
    refuses(() => checkOutputs([{ flag: '--out', path: join(ro, 'x.npy') }]), /^--out: cannot write .*is not writable \(EACCES\)/);
  } finally {
    chmodSync(ro, 0o755);
  }
});

test('writeOutputs writes the set only when all parts are complete; on an error nothing (not even new folders) is left', async () => {
  const dir = join(tmp, 'set');
  await assert.rejects(
    writeOutputs(async (out) => {
      out.write(join(dir, 'new/a.txt'), 'a');
      const s = out.stream(join(dir, 'b.bin'));
      s.write(new Uint8Array([1, 2]));
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(existsSync(dir), false);
  await writeOutputs(async (out) => {
    out.write(join(dir, 'a.txt'), 'a');
    const s = out.stream(join(dir, 'b.bin'));
    s.write(new Uint8Array([1, 2]));
    s.write(new Uint8Array([3]));
    s.close();
    // nothing visible before the commit
    assert.deepEqual(readdirSync(dir).filter((f) => !f.startsWith('.')), []);
  });
  assert.deepEqual(readdirSync(dir).sort(), ['a.txt', 'b.bin']);
  assert.deepEqual([...readFileSync(join(dir, 'b.bin'))], [1, 2, 3]);
});
