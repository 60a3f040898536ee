/**
 * Bridges sim `Network`s and tfjs LayersModels: `networkToTf` builds a functional tf model with the
 * Network's weights copied in; `tfToNetwork` copies trained weights back (batch norm converted to
 * inference form: scale = gamma/sqrt(var+eps), shift = beta - mean*scale).
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation, Layer, Network, Padding } from '../../sim/layers/types';
import { padAxis } from '../nets/arch';

/** Batch-norm epsilon used in the tf models we build. */
export const BN_EPSILON = 1e-3;

type TfAct = 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'softmax';

/** Inline tf activation for conv/dense; 'linear' when the activation needs its own layer (clip). */
function tfActivation(a: Activation): TfAct {
  return a.kind === 'clip' || a.kind === 'clipZero' ? 'linear' : a.kind;
}

/** Applies `a` as a separate tf layer: scalar `clip` becomes ReLU(maxValue); per-neuron clip and clipZero are not available here. */
function applyActivation(a: Activation, y: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  if (a.kind === 'linear') return y;
  if (a.kind === 'clip') {
    if (typeof a.bound !== 'number') throw new Error(`${name}: per-channel / per-element clip bounds have no tfjs layer here (use models/protections/tfForward.ts)`);
    return tf.layers.reLU({ maxValue: a.bound, name: `${name}__act` }).apply(y) as tf.SymbolicTensor;
  }
  if (a.kind === 'clipZero') throw new Error(`${name}: activation 'clipZero' has no tfjs layer here (see models/protections)`);
  return tf.layers.activation({ activation: a.kind, name: `${name}__act` }).apply(y) as tf.SymbolicTensor;
}
const needsOwnLayer = (a: Activation): boolean => a.kind === 'clip' || a.kind === 'clipZero';

/** Returns 'same' or 'valid' when `p` equals TensorFlow's padding for this geometry, else null. */
function tfPadding(h: number, w: number, kh: number, kw: number, sh: number, sw: number, p: Padding): 'same' | 'valid' | null {
  if (p.top === 0 && p.bottom === 0 && p.left === 0 && p.right === 0) return 'valid';
  const [t, b] = padAxis(h, kh, sh, 'same');
  const [l, r] = padAxis(w, kw, sw, 'same');
  return p.top === t && p.bottom === b && p.left === l && p.right === r ? 'same' : null;
}

/** The tf layers created for one sim layer (weights live on `main`; `bn` for batch norm). */
interface Built { readonly main: tf.layers.Layer | null; readonly layer: Layer }

/** A tf model plus the mapping from sim layers to tf layers. */
export interface TfNet {
  readonly model: tf.LayersModel;
  readonly built: readonly Built[];
}

