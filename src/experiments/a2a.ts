/**
 * `thermodiff reproduce a2a`: the synthetic experiments of A2A-FM (Ikeda et al. 2025, Sec. 5.1):
 * Table 1a (grouped, coupling only), Table 1b (quarter annulus; A2A-FM, OT-CFM with the data as
 * source, partial diffusion + CFG, all with the same network and budget), the beta sweep of Fig. 7,
 * the transfer trajectories of Fig. 3, and the thermodynamic view (path energy of each learned
 * transfer vs W2^2 between the conditionals). Our numbers beside the paper's.
 */
import { Rng } from '../core/rng.ts';
import type { A2AMethod, A2AModel } from '../a2a/a2aModel.ts';
import { parseA2AConfig } from '../a2a/a2aConfig.ts';
import { ANNULUS_CONFIG } from '../a2a/annulusConfig.ts';
import { type AnnulusEvaluation, evaluateAnnulus } from '../a2a/annulusEval.ts';
import { a2aCoupling, defaultBeta } from '../a2a/coupling.ts';
import { groupedMixture, quarterAnnulus, quarterAnnulusAt } from '../a2a/datasets.ts';
import { groupedExperiment } from '../a2a/grouped.ts';
import { trainA2A } from '../a2a/trainA2A.ts';
import { stepRng } from '../nn/train/stepRng.ts';
import { lineChart } from '../report/charts.ts';
import { svgToPng } from '../report/png.ts';
import { scatterChart } from '../report/scatterChart.ts';
import type { Experiment, ExperimentContext } from './experiment.ts';

const PAPER = {
  table1a: { a2a: [5.81e-2, 2.22e-2], geodesic: [1.03, 0.04] },
  table1b: { a2a: [1.51e-2, 0.17e-2], pdcfg: [6.77e-2, 0.14e-2], si: [4.9e-2, 0.28e-2] },
};

const f = (m: { mean: number; std: number }) => `${m.mean.toExponential(2)} +- ${m.std.toExponential(1)}`;

async function evaluate(model: A2AModel, seed: number, quick: boolean): Promise<AnnulusEvaluation> {
  const steps = model.meta.method === 'pdcfg' ? 8 : 20;
  const rng = new Rng(seed + 1000);
  return evaluateAnnulus((x, a, b, n) => model.transfer(x, a, b, n, { steps, rng }), new Rng(seed + 77), quick ? { pairs: 10, points: 100, repeats: 2 } : { repeats: 10 });
}

/** Dots along straight lines from each source to its image (the notebook's trajectory plot). */
function pathDots(src: ArrayLike<number>, dst: ArrayLike<number>, n: number, k = 12): Float64Array {
  const out = new Float64Array(2 * n * k);
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < k; s++) {
      const t = s / (k - 1);
      out[2 * (i * k + s)] = (1 - t) * src[2 * i] + t * dst[2 * i];
      out[2 * (i * k + s) + 1] = (1 - t) * src[2 * i + 1] + t * dst[2 * i + 1];
    }
  }
  return out;
}

