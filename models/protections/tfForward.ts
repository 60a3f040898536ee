/**
 * A differentiable forward pass of a sim `Network` in tfjs core ops, used by the protection
 * calibration / training steps (FitAct and ProAct bound training, SAF fine-tuning, QAT / SAQ).
 * Unlike models/train/tfModel.ts it supports the protection activations (`clip`, `clipZero`) with
 * trainable bounds, weight transforms (tanh / arctan / softsign on raw weights) and fake
 * quantization of weights and activations (straight-through estimator).
 *
 * Tensors are NHWC; conv weights [kh][kw][inC][outC] and dense weights [inF][outF] map 1:1 to tf.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation, ElementwiseOp, Layer, Network, WeightTransform } from '../../sim/layers/types';

/** Per-tensor (1), per-channel (c) or per-element (h*w*c) values broadcast against NHWC `y`. */
function bcast(a: Float32Array, y: tf.Tensor): tf.Tensor {
  if (a.length === 1) return tf.scalar(a[0]!);
  if (a.length === y.shape[y.rank - 1]) return tf.tensor1d(a);
  return tf.tensor(a, y.shape.slice(1));
}

/** The vector unit's element-wise ops (sim/layers/vectorOps.ts) in tfjs; tf.round rounds half to even like ONNX. */
function elementwiseTf(op: ElementwiseOp, y: tf.Tensor): tf.Tensor {
  switch (op.kind) {
    case 'leakyrelu': return tf.leakyRelu(y, op.alpha);
    case 'clamp': return tf.clipByValue(y, op.min, op.max);
    case 'addConst': return tf.add(y, bcast(op.values, y));
    case 'quantize': return tf.clipByValue(tf.add(tf.round(tf.div(y, bcast(op.scale, y))), bcast(op.zeroPoint, y)), op.lo, op.hi);
    case 'dequantize': return tf.mul(tf.sub(y, bcast(op.zeroPoint, y)), bcast(op.scale, y));
  }
}

/** How clip bounds behave in the forward pass: exact (inference) or smooth (training). */
export type BoundMode = 'hard' | 'smooth';

/** Fake-quantization of one array layer: Qm.n fraction bits of weights and outputs (int8, 1 sign bit). */
export interface FakeQuant {
  /** Fraction bits n of the weight Qm.n (m = 7 - n). */
  readonly weightFrac: number;
  /** Fraction bits n of the layer's stored outputs. */
  readonly outputFrac: number;
  /** Optional (SAF training, H7): rounding of the stored raw weights before the transform, e.g. to
   * their own int8 Qm.n or to fp16 (straight-through); none = raw weights unrounded. */
  readonly raw?: (w: tf.Tensor) => tf.Tensor;
  /** Optional: replaces the Qm.n weight rounding (e.g. fp16 rounding); weightFrac is then unused. */
  readonly weight?: (w: tf.Tensor) => tf.Tensor;
  /** Optional: replaces the Qm.n output rounding (e.g. fp16 rounding); outputFrac is then unused. */
  readonly output?: (y: tf.Tensor) => tf.Tensor;
  /** Optional (SAQ, H7): added to the effective (transformed, rounded) weights; the SAM ascent
   * perturbation taken on the quantized weights. */
  readonly perturb?: tf.Tensor;
}

/** Options of `TfNetwork`. */
export interface TfNetworkOptions {
  /** Layer indices whose raw weights/biases are trainable variables (others are constants). */
  readonly trainWeights?: ReadonlySet<number>;
  /** Layer indices whose clip/clipZero bound is a trainable variable. */
  readonly trainBounds?: ReadonlySet<number>;
  /** Sharpness of the smooth saturating bound of `clip` (1/units of activation); default 8. */
  readonly smoothK?: number;
  /** Sharpness k of the smooth zeroing bound of `clipZero`, relu(x)·σ(k(b − x)); default 20 as in
   * RReLU (rrelu/relu_bound/bound_fitact.py:5,17 and bound_proact.py:8,24: k = −20 in σ(−k(x − b))). */
  readonly zeroK?: number;
}

