/**
 * ONNX graph -> simulator Network. One runtime graph input becomes the network input (NCHW
 * converted to NHWC, see layout.ts); every node is converted in graph order by the table below;
 * an operator, opset, attribute or shape outside it is refused with the node's name, op type and
 * what is supported. Batch norms are then folded into the preceding conv / dense (as the
 * hardware would) and stand-alone activations fused into their producer's activation unit.
 */
import type { Layer, Network } from '../../sim/layers/types';
import { foldBatchNorm } from '../../sim/layers/batchnorm';
import { inferShapes, resolveInputs } from '../../sim/layers/shapes';
import { fail, ok, type Result } from '../../sim/result';
import type { OnnxModel, OnnxNode } from './proto';
import { Ctx, Refusal, refuse } from './context';
import { layoutOf, type ValueLayout } from './layout';
import { convertConv, convertGlobalAvgPool, convertPool } from './opsConv';
import { convertGemm, convertMatMul } from './opsDense';
import {
  convertAdd, convertBatchNorm, convertClip, convertConcat, convertFlatten, convertIdentity, convertLeakyRelu, convertReshape,
  convertSimpleActivation, convertSoftmax, convertTranspose,
} from './opsMisc';
import { convertDequantize, convertQLinearConv, convertQLinearMatMul, convertQuantize } from './opsQuant';
import { convertCast, convertGather, convertShape, convertSqueeze } from './opsConst';

type Converter = (ctx: Ctx, node: OnnxNode) => void;

/** Supported operators (ai.onnx domain) and their converters. */
const OPS: Readonly<Record<string, Converter>> = {
  Conv: convertConv, Gemm: convertGemm, MatMul: convertMatMul,
  Relu: convertSimpleActivation, Sigmoid: convertSimpleActivation, Tanh: convertSimpleActivation, Clip: convertClip, LeakyRelu: convertLeakyRelu, Softmax: convertSoftmax,
  MaxPool: convertPool, AveragePool: convertPool, GlobalAveragePool: convertGlobalAvgPool, BatchNormalization: convertBatchNorm,
  Add: convertAdd, Concat: convertConcat, Flatten: convertFlatten, Reshape: convertReshape, Transpose: convertTranspose,
  Dropout: convertIdentity, Identity: convertIdentity,
  QuantizeLinear: convertQuantize, DequantizeLinear: convertDequantize, QLinearConv: convertQLinearConv, QLinearMatMul: convertQLinearMatMul,
  // shape arithmetic on constants (dynamic-batch flatten exports)
  Shape: convertShape, Gather: convertGather, Unsqueeze: convertSqueeze, Squeeze: convertSqueeze, Cast: convertCast,
};

/** Shape-arithmetic operators folded on constants only (not network operators). */
export const SHAPE_OPS: readonly string[] = ['Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Cast'];

/** Names of the supported network operators (plus Constant), for messages and docs. */
export const SUPPORTED_OPS: readonly string[] = [...Object.keys(OPS).filter((k) => !SHAPE_OPS.includes(k)), 'Constant'];

/** What an unsupported operator's refusal lists. */
const SUPPORTED_TEXT = `${SUPPORTED_OPS.join(', ')}; on constants only: ${SHAPE_OPS.join(', ')}`;

/** Supported ai.onnx opset versions (inclusive). */
export const OPSET_RANGE = { min: 1, max: 18 } as const;

/** Element types accepted for the network input: float, uint8, int8, double. */
const INPUT_TYPES = new Set([1, 2, 3, 11]);

/** An imported network and how its input and output map to ONNX tensors. */
export interface OnnxImport {
  readonly network: Network;
  readonly opset: number;
  /** ONNX name and layout of the network input (feed NCHW data through layout.toNhwc). */
  readonly input: { readonly name: string; readonly layout: ValueLayout };
  /** ONNX name and layout of the network output (layout.fromNhwc gives ONNX order). */
  readonly output: { readonly name: string; readonly layout: ValueLayout };
  /** Folds, lowerings and departures, one line each. */
  readonly notes: readonly string[];
  /** Qm.n fraction bits (weight, input, output) of the layers of QLinear nodes that map onto the
   * engine's int8 format, by layer name (models/onnx/int8.ts onnxLayerFormats); empty when none. */
  readonly int8Fracs: ReadonlyMap<string, { readonly weight: number; readonly input: number; readonly output: number }>;
}

function convertConstant(ctx: Ctx, node: OnnxNode): void {
  const v = node.attrs.get('value');
  const f = node.attrs.get('value_float') ?? node.attrs.get('value_int');
  const fs = node.attrs.get('value_floats') ?? node.attrs.get('value_ints');
  if (v && typeof v === 'object' && 'data' in v) ctx.consts.set(node.outputs[0], { ...v, name: node.outputs[0] });
  else if (typeof f === 'number') ctx.consts.set(node.outputs[0], { name: node.outputs[0], dims: [], dataType: 1, data: Float32Array.of(f) });
  else if (Array.isArray(fs)) ctx.consts.set(node.outputs[0], { name: node.outputs[0], dims: [fs.length], dataType: 7, data: Float32Array.from(fs as number[]) });
  else refuse(node, 'no tensor, float(s) or int(s) value', 'value, value_float(s), value_int(s)');
}

