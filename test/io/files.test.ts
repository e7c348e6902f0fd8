import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { makeDirs, readFileChecked, readJsonFile, writeFileAtomic } from '../../src/io/files.ts';
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

test('makeDirs creates nested folders and refuses a file in the way or an impossible folder, with InputError', () => {
  const dir = mkdtempSync(join(tmpdir(), 'td-io-'));
  makeDirs(join(dir, 'a', 'b', 'c'));
  assert.ok(statSync(join(dir, 'a', 'b', 'c')).isDirectory());
  makeDirs(join(dir, 'a', 'b', 'c')); // existing: no error
  writeFileSync(join(dir, 'f'), 'x');
  assert.throws(() => makeDirs(join(dir, 'f', 'g')), (e: unknown) => e instanceof InputError && /found a file/.test((e as Error).message));
  // Node 20's mkdirSync(..., { recursive: true }) never returns for this path; makeDirs must fail fast
  if (existsSync('/proc/self')) assert.throws(() => makeDirs('/proc/thermodiff-test/x'), (e: unknown) => e instanceof InputError && /cannot create the folder/.test((e as Error).message));
});

test('writeFileAtomic reports an unwritable target as InputError and leaves no temporary file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'td-io-'));
  const target = join(dir, 'is-a-dir');
  makeDirs(join(target, 'inner'));
  // renaming a file over a non-empty directory fails (EISDIR / ENOTEMPTY)
  assert.throws(() => writeFileAtomic(target, 'x'), (e: unknown) => e instanceof InputError && /cannot write the file/.test((e as Error).message));
  assert.deepEqual(readdirSync(dir), ['is-a-dir']);
});