/** Straight-through rounding to int8 Qm.n (value domain), saturating at the int8 range. */
export function fakeQuantize(x: tf.Tensor, frac: number): tf.Tensor {
  const s = 2 ** frac;
  const f = tf.customGrad(((v: tf.Tensor) => ({
    value: tf.tidy(() => tf.div(tf.clipByValue(tf.round(tf.mul(v, s)), -128, 127), s)),
    gradFunc: (dy: tf.Tensor) => dy,
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x);
}

/** Saturating weight transform in tf (tanh / arctan / softsign), identity for none. */
export function tfTransform(t: WeightTransform | undefined, w: tf.Tensor): tf.Tensor {
  switch (t ?? 'none') {
    case 'tanh': return tf.tanh(w);
    case 'arctan': return tf.atan(w);
    case 'softsign': return tf.div(w, tf.add(1, tf.abs(w)));
    default: return w;
  }
}

/** Bound tensor of an activation: scalar, per-channel [C] or per-element [H*W*C] (flat NHWC). */
function boundTensor(b: number | Float32Array): tf.Tensor {
  return typeof b === 'number' ? tf.scalar(b) : tf.tensor1d(Float32Array.from(b));
}

/**
 * A sim Network held as tf tensors: weights, biases and bounds (constants or trainable variables),
 * with a forward pass producing logits (the final softmax is left out).
 */
export class TfNetwork {
  /** Per layer: raw weight tensor (array layers) or null. */
  readonly weights: (tf.Tensor | null)[];
  /** Per layer: bias tensor or null. */
  readonly biases: (tf.Tensor | null)[];
  /** Per layer: clip bound tensor (clip/clipZero activations) or null. */
  readonly bounds: (tf.Tensor | null)[];
  /** Trainable variables created for weights/biases. */
  readonly weightVars: tf.Variable[] = [];
  /** Trainable variables created for bounds. */
  readonly boundVars: tf.Variable[] = [];
  private readonly k: number;
  private readonly zk: number;

  /** Copies the network's parameters into tf (variables where `opts` asks for training). */
  constructor(readonly net: Network, opts: TfNetworkOptions = {}) {
    this.k = opts.smoothK ?? 8;
    this.zk = opts.zeroK ?? 20;
    this.weights = net.layers.map((l, i) => {
      if (l.kind !== 'conv2d' && l.kind !== 'dense') return null;
      const shape = l.kind === 'conv2d' ? [l.kh, l.kw, l.inC, l.outC] : [l.inF, l.outF];
      const t = tf.tensor(l.weights, shape);
      if (!opts.trainWeights?.has(i)) return t;
      const v = tf.variable(t, true, `w${i}`);
      t.dispose();
      this.weightVars.push(v);
      return v;
    });
    this.biases = net.layers.map((l, i) => {
      if ((l.kind !== 'conv2d' && l.kind !== 'dense') || !l.bias) return null;
      if (!opts.trainWeights?.has(i)) return tf.tensor1d(l.bias);
      const v = tf.variable(tf.tensor1d(l.bias), true, `b${i}`);
      this.weightVars.push(v);
      return v;
    });
    this.bounds = net.layers.map((l, i) => {
      const a = activationOf(l);
      if (!a || (a.kind !== 'clip' && a.kind !== 'clipZero')) return null;
      const t = boundTensor(a.bound);
      if (!opts.trainBounds?.has(i)) return t;
      const v = tf.variable(t, true, `bound${i}`);
      t.dispose();
      this.boundVars.push(v);
      return v;
    });
  }

  /** Bound of layer i shaped to broadcast over x [n, ...]: a per-element bound [H*W*C] is
   * reshaped to one image's shape; scalars and per-channel [C] broadcast as they are. */
  private boundFor(i: number, x: tf.Tensor): tf.Tensor {
    const b = this.bounds[i]!;
    const c = x.shape[x.rank - 1]!;
    if (b.rank === 0 || b.size === c) return b;
    const per = x.size / x.shape[0]!;
    if (b.size !== per) throw new Error(`layer ${i}: expected ${c} per-channel or ${per} per-element bounds, found ${b.size}`);
    return tf.reshape(b, x.shape.slice(1));
  }

  private act(i: number, a: Activation, x: tf.Tensor, mode: BoundMode, last: boolean): tf.Tensor {
    switch (a.kind) {
      case 'linear': return x;
      case 'relu': return tf.relu(x);
      case 'tanh': return tf.tanh(x);
      case 'sigmoid': return tf.sigmoid(x);
      case 'softmax': return last ? x : tf.softmax(x);
      case 'clip': {
        const b = this.boundFor(i, x);
        const r = tf.relu(x);
        if (mode === 'hard') return tf.minimum(r, b);
        // smooth min(relu(x), b) = b - softplus(k (b - relu(x))) / k
        return tf.sub(b, tf.div(tf.softplus(tf.mul(this.k, tf.sub(b, r))), this.k));
      }
      case 'clipZero': {
        const b = this.boundFor(i, x);
        const r = tf.relu(x);
        if (mode === 'hard') return tf.where(tf.greater(x, b), tf.zerosLike(r), r);
        // RReLU: max(0, x − x·σ(k(x − b))) = relu(x)·σ(k(b − x)): a value above b goes to ~0
        return tf.mul(r, tf.sigmoid(tf.mul(this.zk, tf.sub(b, x))));
      }
    }
  }

  /**
   * Logits for a batch x [n,h,w,c]. `quant(i)` returns fake-quantization for array layer i (QAT).
   * Call inside tf.tidy.
   */
  forward(x: tf.Tensor4D, mode: BoundMode = 'hard', quant?: (i: number) => FakeQuant | undefined): tf.Tensor2D {
    const outs = this.forwardLayers(x, mode, quant);
    const prev = outs[outs.length - 1]!;
    return (prev.rank === 2 ? prev : tf.reshape(prev, [prev.shape[0]!, -1])) as tf.Tensor2D;
  }

  /** Every layer's output (the last one as logits) for a batch; call inside tf.tidy. */
  forwardLayers(x: tf.Tensor4D, mode: BoundMode = 'hard', quant?: (i: number) => FakeQuant | undefined): tf.Tensor[] {
    const outs: tf.Tensor[] = [];
    let prev: tf.Tensor = x;
    const n = this.net.layers.length;
    this.net.layers.forEach((l, i) => {
      const ins = (l.inputs ?? []).map((name) => {
        const j = this.net.layers.findIndex((m) => m.name === name);
        return j < 0 ? x : outs[j]!; // "input": the network input (imported graphs read it from several layers)
      });
      let y: tf.Tensor = ins[0] ?? prev;
      const last = i === n - 1;
      switch (l.kind) {
        case 'conv2d':
        case 'dense': {
          const q = quant?.(i);
          let w = tfTransform(l.weightTransform, q?.raw ? q.raw(this.weights[i]!) : this.weights[i]!);
          if (q) w = q.weight ? q.weight(w) : fakeQuantize(w, q.weightFrac);
          if (q?.perturb) w = tf.add(w, q.perturb);
          if (l.kind === 'conv2d') {
            const p = l.padding;
            if (p.top || p.bottom || p.left || p.right) y = tf.pad(y, [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]]);
            y = tf.conv2d(y as tf.Tensor4D, w as tf.Tensor4D, [l.strideH, l.strideW], 'valid');
          } else {
            if (y.rank !== 2) y = tf.reshape(y, [y.shape[0]!, -1]);
            y = tf.matMul(y as tf.Tensor2D, w as tf.Tensor2D);
          }
          if (this.biases[i]) y = tf.add(y, this.biases[i]!);
          if (q) y = q.output ? q.output(y) : fakeQuantize(y, q.outputFrac);
          y = this.act(i, l.activation, y, mode, last);
          break;
        }
        case 'maxpool':
        case 'avgpool': {
          const p = l.padding;
          if (p.top || p.bottom || p.left || p.right) throw new Error(`${l.name}: padded pooling is not supported by the protection trainer`);
          const f = l.kind === 'maxpool' ? tf.maxPool : tf.avgPool;
          y = f(y as tf.Tensor4D, [l.ph, l.pw], [l.strideH, l.strideW], 'valid');
          break;
        }
        case 'globalavgpool': y = tf.mean(y, [1, 2], true); break;
        case 'flatten': y = tf.reshape(y, [y.shape[0]!, -1]); break;
        case 'batchnorm':
          y = this.act(i, l.activation, tf.add(tf.mul(y, tf.tensor1d(l.scale)), tf.tensor1d(l.shift)), mode, last);
          break;
        case 'add': y = this.act(i, l.activation, tf.add(ins[0]!, ins[1]!), mode, last); break;
        case 'activation': y = this.act(i, l.activation, y, mode, last); break;
        // vector-unit kinds of imported (ONNX) networks
        case 'concat': y = tf.concat(ins, 3); break;
        case 'slice': y = tf.slice(y, [0, 0, 0, l.start], [-1, -1, -1, l.count]); break;
        case 'elementwise': y = elementwiseTf(l.op, y); break;
      }
      outs.push(y);
      prev = y;
    });
    return outs;
  }

  /** Current raw weights of array layer i (copy). */
  readWeights(i: number): Float32Array {
    return Float32Array.from(this.weights[i]!.dataSync() as Float32Array);
  }

  /** Current bias of layer i (copy) or null. */
  readBias(i: number): Float32Array | null {
    const b = this.biases[i];
    return b ? Float32Array.from(b.dataSync() as Float32Array) : null;
  }

  /** Current bound of layer i: a number (layer-wise), per-channel or per-element (NHWC) array. */
  readBound(i: number): number | Float32Array {
    const b = this.bounds[i]!;
    const v = b.dataSync() as Float32Array;
    return b.rank === 0 ? v[0]! : Float32Array.from(v);
  }

  /** Frees every tensor and variable. */
  dispose(): void {
    for (const t of [...this.weights, ...this.biases, ...this.bounds]) t?.dispose();
  }
}

/** The activation of a layer that has one (conv, dense, batchnorm, add, activation), else null. */
export function activationOf(l: Layer): Activation | null {
  return 'activation' in l ? l.activation : null;
}
