/**
 * The one-dimensional experiment of the paper (Fig. 6, Table I): two-peak Gaussian-mixture data,
 * three forward protocols (cosine, cond-OT, OT), four perturbed starts of the estimated reverse
 * process; eta, c1, c2 with the chain eta <= c1 <= c2, plus the thermodynamic diagnostics
 * (entropy production identity, stochastic entropy production and the fluctuation theorem,
 * thermodynamic length) for one case. Figures are rendered through src/report (Vega-Lite -> SVG
 * -> PNG); this module writes files only through `ctx.writeFile`.
 */
import { parseSpeedAccuracyConfig } from '../config/speedAccuracyConfig.ts';
import { quad } from '../core/quadrature.ts';
import { Rng } from '../core/rng.ts';
import { makeGaussianMixture } from '../data/gaussianMixture.ts';
import { otProcess1d, scheduleProcess1d } from '../fields/exact1d.ts';
import { barChart, lineChartVegaLite, type LineChartSpec, panelGrid } from '../report/charts.ts';
import { fmt, markdownImage, markdownTable } from '../report/markdown.ts';
import { svgToPng } from '../report/png.ts';
import { vegaLiteToSvg } from '../report/vegaSvg.ts';
import { namedSchedule } from '../schedules/namedSchedule.ts';
import { entropyProductionIntegral, entropyProductionRate } from '../thermo/entropyProduction.ts';
import { type Observable1d, observableSpeed } from '../thermo/observableSpeed.ts';
import { reducedGeometryCost } from '../thermo/reducedGeometryCost.ts';
import { scheduleForce1d } from '../thermo/scheduleForce1d.ts';
import { scheduleTransition1d } from '../thermo/scheduleTransition1d.ts';
import { type SpeedAccuracyResult, speedAccuracy1d } from '../thermo/speedAccuracy1d.ts';
import { stochasticEntropy } from '../thermo/stochasticEntropy.ts';
import { thermodynamicLength } from '../thermo/thermodynamicLength.ts';
import type { Experiment, ExperimentContext, ExperimentOutput } from './experiment.ts';
import {
  FIGURE_READINGS,
  INDEPENDENT,
  INDEPENDENT_C2,
  PAPER_TABLE_I,
  PERTURBATION_KEYS,
  type PerturbationKey,
  PROTOCOL_KEYS,
  type ProtocolKey,
} from './fig6Reference.ts';

/** Data q = 0.5 N(-0.6, 0.3^2) + 0.5 N(0.6, 0.3^2) (parameters inferred, paper spec §4.1). */
const DATA_JSON = { kind: 'gaussian-mixture', means: [[-0.6], [0.6]], stds: [0.3, 0.3], weights: [0.5, 0.5] };
const TAU = 1;

/** The perturbed starts of Fig. 6 (b)-(e); (c)-(e) parameters inferred (paper spec §4.1). */
const PERTURBATIONS: Record<PerturbationKey, { label: string; json: unknown }> = {
  mean: { label: 'different mean N(1, 1)', json: { kind: 'normal', mean: [1], std: 1 } },
  variance: { label: 'different variance N(0, 0.8²)', json: { kind: 'normal', mean: [0], std: 0.8 } },
  // means ±sqrt(0.84) = ±0.9165 give unit variance (0.84 + 0.4^2 = 1), as in the spec's reproduction
  mixture: {
    label: 'Gaussian mixture ½N(±0.917, 0.4²)',
    json: {
      kind: 'gaussian-mixture',
      means: [[-Math.sqrt(0.84)], [Math.sqrt(0.84)]],
      stds: [0.4, 0.4],
      weights: [0.5, 0.5],
    },
  },
  uniform: { label: 'uniform U[−√3, √3]', json: { kind: 'uniform', low: [-Math.sqrt(3)], high: [Math.sqrt(3)] } },
};

const PROTOCOL_LABEL: Record<ProtocolKey, string> = { cosine: 'cosine', 'cond-ot': 'cond-OT', ot: 'OT' };
const PROTOCOL_COLOR: Record<ProtocolKey, string> = { cosine: '#4e79a7', 'cond-ot': '#f28e2b', ot: '#59a14f' };
const PANEL_LETTER: Record<PerturbationKey, string> = { mean: 'b', variance: 'c', mixture: 'd', uniform: 'e' };

