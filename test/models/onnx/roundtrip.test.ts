/**
 * Round trip: the shipped LeNet-5 exported to ONNX (models/onnx/export.ts, the code behind
 * scripts/export-onnx.ts) and re-imported gives the same predictions as the shipped model on
 * every MNIST test image, through the golden engine; onnxruntime-node on the exported file agrees.
 * The committed example file is what the script writes today.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../models/io/load';
import { loadMnistSplit } from '../../../models/data/mnist';
import { networkToOnnx } from '../../../models/onnx/export';
import { runGolden } from '../../../sim/engine/golden';
import { createJsKernel } from '../../../sim/kernels/js';
import { importBytes } from './ortCompare';

const argmaxRows = (out: ArrayLike<number>, n: number, k: number): Int32Array =>
  Int32Array.from({ length: n }, (_, i) => {
    let best = 0;
    for (let j = 1; j < k; j++) if (out[i * k + j] > out[i * k + best]) best = j;
    return best;
  });

describe('LeNet-5 ONNX round trip', () => {
  const net = loadModel('lenet5');
  const bytes = networkToOnnx(net);

  it('the committed example is the export of the shipped weights', () => {
    expect(bytes.ok).toBe(true);
    if (!bytes.ok) return;
    expect(Buffer.compare(readFileSync('models/onnx/examples/lenet5.onnx'), Buffer.from(bytes.value))).toBe(0);
  });

  it('re-imported: same predictions on all MNIST test images, and onnxruntime-node agrees', async () => {
    if (!bytes.ok) throw new Error(bytes.reason);
    const test = loadMnistSplit().test;
    expect(test.n).toBe(1501);
    const kernel = createJsKernel();
    const shipped = runGolden(net, test.images, { format: { kind: 'fp32' } }, kernel);
    const imported = importBytes(bytes.value);
    const back = runGolden(imported.network, test.images, { format: { kind: 'fp32' } }, kernel);
    if (!shipped.ok || !back.ok) throw new Error('golden run failed');
    expect(Array.from(back.value.predictions)).toEqual(Array.from(shipped.value.predictions));
    let maxErr = 0;
    for (let i = 0; i < shipped.value.output.length; i++) maxErr = Math.max(maxErr, Math.abs(shipped.value.output[i] - back.value.output[i]));
    expect(maxErr).toBeLessThan(1e-5);
    // the shipped model is accurate, so equal predictions are not a trivial agreement
    const acc = shipped.value.predictions.reduce((a, p, i) => a + (p === test.labels[i] ? 1 : 0), 0) / test.n;
    expect(acc).toBeGreaterThan(0.95);
    // onnxruntime-node on the exported file (NCHW = NHWC for one channel)
    const session = await ort.InferenceSession.create(bytes.value);
    const res = await session.run({ input: new ort.Tensor('float32', test.images, [test.n, 1, 28, 28]) });
    const ortPred = argmaxRows(res.output.data as Float32Array, test.n, 10);
    expect(Array.from(ortPred)).toEqual(Array.from(shipped.value.predictions));
  });
});

describe('VGG-MNIST ONNX round trip (batch norms exported, folded back on import)', () => {
  it('same predictions on 300 MNIST test images; onnxruntime-node agrees', async () => {
    const net = loadModel('vgg_mnist');
    const bytes = networkToOnnx(net);
    if (!bytes.ok) throw new Error(bytes.reason);
    const imported = importBytes(bytes.value);
    expect(imported.network.layers.some((l) => l.kind === 'batchnorm')).toBe(false);
    expect(net.layers.some((l) => l.kind === 'batchnorm')).toBe(true);
    const test = loadMnistSplit().test;
    const n = 300;
    const images = test.images.subarray(0, n * 784);
    const kernel = createJsKernel();
    const a = runGolden(net, images, { format: { kind: 'fp32' } }, kernel);
    const b = runGolden(imported.network, images, { format: { kind: 'fp32' } }, kernel);
    if (!a.ok || !b.ok) throw new Error('golden run failed');
    expect(Array.from(b.value.predictions)).toEqual(Array.from(a.value.predictions));
    const session = await ort.InferenceSession.create(bytes.value);
    const res = await session.run({ input: new ort.Tensor('float32', images, [n, 1, 28, 28]) });
    expect(Array.from(argmaxRows(res.output.data as Float32Array, n, 10))).toEqual(Array.from(a.value.predictions));
  });
});
