/**
 * ONNX protobuf decoding with `onnx-proto` (the official onnx.proto compiled for protobufjs):
 * ModelProto bytes -> a plain typed graph (nodes, initializers as Float32Array, inputs/outputs
 * with static dims). Unsupported encodings (external data, string tensors, dynamic dims) fail as
 * values naming the tensor and field.
 */
import onnxProto, { type onnx as pb } from 'onnx-proto';
import { fail, ok, type Result } from '../../sim/result';

/** The onnx namespace (onnx-proto is CommonJS: reached through its default export under ESM). */
const { onnx } = onnxProto;

/** A decoded constant tensor: dims (outermost first) and its values as numbers (row-major). */
export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  /** ONNX TensorProto.DataType code (1 float, 2 uint8, 3 int8, 6 int32, 7 int64, 11 double...). */
  readonly dataType: number;
  readonly data: Float32Array;
}

/** One attribute value (ints/floats lists as number arrays, tensors decoded). */
export type OnnxAttr = number | string | readonly number[] | OnnxTensor;

/** One graph node. */
export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  /** Input value names ('' = omitted optional input). */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, OnnxAttr>;
}

/** A graph input or output: name, element type and static dims (null where symbolic). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly elemType: number;
  readonly dims: readonly (number | null)[];
}

/** A decoded model. */
export interface OnnxModel {
  readonly irVersion: number;
  readonly producer: string;
  /** Opset version per domain ('' = ai.onnx). */
  readonly opsets: ReadonlyMap<string, number>;
  readonly graphName: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: ReadonlyMap<string, OnnxTensor>;
  /** Graph inputs that are not initializers. */
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

/** Most tensor elements accepted in one model (2^28 = 1 GiB of fp32). */
export const MAX_ONNX_ELEMENTS = 1 << 28;

const num = (v: number | Long | null | undefined): number => (v === null || v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber());
interface Long { toNumber(): number }

const TYPE_BYTES: Readonly<Record<number, number>> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 11: 8, 12: 4, 13: 8 };

function rawValues(t: pb.ITensorProto, raw: Uint8Array, count: number, where: string): Result<Float32Array> {
  const type = t.dataType ?? 0;
  const bytes = TYPE_BYTES[type];
  if (!bytes) return fail(`${where}.dataType: expected float, double, (u)int8/16/32/64 or bool, found type ${type}`, `${where}.dataType`);
  if (raw.length !== count * bytes) return fail(`${where}.rawData: expected ${count * bytes} bytes for ${count} elements, found ${raw.length}`, `${where}.rawData`);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const o = i * bytes;
    switch (type) {
      case 1: out[i] = dv.getFloat32(o, true); break;
      case 2: case 9: out[i] = dv.getUint8(o); break;
      case 3: out[i] = dv.getInt8(o); break;
      case 4: out[i] = dv.getUint16(o, true); break;
      case 5: out[i] = dv.getInt16(o, true); break;
      case 6: out[i] = dv.getInt32(o, true); break;
      case 7: out[i] = Number(dv.getBigInt64(o, true)); break;
      case 11: out[i] = dv.getFloat64(o, true); break;
      case 12: out[i] = dv.getUint32(o, true); break;
      case 13: out[i] = Number(dv.getBigUint64(o, true)); break;
    }
  }
  return ok(out);
}

