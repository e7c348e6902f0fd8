/**
 * Training of the condition-transfer models (paper Eqs. 10-12).
 *
 * A2A-FM, per step: draw B1 and B2 (B rows each, uniformly with replacement from the training
 * sets), solve the A2A coupling pi* (coupling.ts, paper beta), draw t_i ~ U[0, 1] per row and
 * regress v(psi_i, c_t, c1_i, c2_pi(i)) on x2_pi(i) - x1_i, where psi_i = (1 - t_i) x1_i + t_i x2_pi(i)
 * and c_t = (1 - t_i) c1_i + t_i c2_pi(i) (c2_pi(i) is the matched target's ACTUAL condition).
 * Loss: mean over rows and coordinates (PyTorch MSELoss, as the reference code).
 *
 * OT-CFM baseline (`method: 'otcfm'`): B1 = data points used as the source (their conditions
 * ignored), B2 = (x2, c2); exact minibatch OT on |x1 - x2|^2 only; regress v(psi, t, c2) on x2 - x1.
 *
 * Partial diffusion + CFG baseline (`method: 'pdcfg'`): x2 from B2, eps ~ N(0, I), independent
 * coupling, x_t = (1 - t) x2 + t eps, regress v(x_t, t | keep c2) on eps - x2 with keep ~ Bernoulli(1/2)
 * (condition dropout 0.5, as the reference).
 *
 * Adam (PyTorch defaults), learning-rate schedule of nn/train/lrSchedule.ts, global-norm clipping,
 * optional EMA: the step loop, resume and checkpoints of nn/train/trainSteps.ts. Step k draws from
 * stepRng(seed, k), so a resumed run reproduces the uninterrupted one bit for bit (same thread
 * count). Node-only (onnxruntime).
 */
