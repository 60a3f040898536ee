/**
 * Building ONNX models with onnx-proto (used by the LeNet-5 export script and the tests): float
 * tensors, nodes with int / ints / float attributes, and a one-input one-output model encoded to
 * bytes. Only the fields the importer and onnxruntime read are set.
 */
import onnxProto, { type onnx as pb } from 'onnx-proto';

const { onnx } = onnxProto;

/** A float32 (or int64 with `int64`) initializer tensor with dims (outermost first). */
export function tensor(name: string, dims: readonly number[], data: ArrayLike<number>, int64 = false): pb.ITensorProto {
  if (int64) return { name, dims: [...dims], dataType: onnx.TensorProto.DataType.INT64, int64Data: Array.from(data) };
  const f = Float32Array.from(data);
  return { name, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(f.buffer) };
}

/** An integer tensor of ONNX type `dataType` (2 uint8, 3 int8, 6 int32) stored in int32Data. */
export function intTensor(name: string, dims: readonly number[], data: ArrayLike<number>, dataType: number): pb.ITensorProto {
  return { name, dims: [...dims], dataType, int32Data: Array.from(data) };
}

/** Attribute values: a number is an INT unless listed in `floats`, an array INTS, a string STRING. */
export type AttrValue = number | readonly number[] | string;

/** A node; attribute names in `floats` are written as FLOAT(S). */
export function node(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}, name = outputs[0], floats: readonly string[] = []): pb.INodeProto {
  const T = onnx.AttributeProto.AttributeType;
  const attribute: pb.IAttributeProto[] = Object.entries(attrs).map(([k, v]) => {
    if (typeof v === 'string') return { name: k, type: T.STRING, s: new TextEncoder().encode(v) };
    if (Array.isArray(v)) return floats.includes(k) ? { name: k, type: T.FLOATS, floats: [...v] } : { name: k, type: T.INTS, ints: [...v] };
    return floats.includes(k) ? { name: k, type: T.FLOAT, f: v as number } : { name: k, type: T.INT, i: v as number };
  });
  return { name, opType, input: [...inputs], output: [...outputs], attribute };
}

function valueInfo(name: string, dims: readonly (number | string)[], elemType = onnx.TensorProto.DataType.FLOAT): pb.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } };
}

/** Parts of a one-input one-output model. */
export interface ModelParts {
  readonly name: string;
  readonly input: { readonly name: string; readonly dims: readonly (number | string)[]; readonly elemType?: number };
  readonly output: { readonly name: string; readonly dims: readonly (number | string)[]; readonly elemType?: number };
  readonly nodes: readonly pb.INodeProto[];
  readonly initializers: readonly pb.ITensorProto[];
  /** ai.onnx opset (default 13). */
  readonly opset?: number;
}

/** Encodes a model to .onnx bytes (IR version 7). */
export function encodeModel(p: ModelParts): Uint8Array {
  const model: pb.IModelProto = {
    irVersion: 7,
    producerName: 'faultline',
    opsetImport: [{ domain: '', version: p.opset ?? 13 }],
    graph: {
      name: p.name,
      node: [...p.nodes],
      initializer: [...p.initializers],
      input: [valueInfo(p.input.name, p.input.dims, p.input.elemType)],
      output: [valueInfo(p.output.name, p.output.dims, p.output.elemType)],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
