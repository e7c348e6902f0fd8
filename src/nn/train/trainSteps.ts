/**
 * {@link runTrainSteps}: the step loop that flow-model training (trainFlowModel.ts) and A2A
 * training (src/a2a/trainA2A.ts) share: resume from a checkpoint state, per-step random stream
 * `stepRng(seed, k)`, learning-rate schedule (lrSchedule.ts), loss history, EMA of the weights,
 * progress callback and checkpoints. What a step trains on is the caller's.
 *
 * Because step k draws only from stepRng(seed, k) and the checkpoint holds the parameters, Adam
 * state, EMA and losses, a run resumed at step k reproduces the uninterrupted run bit for bit
 * (same engine, same thread count). Browser-safe (the engine and the checkpoint writer are given).
 */
import { InputError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import type { AdamState } from '../models/mlpEngine.ts';
import type { TrainState } from './checkpointFormat.ts';
import { type LrScheduleKind, learningRate } from './lrSchedule.ts';
import { stepRng } from './stepRng.ts';

/** What the loop needs of an engine: its parameters and Adam state. */
export interface ResumableEngine {
  getParams(): Float32Array[];
  setParams(params: readonly Float32Array[]): void;
  getAdamState(): AdamState;
  setAdamState(state: AdamState): void;
}

/** The options of a training run that {@link runTrainSteps} reads (shared by flow-model and A2A training). */
export interface TrainLoop {
  /** Total optimiser steps of the run. */
  steps: number;
  /** Base learning rate (Adam), scheduled by `lrSchedule` after `warmup` steps. */
  lr: number;
  /** Seed of the initialisation and of the per-step random streams stepRng(seed, k). */
  seed: number;
  /**
   * EMA decay of the weights (e.g. 0.999), warmed up as min(ema, (1 + k)/(10 + k)) at step k; the
   * returned model uses the EMA weights. Default: no EMA.
   */
  ema?: number;
  /** Learning-rate schedule after warm-up (default: cosine for flow models, constant for A2A). */
  lrSchedule?: LrScheduleKind;
  /** Linear warm-up steps (default 0). */
  warmup?: number;
  onProgress?: (step: number, loss: number) => void;
  /** Call `onCheckpoint` every this many steps and at the last step (default: never). */
  checkpointEvery?: number;
  /** Receives the full state to store (the caller writes it atomically). */
  onCheckpoint?: (state: TrainState) => void | Promise<void>;
  /** Continue from this state (must come from a run with the same configuration and seed). */
  resume?: TrainState;
}

/**
 * Run the steps of a training run. `trainStep(k, rng, lr)` draws the batch of 1-based step k from
 * `rng` = stepRng(seed, k), makes one optimiser step of the engine at learning rate `lr` and
 * returns its loss.
 * @param configKey identifies the configuration; stored in checkpoints and checked on resume.
 * @param where names the options in error messages (e.g. `train`).
 * @returns the per-step losses (the resumed ones first) and the final weights: the EMA when
 *   `ema` is set, the engine's parameters otherwise.
 * @throws InputError if `resume` comes from another configuration or its tensors do not match the
 *   engine's parameter sizes; whatever `trainStep` or `onCheckpoint` throw.
 */
export async function runTrainSteps(
  engine: ResumableEngine,
  o: TrainLoop & { lrSchedule: LrScheduleKind },
  configKey: string,
  where: string,
  trainStep: (step: number, rng: Rng, lr: number) => Promise<number>,
): Promise<{ losses: number[]; weights: Float32Array[] }> {
  const losses: number[] = [];
  let ema: Float32Array[] | null = o.ema !== undefined ? engine.getParams() : null;
  let start = 0;
  if (o.resume) {
    const r = o.resume;
    if (r.configKey !== configKey) {
      throw new InputError(`checkpoint was written by a different configuration (${r.configKey}), this run is ${configKey}`, `${where}.resume`);
    }
    const shapes = engine.getParams().map((p) => p.length);
    if (r.params.length !== shapes.length || r.params.some((p, i) => p.length !== shapes[i])) {
      throw new InputError('checkpoint tensors do not match the model sizes', `${where}.resume`);
    }
    engine.setParams(r.params);
    engine.setAdamState(r.adam);
    ema = r.ema ? r.ema.map((p) => p.slice()) : ema;
    losses.push(...r.losses);
    start = r.step;
  }
  for (let step = start + 1; step <= o.steps; step++) {
    const lr = learningRate(o.lrSchedule, o.lr, step, o.steps, o.warmup ?? 0);
    const loss = await trainStep(step, stepRng(o.seed, step), lr);
    losses.push(loss);
    if (ema) {
      const p = engine.getParams();
      // EMA with warm-up (as TensorFlow's num_updates): decay_k = min(ema, (1 + k) / (10 + k))
      const d = Math.min(o.ema as number, (1 + step) / (10 + step));
      for (let i = 0; i < p.length; i++) {
        const e = ema[i];
        const q = p[i];
        for (let j = 0; j < e.length; j++) e[j] = d * e[j] + (1 - d) * q[j];
      }
    }
    o.onProgress?.(step, loss);
    if (o.onCheckpoint && o.checkpointEvery && (step % o.checkpointEvery === 0 || step === o.steps)) {
      await o.onCheckpoint({
        step,
        seed: o.seed,
        configKey,
        params: engine.getParams(),
        adam: engine.getAdamState(),
        ema: ema ? ema.map((e) => e.slice()) : null,
        losses: losses.slice(),
      });
    }
  }
  return { losses, weights: ema ?? engine.getParams() };
}
