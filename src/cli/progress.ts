import cliProgress from 'cli-progress';

/** Progress reporting for long CLI jobs (stderr only; stdout stays free for results). */
export interface Progress {
  /** Begin a named task with `total` units. */
  start(task: string, total: number): void;
  /** Update the current task. */
  update(done: number, total: number, label: string): void;
  /** End the current task with a one-line outcome. */
  finish(message: string): void;
  /** A free-standing message line (e.g. "skipped images: dataset not installed"). */
  note(message: string): void;
}

/**
 * Progress on `stream` (default stderr). On a TTY: a cli-progress bar per task with the current
 * label. Not on a TTY (CI, pipes, tests): no bar and no control codes, just terse lines: one at
 * the start of a task, one per 25 % of progress, one at the end.
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr, opts: { tty?: boolean } = {}): Progress {
  const tty = opts.tty ?? Boolean(stream.isTTY);
  let bar: cliProgress.SingleBar | null = null;
  let task = '';
  let lastQuarter = -1;
  const line = (s: string) => stream.write(`${s}\n`);
  return {
    start(name, total) {
      task = name;
      lastQuarter = 0;
      if (tty) {
        bar = new cliProgress.SingleBar(
          { format: `${name} [{bar}] {percentage}% | {label}`, stream, hideCursor: true, clearOnComplete: true, barsize: 30 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(total, 1), 0, { label: 'starting' });
      } else {
        line(`[${name}] started`);
      }
    },
    update(done, total, label) {
      if (bar) {
        bar.setTotal(Math.max(total, 1));
        bar.update(done, { label });
        return;
      }
      const q = total > 0 ? Math.floor((4 * done) / total) : 0;
      if (q > lastQuarter && q < 4) {
        lastQuarter = q;
        line(`[${task}] ${25 * q}% ${label}`);
      }
    },
    finish(message) {
      if (bar) {
        bar.stop();
        bar = null;
      }
      line(`[${task}] ${message}`);
    },
    note(message) {
      if (bar) {
        bar.stop();
        bar = null;
      }
      line(message);
    },
  };
}