async function run(ctx: ExperimentContext) {
  const { seed, quick } = ctx;
  const png = (name: string, svg: string) => ctx.writeFile(`a2a/${name}`, svgToPng(svg));
  const total = 6;
  let done = 0;
  const tick = (label: string) => ctx.onProgress(++done, total, label);
  const cpu0 = process.cpuUsage();
  const cpuSince = (c: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(c);
    return (u.user + u.system) / 1e6;
  };

  // ---- Table 1a ----
  let c = process.cpuUsage();
  const runs = quick ? 2 : 10;
  const perClass = quick ? 150 : 1000;
  const t1a = groupedExperiment(new Rng(seed), { runs, perClass });
  const t1aCpu = cpuSince(c);
  {
    const rng = new Rng(seed + 5);
    const d = groupedMixture(200, rng);
    const sigma = rng.shuffle(Int32Array.from({ length: d.n }, (_, i) => i));
    const b2 = { x: new Float64Array(2 * d.n), c: new Float64Array(d.n), n: d.n, dx: 2, dc: 1 };
    for (let j = 0; j < d.n; j++) {
      b2.x[2 * j] = d.x[2 * sigma[j]];
      b2.x[2 * j + 1] = d.x[2 * sigma[j] + 1];
      b2.c[j] = d.c[sigma[j]];
    }
    const cp = a2aCoupling(d, b2, { beta: t1a.beta });
    const dst = new Float64Array(2 * d.n);
    for (let i = 0; i < d.n; i++) {
      dst[2 * i] = b2.x[2 * cp.perm[i]];
      dst[2 * i + 1] = b2.x[2 * cp.perm[i] + 1];
    }
    png(
      'fig3a-grouped-coupling.png',
      scatterChart({
        title: 'A2A coupling, grouped data (200 per class, beta = 1e4)',
        xLabel: 'x1',
        yLabel: 'x2',
        series: [
          { name: 'paths', xy: pathDots(d.x, dst, d.n), opacity: 0.08 },
          { name: 'c = 0', xy: d.x.slice(0, 400) },
          { name: 'c = 1', xy: d.x.slice(400, 800) },
          { name: 'c = 2', xy: d.x.slice(800, 1200) },
        ],
        pointSize: 4,
      }),
    );
  }
  tick('Table 1a');

  // ---- Table 1b: three methods, same network and budget ----
  // the shipped config, validated by the parser `a2a train` uses
  const shipped = parseA2AConfig(ANNULUS_CONFIG, 'ANNULUS_CONFIG');
  const cfg = quick ? { ...shipped, hidden: [16, 16], steps: 40, batchSize: 64 } : shipped;
  const nData = quick ? 5000 : ANNULUS_CONFIG.data.n;
  const beta = cfg.beta === 'rule' ? defaultBeta(cfg.batchSize, 1) : cfg.beta;
  const data = quarterAnnulus(nData, stepRng(seed, 0, 1));
  const data2 = quarterAnnulus(nData, stepRng(seed, 0, 2));
  const methods: A2AMethod[] = ['a2a', 'otcfm', 'pdcfg'];
  const table: Record<string, { eval: AnnulusEvaluation; trainCpuSeconds: number; finalLoss: number }> = {};
  let a2aModel: A2AModel | null = null;
  for (const method of methods) {
    c = process.cpuUsage();
    const { model, losses } = await trainA2A({
      data,
      data2,
      method,
      variant: 'plain',
      hidden: [...cfg.hidden],
      steps: cfg.steps,
      batchSize: cfg.batchSize,
      lr: cfg.lr,
      beta,
      seed: cfg.seed + seed,
      lrSchedule: cfg.lrSchedule,
    });
    const trainCpuSeconds = cpuSince(c);
    const ev = await evaluate(model, seed, quick);
    table[method] = { eval: ev, trainCpuSeconds, finalLoss: losses.slice(-50).reduce((a, b) => a + b, 0) / Math.min(50, losses.length) };
    if (method === 'a2a') a2aModel = model;
    else await model.dispose();
    tick(`Table 1b: ${method}`);
  }

  // ---- Fig. 3b: learned transfer trajectories ----
  if (a2aModel) {
    const rng = new Rng(seed + 9);
    const pairs: [number, number][] = [
      [0.15, 1.35],
      [1.4, 0.3],
      [0.8, 0.2],
    ];
    const m = 30;
    const dots: number[] = [];
    const ends: number[] = [];
    const starts: number[] = [];
    for (const [a, b] of pairs) {
      const x = quarterAnnulusAt(a, m, rng);
      starts.push(...x);
      const r = await a2aModel.transfer(x, new Float64Array(m).fill(a), new Float64Array(m).fill(b), m, {
        steps: 20,
        onStep: (_t, y) => dots.push(...y),
      });
      ends.push(...r.x);
    }
    const bg = quarterAnnulus(3000, new Rng(seed + 3)).x;
    png(
      'fig3b-annulus-transfer.png',
      scatterChart({
        title: 'A2A-FM transfer on the quarter annulus (learned ODE paths)',
        xLabel: 'x1',
        yLabel: 'x2',
        series: [
          { name: 'data', xy: bg, opacity: 0.15 },
          { name: 'paths', xy: dots, opacity: 0.3 },
          { name: 'sources', xy: starts, opacity: 0.9 },
          { name: 'transferred', xy: ends, opacity: 0.9 },
        ],
        pointSize: 5,
      }),
    );
    await a2aModel.dispose();
  }
  tick('Fig. 3b');

  // ---- Fig. 7: beta sweep (a third of the budget per beta) ----
  const betas = quick ? [0.1, 10] : [0.01, 0.1, 1, 4, 16, 100];
  const sweep: { beta: number; mse: { mean: number; std: number } }[] = [];
  c = process.cpuUsage();
  for (const beta of betas) {
    const { model } = await trainA2A({
      data,
      data2,
      method: 'a2a',
      hidden: [...cfg.hidden],
      steps: Math.max(10, Math.round(cfg.steps / 3)),
      batchSize: cfg.batchSize,
      lr: cfg.lr,
      beta,
      seed: cfg.seed + seed,
      lrSchedule: cfg.lrSchedule,
    });
    const ev = await evaluateAnnulus((x, a, b, n) => model.transfer(x, a, b, n, { steps: 20 }), new Rng(seed + 77), { pairs: quick ? 10 : 100, repeats: quick ? 1 : 3 });
    sweep.push({ beta, mse: { mean: ev.mse.mean, std: ev.mse.std } });
    await model.dispose();
  }
  const sweepCpu = cpuSince(c);
  png(
    'fig7-mse-vs-beta.png',
    lineChart({
      title: `MSE from pairwise OT vs beta (batch ${cfg.batchSize}, ${Math.round(cfg.steps / 3)} steps)`,
      xLabel: 'log10 beta (paper convention)',
      yLabel: 'MSE per coordinate',
      series: [
        { name: 'A2A-FM', x: sweep.map((s) => Math.log10(s.beta)), y: sweep.map((s) => s.mse.mean) },
        { name: 'pairwise-OT floor', x: sweep.map((s) => Math.log10(s.beta)), y: sweep.map(() => table.a2a.eval.floor.mean), dash: true },
      ],
      logY: true,
    }),
  );
  tick('Fig. 7');

  const rule = defaultBeta(cfg.batchSize, 1);
  const th = (m: string) => {
    const t = table[m].eval.thermo;
    return t ? `${t.pathEnergy.toFixed(3)} | ${t.w2sq.toFixed(3)} | ${t.ratio.toFixed(3)} | ${t.medianPairRatio.toFixed(3)}` : '- | - | - | -';
  };
  const names: Record<string, string> = { a2a: 'A2A-FM', otcfm: 'OT-CFM, data as source', pdcfg: 'partial diffusion + CFG (flow backbone)' };
  const paper1b: Record<string, string> = { a2a: '1.51e-2 +- 1.7e-3', otcfm: '-', pdcfg: '6.77e-2 +- 1.4e-3' };
  const reportSection = [
    '## A2A-FM: all-to-all condition transfer (Ikeda et al. 2025, synthetic experiments)',
    '',
    quick ? '**Quick run: reduced sizes; numbers are not comparable with the paper.**\n' : '',
    `### Table 1a (grouped, no network; ${runs} runs, ${perClass} points per class, beta = ${t1a.beta})`,
    '',
    '| method | MSE from pairwise OT (ours) | paper |',
    '|---|---|---|',
    `| A2A-FM coupling | ${f(t1a.a2a)} | 5.81e-2 +- 2.2e-2 |`,
    `| generalized geodesic (exact inverse map) | ${f(t1a.geodesic)} | 1.03e0 +- 4e-2 |`,
    '',
    `CPU ${t1aCpu.toFixed(1)} s for the ${runs} runs. The paper's geodesic value comes from a mis-indexed composition in its notebook (docs/a2a.md): done with the exact inverse the baseline scores about 0.58.`,
    '',
    '![grouped coupling](a2a/fig3a-grouped-coupling.png)',
    '',
    `### Table 1b (quarter annulus; ${table.a2a.eval.pairs} pairs x ${table.a2a.eval.points} points, ${table.a2a.eval.mse.runs.length} repeats)`,
    '',
    `Same SiLU MLP ${JSON.stringify(cfg.hidden)} for every method, ${cfg.steps} steps, batch ${cfg.batchSize}, Adam ${cfg.lr} (${cfg.lrSchedule}); A2A beta = ${beta} (paper convention; the rule N^(1/2) would give ${rule.toFixed(1)}, see the sweep).`,
    '',
    '| method | MSE from pairwise OT (ours) | paper | training CPU s |',
    '|---|---|---|---|',
    ...methods.map((m) => `| ${names[m]} | ${f(table[m].eval.mse)} | ${paper1b[m]} | ${table[m].trainCpuSeconds.toFixed(0)} |`),
    `| perfect pairwise-OT map (floor, same draws) | ${f(table.a2a.eval.floor)} | - | - |`,
    '| multimarginal SI (K = 5) | not implemented | 4.90e-2 +- 2.8e-3 | - |',
    '',
    '### Thermodynamic view: path energy of the learned transfer vs W2^2',
    '',
    'Mean over all evaluated pairs of int_0^1 E|v|^2 dt and of the exact W2^2(P_theta1, P_theta2) = 2 (1 - cos dtheta) 7/3; ratio of the sums, and the median per-pair ratio (1 = geodesic).',
    '',
    '| method | path energy | W2^2 | ratio | median pair ratio |',
    '|---|---|---|---|---|',
    ...methods.map((m) => `| ${names[m]} | ${th(m)} |`),
    '',
    'Partial diffusion: the energy counts the ODE from the noised source back to t = 0 only (the noising is a jump).',
    '',
    '![transfer](a2a/fig3b-annulus-transfer.png)',
    '',
    `### Fig. 7: beta sweep (${Math.round(cfg.steps / 3)} steps each, CPU ${sweepCpu.toFixed(0)} s)`,
    '',
    '| beta (paper) | MSE |',
    '|---|---|',
    ...sweep.map((s) => `| ${s.beta} | ${f(s.mse)} |`),
    '',
    '![beta sweep](a2a/fig7-mse-vs-beta.png)',
    '',
    `Total CPU ${cpuSince(cpu0).toFixed(0)} s.`,
  ].join('\n');
  return {
    results: { table1a: { a2a: t1a.a2a, geodesic: t1a.geodesic, beta: t1a.beta, perClass, cpuSeconds: t1aCpu }, table1b: table, betaSweep: sweep, paper: PAPER, config: cfg },
    reportSection,
  };
}

export const a2aExperiment: Experiment = {
  name: 'a2a',
  title: 'A2A-FM (Ikeda et al. 2025): Tables 1a and 1b, beta sweep, transfer figures, path energy vs W2^2',
  runsByDefault: false,
  run,
};
