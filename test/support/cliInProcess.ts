import { main } from '../../src/cli/main.ts';

/** What one in-process CLI run produced. */
export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
  /** CPU seconds (user + system) of this process during the run. */
  cpuSeconds: number;
}

/**
 * Run the CLI in-process (the same `main()` as the bin) and capture its exit code, stdout and
 * stderr; `env` entries are set for the run and restored afterwards.
 * Only strings are captured: node:test's child process reports to its parent through stdout in
 * binary chunks, which must pass through.
 */
export async function cliInProcess(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const w1 = process.stdout.write;
  const w2 = process.stderr.write;
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  process.stdout.write = ((s: unknown, ...rest: unknown[]) => {
    if (typeof s !== 'string') return (w1 as (...a: unknown[]) => boolean).call(process.stdout, s, ...rest);
    stdout += s;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((s: unknown, ...rest: unknown[]) => {
    if (typeof s !== 'string') return (w2 as (...a: unknown[]) => boolean).call(process.stderr, s, ...rest);
    stderr += s;
    return true;
  }) as typeof process.stderr.write;
  const c0 = process.cpuUsage();
  try {
    const status = await main(args);
    const c = process.cpuUsage(c0);
    return { status, stdout, stderr, cpuSeconds: (c.user + c.system) / 1e6 };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
    process.exitCode = undefined;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
