import { describe, expect, it } from 'vitest';
import { countArchParams, inferArch, padAxis } from '../../../models/nets/arch';
import { ARCHITECTURES } from '../../../models/nets';
import { materialize } from '../../../models/nets/init';
import { alexnetArch, resnet18Arch, resnet50Arch, vgg16Arch } from '../../../models/nets/imagenet';
import { lenet5Arch, vggMnistArch } from '../../../models/nets/mnistNets';

// Reference parameter counts published for torchvision's models (incl. batch-norm scale/shift).
const TORCHVISION = { alexnet: 61_100_840, vgg16: 138_357_544, resnet18: 11_689_512, resnet50: 25_557_032 };

describe('architectures', () => {
  it('matches the published parameter counts without allocating weights', () => {
    expect(countArchParams(alexnetArch())).toBe(TORCHVISION.alexnet);
    expect(countArchParams(vgg16Arch())).toBe(TORCHVISION.vgg16);
    expect(countArchParams(resnet18Arch())).toBe(TORCHVISION.resnet18);
    expect(countArchParams(resnet50Arch())).toBe(TORCHVISION.resnet50);
    // LeNet-5: 5*5*1*6+6 + 5*5*6*16+16 + 400*120+120 + 120*84+84 + 84*10+10
    expect(countArchParams(lenet5Arch())).toBe(156 + 2416 + 48120 + 10164 + 850);
  });

  it('derives the classic feature-map shapes', () => {
    const lenet = inferArch(lenet5Arch()).map((i) => i.out);
    expect(lenet[0]).toEqual({ h: 28, w: 28, c: 6 });
    expect(lenet[3]).toEqual({ h: 5, w: 5, c: 16 });
    expect(lenet[4]).toEqual({ h: 1, w: 1, c: 400 });
    const alex = new Map(inferArch(alexnetArch()).map((i) => [i.layer.name, i.out]));
    expect(alex.get('conv1')).toEqual({ h: 55, w: 55, c: 64 });
    expect(alex.get('pool5')).toEqual({ h: 6, w: 6, c: 256 });
    const r50 = new Map(inferArch(resnet50Arch()).map((i) => [i.layer.name, i.out]));
    expect(r50.get('stem_pool')).toEqual({ h: 56, w: 56, c: 64 });
    expect(r50.get('s1b3_add')).toEqual({ h: 56, w: 56, c: 256 });
    expect(r50.get('s2b1_add')).toEqual({ h: 28, w: 28, c: 512 });
    expect(r50.get('s4b3_add')).toEqual({ h: 7, w: 7, c: 2048 });
    expect(r50.get('fc')).toEqual({ h: 1, w: 1, c: 1000 });
    const adds = resnet50Arch().layers.filter((l) => l.kind === 'add');
    expect(adds).toHaveLength(16);
    expect(adds.every((l) => l.inputs?.length === 2)).toBe(true);
  });

  it('VGG-MNIST has at least 6 convs, each followed by batch norm', () => {
    const layers = vggMnistArch().layers;
    const convs = layers.map((l, i) => [l, i] as const).filter(([l]) => l.kind === 'conv2d');
    expect(convs.length).toBeGreaterThanOrEqual(6);
    for (const [, i] of convs) expect(layers[i + 1]!.kind).toBe('batchnorm');
  });

  it('uses TensorFlow SAME padding (extra pixel after)', () => {
    expect(padAxis(28, 5, 1, 'same')).toEqual([2, 2, 28]);
    expect(padAxis(224, 7, 2, 'same')).toEqual([2, 3, 112]);
    expect(padAxis(224, 7, 2, 3)).toEqual([3, 3, 112]);
    expect(padAxis(10, 3, 1, 'valid')).toEqual([0, 0, 8]);
  });

  it('materializes seeded He-normal weights deterministically', () => {
    const a = materialize(resnet18Arch(), 5);
    const b = materialize(resnet18Arch(), 5);
    const conv = (n: typeof a) => n.layers.find((l) => l.name === 's3b1_b_conv')!;
    const ca = conv(a);
    if (ca.kind !== 'conv2d') throw new Error('kind');
    expect(ca.weights).toEqual((conv(b) as typeof ca).weights);
    const l5 = materialize(lenet5Arch(), 5).layers[0]!;
    const l6 = materialize(lenet5Arch(), 6).layers[0]!;
    expect(l5.kind === 'conv2d' && l6.kind === 'conv2d' && l5.weights.some((v, i) => v !== l6.weights[i])).toBe(true);
    const fanIn = 3 * 3 * 256;
    const std = Math.sqrt(ca.weights.reduce((s, v) => s + v * v, 0) / ca.weights.length);
    expect(std).toBeGreaterThan(0.95 * Math.sqrt(2 / fanIn));
    expect(std).toBeLessThan(1.05 * Math.sqrt(2 / fanIn));
    const total = a.layers.reduce((s, l) => s + ('weights' in l ? l.weights.length + (l.bias?.length ?? 0) : l.kind === 'batchnorm' ? 2 * l.scale.length : 0), 0);
    expect(total).toBe(countArchParams(resnet18Arch()));
  });

  it('every registered architecture infers without errors', () => {
    for (const f of Object.values(ARCHITECTURES)) expect(inferArch(f()).length).toBeGreaterThan(0);
  });
});