import { assertInteger, assertPositive } from '../core/check.ts';
import { InputError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import { minibatchAssignment } from '../nn/train/minibatchAssignment.ts';
import { runTrainSteps, type TrainLoop } from '../nn/train/trainSteps.ts';
import { A2AEngine } from './a2aEngine.ts';
import type { A2AVariant } from './a2aGraphs.ts';
import { type A2AMethod, A2AModel, type A2AModelMeta, modelSizes, packModelRows, type PartialDiffusionSettings } from './a2aModel.ts';
import { type ConditionalSamples, a2aCoupling, checkConditionalSamples, defaultBeta } from './coupling.ts';

/** Options of {@link trainA2A} (the step loop's in {@link TrainLoop}; lrSchedule default constant). */
export interface TrainA2AOptions extends TrainLoop {
  /** Training set for B1. */
  data: ConditionalSamples;
  /** Training set for B2 (default: `data`; the reference code uses a second independent set). */
  data2?: ConditionalSamples;
  method?: A2AMethod;
  variant?: A2AVariant;
  hidden: number[];
  batchSize: number;
  /** Paper-convention beta (default N^(1/(2 d_c)) with N the batch size). */
  beta?: number;
  /** pdcfg: sampling settings stored in the model (default partialT 0.3, guidance 0.3). */
  partial?: PartialDiffusionSettings;
  /** Global gradient-norm clip (default Infinity: none, as the reference code). */
  maxGradNorm?: number;
  threads?: number;
}

/** The string that identifies a configuration (a resume from another one is refused). */
export function a2aConfigKey(o: TrainA2AOptions): string {
  const d2 = o.data2 ?? o.data;
  return JSON.stringify({
    kind: 'a2a',
    data: `${o.data.n}x${o.data.dx}+${o.data.dc}`,
    data2: `${d2.n}x${d2.dx}+${d2.dc}`,
    method: o.method ?? 'a2a',
    variant: o.variant ?? 'plain',
    hidden: o.hidden,
    steps: o.steps,
    batchSize: o.batchSize,
    lr: o.lr,
    beta: o.beta ?? null,
    partial: o.partial ?? null,
    seed: o.seed,
    lrSchedule: o.lrSchedule ?? 'constant',
    warmup: o.warmup ?? 0,
    maxGradNorm: o.maxGradNorm ?? null,
    ema: o.ema ?? null,
    threads: o.threads ?? 1,
  });
}

/**
 * Train an A2A-FM (or OT-CFM baseline) model.
 * @returns the model (EMA weights when `ema` is set) and the per-step losses.
 * @throws InputError for invalid options or data; NumericalError for a non-finite loss.
 */
export async function trainA2A(o: TrainA2AOptions): Promise<{ model: A2AModel; losses: number[] }> {
  const where = 'a2a.train';
  assertInteger(o.steps, `${where}.steps`, 1);
  assertInteger(o.batchSize, `${where}.batchSize`, 2);
  assertPositive(o.lr, `${where}.lr`);
  o.hidden.forEach((h, i) => {
    assertInteger(h, `${where}.hidden[${i}]`, 1);
  });
  checkConditionalSamples(o.data, `${where}.data`);
  const d2 = o.data2 ?? o.data;
  if (o.data2) checkConditionalSamples(o.data2, `${where}.data2`);
  if (d2.dx !== o.data.dx || d2.dc !== o.data.dc) throw new InputError(`data2 has dx=${d2.dx}, dc=${d2.dc}; data has dx=${o.data.dx}, dc=${o.data.dc}`, `${where}.data2`);
  if (o.ema !== undefined && !(o.ema > 0 && o.ema < 1)) throw new InputError(`expected ema in (0, 1), got ${o.ema}`, `${where}.ema`);
  const method = o.method ?? 'a2a';
  const variant: A2AVariant = method === 'otcfm' ? 'plain' : (o.variant ?? 'plain');
  const { dx, dc } = o.data;
  const B = o.batchSize;
  const beta = method === 'a2a' ? (o.beta ?? defaultBeta(B, dc)) : null;
  if (beta !== null && !(Number.isFinite(beta) && beta > 0)) throw new InputError(`expected beta > 0, got ${beta}`, `${where}.beta`);
  const meta: A2AModelMeta = { method, variant, dx, dc, hidden: o.hidden.slice(), beta };
  if (method === 'pdcfg') {
    const p = o.partial ?? { partialT: 0.3, guidance: 0.3 };
    if (!(p.partialT > 0 && p.partialT <= 1)) throw new InputError(`expected partialT in (0, 1], got ${p.partialT}`, `${where}.partial.partialT`);
    if (!(Number.isFinite(p.guidance) && p.guidance >= 0)) throw new InputError(`expected guidance >= 0, got ${p.guidance}`, `${where}.partial.guidance`);
    meta.partial = { partialT: p.partialT, guidance: p.guidance };
  }
  const sizes = modelSizes(meta);
  const engine = await A2AEngine.create(variant, sizes, B, { seed: o.seed, threads: o.threads ?? 1 });
  const configKey = a2aConfigKey(o);
  const maxNorm = o.maxGradNorm ?? Number.POSITIVE_INFINITY;
  const b1: ConditionalSamples = { x: new Float64Array(B * dx), c: new Float64Array(B * dc), n: B, dx, dc };
  const b2: ConditionalSamples = { x: new Float64Array(B * dx), c: new Float64Array(B * dc), n: B, dx, dc };
  const t = new Float64Array(B);
  const xt = new Float64Array(B * dx);
  const c1 = new Float64Array(B * dc);
  const c2 = new Float64Array(B * dc);
  const target = new Float32Array(B * dx);
  const cost = new Float64Array(B * B);
  const draw = (from: ConditionalSamples, into: ConditionalSamples, rng: Rng) => {
    for (let i = 0; i < B; i++) {
      const j = rng.int(from.n);
      for (let k = 0; k < dx; k++) into.x[i * dx + k] = from.x[j * dx + k];
      for (let k = 0; k < dc; k++) into.c[i * dc + k] = from.c[j * dc + k];
    }
  };
  try {
    const loop = { ...o, lrSchedule: o.lrSchedule ?? 'constant' };
    const { losses, weights } = await runTrainSteps(engine, loop, configKey, where, async (_step, rng, lr) => {
      draw(o.data, b1, rng);
      draw(d2, b2, rng);
      let perm: Int32Array;
      if (method === 'pdcfg') {
        // data at t = 0 (b2), noise at t = 1 stored in b1.x; c1 holds the keep flag
        for (let i = 0; i < B * dx; i++) b1.x[i] = rng.normal();
        for (let i = 0; i < B; i++) {
          const ti = rng.uniform();
          t[i] = ti;
          const keep = rng.uniform() < 0.5 ? 1 : 0;
          c1[i] = keep; // the keep flag of row i (packModelRows reads c1[i] for pdcfg)
          for (let k = 0; k < dc; k++) c2[i * dc + k] = b2.c[i * dc + k];
          for (let k = 0; k < dx; k++) {
            const e = b1.x[i * dx + k];
            const d = b2.x[i * dx + k];
            xt[i * dx + k] = (1 - ti) * d + ti * e;
            target[i * dx + k] = e - d;
          }
        }
        perm = new Int32Array(0);
      } else if (method === 'a2a') {
        perm = a2aCoupling(b1, b2, { beta: beta as number, solver: 'dense' }).perm;
      } else {
        for (let i = 0; i < B; i++) {
          for (let j = 0; j < B; j++) {
            let s = 0;
            for (let k = 0; k < dx; k++) s += (b1.x[i * dx + k] - b2.x[j * dx + k]) ** 2;
            cost[i * B + j] = s;
          }
        }
        perm = minibatchAssignment(cost, B);
      }
      for (let i = 0; i < (method === 'pdcfg' ? 0 : B); i++) {
        const ti = rng.uniform();
        t[i] = ti;
        const j = perm[i];
        for (let k = 0; k < dx; k++) {
          const a = b1.x[i * dx + k];
          const b = b2.x[j * dx + k];
          xt[i * dx + k] = (1 - ti) * a + ti * b;
          target[i * dx + k] = b - a;
        }
        for (let k = 0; k < dc; k++) {
          c1[i * dc + k] = b1.c[i * dc + k];
          c2[i * dc + k] = b2.c[j * dc + k];
        }
      }
      const X = packModelRows(meta, t, xt, c1, c2, B);
      return (await engine.trainStep(X, target, { lr, maxNorm })).loss;
    });
    meta.training = {
      steps: o.steps,
      batchSize: B,
      lr: o.lr,
      lrSchedule: o.lrSchedule ?? 'constant',
      seed: o.seed,
      ema: o.ema ?? null,
      finalLoss: losses[losses.length - 1],
    };
    const model = await A2AModel.create(meta, weights, o.threads ?? 1);
    return { model, losses };
  } finally {
    await engine.dispose();
  }
}
