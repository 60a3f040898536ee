/**
 * The two trainable MNIST networks: classic LeNet-5 and a small VGG-style CNN with batch norm.
 */
import type { Activation } from '../../sim/layers/types';
import { MNIST_CLASSES } from '../data/mnist';
import type { Arch, ArchLayer } from './arch';

const relu: Activation = { kind: 'relu' };
const softmax: Activation = { kind: 'softmax' };

/** LeNet-5 on 28x28x1: conv5x5x6 ('same') -> maxpool2 -> conv5x5x16 -> maxpool2 -> dense120 -> dense84 -> dense10 (61,706 params). */
export function lenet5Arch(): Arch {
  return {
    name: 'lenet5',
    input: { h: 28, w: 28, c: 1 },
    classes: MNIST_CLASSES,
    layers: [
      { kind: 'conv2d', name: 'conv1', k: 5, outC: 6, stride: 1, pad: 'same', bias: true, activation: relu },
      { kind: 'maxpool', name: 'pool1', size: 2, stride: 2, pad: 'valid' },
      { kind: 'conv2d', name: 'conv2', k: 5, outC: 16, stride: 1, pad: 'valid', bias: true, activation: relu },
      { kind: 'maxpool', name: 'pool2', size: 2, stride: 2, pad: 'valid' },
      { kind: 'flatten', name: 'flatten' },
      { kind: 'dense', name: 'fc1', outF: 120, bias: true, activation: relu },
      { kind: 'dense', name: 'fc2', outF: 84, bias: true, activation: relu },
      { kind: 'dense', name: 'fc3', outF: 10, bias: true, activation: softmax },
    ],
  };
}

/** Channel widths of the VGG-style MNIST net's three blocks (two 3x3 convs each). */
export const VGG_MNIST_WIDTHS: readonly number[] = [12, 24, 48];

/**
 * VGG-style MNIST CNN: 3 blocks of [conv3x3 (no bias) -> batchnorm+relu] x2 -> maxpool2, then
 * flatten (3x3x48) -> dense64+relu -> dense10 (68,982 params). 6 conv layers, 6 batch norms, small
 * widths so it trains in JS/wasm in minutes (8/16/32 reached only 98.67%, see docs/README-models.md).
 */
export function vggMnistArch(): Arch {
  const layers: ArchLayer[] = [];
  VGG_MNIST_WIDTHS.forEach((c, b) => {
    for (let j = 1; j <= 2; j++) {
      layers.push({ kind: 'conv2d', name: `conv${b + 1}_${j}`, k: 3, outC: c, stride: 1, pad: 'same', bias: false, activation: { kind: 'linear' } });
      layers.push({ kind: 'batchnorm', name: `bn${b + 1}_${j}`, activation: relu });
    }
    layers.push({ kind: 'maxpool', name: `pool${b + 1}`, size: 2, stride: 2, pad: 'valid' });
  });
  layers.push({ kind: 'flatten', name: 'flatten' });
  layers.push({ kind: 'dense', name: 'fc1', outF: 64, bias: true, activation: relu });
  layers.push({ kind: 'dense', name: 'fc2', outF: 10, bias: true, activation: softmax });
  return { name: 'vgg_mnist', input: { h: 28, w: 28, c: 1 }, classes: MNIST_CLASSES, layers };
}
