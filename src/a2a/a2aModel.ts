/**
 * A trained condition-transfer model and transfer by ODE integration.
 *
 * Methods (all on the same SiLU MLP, see a2aGraphs.ts):
 * - `a2a` (A2A-FM): dx/dt = v(x_t, c_t, c1, c2), c_t = (1 - t) c1 + t c2, variant `plain` or
 *   `antisymmetric`; transfer from x(0) ~ P_c1 to x(1) ~ P_c2.
 * - `otcfm` (baseline 3 of the paper: OT-CFM with the data set itself as the source):
 *   dx/dt = v(x_t, t, c2), input row [x_t, t, c2]; the source condition is not an input.
 * - `pdcfg` (baseline 1, partial diffusion + classifier-free guidance, on a flow-matching
 *   backbone): a conditional flow from data (t = 0) to N(0, I) (t = 1), x_t = (1 - t) x + t eps,
 *   trained with the condition dropped half of the time; input row [x_t, t, keep * c, keep].
 *   Transfer: x_s = (1 - s) x + s eps (s = partialT, a seeded eps), then the ODE from s back to 0
 *   under the guided field (1 + w) v(x, t | c2) - w v(x, t | null). The path energy counts the
 *   ODE part only.
 *
 * Transfer: classic RK4 with `steps` equal steps on [0, 1] (c_t recomputed at every stage), and
 * the path energy int_0^1 E_i |v(x_i(t), t)|^2 dt with RK4's own quadrature weights
 * (h/6 (|k1|^2 + 2|k2|^2 + 2|k3|^2 + |k4|^2)), the kinetic energy that the thermodynamic view compares
 * with W2^2(P_c1, P_c2).
 *
 * Files (Node): `model.json` ({ format: "thermodiff-a2a-mlp", version: 1, ...A2AModelMeta, tensors,
 * checksum }) and `weights.bin` (W0, b0, W1, b1, ... little-endian float32, W_k row-major [in_k, out_k]).
 */
import type * as Ort from 'onnxruntime-node';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { InputError, NumericalError } from '../core/errors.ts';
import { readFileChecked, readJsonFile, writeFileAtomic } from '../io/files.ts';
import { float32ToBytes, fnv1a } from '../nn/models/flowModelFormat.ts';
import { buildForwardGraph, paramShapes } from '../nn/models/mlpGraphs.ts';
import { onnxRuntime } from '../nn/models/optionalDependencies.ts';
import type { Rng } from '../core/rng.ts';
import { type A2AVariant, a2aSizes, combineOutputs, packInputs, rowsPerSample } from './a2aGraphs.ts';

export const A2A_MODEL_FORMAT = 'thermodiff-a2a-mlp';

/** Which model a file holds. */
export type A2AMethod = 'a2a' | 'otcfm' | 'pdcfg';

/** Partial diffusion + classifier-free guidance settings (paper's baseline 1: guidance 0.3, 30 % of the way to noise). */
export interface PartialDiffusionSettings {
  /** Noise level s in (0, 1] the source is pushed to: x_s = (1 - s) x + s eps. */
  partialT: number;
  /** Guidance weight w: v = (1 + w) v(x, t | c2) - w v(x, t | null). */
  guidance: number;
}

/** Description stored in model.json. */
export interface A2AModelMeta {
  method: A2AMethod;
  /** Network variant (`plain` for otcfm). */
  variant: A2AVariant;
  dx: number;
  dc: number;
  hidden: number[];
  /** Paper-convention beta of the coupling (a2a), or null. */
  beta: number | null;
  /** pdcfg only. */
  partial?: PartialDiffusionSettings;
  training?: Record<string, unknown>;
}

/** Layer sizes of a model. */
export function modelSizes(meta: Pick<A2AModelMeta, 'method' | 'variant' | 'dx' | 'dc' | 'hidden'>): number[] {
  if (meta.method === 'otcfm') return [meta.dx + 1 + meta.dc, ...meta.hidden, meta.dx];
  if (meta.method === 'pdcfg') return [meta.dx + 2 + meta.dc, ...meta.hidden, meta.dx];
  return a2aSizes(meta.variant, meta.dx, meta.dc, meta.hidden);
}

