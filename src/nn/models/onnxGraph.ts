/**
 * A minimal ONNX graph builder (float32 tensors only) on top of `onnx-proto`. It is just enough to
 * express an MLP forward pass, its hand-derived backward pass and an optimiser update as one graph,
 * so that onnxruntime runs a whole training step in native code.
 *
 * onnx-proto is an optional dependency, loaded on the first graph built (optionalDependencies.ts).
 */
import type { onnx as OnnxNs } from 'onnx-proto';
import { onnxProto } from './optionalDependencies.ts';

/** ONNX element type FLOAT (float32). */
const FLOAT = 1;
/** ONNX element type INT64. */
const INT64 = 7;

/** Opset used for every graph built here (ReduceSum takes `axes` as an input; ReduceSumSquare an attribute). */
export const OPSET = 17;

/** Attribute value: integer, `{ float }`, list of integers, or string. */
export type AttrValue = number | { float: number } | number[] | string;

/**
 * Builds one ONNX graph. Value names are generated (`v0`, `v1`, ...) unless given. Dimensions are
 * numbers (fixed) or strings (symbolic, e.g. `'batch'`).
 */
export class OnnxGraph {
  private readonly nodes: ReturnType<typeof OnnxNs.NodeProto.create>[] = [];
  private readonly inputs: ReturnType<typeof OnnxNs.ValueInfoProto.create>[] = [];
  private readonly outputs: ReturnType<typeof OnnxNs.ValueInfoProto.create>[] = [];
  private readonly initializers: ReturnType<typeof OnnxNs.TensorProto.create>[] = [];
  private counter = 0;

  /** A fresh internal value name. */
  fresh(prefix = 'v'): string {
    return `${prefix}${this.counter++}`;
  }

  /** Declare a float32 graph input of the given shape; returns its name. */
  input(name: string, shape: (number | string)[]): string {
    this.inputs.push(valueInfo(name, shape, FLOAT));
    return name;
  }

  /** Declare `value` as a graph output under `name` (an Identity node is added if the names differ). */
  output(value: string, name: string, shape: (number | string)[]): void {
    if (value !== name) this.node('Identity', [value], {}, name);
    this.outputs.push(valueInfo(name, shape, FLOAT));
  }

  /** A float32 constant (scalar when `dims` is empty). */
  constFloat(values: number[], dims: number[] = []): string {
    const onnx = onnxProto();
    const name = this.fresh('c');
    this.initializers.push(
      onnx.TensorProto.create({ name, dataType: FLOAT, dims, floatData: values }),
    );
    return name;
  }

  /** An int64 constant (used for `axes` inputs). */
  constInt64(values: number[], dims: number[] = [values.length]): string {
    const onnx = onnxProto();
    const name = this.fresh('c');
    this.initializers.push(onnx.TensorProto.create({ name, dataType: INT64, dims, int64Data: values }));
    return name;
  }

  /** Add a node; returns the name of its (single) output. */
  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outName?: string): string {
    const onnx = onnxProto();
    const out = outName ?? this.fresh();
    this.nodes.push(
      onnx.NodeProto.create({
        opType: op,
        input: inputs,
        output: [out],
        name: `${op}_${out}`,
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      }),
    );
    return out;
  }

  /** Serialise to ONNX ModelProto bytes. */
  toBytes(graphName = 'thermodiff'): Uint8Array {
    const onnx = onnxProto();
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'thermodiff',
      opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: OPSET })],
      graph: onnx.GraphProto.create({
        name: graphName,
        node: this.nodes,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
      }),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, shape: (number | string)[], elemType: number) {
  const onnx = onnxProto();
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType,
        shape: onnx.TensorShapeProto.create({
          dim: shape.map((d) =>
            typeof d === 'number'
              ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
              : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
          ),
        }),
      }),
    }),
  });
}

function attribute(name: string, v: AttrValue) {
  const onnx = onnxProto();
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return onnx.AttributeProto.create({ name, type: A.STRING, s: new TextEncoder().encode(v) });
  if (Array.isArray(v)) return onnx.AttributeProto.create({ name, type: A.INTS, ints: v });
  if (typeof v === 'object') return onnx.AttributeProto.create({ name, type: A.FLOAT, f: v.float });
  if (!Number.isInteger(v)) throw new RangeError(`attribute ${name}: integer expected, got ${v} (use { float })`);
  return onnx.AttributeProto.create({ name, type: A.INT, i: v });
}
