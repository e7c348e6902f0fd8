/**
 * The task function of a sweep worker (a tinypool worker thread or child process, long-lived):
 * imports the setup module that registers the sweep commands once, then runs one task per call.
 * Never throws: a failing task comes back as a one-line error (and its stack), so the pool keeps
 * the worker.
 */
import { isMainThread, threadId } from 'node:worker_threads';
import { InputError } from '../core/errors.ts';
import { sweepCommand } from './sweepRegistry.ts';
import { stableJson } from './stableJson.ts';

/** What the runner sends a worker. */
export interface WorkerTask {
  /** URL of the module that registers the sweep commands (imported once per worker). */
  setup: string;
  command: string;
  config: Record<string, unknown>;
  baseDir: string;
  workDir: string;
}

/** What a worker sends back. */
export type WorkerOutcome =
  | { ok: true; resultJson: string; run: Record<string, unknown> }
  | { ok: false; error: string; stack?: string; run: Record<string, unknown> };

/** One line describing an error: InputError messages as they are, anything else with its type and first source location. */
export function oneLineError(e: unknown): string {
  if (e instanceof InputError) return e.message.replace(/\s*\n\s*/g, ' ');
  if (e instanceof Error) {
    const at = /\n\s+at .*?\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?/.exec(e.stack ?? '')?.[1];
    return `${e.name}: ${e.message.replace(/\s*\n\s*/g, ' ')}${at ? ` (at ${at.replace(/^file:\/\//, '')})` : ''}`;
  }
  return String(e).replace(/\s*\n\s*/g, ' ');
}

/**
 * Run one task in this worker. The result travels as stable JSON text (keys sorted, non-finite
 * numbers as strings), the form it is stored in.
 */
export default async function runWorkerTask(task: WorkerTask): Promise<WorkerOutcome> {
  const startedAt = new Date().toISOString();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const run = (): Record<string, unknown> => {
    const c = process.cpuUsage(c0);
    return {
      seconds: (performance.now() - t0) / 1000,
      // process CPU is this task's only in a worker process (threads share the process)
      cpuSeconds: isMainThread ? (c.user + c.system) / 1e6 : null,
      worker: isMainThread ? `pid ${process.pid}` : `thread ${threadId}`,
      startedAt,
    };
  };
  try {
    await import(task.setup);
    const command = sweepCommand(task.command);
    const value = await command.run(task.config, { baseDir: task.baseDir, workDir: task.workDir });
    const extra: Record<string, unknown> = {};
    let result = value;
    if (command.runKeys?.length && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const copy = { ...(value as Record<string, unknown>) };
      for (const k of command.runKeys) {
        if (k in copy) {
          extra[k] = copy[k];
          delete copy[k];
        }
      }
      result = copy;
    }
    return { ok: true, resultJson: stableJson(result), run: { ...run(), ...extra } };
  } catch (e) {
    return { ok: false, error: oneLineError(e), stack: e instanceof Error ? e.stack : undefined, run: run() };
  }
}
