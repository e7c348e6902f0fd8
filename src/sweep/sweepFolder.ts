/**
 * The on-disk layout of a sweep folder (Node-only). Every file is written atomically; results are
 * published with an exclusive hard link, so no result file is ever written twice, even by two
 * runners given overlapping shards.
 *
 *   plan.json            the task list (id, index, grid values, full config) and merge defaults
 *   results/<id>.json    a finished task: {id, index, params, command, result, run}
 *   failed/<id>.json     a failed task: {id, index, params, command, error (one line), stack, run}
 *   claims/<id>.json     a task being run: {host, pid, token, startedAt}; refreshed while it runs
 *   work/<id>/           files a task writes (model weights, checkpoints)
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, linkSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { makeDirs, writeFileAtomic } from '../io/files.ts';
import type { SweepFigure } from './sweepSpec.ts';
import { reviveNonFinite, stableJson } from './stableJson.ts';

/** One task of a plan. */
export interface SweepTask {
  /** First 16 hex digits of sha256 of the command and the full config (see {@link taskId}). */
  id: string;
  index: number;
  params: Record<string, unknown>;
  config: Record<string, unknown>;
}

/** plan.json. */
export interface SweepPlan {
  format: 'thermodiff-sweep-plan';
  version: 1;
  /** sha256 of the command, the axes and the ordered task ids: what makes two sweeps the same. */
  sweepHash: string;
  name?: string;
  description?: string;
  command: string;
  /** The sweep file and the base config file it named (null when given inline). */
  sweepFile: string | null;
  configFile: string | null;
  /** Folder that relative paths in the configs resolve against. */
  baseDir: string;
  axes: string[];
  merge: { over: string[]; quantities?: string[]; figures: SweepFigure[] };
  tasks: SweepTask[];
}

/** A finished task's file. */
export interface TaskResultFile {
  id: string;
  index: number;
  params: Record<string, unknown>;
  command: string;
  result: unknown;
  run: Record<string, unknown>;
}

/** A failed task's file. */
export interface TaskFailureFile {
  id: string;
  index: number;
  params: Record<string, unknown>;
  command: string;
  /** One line: what went wrong, for `status` and `merge`. */
  error: string;
  stack?: string;
  run: Record<string, unknown>;
}

export const PLAN_FILE = 'plan.json';