/** Results stored under `results.json["1d"]`. */
export interface Fig6Results {
  quick: boolean;
  seed: number;
  tau: number;
  data: typeof DATA_JSON;
  nTimes: number;
  /** runs[perturbation][protocol] */
  runs: Record<PerturbationKey, Record<ProtocolKey, SpeedAccuracyResult>>;
  thermodynamicLength: Record<ProtocolKey, ReturnType<typeof thermodynamicLength> & { c2FromSpeedAccuracy: number }>;
  /**
   * Mean row cross-check: W1(q, p) for the start N(1, 1) by direct quadrature over normal scores z,
   * p's quantile at level Phi(z) being F_q^-1(Phi(z + 1)) (the monotone map), with eta from it.
   */
  meanRowCheck: { w1End: number; eta: number };
  reducedGeometry: { cosine: ReturnType<typeof reducedGeometryCost>; 'cond-ot': ReturnType<typeof reducedGeometryCost> };
  /** Observable speeds v_r <= v2 (Eqs. 71-74) for a few observables, protocols and times. */
  observableSpeeds: { protocol: ProtocolKey; observable: string; t: number; vr: number; v2: number; dMean: number; dMeanFlux: number; meanGradSq: number }[];
  entropyProduction: {
    protocol: 'cosine';
    rates: ReturnType<typeof entropyProductionRate>[];
    integral: ReturnType<typeof entropyProductionIntegral>;
  };
  stochastic: {
    n: number;
    steps: number;
    windows: {
      protocol: 'cosine' | 'cond-ot';
      t0: number;
      t1: number;
      meanTot: number;
      seTot: number;
      exactTot: number;
      ift: number;
      iftSe: number;
      ess: number;
      tailIndex: number;
      seReliable: boolean;
    }[];
  };
  seconds: number;
}

function relDiff(a: number, b: number): string {
  const r = (a - b) / Math.abs(b);
  return `${r >= 0 ? '+' : ''}${(100 * r).toFixed(2)}%`;
}

/** Line chart with an explicit colour per series (the report's lineChart colours by series order). */
function coloredLineChart(spec: LineChartSpec, colors: string[], xTickCount?: number): string {
  const vl = lineChartVegaLite(spec) as unknown as {
    encoding: { color: { scale: { range: string[] } }; x: { axis: { tickCount: number } } };
  };
  vl.encoding.color.scale.range = colors;
  if (xTickCount !== undefined) vl.encoding.x.axis.tickCount = xTickCount;
  return vegaLiteToSvg(vl as unknown as Parameters<typeof vegaLiteToSvg>[0]);
}

function densityFigure(runs: Record<ProtocolKey, SpeedAccuracyResult>): string {
  let yMax = 0;
  for (const p of PROTOCOL_KEYS) {
    const s = runs[p].snapshots;
    for (const row of [...s.forward, ...s.estimated]) for (const v of row) yMax = Math.max(yMax, v);
  }
  const yDomain: [number, number] = [0, Math.ceil(yMax * 11) / 10];
  const panels: string[] = [];
  const fracLabel = ['0', '1/3', '2/3', '1'];
  for (const p of PROTOCOL_KEYS) {
    const s = runs[p].snapshots;
    s.tOverTau.forEach((_, i) => {
      panels.push(
        coloredLineChart(
          {
            title: `${PROTOCOL_LABEL[p]}, t/τ = ${fracLabel[i] ?? fmt(s.tOverTau[i], 3)}`,
            xLabel: 'x (a.u.)',
            yLabel: 'density (a.u.)',
            series: [
              { name: 'forward Pₜ', x: s.x, y: s.forward[i] },
              { name: 'estimated P̃ₜ', x: s.x, y: s.estimated[i], dash: true },
            ],
            xDomain: [-4, 4],
            yDomain,
            width: 230,
            height: 150,
          },
          ['#555555', '#d62728'],
          5,
        ),
      );
    });
  }
  return panelGrid(
    panels,
    4,
    'Fig. 6(a): forward Pₜ and estimated reverse P̃ₜ (start N(1,1) at t = τ) — rows: cosine, cond-OT, OT',
  );
}

