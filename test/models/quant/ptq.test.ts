import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { runGolden } from '../../../sim/engine/golden';
import { createJsKernel } from '../../../sim/kernels';
import { int8Format } from '../../../sim/format/format';
import { hasWeights } from '../../../models/io/weights';
import { loadModel } from '../../../models/io/load';
import { loadMnistSplit } from '../../../models/data/mnist';
import { head } from '../../../models/data/dataset';
import { formatFor, intBitsFor, ptq } from '../../../models/quant/ptq';

beforeAll(async () => { await tf.setBackend('cpu'); });

describe('Qm.n choice', () => {
  it('picks the smallest integer part that holds the range', () => {
    expect(intBitsFor(0.5)).toBe(0);
    expect(intBitsFor(0.99)).toBe(0); // Q0.7 max = 127/128
    expect(intBitsFor(0.995)).toBe(1);
    expect(intBitsFor(3.9)).toBe(2);
    expect(intBitsFor(22.7)).toBe(5);
    expect(intBitsFor(1e6)).toBe(7);
    expect(formatFor(3.9)).toEqual(int8Format(2, 5));
  });
});

describe.skipIf(!hasWeights('lenet5'))('LeNet-5 runs in fp32, fp16 and int8 on the simulator', () => {
  const net = loadModel('lenet5');
  const { train, test } = loadMnistSplit();
  const calib = head(train, 300);
  const slice = head(test, 100);
  const js = createJsKernel();
  const acc = (pred: Int32Array): number => pred.reduce((a, p, i) => a + (p === slice.labels[i] ? 1 : 0), 0) / slice.n;
  it('per-layer int8 PTQ keeps accuracy within 3 points of fp32; fixed Q3.4 everywhere does worse or equal', () => {
    const fp32 = runGolden(net, slice.images, { format: { kind: 'fp32' } }, js);
    const fp16 = runGolden(net, slice.images, { format: { kind: 'fp16' } }, js);
    const q = ptq(net, calib);
    const int8 = runGolden(net, slice.images, { format: int8Format(3, 4) }, js, { layerFormats: q.layerFormats });
    const fixed = runGolden(net, slice.images, { format: int8Format(3, 4) }, js);
    if (!fp32.ok || !fp16.ok || !int8.ok || !fixed.ok) throw new Error('run failed');
    const a32 = acc(fp32.value.predictions), a16 = acc(fp16.value.predictions), a8 = acc(int8.value.predictions), aq = acc(fixed.value.predictions);
    expect(a32).toBeGreaterThan(0.9);
    expect(Math.abs(a16 - a32)).toBeLessThanOrEqual(0.01);
    expect(a8).toBeGreaterThanOrEqual(a32 - 0.03);
    expect(a8).toBeGreaterThanOrEqual(aq);
    // formats follow the profiled ranges: conv1 weights < 1 -> Q0.7, logits need integer bits
    expect(q.formats[0]!.weight).toEqual(formatFor(Math.max(...Array.from(net.layers[0]!.kind === 'conv2d' ? net.layers[0]!.weights : [], Math.abs))));
    const logitsF = q.formats[net.layers.length - 1]!.output;
    expect(logitsF.kind === 'int8' ? logitsF.intBits : -1).toBeGreaterThan(0);
  });
});
