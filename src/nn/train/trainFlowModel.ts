/**
 * Conditional flow matching (Lipman et al. 2023; Tong et al. 2024 for minibatch-OT couplings) for
 * any (m, sigma) schedule, in the paper's time convention: data y at t = 0, source z at t = tau.
 *
 * Per step: draw a batch y_i from the data and z_i from the source (standard Gaussian or a second
 * point set), pair them with the chosen coupling, draw t_i ~ U(0, tau), and regress
 *   u_theta(t_i, x_i) on  nu^c_i = dm(t_i) y_i + dsigma(t_i) z_i,   x_i = m(t_i) y_i + sigma(t_i) z_i.
 * For a Gaussian source this is the conditional velocity of Eq. G4,
 *   nu^c = (dsigma/sigma) x - m (dsigma/sigma - dm/m) y,
 * rewritten without the division by sigma (which vanishes at t = 0): substitute x = m y + sigma z.
 * Minimising the conditional loss minimises the marginal loss E|u - nu^P|^2 (Eq. 97 velocity) up to
 * a theta-independent constant.
 *
 * Adam (PyTorch defaults), learning-rate warm-up + cosine/linear decay, gradient clipping by global
 * norm, EMA of the weights. Deterministic: step k draws from `stepRng(seed, k)`, so a run resumed from
 * a checkpoint reproduces the uninterrupted run bit for bit (same engine, same thread count); the
 * step loop, resume and checkpoints are those of trainSteps.ts.
 *
 * Node-only through the onnxruntime engine; checkpoint file I/O is passed in as a callback.
 */
import { assertInteger, assertPositive } from '../../core/check.ts';
import { InputError } from '../../core/errors.ts';
import type { Points } from '../../core/points.ts';
import type { Schedule } from '../../schedules/schedule.ts';
import { type Coupling, couplePairs } from './couplings.ts';
import { createMlpEngine } from '../models/engine.ts';
import type { FlowModel, FlowModelMeta } from '../models/flowModel.ts';
import { OnnxFlowModel } from '../models/onnxFlowModel.ts';
import { runTrainSteps, type TrainLoop } from './trainSteps.ts';

/** Options of {@link trainFlowModel} (contract H6 plus additions; the step loop's in {@link TrainLoop}). */
export interface TrainFlowModelOptions extends TrainLoop {
  /** Training data (the distribution at t = 0). */
  data: Points;
  /** Source at t = tau: `gaussian` (default, N(0, I)) or a point set of the same dimension. */
  source?: Points | 'gaussian';
  /** Label of a point-set source, stored in the model (default `points`). */
  sourceLabel?: string;
  schedule: Schedule;
  /** Options to rebuild the schedule with namedSchedule (stored in the model). */
  scheduleOptions?: Record<string, number>;
  /** The schedule file `schedule` came from (stored in the model so that it can be rebuilt). */
  scheduleFile?: Record<string, unknown>;
  coupling: Coupling;
  hidden: number[];
  batchSize: number;
  /** Global gradient-norm clip (default 1; Infinity disables). */
  maxGradNorm?: number;
  /** Sinkhorn entropic regularisation, relative to the mean pairwise cost of the batch (default 0.05). */
  sinkhornReg?: number;
  /** onnxruntime threads (default 1). */
  threads?: number;
}

/** A string that identifies a training configuration (resume is refused on a mismatch). */
export function trainConfigKey(o: TrainFlowModelOptions): string {
  const src = o.source === undefined || o.source === 'gaussian' ? 'gaussian' : `points:${o.source.n}x${o.source.dim}`;
  return JSON.stringify({
    data: `${o.data.n}x${o.data.dim}`,
    src,
    schedule: o.schedule.name,
    tau: o.schedule.tau,
    coupling: o.coupling,
    hidden: o.hidden,
    steps: o.steps,
    batchSize: o.batchSize,
    lr: o.lr,
    seed: o.seed,
    ema: o.ema ?? null,
    lrSchedule: o.lrSchedule ?? 'cosine',
    warmup: o.warmup ?? 0,
    maxGradNorm: o.maxGradNorm ?? 1,
    sinkhornReg: o.sinkhornReg ?? 0.05,
    threads: o.threads ?? 1,
  });
}

