/**
 * Shared set-up of bench sections (b) and (d): LeNet-5 (trained weights from models/weights when
 * committed, else seeded He-normal weights with LeNet's shapes), 1,000 MNIST test images, and the
 * equivalent tf.sequential model (same weights) for the plain tfjs-wasm predict baseline.
 * Files starting with '_' are not loaded as sections by bench/run.ts; this one exports no sections.
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../../sim/layers/types';
import { initTfjsWasm } from '../../sim/kernels/tfjs-wasm';
import { tfjsWasmDir } from '../../cli/wasm-path';
import { hasWeights, readWeights } from '../../models/io/weights';
import { lenet5Arch } from '../../models/nets/mnistNets';
import { materialize } from '../../models/nets/init';
import { loadMnistSplit } from '../../models/data/mnist';

/** LeNet-5 and where its weights came from. */
export function loadLenet(): { net: Network; weights: 'trained' | 'seeded random (LeNet-5 shapes)' } {
  if (hasWeights('lenet5')) {
    const r = readWeights('lenet5');
    if (r.ok) return { net: r.value.net, weights: 'trained' };
  }
  return { net: materialize(lenet5Arch()), weights: 'seeded random (LeNet-5 shapes)' };
}

/** The first `count` images (and labels) of the deterministic MNIST test split, NHWC 28x28x1 in 0..1. */
export function mnistTestImages(count = 1000): { images: Float32Array; labels: Uint8Array; n: number } {
  const test = loadMnistSplit().test;
  const n = Math.min(count, test.n);
  return { images: test.images.slice(0, n * 784), labels: test.labels.slice(0, n), n };
}

/** Activates the tfjs wasm backend (process-wide). */
export async function useWasm(): Promise<void> {
  if (!(await initTfjsWasm({ wasmDir: tfjsWasmDir() }))) throw new Error('tfjs wasm backend could not be initialised');
}

/**
 * tf.sequential equivalent of a chain network made of conv2d (symmetric or 'same' padding),
 * max/avg pooling without padding, flatten, dense and activation functions linear/relu/softmax.
 */
export function toTfSequential(net: Network): tf.Sequential {
  const model = tf.sequential();
  let shape = net.input;
  const act = (a: { kind: string }): 'linear' | 'relu' | 'softmax' => {
    if (a.kind === 'linear' || a.kind === 'relu' || a.kind === 'softmax') return a.kind;
    throw new Error(`toTfSequential: activation ${a.kind} not supported`);
  };
  net.layers.forEach((l, i) => {
    const first = i === 0 ? { inputShape: [shape.h, shape.w, shape.c] } : {};
    if (l.kind === 'conv2d') {
      const p = l.padding;
      const same = l.strideH === 1 && p.top + p.bottom === l.kh - 1 && p.left + p.right === l.kw - 1 && p.top === Math.floor((l.kh - 1) / 2);
      const valid = p.top + p.bottom + p.left + p.right === 0;
      if (!same && !valid) throw new Error(`toTfSequential: padding of ${l.name} is neither same nor valid`);
      const layer = tf.layers.conv2d({ ...first, filters: l.outC, kernelSize: [l.kh, l.kw], strides: [l.strideH, l.strideW], padding: same ? 'same' : 'valid', activation: act(l.activation), useBias: l.bias !== null });
      model.add(layer);
      layer.setWeights([tf.tensor4d(l.weights, [l.kh, l.kw, l.inC, l.outC]), ...(l.bias ? [tf.tensor1d(l.bias)] : [])]);
      shape = { h: Math.floor((shape.h + p.top + p.bottom - l.kh) / l.strideH) + 1, w: Math.floor((shape.w + p.left + p.right - l.kw) / l.strideW) + 1, c: l.outC };
    } else if (l.kind === 'maxpool' || l.kind === 'avgpool') {
      const opts = { ...first, poolSize: [l.ph, l.pw] as [number, number], strides: [l.strideH, l.strideW] as [number, number], padding: 'valid' as const };
      model.add(l.kind === 'maxpool' ? tf.layers.maxPooling2d(opts) : tf.layers.averagePooling2d(opts));
      shape = { h: Math.floor((shape.h - l.ph) / l.strideH) + 1, w: Math.floor((shape.w - l.pw) / l.strideW) + 1, c: shape.c };
    } else if (l.kind === 'flatten') {
      model.add(tf.layers.flatten(first));
      shape = { h: 1, w: 1, c: shape.h * shape.w * shape.c };
    } else if (l.kind === 'dense') {
      const layer = tf.layers.dense({ ...first, units: l.outF, activation: act(l.activation), useBias: l.bias !== null });
      model.add(layer);
      layer.setWeights([tf.tensor2d(l.weights, [l.inF, l.outF]), ...(l.bias ? [tf.tensor1d(l.bias)] : [])]);
      shape = { h: 1, w: 1, c: l.outF };
    } else if (l.kind === 'activation') {
      model.add(tf.layers.activation({ activation: act(l.activation) }));
    } else throw new Error(`toTfSequential: layer kind ${l.kind} not supported`);
  });
  return model;
}

/** model.predict on the whole batch in one call; returns the output values. */
export function tfPredict(model: tf.Sequential, images: Float32Array, n: number, shape: { h: number; w: number; c: number }): Float32Array {
  // tidy returns the tensor: returning the typed array would make tidy scan every element.
  const y = tf.tidy(() => model.predict(tf.tensor4d(images, [n, shape.h, shape.w, shape.c]), { batchSize: n }) as tf.Tensor);
  const v = y.dataSync() as Float32Array;
  y.dispose();
  return v;
}
