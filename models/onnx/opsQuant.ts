/**
 * ONNX QuantizeLinear / DequantizeLinear / QLinearConv / QLinearMatMul. Integer tensors are held
 * as their integer codes (values). A DequantizeLinear of a constant folds into the constant (QDQ
 * weights); on runtime tensors both run as vector-unit element-wise layers. QLinearConv and
 * QLinearMatMul lower to dequantize -> fp32 conv2d / dense on the array (weights (w - w_zp) *
 * w_scale, bias B * x_scale * w_scale) -> quantize: the array computes in the run's numeric
 * format, not in ONNX's integer arithmetic (results within one output code).
 */
import type { OnnxNode, OnnxTensor } from './proto';
import { constIn, type Ctx, intAttr, refuse, type Value, valueIn } from './context';
import { emitConv } from './opsConv';
import { emitDense } from './opsDense';
import { emitElementwise } from './opsMisc';

/** Code range of a zero-point tensor's type (uint8 when absent). */
function codeRange(node: OnnxNode, zp: OnnxTensor | null): [number, number] {
  const t = zp ? zp.dataType : 2;
  if (t === 2) return [0, 255];
  if (t === 3) return [-128, 127];
  return refuse(node, `zero point of type ${t}`, 'uint8 or int8 zero points');
}

/** Scale / zero point as per-tensor (1 value) or per-channel (c values along the channel axis). */
function perChannel(ctx: Ctx, node: OnnxNode, x: Value, scaleIdx: number, zpIdx: number): { scale: Float32Array; zp: Float32Array } {
  const scale = constIn(ctx, node, scaleIdx)!;
  const zpT = constIn(ctx, node, zpIdx, true);
  const zp = zpT ? zpT.data : new Float32Array(1);
  const c = x.layout.shape.c;
  const r = x.layout.rank;
  if (scale.data.length > 1 || zp.length > 1) {
    const axis = intAttr(node, 'axis', 1);
    const a = axis < 0 ? axis + r : axis;
    if (a !== (r === 1 ? 0 : 1) || (scale.data.length !== c && scale.data.length !== 1) || (zp.length !== c && zp.length !== 1)) {
      refuse(node, `per-axis parameters along axis ${axis} (${scale.data.length} scales)`, 'per-tensor or per-channel (axis 1) scales and zero points');
    }
  }
  return { scale: scale.data, zp };
}

/** QuantizeLinear on a runtime tensor. */
export function convertQuantize(ctx: Ctx, node: OnnxNode): void {
  const x = valueIn(ctx, node, 0);
  const { scale, zp } = perChannel(ctx, node, x, 1, 2);
  const [lo, hi] = codeRange(node, constIn(ctx, node, 2, true));
  ctx.values.set(node.outputs[0], emitElementwise(ctx, node, x, { kind: 'quantize', scale, zeroPoint: zp, lo, hi }));
}

/** Dequantizes constant `t` along `axis` (per-tensor when scale has one value). */
function foldDequantize(node: OnnxNode, t: OnnxTensor, scale: OnnxTensor, zp: OnnxTensor | null, axis: number): OnnxTensor {
  const r = t.dims.length;
  const a = axis < 0 ? axis + r : axis;
  const per = scale.data.length > 1;
  if (per && (a < 0 || a >= r || t.dims[a] !== scale.data.length)) refuse(node, `per-axis scales of ${scale.data.length} values along axis ${axis} of dims [${t.dims.join(', ')}]`, 'scales matching the axis length');
  const inner = per ? t.dims.slice(a + 1).reduce((p, q) => p * q, 1) : 1;
  const n = per ? scale.data.length : 1;
  const data = new Float32Array(t.data.length);
  for (let i = 0; i < data.length; i++) {
    const ch = per ? Math.floor(i / inner) % n : 0;
    const z = zp ? zp.data[zp.data.length === 1 ? 0 : ch] : 0;
    data[i] = (t.data[i] - z) * scale.data[ch];
  }
  return { name: node.outputs[0], dims: t.dims, dataType: 1, data };
}