function perturbationFigure(key: PerturbationKey, runs: Record<ProtocolKey, SpeedAccuracyResult>): string {
  const snap = runs.cosine.snapshots;
  const last = snap.tOverTau.length - 1;
  const start = coloredLineChart(
    {
      title: 'perturbed start vs Pτ',
      xLabel: 'x (a.u.)',
      yLabel: 'density (a.u.)',
      series: [
        { name: 'Pτ = N(0, 1)', x: snap.x, y: snap.forward[last] },
        { name: 'start P̃†₀', x: snap.x, y: snap.estimated[last] },
      ],
      xDomain: [-4, 4],
      width: 300,
      height: 220,
    },
    ['#9a9a9a', '#d62728'],
  );
  const bars = barChart({
    title: 'η ≤ c₁ ≤ c₂ per protocol',
    yLabel: 'value (a.u.)',
    categories: PROTOCOL_KEYS.map((p) => PROTOCOL_LABEL[p]),
    series: [
      { name: 'η', values: PROTOCOL_KEYS.map((p) => runs[p].eta) },
      { name: 'c₁', values: PROTOCOL_KEYS.map((p) => runs[p].c1) },
      { name: 'c₂', values: PROTOCOL_KEYS.map((p) => runs[p].c2) },
    ],
    width: 300,
    height: 220,
  });
  const series: LineChartSpec['series'] = [];
  const colors: string[] = [];
  for (const p of PROTOCOL_KEYS) {
    const c = runs[p].curves;
    const tt = c.t.map((t) => t / runs[p].tau);
    series.push({ name: `v_loss² ${PROTOCOL_LABEL[p]}`, x: tt, y: c.vLossSq });
    series.push({ name: `v₂² ${PROTOCOL_LABEL[p]}`, x: tt, y: c.v2sq, dash: true });
    colors.push(PROTOCOL_COLOR[p], PROTOCOL_COLOR[p]);
  }
  const curves = coloredLineChart(
    {
      title: 'v_loss²(t) (solid) ≤ v₂²(t) (dashed)',
      xLabel: 't/τ',
      yLabel: 'speed² (a.u.)',
      series,
      xDomain: [0, 1],
      width: 360,
      height: 220,
    },
    colors,
  );
  return panelGrid([start, bars, curves], 3, `Fig. 6(${PANEL_LETTER[key]}): ${PERTURBATIONS[key].label}`);
}

