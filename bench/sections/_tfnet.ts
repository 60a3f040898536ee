/**
 * Plain tfjs forward pass of any engine Network (DAG: conv2d with explicit padding, dense, max/avg
 * pooling, global average pooling, batch norm as x*scale+shift, residual add, flatten, activations
 * linear/relu/softmax) with its weights uploaded once as resident tensors: what `model.predict` of
 * the same network does (tf.layers cannot express PyTorch's symmetric padding of a stride-2 conv;
 * the ops are the ones predict would call). The baseline of the ResNet rows of sections (b) and (c).
 * Files starting with '_' are not loaded as sections by bench/run.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation, Layer, Network } from '../../sim/layers/types';
import { inferShapes } from '../../sim/layers/shapes';

/** A network's weights as resident tensors and its forward pass. */
export interface TfNet {
  /** Forward pass of n NHWC images; returns the last layer's output values. */
  predict(images: Float32Array, n: number): Float32Array;
  dispose(): void;
}

function act(a: Activation, x: tf.Tensor): tf.Tensor {
  if (a.kind === 'linear') return x;
  if (a.kind === 'relu') return tf.relu(x);
  if (a.kind === 'softmax') return tf.softmax(x);
  throw new Error(`tfNet: activation ${a.kind} not supported`);
}

/** Uploads the weights of `net` and returns its tfjs forward pass (the active tfjs backend). */
export function tfNet(net: Network): TfNet {
  const shapes = inferShapes(net);
  if (!shapes.ok) throw new Error(shapes.reason);
  const kept: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => (kept.push(t), t);
  type Op = (ins: tf.Tensor[]) => tf.Tensor;
  const ops: Op[] = net.layers.map((l: Layer): Op => {
    if (l.kind === 'conv2d') {
      const w = keep(tf.tensor4d(l.weights, [l.kh, l.kw, l.inC, l.outC]));
      const b = l.bias ? keep(tf.tensor1d(l.bias)) : null;
      const p = l.padding;
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]];
      const fusable = l.activation.kind === 'relu' || l.activation.kind === 'linear';
      return ([x]) => fusable
        ? tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w, strides: [l.strideH, l.strideW], pad, bias: b ?? undefined, activation: l.activation.kind })
        : act(l.activation, b ? tf.add(tf.conv2d(x as tf.Tensor4D, w, [l.strideH, l.strideW], pad), b) : tf.conv2d(x as tf.Tensor4D, w, [l.strideH, l.strideW], pad));
    }
    if (l.kind === 'dense') {
      const w = keep(tf.tensor2d(l.weights, [l.inF, l.outF]));
      const b = l.bias ? keep(tf.tensor1d(l.bias)) : null;
      return ([x]) => act(l.activation, b ? tf.add(tf.matMul(x.reshape([-1, l.inF]) as tf.Tensor2D, w), b) : tf.matMul(x.reshape([-1, l.inF]) as tf.Tensor2D, w));
    }
    if (l.kind === 'maxpool' || l.kind === 'avgpool') {
      const p = l.padding;
      const sym = p.top === p.bottom && p.left === p.right && p.top === p.left;
      if (!sym) throw new Error(`tfNet: asymmetric pool padding of ${l.name}`);
      const f = l.kind === 'maxpool' ? tf.maxPool : tf.avgPool;
      return ([x]) => f(x as tf.Tensor4D, [l.ph, l.pw], [l.strideH, l.strideW], p.top);
    }
    if (l.kind === 'globalavgpool') return ([x]) => tf.mean(x, [1, 2], true);
    if (l.kind === 'batchnorm') {
      const s = keep(tf.tensor1d(l.scale));
      const t = keep(tf.tensor1d(l.shift));
      return ([x]) => act(l.activation, tf.add(tf.mul(x, s), t));
    }
    if (l.kind === 'add') return ([a, b]) => act(l.activation, tf.add(a, b));
    if (l.kind === 'flatten') return ([x]) => x.reshape([x.shape[0], -1]);
    if (l.kind === 'activation') return ([x]) => act(l.activation, x);
    throw new Error(`tfNet: layer kind ${l.kind} not supported`);
  });
  const { h, w, c } = net.input;
  return {
    predict(images, n) {
      // tidy returns the tensor: returning the typed array would make tidy scan every element
      const y = tf.tidy(() => {
        const outs: tf.Tensor[] = [];
        const x0 = tf.tensor4d(images, [n, h, w, c]);
        ops.forEach((op, i) => outs.push(op(shapes.value.layers[i].inputIndices.map((j) => (j < 0 ? x0 : outs[j])))));
        return outs[outs.length - 1];
      });
      const v = y.dataSync() as Float32Array;
      y.dispose();
      return v;
    },
    dispose: () => kept.forEach((t) => t.dispose()),
  };
}