/** DequantizeLinear: folded on constants, a vector layer on runtime tensors. */
export function convertDequantize(ctx: Ctx, node: OnnxNode): void {
  const c = ctx.consts.get(node.inputs[0]);
  if (c) {
    ctx.consts.set(node.outputs[0], foldDequantize(node, c, constIn(ctx, node, 1)!, constIn(ctx, node, 2, true), intAttr(node, 'axis', 1)));
    return;
  }
  const x = valueIn(ctx, node, 0);
  const { scale, zp } = perChannel(ctx, node, x, 1, 2);
  ctx.values.set(node.outputs[0], emitElementwise(ctx, node, x, { kind: 'dequantize', scale, zeroPoint: zp }));
}

/** Float weights (w - zp[m]) * scale[m] along axis 0 and the float bias B[m] * xs * ws[m]. */
function dequantWeights(node: OnnxNode, w: OnnxTensor, ws: OnnxTensor, wzp: OnnxTensor | null, xs: number, B: OnnxTensor | null): { w: OnnxTensor; bias: Float32Array | null } {
  const M = w.dims[0];
  if (ws.data.length !== 1 && ws.data.length !== M) refuse(node, `${ws.data.length} weight scales for ${M} outputs`, 'per-tensor or per-output-channel weight scales');
  const fw = foldDequantize(node, w, ws, wzp, 0);
  let bias: Float32Array | null = null;
  if (B) {
    if (B.data.length !== M) refuse(node, `bias of ${B.data.length} values for ${M} outputs`, 'an int32 bias of one value per output');
    bias = Float32Array.from(B.data, (b, m) => b * xs * ws.data[ws.data.length === 1 ? 0 : m]);
  }
  return { w: fw, bias };
}

function requantize(ctx: Ctx, node: OnnxNode, y: Value, ysIdx: number, yzpIdx: number): Value {
  const ys = constIn(ctx, node, ysIdx)!;
  const yzp = constIn(ctx, node, yzpIdx, true);
  if (ys.data.length !== 1 || (yzp && yzp.data.length !== 1)) refuse(node, 'per-channel output scale', 'a per-tensor output scale and zero point');
  const [lo, hi] = codeRange(node, yzp);
  const q = emitElementwise(ctx, node, y, { kind: 'quantize', scale: ys.data, zeroPoint: yzp ? yzp.data : new Float32Array(1), lo, hi }, `${node.name}/quantize`);
  ctx.values.set(node.outputs[0], q);
  return q;
}

function dequantInput(ctx: Ctx, node: OnnxNode, x: Value): { v: Value; xs: number } {
  const xsT = constIn(ctx, node, 1)!;
  const xzp = constIn(ctx, node, 2, true);
  if (xsT.data.length !== 1 || (xzp && xzp.data.length !== 1)) refuse(node, 'per-channel input scale', 'a per-tensor input scale and zero point');
  const v = emitElementwise(ctx, node, x, { kind: 'dequantize', scale: xsT.data, zeroPoint: xzp ? xzp.data : new Float32Array(1) }, `${node.name}/dequantize`);
  return { v, xs: xsT.data[0] };
}

/** True when `s` is 2^-n with n in 0..7 (a scale the engine's Qm.n int8 can hold). */
function powerOfTwoScale(s: number): boolean {
  for (let n = 0; n <= 7; n++) if (s === 2 ** -n) return true;
  return false;
}

/**
 * Import note of a QLinear node: what the array computes, and each reason its quantization is not
 * the engine's int8 format (sim/types.ts: Qm.n codes, value = code * 2^-n with n 0..7, signed,
 * no zero point, one format per layer operand).
 */
