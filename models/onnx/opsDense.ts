/**
 * ONNX Gemm / MatMul -> dense layers. The runtime operand is A (rank 2, or rank 1); B is a
 * constant [K][N] ([N][K] with transB); alpha scales the weights and beta the bias C (a scalar or
 * N values: a bias varying along the batch is refused). When A is an image flattened in ONNX's
 * C,H,W order, the weight rows are permuted to the simulator's H,W,C flatten instead.
 */
import type { OnnxNode } from './proto';
import { constIn, type Ctx, floatAttr, intAttr, refuse, type Value, valueIn } from './context';
import { chwIndex } from './layout';

/** Emits a dense layer for weights `w` [K][N] (ONNX feature order) and returns its output value. */
export function emitDense(ctx: Ctx, node: OnnxNode, x: Value, w: Float32Array, K: number, N: number, bias: Float32Array | null): Value {
  if (x.layout.rank > 2) refuse(node, `runtime input of rank ${x.layout.rank}`, 'rank-2 (N,K) inputs (Flatten first); batched MatMul is not supported');
  const { h, w: W, c } = x.layout.shape;
  if (h * W * c !== K) refuse(node, `weights for ${K} input features, input has ${h * W * c}`, 'matching feature counts');
  let weights = w;
  const s = x.layout.chw;
  if (s) {
    weights = new Float32Array(K * N);
    for (let y = 0; y < s.h; y++) {
      for (let xx = 0; xx < s.w; xx++) {
        for (let ch = 0; ch < s.c; ch++) {
          const ours = (y * s.w + xx) * s.c + ch;
          weights.set(w.subarray(chwIndex(s, y, xx, ch) * N, (chwIndex(s, y, xx, ch) + 1) * N), ours * N);
        }
      }
    }
    ctx.notes.push(`${node.opType} '${node.name}': weight rows permuted from C,H,W to H,W,C flatten order`);
  }
  const layer = ctx.push({ kind: 'dense', name: ctx.uniqueName(node.name), inputs: [x.layer], inF: K, outF: N, weights, bias, activation: { kind: 'linear' } });
  return { layer, layout: { rank: x.layout.rank === 1 ? 1 : 2, dims: [N], shape: { h: 1, w: 1, c: N } } };
}

/** ONNX Gemm: Y = alpha * A' B' + beta * C. */
export function convertGemm(ctx: Ctx, node: OnnxNode): void {
  const x = valueIn(ctx, node, 0);
  if (intAttr(node, 'transA', 0) !== 0) refuse(node, 'transA=1 (the runtime operand transposed)', 'transA=0');
  const B = constIn(ctx, node, 1)!;
  if (B.dims.length !== 2) refuse(node, `B of rank ${B.dims.length}`, 'a rank-2 constant B');
  const transB = intAttr(node, 'transB', 0) === 1;
  const [K, N] = transB ? [B.dims[1], B.dims[0]] : [B.dims[0], B.dims[1]];
  const alpha = floatAttr(node, 'alpha', 1);
  const beta = floatAttr(node, 'beta', 1);
  const w = new Float32Array(K * N);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) w[k * N + n] = alpha * B.data[transB ? n * K + k : k * N + n];
  const C = constIn(ctx, node, 2, true);
  let bias: Float32Array | null = null;
  if (C) {
    const rows = C.dims.length === 2 ? C.dims[0] : 1;
    if (rows !== 1 || (C.data.length !== 1 && C.data.length !== N)) refuse(node, `C of dims [${C.dims.join(', ')}]`, `a scalar or ${N} bias values (broadcast over the batch)`);
    bias = new Float32Array(N);
    for (let n = 0; n < N; n++) bias[n] = beta * C.data[C.data.length === 1 ? 0 : n];
  }
  const y = emitDense(ctx, node, x, w, K, N, bias);
  ctx.values.set(node.outputs[0], y);
  ctx.arrayOut.set(node.outputs[0], [y.layer]);
}

/** ONNX MatMul with a constant right operand. */
export function convertMatMul(ctx: Ctx, node: OnnxNode): void {
  const x = valueIn(ctx, node, 0);
  const B = constIn(ctx, node, 1)!;
  if (B.dims.length !== 2) refuse(node, `B of rank ${B.dims.length}`, 'a rank-2 constant B [K, N]');
  const y = emitDense(ctx, node, x, B.data, B.dims[0], B.dims[1], null);
  ctx.values.set(node.outputs[0], y);
  ctx.arrayOut.set(node.outputs[0], [y.layer]);
}
