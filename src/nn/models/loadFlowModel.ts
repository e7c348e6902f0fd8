import type { FlowModel } from './flowModel.ts';
import { readFlowModelFiles } from './flowModelFiles.ts';
import { OnnxFlowModel } from './onnxFlowModel.ts';

/**
 * Load a saved model folder (model.json + weights.bin) into an onnxruntime-backed FlowModel
 * (Node). In a browser, fetch both files and use `decodeFlowModel` + `tsFlowModel` instead.
 * @throws InputError for a missing, unreadable or corrupt model.
 */
export async function loadFlowModel(dir: string, opts: { threads?: number } = {}): Promise<FlowModel> {
  const { meta, params } = readFlowModelFiles(dir);
  return OnnxFlowModel.create(meta, params, opts.threads ?? 1);
}