function qlinearNote(ctx: Ctx, node: OnnxNode, idx: { xs: number; xzp: number; ws: number; wzp: number; ys: number; yzp: number }, layers: { dq: string; array: string | null; q: string }): void {
  const why: string[] = [];
  for (const [role, si, zi] of [['input', idx.xs, idx.xzp], ['weight', idx.ws, idx.wzp], ['output', idx.ys, idx.yzp]] as const) {
    const sc = constIn(ctx, node, si)!;
    const zp = constIn(ctx, node, zi, true);
    if (sc.data.length > 1) why.push(`${sc.data.length} per-channel ${role} scales`);
    const bad = Array.from(sc.data).find((v) => !powerOfTwoScale(v));
    if (bad !== undefined) why.push(`${role} scale ${bad} is not 2^-n (n 0..7)`);
    if (!zp || zp.dataType === 2) why.push(`${role} is uint8`);
    if (zp && Array.from(zp.data).some((z) => z !== 0)) why.push(`${role} zero point ${Array.from(zp.data).find((z) => z !== 0)} is not 0`);
  }
  if (why.length === 0 && layers.array === null) why.push('a grouped conv (several layers)');
  if (why.length > 0) {
    ctx.notes.push(`${node.opType} '${node.name}': computed on the array in the run's format (fp32 by default) on dequantized values, between vector-unit dequantize and quantize layers; not mapped onto --format int8 (${why.join('; ')})`);
    return;
  }
  const frac = (i: number): number => -Math.log2(constIn(ctx, node, i)!.data[0]!);
  const [x, w, y] = [frac(idx.xs), frac(idx.ws), frac(idx.ys)];
  ctx.int8Fracs.set(layers.dq, { weight: 0, input: 0, output: x });
  ctx.int8Fracs.set(layers.array!, { weight: w, input: x, output: y });
  ctx.int8Fracs.set(layers.q, { weight: 0, input: y, output: 0 });
  ctx.notes.push(`${node.opType} '${node.name}': int8 with scales 2^-${x} (input), 2^-${w} (weights), 2^-${y} (output) and zero points 0: with --format int8 the array computes it in int8 as the file says (input Q${7 - x}.${x}, weights Q${7 - w}.${w}, output Q${7 - y}.${y}, int32 accumulator); in other formats on dequantized values`);
}

/** QLinearConv: x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B. */
export function convertQLinearConv(ctx: Ctx, node: OnnxNode): void {
  const { v, xs } = dequantInput(ctx, node, valueIn(ctx, node, 0));
  const d = dequantWeights(node, constIn(ctx, node, 3)!, constIn(ctx, node, 4)!, constIn(ctx, node, 5, true), xs, constIn(ctx, node, 8, true));
  if (d.w.dims.length !== v.layout.rank) refuse(node, `weights of rank ${d.w.dims.length}`, 'weights [M, C/group, kh, kw]');
  const conv = emitConv(ctx, node, v, d.w, d.w.data, d.bias);
  const q = requantize(ctx, node, conv, 6, 7);
  qlinearNote(ctx, node, { xs: 1, xzp: 2, ws: 4, wzp: 5, ys: 6, yzp: 7 }, { dq: v.layer, array: intAttr(node, 'group', 1) === 1 ? conv.layer : null, q: q.layer });
}

/** QLinearMatMul: a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp. */
export function convertQLinearMatMul(ctx: Ctx, node: OnnxNode): void {
  const { v, xs } = dequantInput(ctx, node, valueIn(ctx, node, 0));
  const b = constIn(ctx, node, 3)!;
  if (b.dims.length !== 2) refuse(node, `b of rank ${b.dims.length}`, 'a rank-2 constant b [K, N]');
  const bs = constIn(ctx, node, 4)!;
  const bzp = constIn(ctx, node, 5, true);
  const N = b.dims[1];
  if (bs.data.length !== 1 && bs.data.length !== N) refuse(node, `${bs.data.length} b scales`, 'per-tensor or per-column scales');
  const w = foldDequantize(node, b, bs, bzp, 1);
  void xs;
  const dense = emitDense(ctx, node, v, w.data, b.dims[0], N, null);
  const q = requantize(ctx, node, dense, 6, 7);
  qlinearNote(ctx, node, { xs: 1, xzp: 2, ws: 4, wzp: 5, ys: 6, yzp: 7 }, { dq: v.layer, array: dense.layer, q: q.layer });
}