/** sha256 (hex) of a value's stable JSON. */
export function hashJson(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

/** The id of a task: the first 16 hex digits of sha256 of `{command, config}` in stable JSON. */
export function taskId(command: string, config: unknown): string {
  return hashJson({ command, config }).slice(0, 16);
}

export const resultPath = (dir: string, id: string) => join(dir, 'results', `${id}.json`);
export const failurePath = (dir: string, id: string) => join(dir, 'failed', `${id}.json`);
export const claimPath = (dir: string, id: string) => join(dir, 'claims', `${id}.json`);
export const workPath = (dir: string, id: string) => join(dir, 'work', id);

/**
 * Read a sweep folder's plan.
 * @throws InputError when the folder has no plan.json or it is not a thermodiff sweep plan.
 */
export function readPlan(dir: string): SweepPlan {
  const path = join(dir, PLAN_FILE);
  if (!existsSync(path)) {
    if (existsSync(dir) && statSync(dir).isFile()) throw new InputError('expected a sweep folder made by `thermodiff sweep plan`, got a file', dir);
    throw new InputError('not a sweep folder (no plan.json): make one with `thermodiff sweep plan <sweep.json> --out <dir>`', dir);
  }
  let plan: SweepPlan;
  try {
    plan = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(`unreadable plan (${(e as Error).message})`, path);
  }
  if (plan?.format !== 'thermodiff-sweep-plan' || plan.version !== 1 || !Array.isArray(plan.tasks)) {
    throw new InputError('not a thermodiff sweep plan (format thermodiff-sweep-plan, version 1)', path);
  }
  return plan;
}

/**
 * Write `content` to `path` unless the file exists: write a temporary file in the same folder,
 * then hard-link it to `path` (atomic, and fails when `path` exists, also on NFS). Where hard links
 * are not supported, falls back to rename after an existence check.
 * @returns true when this call created the file, false when it already existed.
 */
export function publishExclusive(path: string, content: string): boolean {
  const dir = join(path, '..');
  makeDirs(dir);
  const tmp = join(dir, `.${path.split('/').pop()}.${hostname()}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  writeFileSync(tmp, content);
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw e;
    if (existsSync(path)) return false;
    renameSync(tmp, path);
    return true;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Parse a JSON file written by the sweep (non-finite numbers revived); undefined when absent or unreadable. */
export function readSweepJson<T>(path: string): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text, reviveNonFinite) as T;
  } catch {
    return undefined;
  }
}

/** Ids with a file in `sub` (results, failed or claims). */
export function idsIn(dir: string, sub: 'results' | 'failed' | 'claims'): Set<string> {
  const d = join(dir, sub);
  if (!existsSync(d)) return new Set();
  return new Set(
    readdirSync(d)
      .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .map((f) => f.slice(0, -5)),
  );
}

/** Who holds a claim. */
export interface Claimant {
  host: string;
  pid: number;
  token: string;
}

/** Tokens of the runners alive in this process (several may run at once through the library). */
const liveTokens = new Set<string>();

/** This process as a claimant (a fresh token per runner); {@link retireClaimant} when the runner ends. */
export function newClaimant(): Claimant {
  const token = randomBytes(8).toString('hex');
  liveTokens.add(token);
  return { host: hostname(), pid: process.pid, token };
}

/** The runner of `me` has ended: claims still carrying its token count as abandoned. */
export function retireClaimant(me: Claimant): void {
  liveTokens.delete(me.token);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Is a claim abandoned? On this host: its process is gone (or it has this process's pid under a
 * token no runner here holds: a restarted container reusing the pid). On another host: it was not refreshed for
 * `staleMs` (runners refresh their claims every few seconds).
 */
export function claimIsStale(claim: Claimant | undefined, mtimeMs: number, me: Claimant, staleMs: number, now = Date.now()): boolean {
  if (!claim || typeof claim.pid !== 'number') return now - mtimeMs > staleMs;
  if (claim.host === me.host) {
    // our own pid under a token no runner of this process holds: left by an earlier process that had this pid
    if (claim.pid === me.pid) return claim.token !== me.token && !liveTokens.has(claim.token);
    return !alive(claim.pid);
  }
  return now - mtimeMs > staleMs;
}

/**
 * Claim task `id` for `me`: create claims/<id>.json exclusively, or take over an abandoned claim.
 * @returns true when `me` holds the claim, false when another live runner does.
 */
export function tryClaim(dir: string, id: string, me: Claimant, staleMs: number): boolean {
  const path = claimPath(dir, id);
  const content = JSON.stringify({ ...me, startedAt: new Date().toISOString() });
  if (publishExclusive(path, content)) return true;
  let mtime: number;
  try {
    mtime = statSync(path).mtimeMs;
  } catch {
    return publishExclusive(path, content); // released meanwhile
  }
  if (!claimIsStale(readSweepJson<Claimant>(path), mtime, me, staleMs)) return false;
  writeFileAtomic(path, content);
  return readSweepJson<Claimant>(path)?.token === me.token;
}

/** Remove `me`'s claim on `id` (a claim taken over by another runner is left alone). */
export function releaseClaim(dir: string, id: string, me: Claimant): void {
  const path = claimPath(dir, id);
  if (readSweepJson<Claimant>(path)?.token === me.token) rmSync(path, { force: true });
}

/** Refresh the modification time of `me`'s claims (the heartbeat other hosts look at). */
export function touchClaims(dir: string, ids: Iterable<string>): void {
  const now = new Date();
  for (const id of ids) {
    try {
      utimesSync(claimPath(dir, id), now, now);
    } catch {
      // released or taken over meanwhile
    }
  }
}

/** Task counts of a sweep folder. */
export interface SweepStatus {
  tasks: number;
  done: number;
  failed: number;
  /** Claimed by a live runner. */
  running: number;
  pending: number;
  /** Result files whose id is not in the plan (left by another sweep; ignored). */
  foreign: string[];
  failures: { id: string; params: Record<string, unknown>; error: string }[];
}

/** Done / failed / running / pending counts of `plan`'s tasks in `dir`. */
export function sweepStatus(dir: string, plan: SweepPlan, staleMs: number): SweepStatus {
  const done = idsIn(dir, 'results');
  const failed = idsIn(dir, 'failed');
  const claims = idsIn(dir, 'claims');
  const me = newClaimant();
  const s: SweepStatus = { tasks: plan.tasks.length, done: 0, failed: 0, running: 0, pending: 0, foreign: [], failures: [] };
  const known = new Set(plan.tasks.map((t) => t.id));
  for (const t of plan.tasks) {
    if (done.has(t.id)) s.done++;
    else if (claims.has(t.id) && !claimStale(dir, t.id, me, staleMs)) s.running++;
    else if (failed.has(t.id)) {
      s.failed++;
      const f = readSweepJson<TaskFailureFile>(failurePath(dir, t.id));
      s.failures.push({ id: t.id, params: t.params, error: f?.error ?? 'unreadable failure record' });
    } else s.pending++;
  }
  s.foreign = [...done].filter((id) => !known.has(id)).sort();
  retireClaimant(me);
  return s;
}

function claimStale(dir: string, id: string, me: Claimant, staleMs: number): boolean {
  const path = claimPath(dir, id);
  try {
    return claimIsStale(readSweepJson<Claimant>(path), statSync(path).mtimeMs, me, staleMs);
  } catch {
    return true;
  }
}
