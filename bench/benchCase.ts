/** One benchmark record, printed as one JSON line. */
export interface BenchRecord {
  name: string;
  size: number;
  seconds: number;
  throughput: number;
  [extra: string]: unknown;
}

/** Print one benchmark record as a JSON line on stdout. */
export function emit(r: BenchRecord): void {
  console.log(JSON.stringify(r));
}

/**
 * Time `fn` after `warmup` untimed runs; returns the median wall time (s) of `repeats` runs and
 * the process CPU time per run (the steadier figure on a shared machine).
 */
export async function timeIt(
  fn: () => unknown | Promise<unknown>,
  { warmup = 1, repeats = 3 }: { warmup?: number; repeats?: number } = {},
): Promise<{ seconds: number; cpuSeconds: number }> {
  for (let i = 0; i < warmup; i++) await fn();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await fn();
    walls.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
  }
  walls.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  return { seconds: walls[Math.floor(repeats / 2)], cpuSeconds: cpus[Math.floor(repeats / 2)] };
}
