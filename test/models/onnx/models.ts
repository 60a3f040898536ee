/** Test models built with models/onnx/build.ts (seeded weights), shared by the ONNX tests. */
import { encodeModel, intTensor, node, tensor } from '../../../models/onnx/build';
import { uniform } from './ortCompare';

const W = (name: string, dims: number[], seed: number, scale = 0.5) => tensor(name, dims, uniform(dims.reduce((a, b) => a * b, 1), seed, -scale, scale));
const BN = (p: string, c: number, seed: number) => [
  tensor(`${p}_s`, [c], uniform(c, seed, 0.5, 1.5)), tensor(`${p}_b`, [c], uniform(c, seed + 1, -0.2, 0.2)),
  tensor(`${p}_m`, [c], uniform(c, seed + 2, -0.1, 0.1)), tensor(`${p}_v`, [c], uniform(c, seed + 3, 0.5, 1.5)),
];
const bnNode = (x: string, y: string, p: string) => node('BatchNormalization', [x, `${p}_s`, `${p}_b`, `${p}_m`, `${p}_v`], [y], { epsilon: 1e-3 }, y, ['epsilon']);
const relu6 = (x: string, y: string) => node('Clip', [x, 'zero', 'six'], [y]);
const clipConsts = [tensor('zero', [], [0]), tensor('six', [], [6])];

/** Grouped conv: 4 -> 6 channels, 2 groups, 3x3, pads 1, bias. Input [N,4,7,7]. */
export const groupedConv = (): Uint8Array => encodeModel({
  name: 'grouped', input: { name: 'x', dims: ['N', 4, 7, 7] }, output: { name: 'y', dims: ['N', 6, 7, 7] },
  nodes: [node('Conv', ['x', 'w', 'b'], ['y'], { group: 2, pads: [1, 1, 1, 1], kernel_shape: [3, 3] })],
  initializers: [W('w', [6, 2, 3, 3], 11), W('b', [6], 12)],
});

/** Depthwise conv with channel multiplier 2 (3 -> 6), stride 2, asymmetric pads. Input [N,3,9,8]. */
export const depthwiseConv = (): Uint8Array => encodeModel({
  name: 'depthwise', input: { name: 'x', dims: ['N', 3, 9, 8] }, output: { name: 'y', dims: ['N', 6, 5, 4] },
  nodes: [node('Conv', ['x', 'w'], ['y'], { group: 3, pads: [1, 0, 1, 1], strides: [2, 2] })],
  initializers: [W('w', [6, 1, 3, 3], 21)],
});

/** Dilated 3x3 conv (dilation 2) then a 1-D-free SAME_UPPER conv. Input [N,2,10,10]. */
export const dilatedConv = (): Uint8Array => encodeModel({
  name: 'dilated', input: { name: 'x', dims: ['N', 2, 10, 10] }, output: { name: 'z', dims: ['N', 3, 3, 3] },
  nodes: [
    node('Conv', ['x', 'w1'], ['y'], { dilations: [2, 2], kernel_shape: [3, 3] }),
    node('Conv', ['y', 'w2', 'b2'], ['z'], { auto_pad: 'SAME_UPPER', strides: [2, 2] }),
  ],
  initializers: [W('w1', [4, 2, 3, 3], 31), W('w2', [3, 4, 2, 2], 32), W('b2', [3], 33)],
});

/** MobileNet-style block: depthwise 3x3 + BN + ReLU6, pointwise 1x1 + BN + ReLU6. Input [N,8,12,12]. */
export const mobilenetBlock = (): Uint8Array => encodeModel({
  name: 'mobilenet_block', input: { name: 'x', dims: ['N', 8, 12, 12] }, output: { name: 'y', dims: ['N', 16, 6, 6] },
  nodes: [
    node('Conv', ['x', 'dw'], ['a'], { group: 8, pads: [1, 1, 1, 1], strides: [2, 2] }), bnNode('a', 'a_bn', 'bn1'), relu6('a_bn', 'a6'),
    node('Conv', ['a6', 'pw'], ['p']), bnNode('p', 'p_bn', 'bn2'), relu6('p_bn', 'y'),
  ],
  initializers: [W('dw', [8, 1, 3, 3], 41, 2), W('pw', [16, 8, 1, 1], 42, 1.5), ...BN('bn1', 8, 43), ...BN('bn2', 16, 47), ...clipConsts],
});