function buildReport(r: Fig6Results, figures: { a: string; perPerturbation: Record<PerturbationKey, string> }): string {
  const L: string[] = [];
  L.push('## One-dimensional Gaussian mixture (Fig. 6, Table I)');
  L.push('');
  if (r.quick) L.push('> **Quick run** (`--quick`): coarser time grid and fewer trajectories; numbers are less accurate than a full run.\n');
  L.push(
    'Data q = ½N(−0.6, 0.3²) + ½N(0.6, 0.3²), τ = 1, P_τ = N(0, 1). The paper does not print these parameters; they are ' +
      'the values inferred in the project paper spec (§4.1), which reproduce its c₂ bars and Table I to a few per cent. ' +
      'Perturbed starts of the estimated reverse process: N(1, 1) (stated by the paper), N(0, 0.8²), ½N(±√0.84, 0.4²) ' +
      '(±0.917, unit variance) and ' +
      'U[−√3, √3] (read off the figure / inferred). Velocities are exact (posterior-mean form, Eq. 97; OT = W2 geodesic by quantiles). ' +
      `Computed by the monotone-map method of \`speedAccuracy1d\` on a ${r.nTimes}-point time grid.`,
  );
  L.push('');
  L.push('### Table I: η = (ΔW₁)²/(τ D₀)');
  L.push('');
  L.push(
    'Ours next to the paper\'s printed values (paper spec §4.1, "Table I") and the independent reference ' +
      '(quantile-map computation of the shared fixture; mixture row from the spec, 4 digits). ' +
      'Δ = relative difference.',
  );
  L.push('');
  const rows: (string | number)[][] = [];
  for (const k of PERTURBATION_KEYS) {
    const row: (string | number)[] = [PERTURBATIONS[k].label, fmt(r.runs[k].cosine.d0, 5)];
    for (const p of PROTOCOL_KEYS) {
      const ours = r.runs[k][p].eta;
      row.push(fmt(ours, 5), `${fmt(PAPER_TABLE_I[k][p], 4)} (${relDiff(ours, PAPER_TABLE_I[k][p])})`);
    }
    row.push(`${fmt(INDEPENDENT[k].eta, INDEPENDENT[k].digits > 4 ? 6 : 4)} (${relDiff(r.runs[k].cosine.eta, INDEPENDENT[k].eta)})`);
    rows.push(row);
  }
  L.push(
    markdownTable(
      ['start P̃†₀', 'D₀', 'η cosine', 'paper (Δ)', 'η cond-OT', 'paper (Δ)', 'η OT', 'paper (Δ)', 'independent (Δ)'],
      rows,
    ),
  );
  L.push('');
  let spread = 0;
  let dInd = 0;
  let dMin = Infinity;
  let dMax = -Infinity;
  for (const k of PERTURBATION_KEYS) {
    const etas = PROTOCOL_KEYS.map((p) => r.runs[k][p].eta);
    spread = Math.max(spread, (Math.max(...etas) - Math.min(...etas)) / Math.min(...etas));
    dInd = Math.max(dInd, ...etas.map((e) => Math.abs(e - INDEPENDENT[k].eta) / INDEPENDENT[k].eta));
    for (const p of PROTOCOL_KEYS) {
      const d = (r.runs[k][p].eta - PAPER_TABLE_I[k][p]) / PAPER_TABLE_I[k][p];
      dMin = Math.min(dMin, d);
      dMax = Math.max(dMax, d);
    }
  }
  L.push('**Why our η is the same for all three protocols.** In one dimension every smooth probability-flow map that carries ' +
    'N(0, 1) to q is increasing, hence it is the unique monotone map F_q⁻¹∘Φ, whatever the schedule (paper spec §5.1). The ' +
    'estimated reverse process uses the same exact velocity as the true one, so its end point p = (F_q⁻¹∘Φ)#P̃†₀ is the same ' +
    'for cosine, cond-OT and OT; W₁ at both ends, D₀ and therefore η coincide (largest relative spread between our ' +
    `three protocols: ${spread.toExponential(1)}). The paper's Table I shows a spread of about 5–8 % between protocols, with OT ` +
    'smallest in every row; that spread cannot come from exact velocities and must come from the paper\'s (unstated) ' +
    'discretisation or estimation of the flows. We compute exactly and show its numbers beside ours rather than tuning toward ' +
    `them: ours differ from the printed values by ${(100 * dMin).toFixed(1)} % to +${(100 * dMax).toFixed(1)} %, and agree with ` +
    `the independent quantile-map values to ${(100 * dInd).toFixed(2)} % or better.`);
  L.push('');
  L.push(
    `Cross-check of the mean row by direct quadrature over normal scores (p's quantile is F_q⁻¹(Φ(z + 1)), D₀ = e − 1): ` +
      `W₁(q, p) = ${fmt(r.meanRowCheck.w1End, 10)}, η = ${fmt(r.meanRowCheck.eta, 10)} (ours: W₁ = ${fmt(r.runs.mean.cosine.w1End, 10)}, ` +
      `η = ${fmt(r.runs.mean.cosine.eta, 10)}). The shared fixture's W₁(q, p) = 0.6128287 comes from 40000 discrete quantile ` +
      'levels and is off by ~5e-5, which is why the "independent" column differs from ours by ~2e-4 in that row.',
  );
  L.push('');
  L.push('### c₁ and c₂ (the quantities that do separate the protocols)');
  L.push('');
  const crow: (string | number)[][] = [];
  for (const p of PROTOCOL_KEYS) {
    crow.push([
      PROTOCOL_LABEL[p],
      fmt(r.runs.mean[p].c1, 4),
      `${fmt(FIGURE_READINGS.c1Mean[p], 3)} (${relDiff(r.runs.mean[p].c1, FIGURE_READINGS.c1Mean[p])})`,
      `${fmt(INDEPENDENT.mean.c1[p], 5)} (${relDiff(r.runs.mean[p].c1, INDEPENDENT.mean.c1[p])})`,
      fmt(r.runs.mean[p].c2, 4),
      `${fmt(FIGURE_READINGS.c2[p], 3)} (${relDiff(r.runs.mean[p].c2, FIGURE_READINGS.c2[p])})`,
      `${fmt(INDEPENDENT_C2[p], 5)} (${relDiff(r.runs.mean[p].c2, INDEPENDENT_C2[p])})`,
    ]);
  }
  L.push(
    markdownTable(
      ['protocol', 'c₁ (mean start)', 'Fig. 6 reading', 'independent', 'c₂', 'Fig. 6 reading', 'independent'],
      crow,
    ),
  );
  L.push('');
  L.push('c₁ for every start and protocol, and the chain η ≤ c₁ ≤ c₂ (Eq. 83):');
  L.push('');
  const chainRows: (string | number)[][] = [];
  for (const k of PERTURBATION_KEYS) {
    for (const p of PROTOCOL_KEYS) {
      const x = r.runs[k][p];
      const bad = x.checks.filter((c) => !c.ok).map((c) => c.name);
      chainRows.push([
        PERTURBATIONS[k].label,
        PROTOCOL_LABEL[p],
        fmt(x.eta, 4),
        fmt(x.c1, 4),
        fmt(x.c2, 4),
        x.chainHolds ? 'yes' : 'NO',
        bad.length === 0 ? `all ${x.checks.length} pass` : `failed: ${bad.join(', ')}`,
      ]);
    }
  }
  L.push(markdownTable(['start', 'protocol', 'η', 'c₁', 'c₂', 'chain holds', 'self-checks'], chainRows));
  L.push('');
  L.push('For OT, c₁ = η: along the constant-speed geodesic v_loss is constant in time, so the Cauchy–Schwarz step (Eq. 91) is an equality.');
  L.push('');
  L.push('### Figures');
  L.push('');
  L.push(markdownImage('Fig. 6(a) densities', figures.a));
  L.push('');
  for (const k of PERTURBATION_KEYS) {
    L.push(markdownImage(`Fig. 6(${PANEL_LETTER[k]}) ${k}`, figures.perPerturbation[k]));
    L.push('');
  }
  L.push('### Thermodynamic length and the geodesic bound (Eqs. 68, 92–95)');
  L.push('');
  const tl: (string | number)[][] = PROTOCOL_KEYS.map((p) => {
    const x = r.thermodynamicLength[p];
    return [
      PROTOCOL_LABEL[p],
      fmt(x.cost, 6),
      fmt(x.c2FromSpeedAccuracy, 6),
      fmt(x.length, 5),
      fmt(x.lengthBound, 5),
      fmt(x.geodesicBound, 5),
      x.chainHolds ? 'yes' : 'NO',
    ];
  });
  L.push(markdownTable(['protocol', '∫v₂² dt (nested quadrature)', 'c₂ (speedAccuracy1d)', 'L = ∫v₂ dt', 'L²/τ', 'W₂(q, P_τ)²/τ', 'chain holds'], tl));
  L.push('');
  L.push(
    `Two independent implementations of c₂ agree (adaptive nested quadrature here, Simpson on the time grid in speedAccuracy1d). ` +
      `OT attains both bounds (constant speed on a geodesic). Reduced-geometry costs per dimension from the schedules' own derivatives: ` +
      `cond-OT ${fmt(r.reducedGeometry['cond-ot'].costPerDim, 8)} (closed form 2/τ = 2), cosine ${fmt(r.reducedGeometry.cosine.costPerDim, 8)} ` +
      `(π²/(4τ) = ${fmt(Math.PI ** 2 / 4, 8)}). These are the high-dimensional decoupled values of Eq. 93; the 1-D c₂ above is far smaller ` +
      'because one dimension with two close data modes is far from that limit.',
  );
  L.push('');
  L.push('### Observable speeds (Eqs. 71–74)');
  L.push('');
  L.push(
    'How fast an observable r can change is bounded by the Wasserstein speed: v_r = |d/dt E[r]| / √E[|r′|²] ≤ v₂. ' +
      'd/dt E[r] is computed twice: a central difference of E_{P_t}[r] in t (marginals only) and ∫ r′ ν_t P_t dx (through the velocity).',
  );
  L.push('');
  const obsNames = [...new Set(r.observableSpeeds.map((o) => o.observable))];
  const obsTimes = [...new Set(r.observableSpeeds.map((o) => o.t))];
  L.push(
    markdownTable(
      ['protocol', 't/τ', 'v₂', ...obsNames.map((n) => `v_r, r = ${n}`), 'all v_r ≤ v₂', 'd/dt E[r] two ways: max |diff| / (√E|r′|² v₂)'],
      PROTOCOL_KEYS.flatMap((p) =>
        obsTimes.map((t) => {
          const rows = r.observableSpeeds.filter((o) => o.protocol === p && o.t === t);
          const v2 = rows[0].v2;
          // difference of the two rates in units of the bound sqrt(E|r'|^2) v2 on either of them
          const agree = Math.max(...rows.map((o) => Math.abs(o.dMean - o.dMeanFlux) / (Math.sqrt(o.meanGradSq) * o.v2)));
          return [
            PROTOCOL_LABEL[p],
            fmt(t / r.tau, 2),
            fmt(v2, 5),
            ...obsNames.map((n) => fmt(rows.find((o) => o.observable === n)?.vr ?? Number.NaN, 5)),
            rows.every((o) => o.vr <= o.v2 * (1 + 1e-9)) ? 'yes' : 'no',
            agree.toExponential(1),
          ];
        }),
      ),
    ),
  );
  L.push('');
  const best = r.observableSpeeds.reduce((a, b) => (b.vr / b.v2 > a.vr / a.v2 ? b : a));
  L.push(
    `Equality needs the optimal observable r′ = ν_t (Eqs. 75–76). The closest here is r = ${best.observable} for ${PROTOCOL_LABEL[best.protocol]} at ` +
      `t/τ = ${fmt(best.t / r.tau, 2)} (v_r / v₂ = ${fmt(best.vr / best.v2, 6)})` +
      (best.observable === 'x²' ? ': as P_t approaches N(0, 1) the velocity becomes nearly linear in x, and r′ = 2x is then nearly optimal.' : '.'),
  );
  L.push('');
  const ep = r.entropyProduction;
  L.push('### Entropy production (Eqs. 36–40) and the fluctuation theorem (Eq. 50)');
  L.push('');
  L.push('Rates for the cosine protocol: total (1/T)∫ν²P from the velocity, system part −d/dt∫P ln P by a finite difference of the entropy (density only), bath part (1/T)∫fνP.');
  L.push('');
  L.push(
    markdownTable(
      ['t/τ', 'T', 'Ṡ_tot', 'Ṡ_sys', 'Ṡ_bath', 'Ṡ_tot − Ṡ_sys − Ṡ_bath', 'T Ṡ_tot = v₂²'],
      ep.rates.map((x) => [fmt(x.t, 3), fmt(x.temperature, 5), fmt(x.total, 8), fmt(x.system, 8), fmt(x.bath, 8), x.identityResidual.toExponential(2), fmt(x.tTimesTotal, 6)]),
    ),
  );
  L.push('');
  const I = ep.integral;
  L.push(
    `Integrated over [${I.t0}, ${I.t1}]: S_tot = ${fmt(I.total, 8)}, S_sys = H(t₁) − H(t₀) = ${fmt(I.system, 8)}, S_bath = ${fmt(I.bath, 8)}; ` +
      `S_tot − S_sys − S_bath = ${I.identityResidual.toExponential(2)} (Eq. 37).`,
  );
  L.push('');
  const st = r.stochastic;
  L.push(
    `Stochastic entropy production along ${st.n} forward SDE trajectories (Eq. 2, exact Gaussian transitions, ${st.steps} steps; ` +
      's_sys from the exact log-density, s_bath = ∫(1/T) f∘dx by the Stratonovich midpoint rule). The windows start after t = 0 ' +
      'because T₀ = 0 (1/T diverges) and stop at 0.9τ because f and T diverge at τ for cosine and cond-OT. For cosine (a VP ' +
      'schedule) f/T = −x, so s_bath = (x₀² − x₁²)/2 and the midpoint sum is exact; cond-OT (f/T = −τx/t) exercises the ' +
      'time discretisation of the heat.',
  );
  L.push('');
  L.push(
    markdownTable(
      ['protocol', 'window', 'mean s_tot ± SE', '∫Ṡ_tot dt (exact)', '|Δ|/SE', 'E[e^(−s_tot)] ± SE', '|Δ|/SE', 'ESS', 'tail index', 'SE reliable'],
      st.windows.map((w) => [
        PROTOCOL_LABEL[w.protocol],
        `[${w.t0}, ${w.t1}]`,
        `${fmt(w.meanTot, 5)} ± ${fmt(w.seTot, 2)}`,
        fmt(w.exactTot, 5),
        fmt(Math.abs(w.meanTot - w.exactTot) / w.seTot, 2),
        `${fmt(w.ift, 5)} ± ${fmt(w.iftSe, 2)}`,
        fmt(Math.abs(w.ift - 1) / w.iftSe, 2),
        Math.round(w.ess),
        fmt(w.tailIndex, 3),
        w.seReliable ? 'yes' : 'no',
      ]),
    ),
  );
  L.push('');
  L.push(
    'The tests require |Δ|/SE ≤ 4 for the mean of s_tot (all windows) and for the fluctuation theorem E[e^(−s_tot)] = 1 ' +
      'where the weights e^(−s_tot) have finite variance (late windows: Hill tail index > 3, ESS ≥ 10 % of n). Starting near t = 0, ' +
      'where P_t is much narrower than at the end, the rare trajectories from the thin tails of P_t₀ carry huge weights: the ' +
      'variance is infinite, the average is dominated by a handful of trajectories (see the ESS) and usually falls below 1, ' +
      'and its naive SE is meaningless; that window is therefore flagged, not quoted as a check.',
  );
  L.push('');
  L.push(`Runtime of this experiment: ${r.seconds.toFixed(1)} s.`);
  return L.join('\n');
}

