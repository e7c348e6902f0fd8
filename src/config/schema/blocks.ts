/**
 * The blocks of the config dialect shared by every command (docs/config.md): data, perturbation,
 * schedule, process, coupling. Structure, types and ranges only; what depends on several values
 * (dimensions agreeing, weights summing to 1, a valid schedule) is checked by the command's parser
 * after these. Browser-safe.
 */
import * as v from 'valibot';
import { byKind, doc, finite, integer, kind, list, nonNegative, oneOf, positive, strict, text, vector } from './fields.ts';

/** Data kinds, canonical spelling. */
export const DATA_KINDS = ['gaussian-mixture', 'swiss-roll', 'moons', 'eight-gaussians', 'checkerboard', 'points', 'npy'] as const;
/** Named schedules (`ot` = the displacement-interpolation protocol, speed-accuracy and optimize-schedule only). */
export const SCHEDULES = ['cosine', 'cond-ot', 'ot', 'vp-linear', 've'] as const;
/** Schedules a flow model can be trained under. */
export const TRAIN_SCHEDULES = ['cosine', 'cond-ot', 'vp-linear', 've'] as const;
/** Minibatch couplings of training. */
export const COUPLING_NAMES = ['independent', 'exact-ot', 'sinkhorn'] as const;

const means = () => doc(list(list(finite(), 'array of numbers'), 'array of mean vectors'), 'one mean vector per component, e.g. [[-0.6], [0.6]]');
const stds = () => doc(list(positive('a standard deviation'), 'array of numbers'), 'isotropic standard deviation of each component');
const covariances = () =>
  doc(list(list(list(finite(), 'array of numbers'), 'matrix'), 'array of matrices'), 'one d x d symmetric positive definite covariance per component (instead of stds)');
const weights = () => doc(list(nonNegative('a weight'), 'array of numbers'), 'mixture weights, >= 0, summing to 1');
const nPoints = (dflt: number, what: string) => v.optional(doc(integer(1), what), dflt);
const dataSeed = () => v.optional(doc(integer(0), 'seed of the draw of the data points'), 1);
const noise = () => v.optional(doc(finite(), 'standard deviation of the Gaussian noise added to each point'), 0.1);

const mixtureEntries = () => ({ means: means(), stds: v.optional(stds()), covariances: v.optional(covariances()), weights: weights() });

/** A Gaussian mixture `{kind, means, stds | covariances, weights}`. */
const mixture = () => kind('gaussian-mixture', mixtureEntries());

/** The `data` block of speed-accuracy (1-D and n-D): exact mixtures, generated clouds, point sets, files. */
export function speedAccuracyData() {
  return doc(
    byKind('data', [
      mixture(),
      kind('swiss-roll', { n: nPoints(1000, 'number of points'), noise: noise(), radius: v.optional(doc(finite(), 'outer radius'), 4), seed: dataSeed() }),
      kind('moons', { n: nPoints(1000, 'number of points'), noise: noise(), seed: dataSeed() }),
      kind('eight-gaussians', {
        radius: v.optional(doc(finite(), 'radius of the circle of the 8 means'), 2),
        std: v.optional(doc(positive(), 'standard deviation of each component'), 0.2),
      }),
      kind('checkerboard', { n: nPoints(1000, 'number of points'), scale: v.optional(doc(finite(), 'side of one square'), 1), seed: dataSeed() }),
      kind('points', { rows: doc(list(list(finite(), 'array of numbers'), 'array of points'), 'the points, one array of coordinates each') }),
      kind('npy', { file: doc(text(), '.npy file of an n x d float array, relative to the config file') }),
    ]),
    'the data distribution p (the end of the reverse process)',
  );
}

/** The `data` (and `source`) block of training: generated datasets, mixtures and files, `n` points drawn. */
export function trainData() {
  const n = () => nPoints(20000, 'number of points drawn (the source defaults to the data\'s n)');
  return doc(
    byKind('data', [
      kind('gaussian-mixture', { ...mixtureEntries(), n: nPoints(20000, 'number of points drawn') }),
      kind('swiss-roll', { n: n(), noise: noise(), radius: v.optional(doc(finite(), 'outer radius'), 4) }),
      kind('moons', { n: n(), noise: noise() }),
      kind('eight-gaussians', {
        n: n(),
        radius: v.optional(doc(finite(), 'radius of the circle of the 8 means'), 2),
        std: v.optional(doc(positive(), 'standard deviation of each component'), 0.2),
      }),
      kind('checkerboard', { n: n(), scale: v.optional(doc(finite(), 'side of one square'), 1) }),
      kind('npy', { file: doc(text(), '.npy file of an n x d float array'), n: v.optional(doc(integer(1), 'points used (default: all)')) }),
    ]),
    'a dataset',
  );
}

/** Data of optimize-schedule: a Gaussian mixture. */
export function mixtureData() {
  return doc(byKind('data', [mixture()]), 'the data distribution: a Gaussian mixture');
}

/** The `perturbation` block: the perturbed start of the reverse process. */
export function perturbation() {
  return doc(
    byKind('perturbation', [
      kind('normal', { mean: doc(vector(), 'mean (one number per dimension)'), std: doc(positive('a standard deviation'), 'standard deviation') }),
      kind('uniform', { low: doc(vector(), 'lower corner'), high: doc(vector(), 'upper corner (> low)') }),
      kind('gaussian-mixture', mixtureEntries()),
    ]),
    'the perturbed start of the reverse process',
  );
}

/** A named schedule. */
export function scheduleName(names: readonly [string, ...string[]] = SCHEDULES) {
  return doc(oneOf(names, 'schedule'), `the (m, sigma) schedule: ${names.join(', ')}`);
}

/** `tau`: the duration of the process. */
export function tau() {
  return v.optional(doc(positive('tau'), 'duration of the process'), 1);
}

/** `scheduleOptions`: parameters of vp-linear and ve. */
export function scheduleOptions() {
  return doc(
    strict({
      betaMin: v.optional(doc(finite(), 'vp-linear: beta at t = 0'), 0.1),
      betaMax: v.optional(doc(finite(), 'vp-linear: beta at t = tau'), 20),
      sigmaMin: v.optional(doc(finite(), 've: sigma at t = 0'), 0.01),
      sigmaMax: v.optional(doc(finite(), 've: sigma at t = tau'), 50),
    }),
    'parameters of the vp-linear and ve schedules',
  );
}

/** The linear-force process `{kind: "linear", A, b, temperature}`. */
function linearProcess() {
  return kind('linear', {
    A: doc(list(list(finite(), 'array of numbers'), 'matrix'), 'force matrix, d x d'),
    b: v.optional(doc(list(finite(), 'array of numbers'), 'force offset, d entries (default 0)')),
    temperature: doc(nonNegative('a temperature'), 'temperature T of the noise sqrt(2 T) dB'),
  });
}

/** The `process` block (instead of `schedule`): the Swiss-roll rotational force (Eq. 99) or a linear force. */
export function process(withSwissRollForce = true) {
  const swiss = kind('swiss-roll-force', {
    h: doc(finite(), 'Eq. 99: h'),
    g: doc(finite(), 'Eq. 99: strength g of the rotational part'),
    Tfin: doc(finite(), 'Eq. 99: final temperature'),
  });
  return doc(withSwissRollForce ? byKind('process', [swiss, linearProcess()]) : byKind('process', [linearProcess()]), 'a force process instead of a schedule');
}

/** `coupling`: how training pairs data and source points in a minibatch. */
export function coupling() {
  return v.optional(doc(oneOf(COUPLING_NAMES), 'minibatch coupling of data and source points'), 'independent');
}