/** Merges an activation layer into its producer (the previous layer, sole consumer, linear activation). */
function fuseActivations(net: Network): Network {
  const ids = resolveInputs(net);
  if (!ids.ok) return net;
  const consumers = new Array<number>(net.layers.length).fill(0);
  for (const list of ids.value) for (const j of list) if (j >= 0) consumers[j]++;
  const layers: Layer[] = [];
  const renamed = new Map<string, string>();
  net.layers.forEach((l, i) => {
    const p = ids.value[i][0];
    const prev = layers[layers.length - 1];
    const prod = net.layers[p];
    const fusable = l.kind === 'activation' && p === i - 1 && p >= 0 && consumers[p] === 1 && prev && prev.name === prod.name &&
      (prev.kind === 'conv2d' || prev.kind === 'dense' || prev.kind === 'batchnorm' || prev.kind === 'add') && prev.activation.kind === 'linear';
    if (fusable && l.kind === 'activation' && 'activation' in prev) {
      layers[layers.length - 1] = { ...prev, activation: l.activation } as Layer;
      renamed.set(l.name, prev.name);
      return;
    }
    layers.push(l.inputs ? { ...l, inputs: l.inputs.map((n) => renamed.get(n) ?? n) } : l);
  });
  return { ...net, layers };
}

/** Converts a decoded model; `name` names the network (default: the graph name). */
export function convertModel(model: OnnxModel, name?: string): Result<OnnxImport> {
  const opset = model.opsets.get('') ?? 0;
  if (opset < OPSET_RANGE.min || opset > OPSET_RANGE.max) return fail(`opset_import: ai.onnx opset ${opset} is not supported (supported: ${OPSET_RANGE.min}..${OPSET_RANGE.max})`, 'opset_import');
  if (model.inputs.length !== 1) {
    return fail(`graph.input: expected one runtime input (weights as initializers), found ${model.inputs.length}: ${model.inputs.map((i) => `'${i.name}'`).join(', ')}`, 'graph.input');
  }
  const inp = model.inputs[0];
  if (!INPUT_TYPES.has(inp.elemType)) return fail(`graph.input '${inp.name}': element type ${inp.elemType} (supported: float, double, uint8, int8)`, 'graph.input');
  const rest = inp.dims.slice(inp.dims.length === 1 ? 0 : 1);
  let layout = layoutOf(inp.dims.map((d) => d ?? 1));
  // an NHWC input whose every reader is Transpose(0,3,1,2): the data is already in simulator order
  const readers = model.nodes.filter((n) => n.inputs.includes(inp.name));
  const toNchw = (n: OnnxNode): boolean => n.opType === 'Transpose' && JSON.stringify(n.attrs.get('perm')) === '[0,3,1,2]' && n.inputs[0] === inp.name;
  const nhwcInput = layout !== null && layout.rank === 4 && readers.length > 0 && readers.every(toNchw);
  if (layout && nhwcInput) {
    const [h, w, c] = layout.dims;
    layout = { rank: 4, dims: [h, w, c], shape: { h, w, c }, nhwc: true };
  }
  if (!layout || rest.some((d) => d === null)) {
    return fail(`graph.input '${inp.name}': dims [${inp.dims.map((d) => d ?? '?').join(', ')}] (supported: rank 1 to 4, static except the batch)`, 'graph.input');
  }
  if (model.outputs.length !== 1) return fail(`graph.output: expected one output, found ${model.outputs.length}`, 'graph.output');
  const ctx = new Ctx(opset, inp.dims.length > 1 ? inp.dims[0] : 1);
  for (const [k, t] of model.initializers) ctx.consts.set(k, t);
  for (const name of [...model.nodes.flatMap((n) => n.inputs), ...model.outputs.map((o) => o.name)]) ctx.uses.set(name, (ctx.uses.get(name) ?? 0) + 1);
  ctx.values.set(inp.name, { layer: 'input', layout });
  if (nhwcInput) {
    const { h, w, c } = layout.shape;
    for (const t of readers) ctx.values.set(t.outputs[0], { layer: 'input', layout: { rank: 4, dims: [c, h, w], shape: { h, w, c } } });
    ctx.notes.push(`input '${inp.name}' is NHWC [N, ${h}, ${w}, ${c}] read through Transpose(0,3,1,2): fed as is (no transpose on the array)`);
  }
  try {
    for (const node of model.nodes) {
      if (node.domain !== '' && node.domain !== 'ai.onnx') refuse(node, `domain '${node.domain}'`, `ai.onnx operators ${SUPPORTED_TEXT}`);
      if (nhwcInput && toNchw(node)) continue;
      if (node.opType === 'Constant') convertConstant(ctx, node);
      else {
        const conv = OPS[node.opType];
        if (!conv) refuse(node, 'unsupported operator', SUPPORTED_TEXT);
        conv(ctx, node);
      }
    }
  } catch (e) {
    if (e instanceof Refusal) return e.failure;
    throw e;
  }
  const outName = model.outputs[0].name;
  const out = ctx.values.get(outName);
  if (!out) return fail(`graph.output '${outName}': expected a runtime tensor, found ${ctx.consts.has(outName) ? 'a constant' : 'no producer'}`, 'graph.output');
  const last = ctx.layers[ctx.layers.length - 1];
  if (!last || last.name !== out.layer) ctx.push({ kind: 'activation', name: ctx.uniqueName(`${outName}/output`), inputs: [out.layer], activation: { kind: 'linear' } });
  const raw: Network = { name: name ?? (model.graphName || 'onnx'), input: layout.shape, layers: ctx.layers };
  const folded = foldBatchNorm(raw);
  const network = fuseActivations(folded);
  const shapes = inferShapes(network);
  if (!shapes.ok) return fail(`converted network is inconsistent: ${shapes.reason}`, shapes.path);
  const notes = [...ctx.notes];
  const bn = raw.layers.length - folded.layers.length;
  if (bn > 0) notes.push(`${bn} further BatchNormalization node(s) folded into the preceding conv/dense weights`);
  return ok({ network, opset, input: { name: inp.name, layout }, output: { name: outName, layout: out.layout }, notes, int8Fracs: new Map(ctx.int8Fracs) });
}
