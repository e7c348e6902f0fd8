import { InputError } from '../core/errors.ts';

/** Shard `index` of `count` (0 <= index < count), and where it came from. */
export interface Shard {
  index: number;
  count: number;
  /** `--shard`, `slurm` (job array variables), `kubernetes` (JOB_COMPLETION_INDEX) or `whole`. */
  source: 'option' | 'slurm' | 'kubernetes' | 'whole';
}

/**
 * The tasks of shard `index` of `count`: task k belongs to shard k mod count (round robin, so
 * shards are balanced along every grid axis). Shards are disjoint and their union is the list.
 */
export function shardTasks<T>(tasks: readonly T[], shard: { index: number; count: number }): T[] {
  return tasks.filter((_, k) => k % shard.count === shard.index);
}

/**
 * Parse `--shard i/N` (0-based i).
 * @throws InputError for anything but two integers with 0 <= i < N.
 */
export function parseShard(text: string, where = '--shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new InputError(`expected i/N with 0 <= i < N (e.g. 0/4), got ${JSON.stringify(text)}`, where);
  return checked(Number(m[1]), Number(m[2]), 'option', where);
}

function checked(index: number, count: number, source: Shard['source'], where: string): Shard {
  if (!Number.isSafeInteger(count) || count < 1) throw new InputError(`expected a shard count >= 1, got ${count}`, where);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) throw new InputError(`expected a shard index in 0..${count - 1}, got ${index}`, where);
  return { index, count, source };
}

function envInt(env: Record<string, string | undefined>, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw new InputError(`expected an integer, got ${JSON.stringify(v)}`, name);
  return Number(v);
}

/**
 * The shard of this process. In order: `--shard i/N`; a Slurm job array (SLURM_ARRAY_TASK_ID and
 * SLURM_ARRAY_TASK_COUNT; index = (ID - SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP, so
 * `--array=1-5:2` gives shards 0, 1, 2 of 3); a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with
 * the count from `--shards N`, since Kubernetes sets no count variable); otherwise the whole sweep.
 * @throws InputError when the variables do not describe one shard (e.g. an array given as a list
 *   `--array=0,7` whose IDs are not MIN + k STEP for k < COUNT, or JOB_COMPLETION_INDEX without
 *   `--shards`).
 */
export function resolveShard(opts: { shard?: string; shards?: number }, env: Record<string, string | undefined>): Shard {
  if (opts.shard !== undefined) {
    if (opts.shards !== undefined) throw new InputError('give either --shard i/N or --shards N (with JOB_COMPLETION_INDEX), not both', '--shards');
    return parseShard(opts.shard);
  }
  const id = envInt(env, 'SLURM_ARRAY_TASK_ID');
  if (id !== undefined) {
    const count = envInt(env, 'SLURM_ARRAY_TASK_COUNT');
    if (count === undefined) throw new InputError('SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (pass --shard i/N)', 'SLURM_ARRAY_TASK_COUNT');
    const min = envInt(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
    const step = envInt(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
    if (step < 1) throw new InputError(`expected a step >= 1, got ${step}`, 'SLURM_ARRAY_TASK_STEP');
    const off = id - min;
    if (off < 0 || off % step !== 0 || off / step >= count) {
      throw new InputError(
        `array element ${id} is not MIN + k*STEP with k < COUNT (MIN ${min}, STEP ${step}, COUNT ${count}); use a range such as --array=0-${count - 1} or pass --shard i/N`,
        'SLURM_ARRAY_TASK_ID',
      );
    }
    if (opts.shards !== undefined && opts.shards !== count) throw new InputError(`--shards ${opts.shards} disagrees with the job array's ${count} elements`, '--shards');
    return checked(off / step, count, 'slurm', 'SLURM_ARRAY_TASK_ID');
  }
  const k8s = envInt(env, 'JOB_COMPLETION_INDEX');
  if (k8s !== undefined) {
    if (opts.shards === undefined) throw new InputError('JOB_COMPLETION_INDEX is set: pass --shards N with N = the Job\'s completions', '--shards');
    return checked(k8s, opts.shards, 'kubernetes', 'JOB_COMPLETION_INDEX');
  }
  if (opts.shards !== undefined && opts.shards !== 1) {
    throw new InputError('--shards N needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or a Slurm job array; use --shard i/N elsewhere', '--shards');
  }
  return { index: 0, count: 1, source: 'whole' };
}
