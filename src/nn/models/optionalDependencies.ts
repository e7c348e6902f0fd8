/**
 * The optional training dependencies, loaded on first use (Node-only).
 *
 * `onnxruntime-node` (native, ~290 MB, an install script that downloads extras) and `onnx-proto`
 * (the ONNX protobuf schema, with protobufjs) are optional peer dependencies of the package: a
 * user who only computes schedules, OT or speed-accuracy relations never installs them. Nothing
 * imports them statically; the ONNX engine and model code call {@link onnxRuntime} and
 * {@link onnxProto} when they first need them, so `import 'thermodiff/node'` works without them
 * and the CLI starts without loading them.
 */
import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';
import type OnnxProtoModule from 'onnx-proto';
import { MissingDependencyError } from '../../core/errors.ts';

const require = createRequire(import.meta.url);
const loaded = new Map<string, unknown>();

/** What needs the training packages and how to get them (the tail of the error message). */
const TRAINING_HINT =
  'training, sampling and evaluating flow models need the optional packages onnxruntime-node and onnx-proto: ' +
  'npm install onnxruntime-node onnx-proto (with ONNXRUNTIME_NODE_INSTALL=skip where its install script cannot download)';

/**
 * `require(name)` once, cached. Both packages are CommonJS, so a synchronous require keeps the
 * graph builders and tensor constructors synchronous.
 * @throws MissingDependencyError when the package is not installed or fails to load.
 */
export function requireOptional<T>(name: string, hint: string): T {
  if (loaded.has(name)) return loaded.get(name) as T;
  let m: T;
  try {
    m = require(name) as T;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // only the package itself missing counts as "not installed"; anything else is a broken install
    const missing = err?.code === 'MODULE_NOT_FOUND' && String(err.message).includes(`'${name}'`);
    const firstLine = String(err?.message ?? e).split('\n')[0];
    throw new MissingDependencyError(name, missing ? `is not installed; ${hint}` : `could not be loaded (${firstLine}); ${hint}`);
  }
  loaded.set(name, m);
  return m;
}

/** The onnxruntime-node module. @throws MissingDependencyError when it is not installed. */
export function onnxRuntime(): typeof Ort {
  return requireOptional<typeof Ort>('onnxruntime-node', TRAINING_HINT);
}

/** The `onnx` namespace of onnx-proto. @throws MissingDependencyError when it is not installed. */
export function onnxProto(): typeof OnnxProtoModule.onnx {
  return requireOptional<typeof OnnxProtoModule>('onnx-proto', TRAINING_HINT).onnx;
}
