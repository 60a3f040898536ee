/**
 * ONNX activations, BatchNormalization, Add, Concat and the layout operators (Flatten, Reshape,
 * Transpose where it moves no data, Dropout / Identity dropped) -> simulator layers.
 */
import type { Activation, ElementwiseOp, Layer } from '../../sim/layers/types';
import type { OnnxNode } from './proto';
import { constIn, type Ctx, floatAttr, intAttr, intsAttr, refuse, type Value, valueIn } from './context';
import { broadcastConst, layoutOf, type ValueLayout } from './layout';
import { concatConsts } from './opsConst';

const sameLayout = (a: ValueLayout, b: ValueLayout): boolean => a.rank === b.rank && a.dims.join() === b.dims.join() && !a.chw === !b.chw;

/** Full ONNX dims of a value with batch 1 (rank 1 has no batch axis). */
const fullDims = (l: ValueLayout): number[] => (l.rank === 1 ? [...l.dims] : [1, ...l.dims]);

/** The simulator's channel axis of an ONNX value of rank r. */
const channelAxis = (rank: number): number => (rank === 1 ? 0 : 1);

function normAxis(node: OnnxNode, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) refuse(node, `axis ${axis} for rank ${rank}`, `axes in -${rank}..${rank - 1}`);
  return a;
}

function emitActivation(ctx: Ctx, node: OnnxNode, activation: Activation): void {
  const x = valueIn(ctx, node, 0);
  const target = ctx.foldTarget(node.inputs[0]);
  // fused into the activation unit after the GEMM(s); softmax spans channels, so only one GEMM
  if (target && (activation.kind !== 'softmax' || target.length === 1)) {
    for (const i of target) ctx.layers[i] = { ...ctx.layers[i], activation } as Layer;
    ctx.values.set(node.outputs[0], x);
    return;
  }
  const layer = ctx.push({ kind: 'activation', name: ctx.uniqueName(node.name), inputs: [x.layer], activation });
  ctx.values.set(node.outputs[0], { layer, layout: x.layout });
}

/** Emits an element-wise vector layer on input 0 of `node`. */
export function emitElementwise(ctx: Ctx, node: OnnxNode, x: Value, op: ElementwiseOp, name = node.name): Value {
  const layer = ctx.push({ kind: 'elementwise', name: ctx.uniqueName(name), inputs: [x.layer], op });
  return { layer, layout: x.layout };
}

/** Relu, Sigmoid, Tanh. */
export function convertSimpleActivation(ctx: Ctx, node: OnnxNode): void {
  const kind = node.opType === 'Relu' ? 'relu' : node.opType === 'Sigmoid' ? 'sigmoid' : 'tanh';
  emitActivation(ctx, node, { kind });
}

/** Softmax over the channel axis (opset >= 13: one axis; older: the coerced 2-D form). */
export function convertSoftmax(ctx: Ctx, node: OnnxNode): void {
  const x = valueIn(ctx, node, 0);
  const r = x.layout.rank;
  const a = normAxis(node, intAttr(node, 'axis', ctx.opset >= 13 ? -1 : 1), r);
  const { h, w } = x.layout.shape;
  const ok = a === channelAxis(r) && (r <= 2 || ctx.opset >= 13 || h * w === 1);
  if (!ok) refuse(node, `softmax over axis ${a} of a rank-${r} tensor (opset ${ctx.opset})`, 'softmax over the channel axis (axis 1; for opset < 13 only when the spatial size is 1)');
  emitActivation(ctx, node, { kind: 'softmax' });
}

/** Clip: [0, max] is the activation unit's clip (ReLU6 for max 6), [0, inf) relu, anything else a vector clamp. */
export function convertClip(ctx: Ctx, node: OnnxNode): void {
  let lo = floatAttr(node, 'min', -Infinity);
  let hi = floatAttr(node, 'max', Infinity);
  const mn = constIn(ctx, node, 1, true);
  const mx = constIn(ctx, node, 2, true);
  if (mn) lo = mn.data[0];
  if (mx) hi = mx.data[0];
  if (lo === 0 && hi === Infinity) return emitActivation(ctx, node, { kind: 'relu' });
  if (lo === 0 && hi > 0) return emitActivation(ctx, node, { kind: 'clip', bound: hi });
  ctx.values.set(node.outputs[0], emitElementwise(ctx, node, valueIn(ctx, node, 0), { kind: 'clamp', min: lo, max: hi }));
}

/** LeakyRelu (vector unit). */
export function convertLeakyRelu(ctx: Ctx, node: OnnxNode): void {
  ctx.values.set(node.outputs[0], emitElementwise(ctx, node, valueIn(ctx, node, 0), { kind: 'leakyrelu', alpha: floatAttr(node, 'alpha', 0.01) }));
}

