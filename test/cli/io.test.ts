import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { readFileChecked, readJsonFile, writeFileAtomic } from '../../src/cli/io.ts';
import { InputError } from '../../src/core/errors.ts';

test('writeFileAtomic(path, content) writes the content and leaves no temporary file behind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'td-io-'));
  const p = join(dir, 'sub', 'a.txt');
  writeFileAtomic(p, 'hello');
  writeFileAtomic(p, 'world');
  assert.equal(readFileSync(p, 'utf8'), 'world');
  assert.deepEqual(readdirSync(join(dir, 'sub')), ['a.txt']);
});

test('readFileChecked(path) throws InputError naming the path for a missing file or a directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'td-io-'));
  assert.throws(() => readFileChecked(join(dir, 'nope.json')), (e: unknown) => e instanceof InputError && /no such file/.test((e as Error).message) && (e as Error).message.includes('nope.json'));
  assert.throws(() => readFileChecked(dir), (e: unknown) => e instanceof InputError && /directory/.test((e as Error).message));
});

test('readJsonFile(path) throws InputError for invalid JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'td-io-'));
  const p = join(dir, 'bad.json');
  writeFileSync(p, '{"a": 1,,}');
  assert.throws(() => readJsonFile(p), (e: unknown) => e instanceof InputError && /invalid JSON/.test((e as Error).message));
});
