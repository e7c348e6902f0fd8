import type { Command } from 'commander';
import { parseSpeedAccuracyConfig } from '../../config/speedAccuracyConfig.ts';
import { type SpeedAccuracyResult, speedAccuracy1d } from '../../thermo/speedAccuracy1d.ts';
import { dirname, resolve } from 'node:path';
import { speedAccuracyNdJson, speedAccuracyNdTable } from '../../report/speedAccuracyNdReport.ts';
import { isNdSpeedAccuracyConfig, parseSpeedAccuracyNdConfig, runSpeedAccuracyNd } from '../../config/speedAccuracyNdConfig.ts';
import { readFileChecked, readJsonFile } from '../../io/files.ts';
import { parseScheduleFile } from '../../schedules/scheduleFile.ts';
import { printConfigWarnings } from '../configWarnings.ts';
import { NumericalError } from '../../core/errors.ts';
import { UsageError } from '../errors.ts';
import { checkBudget } from '../limits.ts';
import { ndSpeedAccuracyBudget } from '../ndSpeedAccuracyBudget.ts';

/** The JSON object printed by `thermodiff speed-accuracy --json` (stable keys; forward time t). */
export function speedAccuracyJson(r: SpeedAccuracyResult) {
  return {
    protocol: r.protocol,
    tau: r.tau,
    D0: r.d0,
    W1Start: r.w1Start,
    W1End: r.w1End,
    deltaW1: r.deltaW1,
    eta: r.eta,
    c1: r.c1,
    c2: r.c2,
    wD: r.wD,
    chainHolds: r.chainHolds,
    curves: { t: r.curves.t, v2sq: r.curves.v2sq, vLossSq: r.curves.vLossSq, w1: r.curves.w1 },
    checks: r.checks,
  };
}

function fmt(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e4 ? x.toPrecision(6) : x.toExponential(4);
}

/** A readable plain-text report of one run. */
export function speedAccuracyTable(r: SpeedAccuracyResult): string {
  const rows: [string, string][] = [
    ['protocol', r.protocol],
    ['tau', fmt(r.tau)],
    ['D0 (Pearson chi^2, Eq. 78)', fmt(r.d0)],
    ['W1 at reverse start (P_tau vs perturbed)', fmt(r.w1Start)],
    ['W1 at reverse end (q vs p)', fmt(r.w1End)],
    ['deltaW1', fmt(r.deltaW1)],
    ['eta = deltaW1^2/(tau D0)', fmt(r.eta)],
    ['c1 = int vLoss^2 dt', fmt(r.c1)],
    ['c2 = int v2^2 dt', fmt(r.c2)],
    ['wD = int T S_dot dt', fmt(r.wD)],
    ['eta <= c1 <= c2', r.chainHolds ? 'holds' : 'VIOLATED'],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`);
  lines.push('', 'checks:');
  for (const c of r.checks) lines.push(`  [${c.ok ? 'ok' : 'FAIL'}] ${c.name}: ${fmt(c.value)} (tolerance ${fmt(c.tolerance)})`);
  return `${lines.join('\n')}\n`;
}

/**
 * `thermodiff speed-accuracy --config FILE [--json]`: one speed-accuracy experiment (paper Sec. 4.1).
 * Bad configs raise InputError (exit 2, one line). To extend to more dimensions, dispatch on the
 * parsed data dimension here (and in parseSpeedAccuracyConfig) before calling speedAccuracy1d.
 */
export function register(program: Command): void {
  program
    .command('speed-accuracy')
    .description('speed-accuracy relation (eta <= c1 <= c2, or <= wD with a non-conservative force) with exact velocities: Gaussian mixtures in 1-D, mixtures, point sets and force processes in n-D')
    .requiredOption('--config <file>', 'JSON config: data, schedule (cosine|cond-ot|ot|vp-linear|ve), tau, perturbation')
    .option('--json', 'print one JSON object on stdout')
    .option('--schedule-file <file>', '1-D: use the schedule of a schedule file (e.g. from optimize-schedule --schedule-out) instead of the config\'s')
    .action((opts: { config: string; json?: boolean; scheduleFile?: string }) => {
      const json = readJsonFile(opts.config);
      printConfigWarnings('speed-accuracy', json);
      // n-D configs (a `process`, a non-mixture data kind, or data dim > 1): see docs/multid.md
      if (isNdSpeedAccuracyConfig(json)) {
        if (opts.scheduleFile !== undefined) throw new UsageError('--schedule-file: supported for one-dimensional configs only');
        const readFile = (p: string) => new Uint8Array(readFileChecked(resolve(dirname(opts.config), p)));
        const config = parseSpeedAccuracyNdConfig(json, readFile);
        checkBudget(ndSpeedAccuracyBudget(config)); // refuse before work what cannot fit (docs/cli.md)
        // a NumericalError of the engine, or a non-finite reported number, exits 3 (src/cli/main.ts)
        const rn = runSpeedAccuracyNd(config);
        const bad = (['d0', 'w1Start', 'w1End', 'eta', 'c1', 'c2', 'wD', 'housekeeping'] as const).filter((k) => !Number.isFinite(rn[k]));
        if (bad.length > 0) throw new NumericalError(`non-finite ${bad.map((k) => `${k} = ${rn[k]}`).join(', ')}`);
        process.stdout.write(opts.json ? `${JSON.stringify(speedAccuracyNdJson(rn))}\n` : speedAccuracyNdTable(rn));
        return;
      }
      const config = parseSpeedAccuracyConfig(json);
      if (opts.scheduleFile !== undefined) {
        const { file, schedule } = parseScheduleFile(readJsonFile(opts.scheduleFile), opts.scheduleFile);
        if (Math.abs(file.tau - config.tau) > 1e-12 * config.tau) throw new UsageError(`--schedule-file: the schedule has tau = ${file.tau}, the config ${config.tau}`);
        config.schedule = schedule;
      }
      const r = speedAccuracy1d(config);
      const bad = (['d0', 'w1Start', 'w1End', 'eta', 'c1', 'c2', 'wD'] as const).filter((k) => typeof r[k] === 'number' && !Number.isFinite(r[k]));
      if (bad.length > 0) throw new NumericalError(`non-finite ${bad.map((k) => `${k} = ${r[k]}`).join(', ')}`);
      process.stdout.write(opts.json ? `${JSON.stringify(speedAccuracyJson(r))}\n` : speedAccuracyTable(r));
    });
}
