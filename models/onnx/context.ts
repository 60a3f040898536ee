/**
 * Conversion state of one ONNX graph: the imported values (layer name + layout), constants
 * (initializers, Constant nodes, folded DequantizeLinear of constants) and the layers emitted so
 * far; helpers to read attributes and refuse a node with its name, op type and what is supported.
 */
import type { Layer } from '../../sim/layers/types';
import { fail, type Failure } from '../../sim/result';
import type { ValueLayout } from './layout';
import type { OnnxAttr, OnnxNode, OnnxTensor } from './proto';

/** A runtime value of the graph: the simulator layer producing it ('input' = network input). */
export interface Value {
  readonly layer: string;
  readonly layout: ValueLayout;
}

/** Mutable state of one conversion. */
export class Ctx {
  /** Runtime values by ONNX name. */
  readonly values = new Map<string, Value>();
  /** Constant tensors by ONNX name. */
  readonly consts = new Map<string, OnnxTensor>();
  /** Layers in emission order (topological). */
  readonly layers: Layer[] = [];
  /** Departures and folds worth telling the user (one line each). */
  readonly notes: string[] = [];
  /** How many nodes (and graph outputs) read each ONNX value. */
  readonly uses = new Map<string, number>();
  /** ONNX values produced directly by array layers (conv2d / dense; one per group), by layer name:
   * a batch norm or activation reading only such a value is folded into those layers. */
  readonly arrayOut = new Map<string, readonly string[]>();
  /** int8 Qm.n fraction bits of the layers of QLinear nodes whose quantization is the engine's
   * int8 format (int8 tensors, zero points 0, per-tensor scales 2^-n, n 0..7), by layer name. */
  readonly int8Fracs = new Map<string, { readonly weight: number; readonly input: number; readonly output: number }>();
  private readonly used = new Set<string>(['input']);
  private readonly indexOf = new Map<string, number>();

  constructor(
    /** ai.onnx opset version of the model. */
    readonly opset: number,
    /** Declared batch size of the network input (null when symbolic). */
    readonly batch: number | null,
  ) {}

  /** A unique layer name derived from `base` (ONNX names may repeat or be empty). */
  uniqueName(base: string): string {
    const clean = base.replace(/[^\w./:-]/g, '_') || 'layer';
    let name = clean;
    for (let i = 1; this.used.has(name); i++) name = `${clean}_${i}`;
    this.used.add(name);
    return name;
  }

  /** The array layers producing ONNX value `name` alone (sole reader, linear activation), or null. */
  foldTarget(name: string): number[] | null {
    const names = this.arrayOut.get(name);
    if (!names || (this.uses.get(name) ?? 0) !== 1) return null;
    const idx = names.map((n) => this.indexOf.get(n) ?? -1);
    const linear = idx.every((i) => {
      const l = this.layers[i];
      return i >= 0 && (l.kind === 'conv2d' || l.kind === 'dense') && l.activation.kind === 'linear' && (l.weightTransform ?? 'none') === 'none';
    });
    return linear ? idx : null;
  }

  /** Appends a layer and returns its name. */
  push(layer: Layer): string {
    this.indexOf.set(layer.name, this.layers.length);
    this.layers.push(layer);
    return layer.name;
  }
}

/** Thrown inside a converter, caught by the driver and returned as a Failure. */
export class Refusal extends Error {
  constructor(readonly failure: Failure) {
    super(failure.reason);
  }
}

/** Throws a refusal naming the node, its op type and what is supported. */
export function refuse(node: OnnxNode, problem: string, supported: string): never {
  throw new Refusal(fail(`node '${node.name}' (${node.opType}): ${problem} (supported: ${supported})`, `node '${node.name}'`));
}

/** Integer attribute (default when absent). */
export function intAttr(node: OnnxNode, name: string, dflt: number): number {
  const a = node.attrs.get(name);
  return typeof a === 'number' ? a : dflt;
}

/** Float attribute (default when absent). */
export function floatAttr(node: OnnxNode, name: string, dflt: number): number {
  const a = node.attrs.get(name);
  return typeof a === 'number' ? a : dflt;
}

/** Integer-list attribute (default when absent). */
export function intsAttr(node: OnnxNode, name: string, dflt: readonly number[] | null): readonly number[] | null {
  const a: OnnxAttr | undefined = node.attrs.get(name);
  return Array.isArray(a) ? (a as readonly number[]) : dflt;
}

/** String attribute (default when absent). */
export function strAttr(node: OnnxNode, name: string, dflt: string): string {
  const a = node.attrs.get(name);
  return typeof a === 'string' ? a : dflt;
}

/** The runtime value of input `i` of a node, refusing constants and missing inputs. */
export function valueIn(ctx: Ctx, node: OnnxNode, i: number): Value {
  const name = node.inputs[i] ?? '';
  const v = ctx.values.get(name);
  if (v) return v;
  if (ctx.consts.has(name)) refuse(node, `input ${i} ('${name}') is a constant where a runtime tensor is expected`, 'a layer output or the network input');
  return refuse(node, `input ${i} ('${name}') is not produced by any earlier node`, 'topologically sorted graphs');
}

/** The constant of input `i` of a node (null when the optional input is omitted and `optional`). */
export function constIn(ctx: Ctx, node: OnnxNode, i: number, optional = false): OnnxTensor | null {
  const name = node.inputs[i] ?? '';
  if (name === '' && optional) return null;
  const t = ctx.consts.get(name);
  if (t) return t;
  if (optional && name === '') return null;
  return refuse(node, `input ${i} ('${name}') must be a constant (initializer)`, 'weights, biases, scales and shapes as initializers or Constant nodes');
}
