import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { materialize } from '../../../models/nets/init';
import { vggMnistArch } from '../../../models/nets/mnistNets';
import { resnet18Arch } from '../../../models/nets/imagenet';
import { inferArch } from '../../../models/nets/arch';
import { networkToTf, tfToNetwork } from '../../../models/train/tfModel';
import { makeRng } from '../../../models/rng';
import type { Network } from '../../../sim/layers/types';

await tf.setBackend('cpu');

describe('Network <-> tf model', () => {
  it('carries batch norm in inference form through tf and back', () => {
    const rng = makeRng(3);
    const base = materialize(vggMnistArch(), 1);
    const net: Network = {
      ...base,
      layers: base.layers.map((l) => (l.kind === 'batchnorm' ? { ...l, scale: l.scale.map(() => 0.5 + rng.float()), shift: l.shift.map(() => rng.float() - 0.5) } : l)),
    };
    const t = networkToTf(net);
    const back = tfToNetwork(net, t);
    back.layers.forEach((l, i) => {
      const o = net.layers[i]!;
      if (l.kind === 'batchnorm' && o.kind === 'batchnorm') {
        l.scale.forEach((v, j) => expect(v).toBeCloseTo(o.scale[j]!, 5));
        l.shift.forEach((v, j) => expect(v).toBeCloseTo(o.shift[j]!, 5));
      }
      if (l.kind === 'conv2d' && o.kind === 'conv2d') expect(l.weights).toEqual(o.weights);
    });
    // y = x*scale + shift on a one-layer check: output of bn1_1 equals conv * scale + shift
    const x = tf.tensor4d(Float32Array.from({ length: 784 }, () => rng.float()), [1, 28, 28, 1]);
    const sub = tf.model({ inputs: t.model.inputs, outputs: [t.model.getLayer('conv1_1').output as tf.SymbolicTensor, t.model.getLayer('bn1_1').output as tf.SymbolicTensor] });
    const [c, b] = (sub.predict(x) as tf.Tensor[]).map((z) => z.dataSync());
    const bn = net.layers[1]!;
    if (bn.kind !== 'batchnorm') throw new Error('kind');
    const C = bn.scale.length;
    for (let i = 0; i < 40; i++) expect(b![i]).toBeCloseTo(c![i]! * bn.scale[i % C]! + bn.shift[i % C]!, 4);
  });

  it('builds ResNet-18 with residual adds and the expected output shapes', () => {
    const arch = resnet18Arch();
    const t = networkToTf(materialize(arch, 2));
    expect(t.model.outputs[0]!.shape).toEqual([null, 1000]);
    const info = new Map(inferArch(arch).map((i) => [i.layer.name, i.out]));
    const s = t.model.getLayer('s3b1_add').output as tf.SymbolicTensor;
    const want = info.get('s3b1_add')!;
    expect(s.shape).toEqual([null, want.h, want.w, want.c]);
    const bnChannels = inferArch(arch).filter((i) => i.layer.kind === 'batchnorm').reduce((a, i) => a + i.out.c, 0);
    expect(t.model.countParams()).toBe(inferArch(arch).reduce((a, i) => a + i.params, 0) + 2 * bnChannels); // + BN moving mean/var
    t.model.dispose();
  });
});