/** Builds a tf functional model computing the same function as `net` (NHWC), weights copied in. */
export function networkToTf(net: Network): TfNet {
  const input = tf.input({ shape: [net.input.h, net.input.w, net.input.c], name: 'input' });
  const outs = new Map<string, tf.SymbolicTensor>();
  const built: Built[] = [];
  let prev: tf.SymbolicTensor = input;
  for (const l of net.layers) {
    const ins = (l.inputs ?? []).map((n) => {
      const t = outs.get(n);
      if (!t) throw new Error(`${net.name}/${l.name}: unknown input '${n}'`);
      return t;
    });
    let x = ins[0] ?? prev;
    let main: tf.layers.Layer | null = null;
    const act = (a: Activation, y: tf.SymbolicTensor): tf.SymbolicTensor => applyActivation(a, y, l.name);
    switch (l.kind) {
      case 'conv2d':
      case 'maxpool':
      case 'avgpool': {
        const [h, w] = [x.shape[1]!, x.shape[2]!];
        const [kh, kw] = l.kind === 'conv2d' ? [l.kh, l.kw] : [l.ph, l.pw];
        let pad = tfPadding(h, w, kh, kw, l.strideH, l.strideW, l.padding);
        if (pad === null) {
          const p = l.padding;
          // Non-TF padding: explicit zero padding (for max pooling this equals ignoring pads only when inputs are >= 0, e.g. after ReLU).
          x = tf.layers.zeroPadding2d({ padding: [[p.top, p.bottom], [p.left, p.right]], name: `${l.name}__pad` }).apply(x) as tf.SymbolicTensor;
          pad = 'valid';
        }
        if (l.kind === 'conv2d') {
          main = tf.layers.conv2d({ filters: l.outC, kernelSize: [l.kh, l.kw], strides: [l.strideH, l.strideW], padding: pad, useBias: l.bias !== null, activation: tfActivation(l.activation), name: l.name });
        } else {
          const opts = { poolSize: [l.ph, l.pw] as [number, number], strides: [l.strideH, l.strideW] as [number, number], padding: pad, name: l.name };
          main = l.kind === 'maxpool' ? tf.layers.maxPooling2d(opts) : tf.layers.averagePooling2d(opts);
        }
        x = main.apply(x) as tf.SymbolicTensor;
        if (l.kind === 'conv2d' && needsOwnLayer(l.activation)) x = act(l.activation, x);
        break;
      }
      case 'dense':
        main = tf.layers.dense({ units: l.outF, useBias: l.bias !== null, activation: tfActivation(l.activation), name: l.name });
        x = main.apply(x) as tf.SymbolicTensor;
        if (needsOwnLayer(l.activation)) x = act(l.activation, x);
        break;
      case 'flatten':
        if (x.shape.length > 2) x = tf.layers.flatten({ name: l.name }).apply(x) as tf.SymbolicTensor;
        break;
      case 'globalavgpool':
        x = tf.layers.globalAveragePooling2d({ name: l.name }).apply(x) as tf.SymbolicTensor;
        break;
      case 'batchnorm':
        main = tf.layers.batchNormalization({ axis: -1, epsilon: BN_EPSILON, momentum: 0.9, name: l.name });
        x = act(l.activation, main.apply(x) as tf.SymbolicTensor);
        break;
      case 'add':
        if (ins.length !== 2) throw new Error(`${net.name}/${l.name}: add needs 2 inputs`);
        x = act(l.activation, tf.layers.add({ name: l.name }).apply(ins) as tf.SymbolicTensor);
        break;
      case 'activation':
        x = act(l.activation, x);
        break;
    }
    outs.set(l.name, x);
    built.push({ main, layer: l });
    prev = x;
  }
  const model = tf.model({ inputs: input, outputs: prev, name: net.name });
  for (const b of built) setTfWeights(b);
  return { model, built };
}

function setTfWeights({ main, layer: l }: Built): void {
  if (!main) return;
  if (l.kind === 'conv2d') {
    const ws: tf.Tensor[] = [tf.tensor4d(l.weights, [l.kh, l.kw, l.inC, l.outC])];
    if (l.bias) ws.push(tf.tensor1d(l.bias));
    main.setWeights(ws);
    tf.dispose(ws);
  } else if (l.kind === 'dense') {
    const ws: tf.Tensor[] = [tf.tensor2d(l.weights, [l.inF, l.outF])];
    if (l.bias) ws.push(tf.tensor1d(l.bias));
    main.setWeights(ws);
    tf.dispose(ws);
  } else if (l.kind === 'batchnorm') {
    const c = l.scale.length;
    const ws = [tf.tensor1d(l.scale), tf.tensor1d(l.shift), tf.zeros([c]), tf.fill([c], 1 - BN_EPSILON)];
    main.setWeights(ws);
    tf.dispose(ws);
  }
}

/** Returns a copy of `net` whose conv/dense/batchnorm parameters are read from the trained tf model. */
export function tfToNetwork(net: Network, tfNet: TfNet): Network {
  const layers = tfNet.built.map(({ main, layer: l }): Layer => {
    if (!main) return l;
    const vals = main.getWeights().map((t) => t.dataSync() as Float32Array);
    if (l.kind === 'conv2d' || l.kind === 'dense') {
      return { ...l, weights: Float32Array.from(vals[0]!), bias: l.bias ? Float32Array.from(vals[1]!) : null };
    }
    if (l.kind === 'batchnorm') {
      const [gamma, beta, mean, variance] = vals as [Float32Array, Float32Array, Float32Array, Float32Array];
      const scale = new Float32Array(gamma.length);
      const shift = new Float32Array(gamma.length);
      for (let i = 0; i < gamma.length; i++) {
        scale[i] = gamma[i]! / Math.sqrt(variance[i]! + BN_EPSILON);
        shift[i] = beta[i]! - mean[i]! * scale[i]!;
      }
      return { ...l, scale, shift };
    }
    return l;
  });
  return { ...net, layers };
}