/** Residual block + concat + head: conv-relu, conv, add(x), relu, concat with a conv, GAP, flatten, Gemm, softmax. Input [N,4,6,6]. */
export const residualHead = (): Uint8Array => encodeModel({
  name: 'residual', input: { name: 'x', dims: ['N', 4, 6, 6] }, output: { name: 'p', dims: ['N', 5] },
  nodes: [
    node('Conv', ['x', 'w1', 'b1'], ['c1'], { pads: [1, 1, 1, 1] }), node('Relu', ['c1'], ['r1']),
    node('Conv', ['r1', 'w2'], ['c2'], { pads: [1, 1, 1, 1] }), node('Add', ['c2', 'x'], ['s']), node('Relu', ['s'], ['r2']),
    node('Conv', ['x', 'w3'], ['c3']), node('LeakyRelu', ['c3'], ['l3'], { alpha: 0.2 }, 'l3', ['alpha']),
    node('Concat', ['r2', 'l3'], ['cat'], { axis: 1 }), node('GlobalAveragePool', ['cat'], ['g']),
    node('Transpose', ['g'], ['gt'], { perm: [0, 1, 3, 2] }), node('Flatten', ['gt'], ['f']), node('Dropout', ['f'], ['d']),
    node('Gemm', ['d', 'fc', 'fcb'], ['o'], { transB: 1 }), node('Softmax', ['o'], ['p'], { axis: 1 }),
  ],
  initializers: [W('w1', [4, 4, 3, 3], 51), W('b1', [4], 52), W('w2', [4, 4, 3, 3], 53), W('w3', [2, 4, 1, 1], 54), W('fc', [5, 6], 55), W('fcb', [5], 56)],
});

/** Conv -> MaxPool -> Reshape(N,-1) -> MatMul + Add bias -> Sigmoid: the C,H,W flatten order reaches a dense layer. Input [N,3,8,8]. */
export const flattenDense = (): Uint8Array => encodeModel({
  name: 'flatten_dense', input: { name: 'x', dims: ['N', 3, 8, 8] }, output: { name: 'y', dims: ['N', 7] },
  nodes: [
    node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }), node('Tanh', ['c'], ['t']), node('MaxPool', ['t'], ['m'], { kernel_shape: [2, 2], strides: [2, 2] }),
    node('AveragePool', ['m'], ['a'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] }),
    node('Reshape', ['a', 'shape'], ['f']), node('MatMul', ['f', 'fc'], ['o']), node('Add', ['o', 'fcb'], ['ob']), node('Sigmoid', ['ob'], ['y']),
  ],
  initializers: [W('w', [5, 3, 3, 3], 61), tensor('shape', [2], [-1, 80], true), W('fc', [80, 7], 62), W('fcb', [7], 63)],
});

/** QDQ int8 model: QuantizeLinear/DequantizeLinear around a conv whose weights are int8 + DequantizeLinear (per channel), then QLinearMatMul-free head. Input [N,2,6,6]. */
export const qdqConv = (): Uint8Array => {
  const wq = Array.from(uniform(4 * 2 * 9, 71, -127, 127), (v) => Math.round(v));
  return encodeModel({
    name: 'qdq', input: { name: 'x', dims: ['N', 2, 6, 6] }, output: { name: 'y', dims: ['N', 4, 6, 6] },
    nodes: [
      node('QuantizeLinear', ['x', 'xs', 'xz'], ['xq']), node('DequantizeLinear', ['xq', 'xs', 'xz'], ['xd']),
      node('DequantizeLinear', ['wq', 'ws'], ['wd'], { axis: 0 }),
      node('Conv', ['xd', 'wd', 'b'], ['c'], { pads: [1, 1, 1, 1] }), node('Relu', ['c'], ['r']),
      node('QuantizeLinear', ['r', 'ys', 'yz'], ['rq']), node('DequantizeLinear', ['rq', 'ys', 'yz'], ['y']),
    ],
    initializers: [
      tensor('xs', [], [0.02]), intTensor('xz', [], [128], 2), intTensor('wq', [4, 2, 3, 3], wq, 3), tensor('ws', [4], [0.004, 0.005, 0.003, 0.006]),
      tensor('b', [4], [0.1, -0.05, 0.02, 0]), tensor('ys', [], [0.05]), intTensor('yz', [], [0], 2),
    ],
  });
};

