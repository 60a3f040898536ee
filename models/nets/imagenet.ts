/**
 * Architecture-only ImageNet networks (224x224x3 input, 1000 classes) for cycle and propagation
 * studies: AlexNet (torchvision layout, 61.1M params), VGG-16 (138.4M), ResNet-18 (11.7M) and
 * ResNet-50 (v1.5, stride on the 3x3 conv, 25.6M). Paddings follow torchvision (symmetric).
 * Parameter counts include batch-norm scale and shift, as torchvision's do.
 */
import type { Activation } from '../../sim/layers/types';
import type { Arch, ArchLayer } from './arch';

const relu: Activation = { kind: 'relu' };
const linear: Activation = { kind: 'linear' };
const softmax: Activation = { kind: 'softmax' };
const IMAGENET = { h: 224, w: 224, c: 3 };
/** Initial batch-norm scale of the last BN in each residual branch, keeping seeded activations bounded. */
export const RESIDUAL_BN_INIT = 0.2;

const conv = (name: string, k: number, outC: number, stride: number, pad: number, activation: Activation = relu, bias = true, inputs?: string[]): ArchLayer =>
  inputs ? { kind: 'conv2d', name, k, outC, stride, pad, bias, activation, inputs } : { kind: 'conv2d', name, k, outC, stride, pad, bias, activation };
const maxpool = (name: string, size: number, stride: number, pad = 0): ArchLayer => ({ kind: 'maxpool', name, size, stride, pad });
const dense = (name: string, outF: number, activation: Activation = relu): ArchLayer => ({ kind: 'dense', name, outF, bias: true, activation });

/** AlexNet as in torchvision (64-192-384-256-256 convs, 4096-4096-1000 dense). */
export function alexnetArch(): Arch {
  return {
    name: 'alexnet', input: IMAGENET,
    layers: [
      conv('conv1', 11, 64, 4, 2), maxpool('pool1', 3, 2),
      conv('conv2', 5, 192, 1, 2), maxpool('pool2', 3, 2),
      conv('conv3', 3, 384, 1, 1), conv('conv4', 3, 256, 1, 1), conv('conv5', 3, 256, 1, 1), maxpool('pool5', 3, 2),
      { kind: 'flatten', name: 'flatten' },
      dense('fc6', 4096), dense('fc7', 4096), dense('fc8', 1000, softmax),
    ],
  };
}

/** VGG-16 (configuration D): 13 3x3 convs in 5 blocks, 4096-4096-1000 dense. */
export function vgg16Arch(): Arch {
  const layers: ArchLayer[] = [];
  [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]].forEach(([c, n], b) => {
    for (let j = 1; j <= n!; j++) layers.push(conv(`conv${b + 1}_${j}`, 3, c!, 1, 1));
    layers.push(maxpool(`pool${b + 1}`, 2, 2));
  });
  layers.push({ kind: 'flatten', name: 'flatten' }, dense('fc6', 4096), dense('fc7', 4096), dense('fc8', 1000, softmax));
  return { name: 'vgg16', input: IMAGENET, layers };
}

/** conv (no bias) + batch norm with activation; returns the BN layer's name. */
function convBn(layers: ArchLayer[], name: string, k: number, outC: number, stride: number, pad: number, act: Activation, input?: string, initScale?: number): string {
  layers.push(conv(`${name}_conv`, k, outC, stride, pad, linear, false, input ? [input] : undefined));
  layers.push(initScale === undefined ? { kind: 'batchnorm', name: `${name}_bn`, activation: act } : { kind: 'batchnorm', name: `${name}_bn`, activation: act, initScale });
  return `${name}_bn`;
}

function resnet(name: string, blocks: readonly number[], bottleneck: boolean): Arch {
  const layers: ArchLayer[] = [];
  let x = convBn(layers, 'stem', 7, 64, 2, 3, relu);
  layers.push(maxpool('stem_pool', 3, 2, 1));
  x = 'stem_pool';
  let inC = 64;
  blocks.forEach((n, stage) => {
    const width = 64 << stage;
    const outC = bottleneck ? width * 4 : width;
    for (let b = 0; b < n; b++) {
      const stride = b === 0 && stage > 0 ? 2 : 1;
      const p = `s${stage + 1}b${b + 1}`;
      let y: string;
      if (bottleneck) {
        y = convBn(layers, `${p}_a`, 1, width, 1, 0, relu, x);
        y = convBn(layers, `${p}_b`, 3, width, stride, 1, relu);
        y = convBn(layers, `${p}_c`, 1, outC, 1, 0, linear, undefined, RESIDUAL_BN_INIT);
      } else {
        y = convBn(layers, `${p}_a`, 3, width, stride, 1, relu, x);
        y = convBn(layers, `${p}_b`, 3, width, 1, 1, linear, undefined, RESIDUAL_BN_INIT);
      }
      const shortcut = stride !== 1 || inC !== outC ? convBn(layers, `${p}_down`, 1, outC, stride, 0, linear, x) : x;
      layers.push({ kind: 'add', name: `${p}_add`, inputs: [y, shortcut], activation: relu });
      x = `${p}_add`;
      inC = outC;
    }
  });
  layers.push({ kind: 'globalavgpool', name: 'gap' }, dense('fc', 1000, softmax));
  return { name, input: IMAGENET, layers };
}

/** ResNet-18: basic blocks [2,2,2,2], widths 64..512. */
export function resnet18Arch(): Arch {
  return resnet('resnet18', [2, 2, 2, 2], false);
}

/** ResNet-50 (v1.5): bottleneck blocks [3,4,6,3], widths 64..512 (x4 expansion). */
export function resnet50Arch(): Arch {
  return resnet('resnet50', [3, 4, 6, 3], true);
}