/**
 * Train a flow model by conditional flow matching.
 * @returns the model (EMA weights when `ema` is set) and the per-step training losses.
 * @throws InputError for invalid options (dimension mismatch, non-positive sizes, resume state from
 *   another configuration); NumericalError if the loss becomes non-finite.
 */
export async function trainFlowModel(o: TrainFlowModelOptions): Promise<{ model: FlowModel; losses: number[] }> {
  const where = 'train';
  assertInteger(o.steps, `${where}.steps`, 1);
  assertInteger(o.batchSize, `${where}.batchSize`, 1);
  assertPositive(o.lr, `${where}.lr`);
  if (o.ema !== undefined && !(o.ema > 0 && o.ema < 1)) throw new InputError(`expected ema in (0, 1), got ${o.ema}`, `${where}.ema`);
  if (o.data.n < 1) throw new InputError('expected at least one data point', `${where}.data`);
  const dim = o.data.dim;
  const source = o.source ?? 'gaussian';
  if (source !== 'gaussian' && source.dim !== dim) {
    throw new InputError(`source has dimension ${source.dim}, data has ${dim}`, `${where}.source`);
  }
  const tau = o.schedule.tau;
  const B = o.batchSize;
  const maxNorm = o.maxGradNorm ?? 1;
  const configKey = trainConfigKey(o);
  const engine = await createMlpEngine({ dim, hidden: o.hidden, batchSize: B, seed: o.seed, threads: o.threads ?? 1 });
  const y = new Float64Array(B * dim);
  const z = new Float64Array(B * dim);
  const x32 = new Float32Array(B * dim);
  const t32 = new Float32Array(B);
  const v32 = new Float32Array(B * dim);
  const s = o.schedule;
  try {
    const loop = { ...o, lrSchedule: o.lrSchedule ?? 'cosine' };
    const { losses, weights } = await runTrainSteps(engine, loop, configKey, where, async (_step, rng, lr) => {
      for (let i = 0; i < B; i++) {
        const j = rng.int(o.data.n);
        for (let k = 0; k < dim; k++) y[i * dim + k] = o.data.data[j * dim + k];
      }
      if (source === 'gaussian') {
        for (let i = 0; i < B * dim; i++) z[i] = rng.normal();
      } else {
        for (let i = 0; i < B; i++) {
          const j = rng.int(source.n);
          for (let k = 0; k < dim; k++) z[i * dim + k] = source.data[j * dim + k];
        }
      }
      const pair = couplePairs(o.coupling, y, z, B, dim, rng, o.sinkhornReg ?? 0.05);
      for (let i = 0; i < B; i++) {
        const t = tau * rng.uniform();
        t32[i] = t;
        const m = s.m(t);
        const sg = s.sigma(t);
        const dm = s.dm(t);
        const ds = s.dsigma(t);
        const pj = pair[i];
        for (let k = 0; k < dim; k++) {
          const yv = y[i * dim + k];
          const zv = z[pj * dim + k];
          x32[i * dim + k] = m * yv + sg * zv;
          v32[i * dim + k] = dm * yv + ds * zv;
        }
      }
      return (await engine.trainStep(x32, t32, v32, { lr, maxNorm })).loss;
    });
    const meta: FlowModelMeta = {
      dim,
      tau,
      scheduleName: s.name,
      hidden: o.hidden.slice(),
      source: source === 'gaussian' ? 'gaussian' : (o.sourceLabel ?? 'points'),
      training: {
        steps: o.steps,
        batchSize: B,
        lr: o.lr,
        lrSchedule: o.lrSchedule ?? 'cosine',
        coupling: o.coupling,
        seed: o.seed,
        ema: o.ema ?? null,
        finalLoss: losses[losses.length - 1],
      },
    };
    if (o.scheduleOptions) meta.scheduleOptions = o.scheduleOptions;
    if (o.scheduleFile) meta.scheduleFile = o.scheduleFile;
    const model = await OnnxFlowModel.create(meta, weights, o.threads ?? 1);
    return { model, losses };
  } finally {
    await engine.dispose();
  }
}