/** QLinearConv on uint8 input with per-channel int8 weights and an int32 bias. Input [N,2,5,5] uint8. */
export const qlinearConv = (): Uint8Array => encodeModel({
  name: 'qlinearconv', input: { name: 'x', dims: ['N', 2, 5, 5], elemType: 2 }, output: { name: 'y', dims: ['N', 3, 5, 5], elemType: 2 },
  nodes: [node('QLinearConv', ['x', 'xs', 'xz', 'w', 'ws', 'wz', 'ys', 'yz', 'b'], ['y'], { pads: [1, 1, 1, 1] })],
  initializers: [
    tensor('xs', [], [0.03]), intTensor('xz', [], [120], 2), intTensor('w', [3, 2, 3, 3], Array.from(uniform(54, 81, -100, 100), (v) => Math.round(v)), 3),
    tensor('ws', [3], [0.01, 0.02, 0.015]), intTensor('wz', [3], [0, 0, 0], 3), tensor('ys', [], [0.2]), intTensor('yz', [], [100], 2),
    intTensor('b', [3], [500, -300, 0], 6),
  ],
});

/** tf2onnx-style NHWC input [N,7,7,3] read through Transpose(0,3,1,2), conv, relu, GAP, flatten, Gemm. */
export const nhwcInput = (): Uint8Array => encodeModel({
  name: 'nhwc', input: { name: 'x', dims: ['N', 7, 7, 3] }, output: { name: 'y', dims: ['N', 4] },
  nodes: [
    node('Transpose', ['x'], ['xt'], { perm: [0, 3, 1, 2] }), node('Conv', ['xt', 'w', 'b'], ['c'], { strides: [2, 2], pads: [1, 1, 0, 0] }),
    node('Relu', ['c'], ['r']), node('GlobalAveragePool', ['r'], ['g']), node('Flatten', ['g'], ['f']), node('Gemm', ['f', 'fc'], ['y'], { transB: 1 }),
  ],
  initializers: [W('w', [5, 3, 3, 3], 91), W('b', [5], 92), W('fc', [4, 5], 93)],
});

/** PyTorch `x.view(x.size(0), -1)` with a dynamic batch: Shape -> Gather -> Unsqueeze -> Concat -> Reshape, then Gemm. Input [batch,2,4,4]. */
export const dynamicFlatten = (): Uint8Array => encodeModel({
  name: 'dynamic_flatten', input: { name: 'x', dims: ['batch', 2, 4, 4] }, output: { name: 'y', dims: ['batch', 3] },
  opset: 11,
  nodes: [
    node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }), node('Relu', ['c'], ['r']),
    node('Shape', ['r'], ['s']), node('Gather', ['s', 'zero'], ['n'], { axis: 0 }), node('Unsqueeze', ['n'], ['n1'], { axes: [0] }),
    node('Concat', ['n1', 'minus1'], ['shape'], { axis: 0 }), node('Reshape', ['r', 'shape'], ['f']),
    node('Gemm', ['f', 'fc', 'fcb'], ['y'], { transB: 1 }),
  ],
  initializers: [W('w', [3, 2, 3, 3], 101), tensor('zero', [], [0], true), tensor('minus1', [1], [-1], true), W('fc', [3, 48], 102), W('fcb', [3], 103)],
});
