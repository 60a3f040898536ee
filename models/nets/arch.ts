/**
 * Weight-free architecture descriptions. An `Arch` lists layers with their hyper-parameters only;
 * `inferArch` derives every layer's input/output shape and parameter count without allocating
 * weights (ResNet-50 is 25.6M parameters = 102 MB fp32), and `materialize` (init.ts) turns an
 * `Arch` into a sim `Network` with seeded weights on demand.
 */
import type { Activation, Padding, Shape3 } from '../../sim/layers/types';

/** 'same' = TensorFlow SAME (extra pixel bottom/right), 'valid' = none, number = that many on every side. */
export type PadSpec = 'same' | 'valid' | number;

interface ArchBase {
  /** Unique layer name. */
  readonly name: string;
  /** Input layer names (default: previous layer). */
  readonly inputs?: readonly string[];
}
/** Convolution hyper-parameters (square kernel and stride). */
export interface ArchConv extends ArchBase { readonly kind: 'conv2d'; readonly k: number; readonly outC: number; readonly stride: number; readonly pad: PadSpec; readonly bias: boolean; readonly activation: Activation }
/** Dense hyper-parameters. */
export interface ArchDense extends ArchBase { readonly kind: 'dense'; readonly outF: number; readonly bias: boolean; readonly activation: Activation }
/** Pooling hyper-parameters (square window). */
export interface ArchPool extends ArchBase { readonly kind: 'maxpool' | 'avgpool'; readonly size: number; readonly stride: number; readonly pad: PadSpec }
/** Layers without hyper-parameters beyond an optional activation. */
export interface ArchSimple extends ArchBase {
  readonly kind: 'globalavgpool' | 'batchnorm' | 'add' | 'flatten' | 'activation';
  readonly activation?: Activation;
  /** Batch norm only: initial scale of seeded weights (default 1; residual branches use less). */
  readonly initScale?: number;
}
/** One architecture layer. */
export type ArchLayer = ArchConv | ArchDense | ArchPool | ArchSimple;

/** A weight-free network description. */
export interface Arch {
  readonly name: string;
  readonly input: Shape3;
  readonly layers: readonly ArchLayer[];
  readonly classes?: readonly string[];
}

/** Per-layer facts derived from an `Arch`. */
export interface ArchLayerInfo {
  readonly layer: ArchLayer;
  /** Shape of the (first) input feature map. */
  readonly in: Shape3;
  /** Output shape; dense outputs are [1,1,F]. */
  readonly out: Shape3;
  /** Trainable + batch-norm parameters (weights, biases, scale, shift). */
  readonly params: number;
  /** Resolved padding in pixels (conv and pooling; zero otherwise). */
  readonly padding: Padding;
}

const ZERO: Padding = { top: 0, bottom: 0, left: 0, right: 0 };

/** TensorFlow padding for one axis: returns [before, after] pixels and the output length. */
export function padAxis(inLen: number, k: number, stride: number, pad: PadSpec): [number, number, number] {
  if (pad === 'same') {
    const out = Math.ceil(inLen / stride);
    const total = Math.max((out - 1) * stride + k - inLen, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2), out];
  }
  const p = pad === 'valid' ? 0 : pad;
  return [p, p, Math.floor((inLen + 2 * p - k) / stride) + 1];
}

function window(inS: Shape3, k: number, stride: number, pad: PadSpec, c: number): { out: Shape3; padding: Padding } {
  const [t, b, oh] = padAxis(inS.h, k, stride, pad);
  const [l, r, ow] = padAxis(inS.w, k, stride, pad);
  return { out: { h: oh, w: ow, c }, padding: { top: t, bottom: b, left: l, right: r } };
}

/** Derives shapes and parameter counts; throws naming the layer on an inconsistent architecture. */
export function inferArch(arch: Arch): ArchLayerInfo[] {
  const byName = new Map<string, Shape3>();
  const infos: ArchLayerInfo[] = [];
  let prev = arch.input;
  for (const layer of arch.layers) {
    const ins = (layer.inputs ?? []).map((n) => {
      const s = byName.get(n);
      if (!s) throw new Error(`${arch.name}/${layer.name}: unknown input layer '${n}'`);
      return s;
    });
    const inS = ins[0] ?? prev;
    let out: Shape3 = inS;
    let params = 0;
    let padding = ZERO;
    switch (layer.kind) {
      case 'conv2d': {
        const w = window(inS, layer.k, layer.stride, layer.pad, layer.outC);
        out = w.out;
        padding = w.padding;
        params = layer.k * layer.k * inS.c * layer.outC + (layer.bias ? layer.outC : 0);
        break;
      }
      case 'dense': {
        const inF = inS.h * inS.w * inS.c;
        if (inS.h !== 1 || inS.w !== 1) throw new Error(`${arch.name}/${layer.name}: dense needs a flattened [1,1,F] input, found ${inS.h}x${inS.w}x${inS.c}`);
        out = { h: 1, w: 1, c: layer.outF };
        params = inF * layer.outF + (layer.bias ? layer.outF : 0);
        break;
      }
      case 'maxpool':
      case 'avgpool': {
        const w = window(inS, layer.size, layer.stride, layer.pad, inS.c);
        out = w.out;
        padding = w.padding;
        break;
      }
      case 'globalavgpool': out = { h: 1, w: 1, c: inS.c }; break;
      case 'flatten': out = { h: 1, w: 1, c: inS.h * inS.w * inS.c }; break;
      case 'batchnorm': params = 2 * inS.c; break;
      case 'add':
        if (ins.length !== 2) throw new Error(`${arch.name}/${layer.name}: add needs 2 inputs, found ${ins.length}`);
        if (ins[0]!.h !== ins[1]!.h || ins[0]!.w !== ins[1]!.w || ins[0]!.c !== ins[1]!.c) {
          throw new Error(`${arch.name}/${layer.name}: add input shapes differ`);
        }
        break;
      case 'activation': break;
    }
    if (out.h < 1 || out.w < 1) throw new Error(`${arch.name}/${layer.name}: output shape ${out.h}x${out.w} is empty`);
    byName.set(layer.name, out);
    infos.push({ layer, in: inS, out, params, padding });
    prev = out;
  }
  return infos;
}

/** Total parameter count of an architecture (no weights allocated). */
export function countArchParams(arch: Arch): number {
  return inferArch(arch).reduce((s, i) => s + i.params, 0);
}
