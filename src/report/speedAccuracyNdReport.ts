import type { SpeedAccuracyNdResult } from '../thermo/speedAccuracyNd.ts';

/**
 * The JSON object printed by `thermodiff speed-accuracy --json` for n-D configs: the keys of the
 * 1-D command (protocol, tau, D0, W1Start, W1End, deltaW1, eta, c1, c2, wD, chainHolds,
 * curves {t, v2sq, vLossSq, w1}, checks) plus `housekeeping`, `v2Method`, `dim`, `D0MonteCarlo`,
 * `conservative` and the extra curves (see docs/multid.md).
 */
export function speedAccuracyNdJson(r: SpeedAccuracyNdResult) {
  return {
    protocol: r.protocol,
    tau: r.tau,
    dim: r.dim,
    D0: r.d0,
    D0MonteCarlo: r.d0MonteCarlo,
    W1Start: r.w1Start,
    W1End: r.w1End,
    deltaW1: r.deltaW1,
    eta: r.eta,
    c1: r.c1,
    c2: r.c2,
    wD: r.wD,
    housekeeping: r.housekeeping,
    v2Method: r.v2Method,
    conservative: r.conservative,
    chainHolds: r.chainHolds,
    curves: r.curves,
    checks: r.checks,
    settings: r.settings,
  };
}

function fmt(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e4 ? x.toPrecision(6) : x.toExponential(4);
}

/** A readable plain-text report of one n-D run. */
export function speedAccuracyNdTable(r: SpeedAccuracyNdResult): string {
  const rows: [string, string][] = [
    ['protocol', r.protocol],
    ['dim', String(r.dim)],
    ['tau', fmt(r.tau)],
    ['D0 (Pearson chi^2, Eq. 78)', `${fmt(r.d0)} (Monte Carlo ${fmt(r.d0MonteCarlo.value)} +- ${fmt(r.d0MonteCarlo.stderr)})`],
    ['W1 at reverse start (P_tau vs perturbed)', fmt(r.w1Start)],
    ['W1 at reverse end (q vs p)', fmt(r.w1End)],
    ['deltaW1', fmt(r.deltaW1)],
    ['eta = deltaW1^2/(tau D0)', fmt(r.eta)],
    ['c1 = int vLoss^2 dt', fmt(r.c1)],
    ['c2 = int v2^2 dt', fmt(r.c2)],
    ['wD = int T S_dot dt', fmt(r.wD)],
    ['housekeeping = int (T S_dot - v2^2) dt', fmt(r.housekeeping)],
    ['v2 method', r.v2Method],
    [r.conservative ? 'eta <= c1 <= c2 = wD' : 'eta <= c1 <= wD', r.chainHolds ? 'holds' : 'VIOLATED'],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`);
  lines.push('', 'checks:');
  for (const c of r.checks) lines.push(`  [${c.ok ? 'ok' : 'FAIL'}] ${c.name}: ${fmt(c.value)} (tolerance ${fmt(c.tolerance)})`);
  return `${lines.join('\n')}\n`;
}
