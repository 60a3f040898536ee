/**
 * Network description the simulator runs and models/ trains. Tensors are NHWC, batch-major,
 * stored as Float32Array (values are the real numbers; numeric formats are applied by the engine).
 * Conv weights are [kh][kw][inC][outC] row-major, which is exactly the K x N GEMM weight matrix
 * (K index = (ky*kw + kx)*inC + c). Dense weights are [in][out] (K x N).
 */

/** Activation applied in the activation unit after a layer's GEMM (+bias). Bounds are per layer
 * (a single number), per channel (a Float32Array of length c: one per output channel for conv, per
 * unit for dense) or per element (length h*w*c: one per neuron of one image's NHWC output). */
export type Activation =
  | { readonly kind: 'linear' }
  | { readonly kind: 'relu' }
  /** Ranger / ProAct-style saturation: min(max(x,0), bound). */
  | { readonly kind: 'clip'; readonly bound: number | Float32Array }
  /** Clip-Act style: x > bound -> 0, else relu(x). */
  | { readonly kind: 'clipZero'; readonly bound: number | Float32Array }
  | { readonly kind: 'tanh' }
  | { readonly kind: 'sigmoid' }
  | { readonly kind: 'softmax' };

/** Saturating function applied to stored raw weights when they are read (saturated weight transforms). */
export type WeightTransform = 'none' | 'tanh' | 'arctan' | 'softsign';

/** Padding in pixels on each side. */
export interface Padding {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

interface LayerBase {
  /** Unique layer name. */
  readonly name: string;
  /** Names of input layers; omitted = the previous layer (or the network input for the first). */
  readonly inputs?: readonly string[];
}

/** 2-D convolution on the array (im2col lowered). */
export interface Conv2dLayer extends LayerBase {
  readonly kind: 'conv2d';
  readonly kh: number;
  readonly kw: number;
  readonly inC: number;
  readonly outC: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padding: Padding;
  /** [kh][kw][inC][outC] raw stored weights (before `weightTransform`). */
  readonly weights: Float32Array;
  /** [outC] or null. */
  readonly bias: Float32Array | null;
  readonly activation: Activation;
  readonly weightTransform?: WeightTransform;
}

/** Fully connected layer on the array. */
export interface DenseLayer extends LayerBase {
  readonly kind: 'dense';
  readonly inF: number;
  readonly outF: number;
  /** [inF][outF] raw stored weights. */
  readonly weights: Float32Array;
  readonly bias: Float32Array | null;
  readonly activation: Activation;
  readonly weightTransform?: WeightTransform;
}

/** Max or average pooling in the vector unit. */
export interface PoolLayer extends LayerBase {
  readonly kind: 'maxpool' | 'avgpool';
  readonly ph: number;
  readonly pw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padding: Padding;
}

/** Global average pooling to 1x1. */
export interface GlobalAvgPoolLayer extends LayerBase {
  readonly kind: 'globalavgpool';
}

/** Batch normalization in the vector unit (inference form: y = x*scale + shift per channel).
 * Folded into the preceding conv by `foldBatchNorm` when possible. */
export interface BatchNormLayer extends LayerBase {
  readonly kind: 'batchnorm';
  readonly scale: Float32Array;
  readonly shift: Float32Array;
  readonly activation: Activation;
}

/** Residual element-wise add of two inputs, then an activation. */
export interface AddLayer extends LayerBase {
  readonly kind: 'add';
  readonly activation: Activation;
}

/** NHWC -> N x (H*W*C) flatten (no data movement on the array). */
export interface FlattenLayer extends LayerBase {
  readonly kind: 'flatten';
}

/** Stand-alone activation in the activation unit. */
export interface ActivationLayer extends LayerBase {
  readonly kind: 'activation';
  readonly activation: Activation;
}

export type Layer =
  | Conv2dLayer
  | DenseLayer
  | PoolLayer
  | GlobalAvgPoolLayer
  | BatchNormLayer
  | AddLayer
  | FlattenLayer
  | ActivationLayer;

/** Shape of one image / feature map, NHWC without N. Dense outputs are [1,1,F]. */
export interface Shape3 {
  readonly h: number;
  readonly w: number;
  readonly c: number;
}

/** A network: an input shape and a topologically ordered layer list. */
export interface Network {
  readonly name: string;
  readonly input: Shape3;
  readonly layers: readonly Layer[];
  /** Class labels of the final layer's outputs. */
  readonly classes?: readonly string[];
}
