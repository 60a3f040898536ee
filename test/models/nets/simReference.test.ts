import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { referenceForward } from '../../../sim/layers/reference';
import { materialize } from '../../../models/nets/init';
import { lenet5Arch, vggMnistArch } from '../../../models/nets/mnistNets';
import type { Arch } from '../../../models/nets/arch';
import { networkToTf } from '../../../models/train/tfModel';
import { makeRng } from '../../../models/rng';
import type { Network } from '../../../sim/layers/types';

await tf.setBackend('cpu');

/** A small residual net exercising add/inputs, stride-2 'same' convs, BN, max/avg pooling and GAP. */
const tinyResNet: Arch = {
  name: 'tiny_res', input: { h: 12, w: 12, c: 3 },
  layers: [
    { kind: 'conv2d', name: 'stem', k: 3, outC: 4, stride: 2, pad: 'same', bias: true, activation: { kind: 'relu' } },
    { kind: 'conv2d', name: 'a', k: 3, outC: 4, stride: 1, pad: 1, bias: false, activation: { kind: 'linear' } },
    { kind: 'batchnorm', name: 'a_bn', activation: { kind: 'relu' } },
    { kind: 'add', name: 'add', inputs: ['a_bn', 'stem'], activation: { kind: 'relu' } },
    { kind: 'maxpool', name: 'mp', size: 3, stride: 2, pad: 1 },
    { kind: 'avgpool', name: 'ap', size: 2, stride: 1, pad: 'valid' },
    { kind: 'globalavgpool', name: 'gap' },
    { kind: 'dense', name: 'fc', outF: 5, bias: true, activation: { kind: 'softmax' } },
  ],
};

function compare(net: Network, n: number): number {
  const rng = makeRng(5);
  const { h, w, c } = net.input;
  const x = Float32Array.from({ length: n * h * w * c }, () => rng.float());
  const ref = referenceForward(net, x, n);
  if (!ref.ok) throw new Error(ref.reason);
  const t = networkToTf(net);
  const y = (t.model.predict(tf.tensor4d(x, [n, h, w, c])) as tf.Tensor).dataSync();
  const out = ref.value.outputs[ref.value.outputs.length - 1]!;
  expect(out.length).toBe(y.length);
  let md = 0;
  out.forEach((v, i) => (md = Math.max(md, Math.abs(v - y[i]!))));
  t.model.dispose();
  return md;
}

describe('models/ networks run identically on the sim reference forward pass and on tfjs', () => {
  it('LeNet-5 and VGG-MNIST', () => {
    expect(compare(materialize(lenet5Arch(), 1), 4)).toBeLessThan(1e-5);
    expect(compare(materialize(vggMnistArch(), 2), 4)).toBeLessThan(1e-5);
  });

  it('a residual net with explicit inputs, BN, padded max pooling and GAP', () => {
    expect(compare(materialize(tinyResNet, 3), 3)).toBeLessThan(1e-5);
  });
});
