/**
 * The importer + golden engine against onnxruntime-node on models the ONNX node tests do not
 * cover: grouped, depthwise and dilated convolutions, a MobileNet block (BN folded, ReLU6), a
 * residual Add, Concat of two runtime tensors, LeakyRelu, no-op Transpose, Dropout, Flatten /
 * Reshape into Gemm / MatMul (C,H,W order), Softmax. fp32 tolerance 1e-5 + 1e-4*|ref|.
 */
import { describe, expect, it } from 'vitest';
import { compareWithOrt, uniform } from './ortCompare';
import { depthwiseConv, dilatedConv, dynamicFlatten, flattenDense, groupedConv, mobilenetBlock, nhwcInput, qdqConv, qlinearConv, residualHead } from './models';

const close = (ours: Float32Array, ref: Float32Array): void => {
  expect(ours.length).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) expect(Math.abs(ours[i] - ref[i]), `element ${i}: ${ours[i]} vs ${ref[i]}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(ref[i]));
};

describe('ONNX import vs onnxruntime-node', () => {
  it('grouped conv (2 groups) is one slice + conv2d per group + concat, and matches', async () => {
    const r = await compareWithOrt(groupedConv(), uniform(2 * 4 * 49, 1), [2, 4, 7, 7]);
    close(r.ours, r.ort);
    expect(r.imported.network.layers.map((l) => l.kind)).toEqual(['slice', 'conv2d', 'slice', 'conv2d', 'concat']);
  });

  it('depthwise conv with channel multiplier 2, stride 2 and asymmetric pads matches', async () => {
    const r = await compareWithOrt(depthwiseConv(), uniform(3 * 3 * 72, 2), [3, 3, 9, 8]);
    close(r.ours, r.ort);
    expect(r.imported.network.layers.filter((l) => l.kind === 'conv2d').length).toBe(3);
  });

  it('dilated and SAME_UPPER convs match', async () => {
    const r = await compareWithOrt(dilatedConv(), uniform(2 * 2 * 100, 3), [2, 2, 10, 10]);
    close(r.ours, r.ort);
  });

  it('MobileNet block: batch norms folded into the convs, ReLU6 fused as clip 6, matches', async () => {
    const r = await compareWithOrt(mobilenetBlock(), uniform(2 * 8 * 144, 4, -2, 2), [2, 8, 12, 12]);
    close(r.ours, r.ort);
    const layers = r.imported.network.layers;
    expect(layers.some((l) => l.kind === 'batchnorm' || l.kind === 'activation')).toBe(false);
    const pw = layers[layers.length - 1];
    expect(pw.kind === 'conv2d' && pw.activation).toEqual({ kind: 'clip', bound: 6 });
    // ReLU6 saturates somewhere in this data, so the clip is exercised
    expect(r.ort.some((v) => v === 6)).toBe(true);
  });

  it('residual add, concat, LeakyRelu, no-op Transpose, Dropout, Gemm and Softmax match', async () => {
    const r = await compareWithOrt(residualHead(), uniform(3 * 4 * 36, 5), [3, 4, 6, 6]);
    close(r.ours, r.ort);
    expect(r.imported.network.layers.map((l) => l.kind)).toContain('add');
  });

  it('Reshape to (N, features) feeding MatMul uses the C,H,W order, and matches', async () => {
    const r = await compareWithOrt(flattenDense(), uniform(2 * 3 * 64, 6), [2, 3, 8, 8]);
    close(r.ours, r.ort);
    expect(r.imported.notes.some((n) => n.includes('permuted'))).toBe(true);
  });

  it('QDQ int8 model (quantized weights folded, activations quantize/dequantize): within one output step of onnxruntime', async () => {
    const r = await compareWithOrt(qdqConv(), uniform(2 * 2 * 36, 8, -2, 2), [2, 2, 6, 6]);
    expect(r.ort.length).toBe(r.ours.length);
    // onnxruntime runs this as an integer QLinearConv; the array computes in fp32: one 0.05 step at most
    expect(r.maxErr).toBeLessThanOrEqual(0.05 + 1e-6);
    const kinds = r.imported.network.layers.map((l) => (l.kind === 'elementwise' ? l.op.kind : l.kind));
    expect(kinds).toEqual(['quantize', 'dequantize', 'conv2d', 'quantize', 'dequantize']);
    const exact = r.ours.filter((v, i) => v === r.ort[i]).length;
    expect(exact / r.ours.length).toBeGreaterThan(0.95);
  });

  it('QLinearConv on uint8 input, per-channel int8 weights, int32 bias: within one code', async () => {
    const x = Float32Array.from(uniform(2 * 2 * 25, 9, 0, 255), (v) => Math.floor(v));
    const r = await compareWithOrt(qlinearConv(), x, [2, 2, 5, 5], 'uint8');
    expect(r.maxErr).toBeLessThanOrEqual(1);
    expect(r.ours.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
  });

  it('an NHWC input read through Transpose(0,3,1,2) (tf2onnx / Keras exports) is fed as is, and matches', async () => {
    const r = await compareWithOrt(nhwcInput(), uniform(2 * 147, 10), [2, 7, 7, 3]);
    close(r.ours, r.ort);
    expect(r.imported.input.layout.nhwc).toBe(true);
    expect(r.imported.network.input).toEqual({ h: 7, w: 7, c: 3 });
  });

  it('a dynamic-batch flatten (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) folds to a flatten, and matches', async () => {
    const r = await compareWithOrt(dynamicFlatten(), uniform(5 * 32, 11), [5, 2, 4, 4]);
    close(r.ours, r.ort);
    expect(r.imported.network.layers.map((l) => l.kind)).toEqual(['conv2d', 'flatten', 'dense']);
  });
});
