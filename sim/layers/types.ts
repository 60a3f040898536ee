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

/** Channel concatenation of two or more inputs of equal h and w (vector unit: an addressing
 * change, no arithmetic). Output channels are the inputs' channels in `inputs` order. */
export interface ConcatLayer extends LayerBase {
  readonly kind: 'concat';
}

/** Channels [start, start+count) of the input (vector unit: an addressing change). Grouped and
 * depthwise convolutions are lowered to one slice + one conv2d per channel group + a concat, so
 * each group is its own GEMM on the array (SCALE-Sim's mapping). */
export interface SliceLayer extends LayerBase {
  readonly kind: 'slice';
  /** First channel kept. */
  readonly start: number;
  /** Channels kept. */
  readonly count: number;
}

/** Element-wise functions of the vector unit beyond the activation set (ONNX import). Per-value
 * arrays have length 1 (per tensor), c (per channel) or h*w*c (per element of one image, NHWC). */
export type ElementwiseOp =
  /** x >= 0 ? x : alpha*x. */
  | { readonly kind: 'leakyrelu'; readonly alpha: number }
  /** min(max(x, min), max). */
  | { readonly kind: 'clamp'; readonly min: number; readonly max: number }
  /** x + values (a constant operand broadcast over the batch). */
  | { readonly kind: 'addConst'; readonly values: Float32Array }
  /** Integer code clamp(roundHalfEven(x / scale) + zeroPoint, lo, hi) (ONNX QuantizeLinear), stored as a value. */
  | { readonly kind: 'quantize'; readonly scale: Float32Array; readonly zeroPoint: Float32Array; readonly lo: number; readonly hi: number }
  /** (x - zeroPoint) * scale (ONNX DequantizeLinear). */
  | { readonly kind: 'dequantize'; readonly scale: Float32Array; readonly zeroPoint: Float32Array };

/** Stand-alone element-wise function in the vector unit. */
export interface ElementwiseLayer extends LayerBase {
  readonly kind: 'elementwise';
  readonly op: ElementwiseOp;
}

export type Layer =
  | Conv2dLayer
  | DenseLayer
  | PoolLayer
  | GlobalAvgPoolLayer
  | BatchNormLayer
  | AddLayer
  | FlattenLayer
  | ActivationLayer
  | ConcatLayer
  | SliceLayer
  | ElementwiseLayer;

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
