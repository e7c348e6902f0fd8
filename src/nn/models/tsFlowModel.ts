import type { FlowModel, FlowModelMeta } from './flowModel.ts';
import { mlpForward } from './mlpForward.ts';
import { mlpSizes } from './mlpSizes.ts';

/**
 * A browser-safe {@link FlowModel} that evaluates the network in plain TypeScript (float64
 * accumulation, float32 output). Use with `decodeFlowModel(json, weightsBytes)`; `save` is not
 * available in the browser and throws.
 */
export function tsFlowModel(meta: FlowModelMeta, params: readonly Float32Array[]): FlowModel {
  const sizes = mlpSizes(meta.dim, meta.hidden);
  const weights = params.map((p) => p.slice());
  return {
    dim: meta.dim,
    tau: meta.tau,
    scheduleName: meta.scheduleName,
    meta,
    async velocity(t: number, x: Float32Array, n: number) {
      return mlpForward(sizes, weights, x, new Float64Array(n).fill(t), n);
    },
    params: () => weights.map((w) => w.slice()),
    async save() {
      throw new Error('tsFlowModel.save: saving needs Node; use saveFlowModelFiles or encodeFlowModel');
    },
  };
}
