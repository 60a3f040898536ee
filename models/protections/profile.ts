/**
 * Activation profiling: per layer, the largest activation value (per channel and per output element) seen on
 * profiling data, for every layer whose activation is ReLU-like (relu, clip, clipZero). These are
 * the layers the activation protections bound. Values are post-activation of the unbounded
 * (relu) network, i.e. max(0, pre-activation).
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation, Layer, Network } from '../../sim/layers/types';
import { type Dataset, imageSize } from '../data/dataset';
import { activationOf, TfNetwork } from './tfForward';

/** Max activation of one bounded layer. */
export interface LayerProfile {
  /** Layer index in the network. */
  readonly index: number;
  readonly name: string;
  /** Largest activation over all images, positions and channels. */
  readonly max: number;
  /** Largest activation per output channel (conv) or unit (dense). */
  readonly channelMax: Float32Array;
  /** Largest activation per element of one image's output (h*w*c, NHWC; dense: = channelMax). */
  readonly elementMax: Float32Array;
}

/** True when the layer's activation is relu-like (a candidate for bounding). */
export function isBoundable(l: Layer): boolean {
  const a = activationOf(l);
  return a !== null && (a.kind === 'relu' || a.kind === 'clip' || a.kind === 'clipZero');
}

/** A copy of `net` with every relu-like activation turned back into plain relu. */
export function unbounded(net: Network): Network {
  const relu: Activation = { kind: 'relu' };
  return { ...net, layers: net.layers.map((l) => (isBoundable(l) && 'activation' in l ? { ...l, activation: relu } : l)) as Layer[] };
}

/** Profiles the max activation of every relu-like layer on `ds` (batches of `batch`). */
export function profileActivations(net: Network, ds: Dataset, batch = 200): LayerProfile[] {
  const base = unbounded(net);
  const idx = base.layers.map((l, i) => (isBoundable(l) ? i : -1)).filter((i) => i >= 0);
  const chans = idx.map(() => 1);
  const elems = idx.map(() => null as Float32Array | null);
  const tfn = new TfNetwork(base);
  const sz = imageSize(ds.shape);
  try {
    for (let s = 0; s < ds.n; s += batch) {
      const n = Math.min(batch, ds.n - s);
      const ch = tf.tidy(() => {
        const outs = tfn.forwardLayers(tf.tensor4d(ds.images.subarray(s * sz, (s + n) * sz), [n, ds.shape.h, ds.shape.w, ds.shape.c]));
        return idx.map((i, k) => {
          const o = outs[i]!;
          chans[k] = o.shape[o.rank - 1]!;
          return tf.max(tf.reshape(o, [o.shape[0]!, -1]), 0);
        });
      });
      ch.forEach((t, k) => {
        const v = t.dataSync() as Float32Array;
        const m = elems[k] ?? (elems[k] = new Float32Array(v.length));
        for (let j = 0; j < v.length; j++) if (v[j]! > m[j]!) m[j] = v[j]!;
        t.dispose();
      });
    }
  } finally {
    tfn.dispose();
  }
  return idx.map((i, k) => {
    const elementMax = elems[k]!;
    const c = chans[k]!;
    const channelMax = new Float32Array(c);
    for (let j = 0; j < elementMax.length; j++) if (elementMax[j]! > channelMax[j % c]!) channelMax[j % c] = elementMax[j]!;
    return { index: i, name: base.layers[i]!.name, max: channelMax.reduce((a, b) => (b > a ? b : a), 0), channelMax, elementMax };
  });
}
