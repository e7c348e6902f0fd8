/**
 * Reference numbers for the 1-D experiment (Fig. 6, Table I of Ikeda, Uda, Okanohara, Ito, PRX 15,
 * 031031 (2025)), as collected in the project's paper spec (`docs/paper-spec.md` of the shared
 * specs, section 4.1). Data only; used by the report to put our numbers beside them.
 */

/** Perturbation keys of the 1-D experiment, in Fig. 6 panel order (b)-(e). */
export const PERTURBATION_KEYS = ['mean', 'variance', 'mixture', 'uniform'] as const;
export type PerturbationKey = (typeof PERTURBATION_KEYS)[number];

/** Protocol keys, in Table I column order. */
export const PROTOCOL_KEYS = ['cosine', 'cond-ot', 'ot'] as const;
export type ProtocolKey = (typeof PROTOCOL_KEYS)[number];

/** Table I of the paper: eta per perturbation and protocol, as printed (4 significant digits). [P] */
export const PAPER_TABLE_I: Record<PerturbationKey, Record<ProtocolKey, number>> = {
  mean: { cosine: 9.188e-2, 'cond-ot': 8.781e-2, ot: 8.537e-2 },
  variance: { cosine: 1.078e-1, 'cond-ot': 1.047e-1, ot: 1.022e-1 },
  mixture: { cosine: 2.764e-2, 'cond-ot': 2.674e-2, ot: 2.611e-2 },
  uniform: { cosine: 2.142e-2, 'cond-ot': 2.068e-2, ot: 2.033e-2 },
};

/**
 * Independent high-accuracy values (monotone quantile map on 40000 levels; shared fixture
 * `speed-accuracy-1d.json`, copied in test/fixtures) for the inferred parameters. The mixture row
 * is not in the fixture: its eta is quoted to 4 digits by the spec (2.589e-2) and c1 to 2 digits.
 * eta and D0 are protocol-independent.
 */
export const INDEPENDENT: Record<PerturbationKey, { d0: number; eta: number; c1: Record<ProtocolKey, number>; digits: number }> = {
  mean: { d0: 1.718281828455038, eta: 0.08723925994750313, c1: { cosine: 0.10573078049313923, 'cond-ot': 0.2233275031334866, ot: 0.08723925994750294 }, digits: 10 },
  variance: { d0: 0.07186615714051271, eta: 0.10539692051080851, c1: { cosine: 0.13803028520171756, 'cond-ot': 0.14698717383620985, ot: 0.10539692051080883 }, digits: 10 },
  mixture: { d0: 0.4595, eta: 2.589e-2, c1: { cosine: 0.032, 'cond-ot': 0.044, ot: 0.026 }, digits: 4 },
  uniform: { d0: 0.3285740588839992, eta: 0.020720503429008427, c1: { cosine: 0.026910240587393195, 'cond-ot': 0.029488890411093364, ot: 0.02072050342900836 }, digits: 10 },
};

/** Independent c2 = int v2^2 dt per protocol (same fixture). */
export const INDEPENDENT_C2: Record<ProtocolKey, number> = {
  cosine: 0.1996409191286849,
  'cond-ot': 0.4382536175285323,
  ot: 0.1439373469074686,
};

/** Bar heights read off Fig. 6 (approximate, [F]): c2 per protocol and c1 for the mean perturbation. */
export const FIGURE_READINGS: { c2: Record<ProtocolKey, number>; c1Mean: Record<ProtocolKey, number> } = {
  c2: { cosine: 0.2, 'cond-ot': 0.44, ot: 0.145 },
  c1Mean: { cosine: 0.11, 'cond-ot': 0.225, ot: 0.088 },
};