/**
 * Network input rows for n samples at (per-row) times t: a2a packs [x_t, c_t, c1, c2] (or the
 * antisymmetric pair of rows); otcfm packs [x_t, t, c2].
 */
export function packModelRows(
  meta: Pick<A2AModelMeta, 'method' | 'variant' | 'dx' | 'dc'>,
  t: ArrayLike<number>,
  xt: ArrayLike<number>,
  c1: ArrayLike<number>,
  c2: ArrayLike<number>,
  n: number,
): Float32Array {
  const { dx, dc } = meta;
  if (meta.method === 'pdcfg') {
    // c1 carries keep in {0, 1} per row (1: conditioned on c2, 0: null condition)
    const w = dx + 2 + dc;
    const out = new Float32Array(n * w);
    for (let i = 0; i < n; i++) {
      const keep = c1[i];
      for (let k = 0; k < dx; k++) out[i * w + k] = xt[i * dx + k];
      out[i * w + dx] = t[i];
      for (let k = 0; k < dc; k++) out[i * w + dx + 1 + k] = keep * c2[i * dc + k];
      out[i * w + dx + 1 + dc] = keep;
    }
    return out;
  }
  if (meta.method === 'otcfm') {
    const w = dx + 1 + dc;
    const out = new Float32Array(n * w);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < dx; k++) out[i * w + k] = xt[i * dx + k];
      out[i * w + dx] = t[i];
      for (let k = 0; k < dc; k++) out[i * w + dx + 1 + k] = c2[i * dc + k];
    }
    return out;
  }
  const ct = new Float64Array(n * dc);
  for (let i = 0; i < n; i++) for (let k = 0; k < dc; k++) ct[i * dc + k] = (1 - t[i]) * c1[i * dc + k] + t[i] * c2[i * dc + k];
  return packInputs(meta.variant, xt, ct, c1, c2, n, dx, dc);
}

/** Network rows per sample of a model. */
export function modelRowsPerSample(meta: Pick<A2AModelMeta, 'method' | 'variant'>): number {
  return meta.method === 'a2a' ? rowsPerSample(meta.variant) : 1;
}

/** Result of {@link A2AModel.transfer}. */
export interface TransferResult {
  /** Transferred x (n x dx). */
  x: Float64Array;
  /** int_0^1 mean_i |v|^2 dt (RK4 quadrature). */
  pathEnergy: number;
  /** The same per row: int_0^1 |v_i|^2 dt. */
  pathEnergyPerRow: Float64Array;
  /** Network evaluations (each on all rows). */
  nfe: number;
}

/** A loaded or freshly trained model (onnxruntime forward session). */
export class A2AModel {
  private constructor(
    readonly meta: A2AModelMeta,
    private readonly weights: Float32Array[],
    private readonly session: Ort.InferenceSession,
  ) {}