/** BatchNormalization (inference form): scale' = scale / sqrt(var + eps), shift = B - mean * scale'. */
export function convertBatchNorm(ctx: Ctx, node: OnnxNode): void {
  const x = valueIn(ctx, node, 0);
  if (intAttr(node, 'training_mode', 0) !== 0 || node.outputs.slice(1).some((o) => o !== '')) refuse(node, 'training mode (running statistics outputs)', 'inference BatchNormalization with one output');
  if (intAttr(node, 'spatial', 1) !== 1) refuse(node, 'spatial=0', 'per-channel statistics');
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => constIn(ctx, node, i)!);
  const C = x.layout.shape.c;
  if ([scale, bias, mean, variance].some((t) => t.data.length !== C)) refuse(node, `statistics not of ${C} values`, 'one value per channel');
  const eps = floatAttr(node, 'epsilon', 1e-5);
  const s = new Float32Array(C);
  const t = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    s[c] = scale.data[c] / Math.sqrt(variance.data[c] + eps);
    t[c] = bias.data[c] - mean.data[c] * s[c];
  }
  const target = ctx.foldTarget(node.inputs[0]);
  if (target) {
    // folded into the producing conv / dense weights (per group: its slice of the channels)
    let off = 0;
    for (const i of target) {
      const l = ctx.layers[i];
      if (l.kind !== 'conv2d' && l.kind !== 'dense') continue;
      const n = l.kind === 'conv2d' ? l.outC : l.outF;
      const weights = Float32Array.from(l.weights, (v, e) => v * s[off + (e % n)]);
      const bias = Float32Array.from({ length: n }, (_, j) => (l.bias ? l.bias[j] : 0) * s[off + j] + t[off + j]);
      ctx.layers[i] = { ...l, weights, bias };
      off += n;
    }
    ctx.notes.push(`BatchNormalization '${node.name}' folded into ${target.map((i) => `'${ctx.layers[i].name}'`).join(', ')}`);
    ctx.values.set(node.outputs[0], x);
    ctx.arrayOut.set(node.outputs[0], ctx.arrayOut.get(node.inputs[0])!);
    return;
  }
  const layer = ctx.push({ kind: 'batchnorm', name: ctx.uniqueName(node.name), inputs: [x.layer], scale: s, shift: t, activation: { kind: 'linear' } });
  ctx.values.set(node.outputs[0], { layer, layout: x.layout });
}

/** Add: two runtime tensors of equal shape (residual), or a runtime tensor and a constant. */
export function convertAdd(ctx: Ctx, node: OnnxNode): void {
  const [a, b] = node.inputs;
  const va = ctx.values.get(a);
  const vb = ctx.values.get(b);
  if (va && vb) {
    if (!sameLayout(va.layout, vb.layout)) refuse(node, `operands of dims [${va.layout.dims.join(', ')}] and [${vb.layout.dims.join(', ')}]`, 'two runtime tensors of equal shape (no broadcasting between them)');
    const layer = ctx.push({ kind: 'add', name: ctx.uniqueName(node.name), inputs: [va.layer, vb.layer], activation: { kind: 'linear' } });
    ctx.values.set(node.outputs[0], { layer, layout: va.layout });
    return;
  }
  const x = va ?? vb ?? valueIn(ctx, node, 0);
  const k = constIn(ctx, node, va ? 1 : 0)!;
  const values = broadcastConst(k.data, k.dims, fullDims(x.layout), x.layout);
  if (!values) refuse(node, `constant of dims [${k.dims.join(', ')}] against [${fullDims(x.layout).join(', ')}]`, 'a constant that broadcasts to one image (not varying along the batch)');
  ctx.values.set(node.outputs[0], emitElementwise(ctx, node, x, { kind: 'addConst', values }));
}

/** Concat along the channel axis of runtime tensors. */
export function convertConcat(ctx: Ctx, node: OnnxNode): void {
  if (node.inputs.every((n) => ctx.consts.has(n))) return concatConsts(ctx, node);
  const vs = node.inputs.map((_, i) => valueIn(ctx, node, i));
  const r = vs[0].layout.rank;
  const a = normAxis(node, intAttr(node, 'axis', 1), r);
  if (a !== channelAxis(r)) refuse(node, `concatenation along axis ${a}`, 'concatenation along the channel axis (1)');
  const { h, w } = vs[0].layout.shape;
  if (vs.some((v) => v.layout.rank !== r || v.layout.shape.h !== h || v.layout.shape.w !== w || (v.layout.chw && v.layout.chw.h * v.layout.chw.w > 1))) {
    refuse(node, 'inputs of different rank or spatial size, or flattened images', 'equal rank and spatial size');
  }
  const c = vs.reduce((s, v) => s + v.layout.shape.c, 0);
  const dims = [c, ...vs[0].layout.dims.slice(r === 1 ? 1 : 1)];
  const layer = vs.length === 1 ? vs[0].layer : ctx.push({ kind: 'concat', name: ctx.uniqueName(node.name), inputs: vs.map((v) => v.layer) });
  ctx.values.set(node.outputs[0], { layer, layout: { rank: r, dims, shape: { h, w, c } } });
}