/** Decodes one TensorProto to numbers; `where` prefixes error messages. */
export function decodeTensor(t: pb.ITensorProto, where: string): Result<OnnxTensor> {
  const name = t.name ?? '';
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData?.length ?? 0) > 0) {
    return fail(`${where} ('${name}'): external tensor data is not supported (save the model with weights inside the .onnx file)`, `${where}.externalData`);
  }
  const dims = (t.dims ?? []).map(num);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) return fail(`${where} ('${name}').dims: expected non-negative integers, found [${dims.join(', ')}]`, `${where}.dims`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_ONNX_ELEMENTS) return fail(`${where} ('${name}'): ${count} elements exceed the ${MAX_ONNX_ELEMENTS} cap`, `${where}.dims`);
  const type = t.dataType ?? 0;
  let data: Float32Array;
  if (t.rawData && t.rawData.length > 0) {
    const r = rawValues(t, t.rawData, count, `${where} ('${name}')`);
    if (!r.ok) return r;
    data = r.value;
  } else {
    const src: readonly (number | Long)[] =
      type === 1 ? t.floatData ?? [] : type === 7 ? t.int64Data ?? [] : type === 11 ? t.doubleData ?? [] : type === 12 || type === 13 ? t.uint64Data ?? [] : t.int32Data ?? [];
    if (src.length !== count) return fail(`${where} ('${name}'): expected ${count} values for dims [${dims.join(', ')}], found ${src.length}`, `${where}.data`);
    data = Float32Array.from(src, num);
  }
  return ok({ name, dims, dataType: type, data });
}

function decodeAttr(a: pb.IAttributeProto, where: string): Result<OnnxAttr> {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.FLOAT: return ok(a.f ?? 0);
    case T.INT: return ok(num(a.i));
    case T.STRING: return ok(new TextDecoder().decode(a.s ?? new Uint8Array()));
    case T.FLOATS: return ok(a.floats ?? []);
    case T.INTS: return ok((a.ints ?? []).map(num));
    case T.TENSOR: return a.t ? decodeTensor(a.t, `${where}.t`) : fail(`${where}: tensor attribute without a tensor`, where);
    default: return fail(`${where} ('${a.name}'): attribute type ${a.type} (graph, sparse tensor or list of tensors) is not supported`, where);
  }
}

function valueInfo(v: pb.IValueInfoProto): OnnxValueInfo {
  const tt = v.type?.tensorType;
  const dims = (tt?.shape?.dim ?? []).map((d) => (d.dimValue !== null && d.dimValue !== undefined && num(d.dimValue) > 0 ? num(d.dimValue) : null));
  return { name: v.name ?? '', elemType: tt?.elemType ?? 0, dims };
}

/** Decodes ONNX model bytes; failures name the node / tensor / attribute at fault. */
export function decodeModel(bytes: Uint8Array, file = 'model.onnx'): Result<OnnxModel> {
  let m: pb.ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    return fail(`${file}: not an ONNX model (protobuf decoding failed: ${(e as Error).message})`, 'file');
  }
  const g = m.graph;
  if (!g) return fail(`${file}: ModelProto.graph: expected a graph, found none`, 'graph');
  const initializers = new Map<string, OnnxTensor>();
  let total = 0;
  for (const [i, t] of (g.initializer ?? []).entries()) {
    const r = decodeTensor(t, `${file}: graph.initializer[${i}]`);
    if (!r.ok) return r;
    total += r.value.data.length;
    if (total > MAX_ONNX_ELEMENTS) return fail(`${file}: more than ${MAX_ONNX_ELEMENTS} weight values`, 'graph.initializer');
    initializers.set(r.value.name, r.value);
  }
  const nodes: OnnxNode[] = [];
  for (const [i, n] of (g.node ?? []).entries()) {
    const attrs = new Map<string, OnnxAttr>();
    for (const a of n.attribute ?? []) {
      const r = decodeAttr(a, `${file}: node '${n.name ?? i}' (${n.opType}) attribute '${a.name}'`);
      if (!r.ok) return r;
      attrs.set(a.name ?? '', r.value);
    }
    nodes.push({ name: n.name || `${n.opType}_${i}`, opType: n.opType ?? '', domain: n.domain ?? '', inputs: n.input ?? [], outputs: n.output ?? [], attrs });
  }
  const opsets = new Map<string, number>();
  for (const o of m.opsetImport ?? []) opsets.set(o.domain === 'ai.onnx' ? '' : o.domain ?? '', num(o.version));
  return ok({
    irVersion: num(m.irVersion), producer: m.producerName ?? '', opsets, graphName: g.name ?? '', nodes, initializers,
    inputs: (g.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(valueInfo),
    outputs: (g.output ?? []).map(valueInfo),
  });
}