  /** Build from metadata and parameters. @throws InputError when the tensors do not match the sizes. */
  static async create(meta: A2AModelMeta, params: readonly Float32Array[], threads = 1): Promise<A2AModel> {
    const sizes = modelSizes(meta);
    const shapes = paramShapes(sizes);
    if (params.length !== shapes.length) throw new InputError(`expected ${shapes.length} tensors, got ${params.length}`, 'A2AModel');
    shapes.forEach((s, i) => {
      const n = s.reduce((a, b) => a * b, 1);
      if (params[i].length !== n) throw new InputError(`tensor ${i}: expected ${n} values, got ${params[i].length}`, 'A2AModel');
    });
    const session = await onnxRuntime().InferenceSession.create(buildForwardGraph(sizes), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    return new A2AModel(meta, params.map((p) => p.slice()), session);
  }

  params(): Float32Array[] {
    return this.weights.map((p) => p.slice());
  }

  /**
   * v(x, t | c1, c2) for n rows at one time t (x n*dx, c1/c2 n*dc). For pdcfg this is the
   * guided field at c2 (c1 is not used).
   */
  async velocity(t: number, x: ArrayLike<number>, c1: ArrayLike<number>, c2: ArrayLike<number>, n: number): Promise<Float64Array> {
    if (this.meta.method === 'pdcfg') {
      const w = (this.meta.partial as PartialDiffusionSettings).guidance;
      const cond = await this.rawVelocity(t, x, new Float64Array(n).fill(1), c2, n);
      const uncond = await this.rawVelocity(t, x, new Float64Array(n), c2, n);
      for (let i = 0; i < cond.length; i++) cond[i] = (1 + w) * cond[i] - w * uncond[i];
      return cond;
    }
    return this.rawVelocity(t, x, c1, c2, n);
  }

  private async rawVelocity(t: number, x: ArrayLike<number>, c1: ArrayLike<number>, c2: ArrayLike<number>, n: number): Promise<Float64Array> {
    const ts = new Float64Array(n).fill(t);
    const rows = packModelRows(this.meta, ts, x, c1, c2, n);
    const sizes = modelSizes(this.meta);
    const shapes = paramShapes(sizes);
    const ort = onnxRuntime();
    const R = modelRowsPerSample(this.meta) * n;
    const feeds: Record<string, Ort.Tensor> = { X: new ort.Tensor('float32', rows, [R, sizes[0]]) };
    this.weights.forEach((p, i) => {
      feeds[`${i % 2 === 0 ? 'W' : 'b'}${Math.floor(i / 2)}`] = new ort.Tensor('float32', p, shapes[i]);
    });
    const out = await this.session.run(feeds);
    const y = out.Y.data as Float32Array;
    return this.meta.method === 'a2a' ? combineOutputs(this.meta.variant, y, n, this.meta.dx) : Float64Array.from(y);
  }

  /**
   * Transfer n points x (n x dx) from conditions c1 to c2 (n x dc each) by RK4 on [0, 1].
   * @throws InputError for mismatched lengths or non-finite input; NumericalError for a non-finite velocity.
   */
  async transfer(
    x: ArrayLike<number>,
    c1: ArrayLike<number>,
    c2: ArrayLike<number>,
    n: number,
    opts: { steps?: number; rng?: Rng; onStep?: (t: number, x: Float64Array) => void } = {},
  ): Promise<TransferResult> {
    const { dx, dc } = this.meta;
    const steps = opts.steps ?? 100;
    if (!Number.isInteger(steps) || steps < 1) throw new InputError(`expected steps >= 1, got ${steps}`, 'transfer.steps');
    if (x.length !== n * dx) throw new InputError(`x has ${x.length} values, expected ${n}x${dx}`, 'transfer');
    if (c1.length !== n * dc || c2.length !== n * dc) throw new InputError(`conditions must have ${n}x${dc} values each, got ${c1.length} and ${c2.length}`, 'transfer');
    for (const [name, a] of [['x', x], ['c_source', c1], ['c_target', c2]] as const) {
      for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new InputError(`expected finite values, got ${a[i]} in ${name} at index ${i}`, 'transfer');
    }
    let y = Float64Array.from(x);
    let t0 = 0;
    let t1 = 1;
    if (this.meta.method === 'pdcfg') {
      if (!opts.rng) throw new InputError('partial diffusion needs a seeded random generator (opts.rng)', 'transfer');
      const s = (this.meta.partial as PartialDiffusionSettings).partialT;
      for (let i = 0; i < y.length; i++) y[i] = (1 - s) * y[i] + s * opts.rng.normal();
      t0 = s;
      t1 = 0;
    }
    const h = (t1 - t0) / steps;
    const absH = Math.abs(h);
    const tmp = new Float64Array(n * dx);
    const perRow = new Float64Array(n);
    let nfe = 0;
    for (let s = 0; s < steps; s++) {
      const t = t0 + s * h;
      const k1 = await this.velocity(t, y, c1, c2, n);
      for (let i = 0; i < y.length; i++) tmp[i] = y[i] + 0.5 * h * k1[i];
      const k2 = await this.velocity(t + 0.5 * h, tmp, c1, c2, n);
      for (let i = 0; i < y.length; i++) tmp[i] = y[i] + 0.5 * h * k2[i];
      const k3 = await this.velocity(t + 0.5 * h, tmp, c1, c2, n);
      for (let i = 0; i < y.length; i++) tmp[i] = y[i] + h * k3[i];
      const k4 = await this.velocity(t + h, tmp, c1, c2, n);
      nfe += 4;
      const next = new Float64Array(y.length);
      for (let i = 0; i < y.length; i++) {
        next[i] = y[i] + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        if (!Number.isFinite(next[i])) throw new NumericalError(`transfer: non-finite state at t = ${t + h}`);
      }
      for (let i = 0; i < n; i++) {
        let e = 0;
        for (let k = i * dx; k < (i + 1) * dx; k++) e += k1[k] * k1[k] + 2 * k2[k] * k2[k] + 2 * k3[k] * k3[k] + k4[k] * k4[k];
        perRow[i] += (absH / 6) * e;
      }
      y = next;
      opts.onStep?.(t + h, y);
    }
    let energy = 0;
    for (let i = 0; i < n; i++) energy += perRow[i];
    return { x: y, pathEnergy: energy / n, pathEnergyPerRow: perRow, nfe };
  }

  /** Write `dir/weights.bin` then `dir/model.json`, each atomically. Node only. */
  save(dir: string): void {
    const weights = float32ToBytes(this.weights);
    const sizes = modelSizes(this.meta);
    const json = { format: A2A_MODEL_FORMAT, version: 1, ...this.meta, sizes, weightsBytes: weights.length, checksum: fnv1a(weights) };
    writeFileAtomic(join(dir, 'weights.bin'), weights);
    writeFileAtomic(join(dir, 'model.json'), `${JSON.stringify(json, null, 1)}\n`);
  }

  /** Load a saved model folder. @throws InputError for a missing, corrupt or foreign model. */
  static async load(dir: string, threads = 1): Promise<A2AModel> {
    if (!existsSync(join(dir, 'model.json'))) throw new InputError('no model.json here: not a saved A2A model (thermodiff a2a train writes <out>/model)', dir);
    const j = readJsonFile(join(dir, 'model.json')) as Record<string, unknown>;
    if (j.format !== A2A_MODEL_FORMAT) throw new InputError(`expected format ${A2A_MODEL_FORMAT}, got ${JSON.stringify(j.format)}`, join(dir, 'model.json'));
    const meta: A2AModelMeta = {
      method: j.method === 'otcfm' || j.method === 'pdcfg' ? j.method : 'a2a',
      variant: j.variant === 'antisymmetric' ? 'antisymmetric' : 'plain',
      dx: Number(j.dx),
      dc: Number(j.dc),
      hidden: (j.hidden as number[]).map(Number),
      beta: j.beta === null ? null : Number(j.beta),
      ...(j.training ? { training: j.training as Record<string, unknown> } : {}),
      ...(j.partial ? { partial: j.partial as PartialDiffusionSettings } : {}),
    };
    const bytes = readFileChecked(join(dir, 'weights.bin'));
    const u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (fnv1a(u8) !== j.checksum) throw new InputError('weights.bin does not match the checksum in model.json (corrupt or mixed files)', dir);
    const shapes = paramShapes(modelSizes(meta));
    const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
    const total = shapes.reduce((s, sh) => s + sh.reduce((a, b) => a * b, 1), 0);
    if (u8.length !== 4 * total) throw new InputError(`weights.bin has ${u8.length} bytes, expected ${4 * total}`, dir);
    let o = 0;
    const params = shapes.map((sh) => {
      const n = sh.reduce((a, b) => a * b, 1);
      const p = new Float32Array(n);
      for (let i = 0; i < n; i++, o += 4) p[i] = view.getFloat32(o, true);
      return p;
    });
    return A2AModel.create(meta, params, threads);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