function emitFlatten(ctx: Ctx, node: OnnxNode, x: Value): void {
  const { h, w, c } = x.layout.shape;
  if (x.layout.rank <= 2) {
    ctx.values.set(node.outputs[0], { layer: x.layer, layout: { ...x.layout, rank: 2 } });
    return;
  }
  const layer = ctx.push({ kind: 'flatten', name: ctx.uniqueName(node.name), inputs: [x.layer] });
  const chw = h * w > 1 && c > 1 ? x.layout.shape : undefined;
  ctx.values.set(node.outputs[0], { layer, layout: { rank: 2, dims: [h * w * c], shape: { h: 1, w: 1, c: h * w * c }, chw } });
}

/** Flatten from axis 1 (the batch stays apart). */
export function convertFlatten(ctx: Ctx, node: OnnxNode): void {
  const x = valueIn(ctx, node, 0);
  const a = normAxis(node, intAttr(node, 'axis', 1), x.layout.rank);
  if (a !== 1 || x.layout.rank === 1) refuse(node, `flatten at axis ${a} of a rank-${x.layout.rank} tensor`, 'axis 1 (batch kept apart)');
  emitFlatten(ctx, node, x);
}

/** Reshape that is a flatten to (N, features) or leaves the dims unchanged. */
export function convertReshape(ctx: Ctx, node: OnnxNode): void {
  const x = valueIn(ctx, node, 0);
  const shape = constIn(ctx, node, 1)!;
  const t = Array.from(shape.data);
  const dims = x.layout.dims;
  const P = dims.reduce((p, q) => p * q, 1);
  const allowZero = intAttr(node, 'allowzero', 0) === 1;
  // NaN: the runtime batch, from Shape of a runtime tensor (opsConst.ts)
  const batchOk = (b: number): boolean => Number.isNaN(b) || b === -1 || (!allowZero && b === 0) || b === ctx.batch;
  if (x.layout.rank > 1 && t.length === 2 && batchOk(t[0]) && (t[1] === P || (t[1] === -1 && t[0] !== -1))) return emitFlatten(ctx, node, x);
  const same = x.layout.rank > 1 && t.length === dims.length + 1 && batchOk(t[0]) && t.slice(1).every((d, i) => d === dims[i] || (!allowZero && d === 0) || (d === -1 && t[0] !== -1));
  if (!same) refuse(node, `reshape of [N, ${dims.join(', ')}] to [${t.join(', ')}]`, 'a flatten to [N, features] or an unchanged shape');
  ctx.values.set(node.outputs[0], x);
}

/** Transpose that moves only axes of size 1 (no data movement) and keeps the batch first. */
export function convertTranspose(ctx: Ctx, node: OnnxNode): void {
  const x = valueIn(ctx, node, 0);
  const full = fullDims(x.layout);
  const r = full.length;
  const perm = intsAttr(node, 'perm', Array.from({ length: r }, (_, i) => r - 1 - i))!;
  const nonUnit = perm.filter((p) => p === 0 || full[p] !== 1);
  const keepsOrder = nonUnit.every((p, i) => i === 0 || p > nonUnit[i - 1]);
  const out = perm.map((p) => full[p]);
  const l = layoutOf(out);
  if (perm.length !== r || perm[0] !== 0 || !keepsOrder || !l) refuse(node, `perm [${perm.join(', ')}] on dims [N, ${x.layout.dims.join(', ')}] moves data`, 'a layout no-op: only axes of size 1 move and the batch stays first');
  const { h, w, c } = l.shape;
  const s = x.layout.shape;
  if (l.rank === 2 && x.layout.rank > 2) return emitFlatten(ctx, node, x);
  if (h !== s.h || w !== s.w || c !== s.c) refuse(node, `perm [${perm.join(', ')}] changes the image layout from ${s.h}x${s.w}x${s.c} to ${h}x${w}x${c}`, 'a layout no-op');
  ctx.values.set(node.outputs[0], { layer: x.layer, layout: { ...l, chw: x.layout.chw } });
}

/** Identity and inference Dropout: the output is the input (runtime value or constant). */
export function convertIdentity(ctx: Ctx, node: OnnxNode): void {
  if (node.opType === 'Dropout') {
    if (node.outputs.length > 1 && node.outputs[1] !== '') refuse(node, 'the mask output is used', 'inference Dropout (one output)');
    const tm = node.inputs[2] ? ctx.consts.get(node.inputs[2]) : undefined;
    if ((node.inputs[2] && !tm) || (tm && tm.data[0] !== 0)) refuse(node, 'training_mode is not a constant false', 'inference Dropout');
  }
  const src = node.inputs[0];
  const v = ctx.values.get(src);
  if (v) ctx.values.set(node.outputs[0], v);
  else ctx.consts.set(node.outputs[0], { ...constIn(ctx, node, 0)!, name: node.outputs[0] });
}
