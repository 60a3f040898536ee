/**
 * Shape arithmetic on constants, so dynamic-batch exports of `x.view(x.size(0), -1)`
 * (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) import: Shape of a runtime tensor is a
 * constant whose batch entry is NaN ("the runtime batch"); Gather, Unsqueeze, Squeeze, Cast and
 * Concat fold on constants only. Reshape reads a NaN batch entry as "keep the batch".
 */
import type { OnnxNode, OnnxTensor } from './proto';
import { constIn, type Ctx, intAttr, intsAttr, refuse } from './context';

const ONLY_CONST = 'constant operands (shape arithmetic); runtime tensors are not gathered or reshaped this way';

function setConst(ctx: Ctx, node: OnnxNode, dims: readonly number[], data: Float32Array, dataType = 7): void {
  ctx.consts.set(node.outputs[0], { name: node.outputs[0], dims, dataType, data });
}

/** Shape of a runtime value (batch = NaN) or of a constant. */
export function convertShape(ctx: Ctx, node: OnnxNode): void {
  const v = ctx.values.get(node.inputs[0]);
  const c = ctx.consts.get(node.inputs[0]);
  let dims: number[];
  if (v) dims = v.layout.rank === 1 ? [...v.layout.dims] : [NaN, ...v.layout.dims];
  else if (c) dims = [...c.dims];
  else return refuse(node, `input '${node.inputs[0]}' has no producer`, 'a runtime tensor or a constant');
  if (v?.layout.chw || v?.layout.nhwc) refuse(node, 'shape of a tensor held in a different layout than ONNX', 'shapes of NCHW tensors');
  const start = intAttr(node, 'start', 0);
  const end = intAttr(node, 'end', dims.length);
  const norm = (a: number): number => Math.max(0, Math.min(dims.length, a < 0 ? a + dims.length : a));
  const out = dims.slice(norm(start), norm(end));
  setConst(ctx, node, [out.length], Float32Array.from(out));
}

function axisOf(node: OnnxNode, t: OnnxTensor): number {
  const a = intAttr(node, 'axis', 0);
  return a < 0 ? a + t.dims.length : a;
}

/** Gather on a constant (indices constant). */
export function convertGather(ctx: Ctx, node: OnnxNode): void {
  if (!ctx.consts.has(node.inputs[0])) refuse(node, 'gather from a runtime tensor', ONLY_CONST);
  const data = constIn(ctx, node, 0)!;
  const idx = constIn(ctx, node, 1)!;
  const axis = axisOf(node, data);
  if (axis < 0 || axis >= data.dims.length) refuse(node, `axis ${intAttr(node, 'axis', 0)} of a rank-${data.dims.length} constant`, 'axes inside the data rank');
  const outer = data.dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = data.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = data.dims[axis];
  const out = new Float32Array(outer * idx.data.length * inner);
  for (let o = 0; o < outer; o++) {
    idx.data.forEach((i0, j) => {
      const i = i0 < 0 ? i0 + n : i0;
      if (!(i >= 0 && i < n)) refuse(node, `index ${i0} outside 0..${n - 1}`, 'indices inside the axis');
      out.set(data.data.subarray((o * n + i) * inner, (o * n + i + 1) * inner), (o * idx.data.length + j) * inner);
    });
  }
  setConst(ctx, node, [...data.dims.slice(0, axis), ...idx.dims, ...data.dims.slice(axis + 1)], out, data.dataType);
}

/** Unsqueeze / Squeeze on a constant (axes from the attribute, or input 1 from opset 13). */
export function convertSqueeze(ctx: Ctx, node: OnnxNode): void {
  if (!ctx.consts.has(node.inputs[0])) refuse(node, 'on a runtime tensor', ONLY_CONST);
  const t = constIn(ctx, node, 0)!;
  const axesT = constIn(ctx, node, 1, true);
  const axes = axesT ? Array.from(axesT.data) : intsAttr(node, 'axes', null);
  let dims = [...t.dims];
  if (node.opType === 'Unsqueeze') {
    if (!axes) return refuse(node, 'no axes', 'axes as an attribute or a constant input');
    const r = dims.length + axes.length;
    for (const a of [...axes].map((x) => (x < 0 ? x + r : x)).sort((p, q) => p - q)) dims.splice(a, 0, 1);
  } else {
    const r = dims.length;
    const drop = new Set((axes ?? dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((x) => (x < 0 ? x + r : x)));
    dims = dims.filter((_, i) => !drop.has(i));
  }
  setConst(ctx, node, dims, t.data, t.dataType);
}

/** Cast of a constant (values kept; integer targets truncate toward zero). */
export function convertCast(ctx: Ctx, node: OnnxNode): void {
  if (!ctx.consts.has(node.inputs[0])) refuse(node, 'cast of a runtime tensor', ONLY_CONST);
  const t = constIn(ctx, node, 0)!;
  const to = intAttr(node, 'to', 1);
  const isFloat = to === 1 || to === 10 || to === 11 || to === 16;
  setConst(ctx, node, t.dims, isFloat ? t.data : t.data.map((v) => (Number.isNaN(v) ? v : Math.trunc(v))), to);
}

/** Concat whose inputs are all constants. */
export function concatConsts(ctx: Ctx, node: OnnxNode): void {
  const ts = node.inputs.map((_, i) => constIn(ctx, node, i)!);
  if (ts.some((t) => t.dims.length !== 1)) refuse(node, 'constants of rank other than 1', 'rank-1 shape constants');
  const data = new Float32Array(ts.reduce((a, t) => a + t.data.length, 0));
  ts.reduce((o, t) => (data.set(t.data, o), o + t.data.length), 0);
  setConst(ctx, node, [data.length], data, ts[0].dataType);
}