/**
 * Run the 1-D reproduction. Progress units: 12 speed-accuracy runs, 3 thermodynamic lengths,
 * the entropy-production and stochastic checks, and the figures.
 */
async function runFig6(ctx: ExperimentContext): Promise<ExperimentOutput> {
  const started = performance.now();
  const nTimes = ctx.quick ? 41 : 201;
  const total = PERTURBATION_KEYS.length * PROTOCOL_KEYS.length + PROTOCOL_KEYS.length + 2 + 1;
  let done = 0;
  // announce each step before it runs (the label says what is being computed), count it after
  let current = '';
  const begin = (label: string) => ctx.onProgress(done, total, (current = label));
  const tick = () => ctx.onProgress(++done, total, current);

  const runs = {} as Fig6Results['runs'];
  for (const k of PERTURBATION_KEYS) {
    runs[k] = {} as Record<ProtocolKey, SpeedAccuracyResult>;
    for (const p of PROTOCOL_KEYS) {
      begin(`speed-accuracy ${k} / ${p}`);
      const config = parseSpeedAccuracyConfig({ data: DATA_JSON, schedule: p, tau: TAU, perturbation: PERTURBATIONS[k].json });
      runs[k][p] = speedAccuracy1d(config, { nTimes });
      tick();
    }
  }

  const data = makeGaussianMixture([[-0.6], [0.6]], [0.3, 0.3], [0.5, 0.5]);
  const processes = {
    cosine: scheduleProcess1d(data, namedSchedule('cosine', TAU)),
    'cond-ot': scheduleProcess1d(data, namedSchedule('cond-ot', TAU)),
    ot: otProcess1d(data, TAU),
  };
  const tl = {} as Fig6Results['thermodynamicLength'];
  for (const p of PROTOCOL_KEYS) {
    begin(`thermodynamic length ${p}`);
    // time tolerance 1e-8 keeps the nested quadrature fast; slack 1e-6 for the chain
    tl[p] = { ...thermodynamicLength(processes[p], { timeTol: 1e-8, slack: 1e-6 }), c2FromSpeedAccuracy: runs.mean[p].c2 };
    tick();
  }
  // W1(q, p) = int |F_q^-1(Phi(z)) - F_q^-1(Phi(z + 1))| phi(z) dz for the N(1, 1) start
  const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  const w1End = quad((z) => Math.abs(processes.cosine.quantileZ(0, z) - processes.cosine.quantileZ(0, z + 1)) * phi(z), -12, 12, {
    tol: 1e-12,
  }).value;
  const meanRowCheck = { w1End, eta: (w1End - 1) ** 2 / (TAU * (Math.E - 1)) };
  const reducedGeometry = {
    cosine: reducedGeometryCost(namedSchedule('cosine', TAU)),
    'cond-ot': reducedGeometryCost(namedSchedule('cond-ot', TAU)),
  };

  const observables: Observable1d[] = [
    // the data are symmetric, so odd observables do not move: these are even
    { name: 'x²', value: (x) => x * x, derivative: (x) => 2 * x },
    { name: '√(1+x²)', value: (x) => Math.sqrt(1 + x * x), derivative: (x) => x / Math.sqrt(1 + x * x) },
    { name: 'exp(−x²/0.18)', value: (x) => Math.exp(-(x * x) / 0.18), derivative: (x) => ((-2 * x) / 0.18) * Math.exp(-(x * x) / 0.18) },
  ];
  const observableSpeeds: Fig6Results['observableSpeeds'] = [];
  for (const p of PROTOCOL_KEYS) {
    for (const r of observables) {
      for (const tf of [0.25, 0.5, 0.75]) {
        const o = observableSpeed(processes[p], r, tf * TAU);
        observableSpeeds.push({ protocol: p, observable: r.name ?? '', t: tf * TAU, vr: o.vr, v2: o.v2, dMean: o.dMean, dMeanFlux: o.dMeanFlux, meanGradSq: o.meanGradSq });
      }
    }
  }

  begin('entropy production');
  const cosine = namedSchedule('cosine', TAU);
  const coeffs = scheduleForce1d(cosine);
  const rates = [0.1, 0.25, 0.5, 0.75, 0.9].map((t) => entropyProductionRate(processes.cosine, coeffs, t * TAU));
  const integral = entropyProductionIntegral(processes.cosine, coeffs, 0.01 * TAU, 0.9 * TAU);
  tick();
  begin('stochastic entropy production');

  const n = ctx.quick ? 4000 : 20000;
  const steps = 200;
  const rng = new Rng(ctx.seed);
  const windows: Fig6Results['stochastic']['windows'] = [];
  // early windows start at t0 > 0 (T_0 = 0), all stop at 0.9 tau (f, T diverge at tau); the late
  // windows are where exp(-s_tot) has finite variance (see stochasticEntropy)
  for (const [protocol, t0, t1] of [
    ['cosine', 0.01, 0.9],
    ['cosine', 0.6, 0.9],
    ['cond-ot', 0.05, 0.9],
    ['cond-ot', 0.75, 0.9],
  ] as const) {
    const sched = namedSchedule(protocol, TAU);
    const co = scheduleForce1d(sched);
    const exact = protocol === 'cosine' && t0 === integral.t0 && t1 === integral.t1 ? integral : entropyProductionIntegral(processes[protocol], co, t0, t1);
    const s = stochasticEntropy(processes[protocol], co, { n, steps, t0, t1, rng: rng.fork(), transition: scheduleTransition1d(sched) });
    windows.push({
      protocol,
      t0,
      t1,
      meanTot: s.mean.tot,
      seTot: s.se.tot,
      exactTot: exact.total,
      ift: s.ift.value,
      iftSe: s.ift.se,
      ess: s.ift.ess,
      tailIndex: s.ift.tailIndex,
      seReliable: s.ift.seReliable,
    });
  }
  tick();
  begin('figures');

  const figA = 'fig6a_densities.png';
  ctx.writeFile(figA, svgToPng(densityFigure(runs.mean)));
  const perPerturbation = {} as Record<PerturbationKey, string>;
  for (const k of PERTURBATION_KEYS) {
    const name = `fig6${PANEL_LETTER[k]}_${k}.png`;
    ctx.writeFile(name, svgToPng(perturbationFigure(k, runs[k])));
    perPerturbation[k] = name;
  }
  tick();

  const results: Fig6Results = {
    quick: ctx.quick,
    seed: ctx.seed,
    tau: TAU,
    data: DATA_JSON,
    nTimes,
    runs,
    thermodynamicLength: tl,
    meanRowCheck,
    reducedGeometry,
    observableSpeeds,
    entropyProduction: { protocol: 'cosine', rates, integral },
    stochastic: { n, steps, windows },
    seconds: (performance.now() - started) / 1000,
  };
  return { results, reportSection: buildReport(results, { a: figA, perPerturbation }) };
}

/** The 1-D experiment (Fig. 6, Table I) as a `thermodiff reproduce` entry named `1d`. */
export const fig6Experiment: Experiment = {
  name: '1d',
  title: 'One-dimensional Gaussian mixture: Fig. 6 and Table I (eta, c1, c2; entropy production, IFT)',
  runsByDefault: true,
  run: runFig6,
};
