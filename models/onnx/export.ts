/**
 * Simulator Network -> ONNX model bytes (opset 13, NCHW), the inverse of convert.ts for the
 * layer kinds shipped models use: conv2d, dense, max/avg pooling, global average pooling,
 * batch norm, residual add, flatten and activations (linear, relu, clip with one bound, tanh,
 * sigmoid, softmax). Conv weights [kh][kw][inC][outC] become [outC][inC][kh][kw]; a dense layer
 * after a flatten gets its weight rows permuted from H,W,C to ONNX's C,H,W flatten order.
 */
import type onnxProto from 'onnx-proto';
import type { Activation, Network } from '../../sim/layers/types';
import { inferShapes } from '../../sim/layers/shapes';
import { fail, ok, type Result } from '../../sim/result';
import { encodeModel, node, tensor } from './build';
import { chwIndex } from './layout';

type NodeProto = ReturnType<typeof node>;
type TensorProto = onnxProto.onnx.ITensorProto;

/** Exports `net` to .onnx bytes (input 'input' [N,C,H,W], output 'output'); refuses kinds it cannot express. */
export function networkToOnnx(net: Network): Result<Uint8Array> {
  const shapes = inferShapes(net);
  if (!shapes.ok) return shapes;
  const nodes: NodeProto[] = [];
  const inits: TensorProto[] = [];
  const outName = (i: number): string => (i < 0 ? 'input' : net.layers[i].name);
  const flat = new Set<string>(); // tensors that are rank 2 [N, F] in the export
  const act = (a: Activation, x: string, y: string, where: string): string | null => {
    switch (a.kind) {
      case 'linear': return x;
      case 'relu': nodes.push(node('Relu', [x], [y], {}, `${y}_relu`)); return y;
      case 'tanh': nodes.push(node('Tanh', [x], [y], {}, `${y}_tanh`)); return y;
      case 'sigmoid': nodes.push(node('Sigmoid', [x], [y], {}, `${y}_sigmoid`)); return y;
      case 'softmax': nodes.push(node('Softmax', [x], [y], { axis: 1 }, `${y}_softmax`)); return y;
      case 'clip':
        if (typeof a.bound !== 'number') return null;
        inits.push(tensor(`${y}_min`, [], [0]), tensor(`${y}_max`, [], [a.bound]));
        nodes.push(node('Clip', [x, `${y}_min`, `${y}_max`], [y], {}, `${y}_clip`));
        return y;
      default:
        void where;
        return null;
    }
  };
  for (let i = 0; i < net.layers.length; i++) {
    const l = net.layers[i];
    const ls = shapes.value.layers[i];
    const ins = ls.inputIndices.map(outName);
    const pre = `${l.name}__pre`;
    let last: string | null = l.name;
    if ((l.kind === 'conv2d' || l.kind === 'dense') && (l.weightTransform ?? 'none') !== 'none') return fail(`layers[${i}] ("${l.name}"): weight transform ${l.weightTransform} has no ONNX form`, `layers[${i}].weightTransform`);
    switch (l.kind) {
      case 'conv2d': {
        const w = new Float32Array(l.weights.length);
        for (let ky = 0; ky < l.kh; ky++) for (let kx = 0; kx < l.kw; kx++) for (let c = 0; c < l.inC; c++) for (let m = 0; m < l.outC; m++) {
          w[((m * l.inC + c) * l.kh + ky) * l.kw + kx] = l.weights[((ky * l.kw + kx) * l.inC + c) * l.outC + m];
        }
        inits.push(tensor(`${l.name}_W`, [l.outC, l.inC, l.kh, l.kw], w));
        if (l.bias) inits.push(tensor(`${l.name}_B`, [l.outC], l.bias));
        const p = l.padding;
        nodes.push(node('Conv', [ins[0], `${l.name}_W`, ...(l.bias ? [`${l.name}_B`] : [])], [pre], { kernel_shape: [l.kh, l.kw], strides: [l.strideH, l.strideW], pads: [p.top, p.left, p.bottom, p.right] }, l.name));
        last = act(l.activation, pre, l.name, l.name);
        break;
      }
      case 'dense': {
        const s = ls.inputs[0];
        const src = ls.inputIndices[0] >= 0 ? net.layers[ls.inputIndices[0]] : null;
        const chw = src?.kind === 'flatten' ? shapes.value.layers[ls.inputIndices[0]].inputs[0] : s.h * s.w > 1 ? s : null;
        let w = l.weights;
        if (chw && chw.h * chw.w > 1 && chw.c > 1) {
          w = new Float32Array(l.weights.length);
          for (let y = 0; y < chw.h; y++) for (let x = 0; x < chw.w; x++) for (let c = 0; c < chw.c; c++) {
            const ours = (y * chw.w + x) * chw.c + c;
            w.set(l.weights.subarray(ours * l.outF, (ours + 1) * l.outF), chwIndex(chw, y, x, c) * l.outF);
          }
        }
        let x = ins[0];
        if (!flat.has(x)) {
          nodes.push(node('Flatten', [x], [`${l.name}__flat`]));
          x = `${l.name}__flat`;
        }
        inits.push(tensor(`${l.name}_W`, [l.inF, l.outF], w));
        if (l.bias) inits.push(tensor(`${l.name}_B`, [l.outF], l.bias));
        nodes.push(node('Gemm', [x, `${l.name}_W`, ...(l.bias ? [`${l.name}_B`] : [])], [pre], {}, l.name));
        last = act(l.activation, pre, l.name, l.name);
        break;
      }
      case 'maxpool':
      case 'avgpool': {
        const p = l.padding;
        nodes.push(node(l.kind === 'maxpool' ? 'MaxPool' : 'AveragePool', [ins[0]], [l.name], { kernel_shape: [l.ph, l.pw], strides: [l.strideH, l.strideW], pads: [p.top, p.left, p.bottom, p.right] }));
        break;
      }
      case 'globalavgpool': nodes.push(node('GlobalAveragePool', [ins[0]], [l.name])); break;
      case 'flatten': nodes.push(node('Flatten', [ins[0]], [l.name])); break;
      case 'add': nodes.push(node('Add', ins, [pre], {}, l.name)); last = act(l.activation, pre, l.name, l.name); break;
      case 'activation': last = act(l.activation, ins[0], l.name, l.name); break;
      case 'batchnorm': {
        const c = l.scale.length;
        inits.push(tensor(`${l.name}_s`, [c], l.scale), tensor(`${l.name}_b`, [c], l.shift), tensor(`${l.name}_m`, [c], new Float32Array(c)), tensor(`${l.name}_v`, [c], new Float32Array(c).fill(1)));
        nodes.push(node('BatchNormalization', [ins[0], `${l.name}_s`, `${l.name}_b`, `${l.name}_m`, `${l.name}_v`], [pre], { epsilon: 0 }, l.name, ['epsilon']));
        last = act(l.activation, pre, l.name, l.name);
        break;
      }
      default:
        return fail(`layers[${i}] ("${l.name}"): kind ${l.kind} is not exported`, `layers[${i}].kind`);
    }
    if (last === null) return fail(`layers[${i}] ("${l.name}"): activation ${'activation' in l ? l.activation.kind : ''} has no ONNX form here`, `layers[${i}].activation`);
    if (last !== l.name) nodes.push(node('Identity', [last], [l.name], {}, `${l.name}_out`));
    if (l.kind === 'dense' || l.kind === 'flatten' || (l.kind !== 'conv2d' && flat.has(ins[0]))) flat.add(l.name);
  }
  nodes.push(node('Identity', [outName(net.layers.length - 1)], ['output'], {}, 'output'));
  const o = shapes.value.layers[net.layers.length - 1].output;
  const outDims = flat.has(outName(net.layers.length - 1)) ? ['N', o.c] : ['N', o.c, o.h, o.w];
  return ok(encodeModel({ name: net.name, input: { name: 'input', dims: ['N', net.input.c, net.input.h, net.input.w] }, output: { name: 'output', dims: outDims }, nodes, initializers: inits }));
}
