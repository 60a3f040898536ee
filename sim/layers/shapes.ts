/**
 * Shape inference: Network -> per-layer input and output Shape3 (NHWC without N), with Result
 * errors naming the layer field at fault. Dense layers accept any input whose h*w*c = inF
 * (implicit NHWC flatten) and output [1,1,outF].
 */
import { fail, ok, type Result } from '../result';
import type { Activation, Layer, Network, Shape3 } from './types';
import { elementwiseArrays } from './vectorOps';

/** Shapes of one layer: where its inputs come from and its output shape. */
export interface LayerShapes {
  /** Input tensor shapes, in `inputs` order. */
  readonly inputs: readonly Shape3[];
  /** Producer of each input: a layer index, or -1 for the network input. */
  readonly inputIndices: readonly number[];
  /** Output shape. */
  readonly output: Shape3;
}

/** Shapes of every layer of a network (same order as `network.layers`). */
export interface NetworkShapes {
  readonly input: Shape3;
  readonly layers: readonly LayerShapes[];
}

/** Output length (pixels) of a sliding window: floor((in + padBefore + padAfter - k) / stride) + 1. */
export function slidingOutputSize(inSize: number, k: number, stride: number, padBefore: number, padAfter: number): number {
  return Math.floor((inSize + padBefore + padAfter - k) / stride) + 1;
}

/** Number of elements of a shape (h*w*c). */
export function shapeSize(s: Shape3): number {
  return s.h * s.w * s.c;
}

/** Array activation bounds must be per channel (length c) or per element of the layer's output
 * shape `out` (length h*w*c, NHWC); the two coincide when h*w = 1 (dense). */
function checkActivation(act: Activation, out: Shape3, path: string): Result<null> {
  if ((act.kind === 'clip' || act.kind === 'clipZero') && typeof act.bound !== 'number') {
    const n = act.bound.length;
    const elems = shapeSize(out);
    if (n !== out.c && n !== elems) {
      const alt = elems === out.c ? '' : ` or ${elems} per-element bounds (${out.h}x${out.w}x${out.c})`;
      return fail(`${path}.activation.bound: expected a number, ${out.c} per-channel bounds${alt}, found ${n}`, `${path}.activation.bound`);
    }
  }
  return ok(null);
}

function positiveInt(v: number, field: string, path: string): Result<null> {
  return Number.isInteger(v) && v >= 1 ? ok(null) : fail(`${path}.${field}: expected an integer >= 1, found ${v}`, `${path}.${field}`);
}

/** Output shape of `layer` given its input shapes; `path` prefixes error messages (e.g. "layers[2]"). */
export function layerOutputShape(layer: Layer, inputs: readonly Shape3[], path: string): Result<Shape3> {
  if (layer.kind === 'concat') return concatShape(inputs, path);
  return singleOutputShape(layer, inputs, path);
}

function concatShape(inputs: readonly Shape3[], path: string): Result<Shape3> {
  const s = inputs[0];
  if (inputs.length < 2) return fail(`${path}.inputs: expected 2 or more inputs for concat, found ${inputs.length}`, `${path}.inputs`);
  const bad = inputs.find((t) => t.h !== s.h || t.w !== s.w);
  if (bad) return fail(`${path}.inputs: expected inputs of equal height and width, found ${s.h}x${s.w} and ${bad.h}x${bad.w}`, `${path}.inputs`);
  return ok({ h: s.h, w: s.w, c: inputs.reduce((a, t) => a + t.c, 0) });
}

function singleOutputShape(layer: Exclude<Layer, { kind: 'concat' }>, inputs: readonly Shape3[], path: string): Result<Shape3> {
  const s = inputs[0];
  const want = layer.kind === 'add' ? 2 : 1;
  if (inputs.length !== want) return fail(`${path}.inputs: expected ${want} input(s) for ${layer.kind}, found ${inputs.length}`, `${path}.inputs`);
  switch (layer.kind) {
    case 'conv2d': {
      for (const f of ['kh', 'kw', 'inC', 'outC', 'strideH', 'strideW'] as const) {
        const r = positiveInt(layer[f], f, path);
        if (!r.ok) return r;
      }
      if (s.c !== layer.inC) return fail(`${path}.inC: expected the input's ${s.c} channels, found ${layer.inC}`, `${path}.inC`);
      if (layer.weights.length !== layer.kh * layer.kw * layer.inC * layer.outC) {
        return fail(`${path}.weights: expected kh*kw*inC*outC = ${layer.kh * layer.kw * layer.inC * layer.outC} values, found ${layer.weights.length}`, `${path}.weights`);
      }
      if (layer.bias && layer.bias.length !== layer.outC) return fail(`${path}.bias: expected ${layer.outC} values, found ${layer.bias.length}`, `${path}.bias`);
      const p = layer.padding;
      const h = slidingOutputSize(s.h, layer.kh, layer.strideH, p.top, p.bottom);
      const w = slidingOutputSize(s.w, layer.kw, layer.strideW, p.left, p.right);
      if (h < 1 || w < 1) return fail(`${path}: kernel ${layer.kh}x${layer.kw} does not fit the padded ${s.h}x${s.w} input`, path);
      const a = checkActivation(layer.activation, { h, w, c: layer.outC }, path);
      return a.ok ? ok({ h, w, c: layer.outC }) : a;
    }
    case 'dense': {
      const r = positiveInt(layer.inF, 'inF', path);
      if (!r.ok) return r;
      if (shapeSize(s) !== layer.inF) return fail(`${path}.inF: expected the input's ${shapeSize(s)} features (${s.h}x${s.w}x${s.c}), found ${layer.inF}`, `${path}.inF`);
      if (layer.weights.length !== layer.inF * layer.outF) return fail(`${path}.weights: expected inF*outF = ${layer.inF * layer.outF} values, found ${layer.weights.length}`, `${path}.weights`);
      if (layer.bias && layer.bias.length !== layer.outF) return fail(`${path}.bias: expected ${layer.outF} values, found ${layer.bias.length}`, `${path}.bias`);
      const a = checkActivation(layer.activation, { h: 1, w: 1, c: layer.outF }, path);
      return a.ok ? ok({ h: 1, w: 1, c: layer.outF }) : a;
    }
    case 'maxpool':
    case 'avgpool': {
      for (const f of ['ph', 'pw', 'strideH', 'strideW'] as const) {
        const r = positiveInt(layer[f], f, path);
        if (!r.ok) return r;
      }
      const p = layer.padding;
      const h = slidingOutputSize(s.h, layer.ph, layer.strideH, p.top, p.bottom);
      const w = slidingOutputSize(s.w, layer.pw, layer.strideW, p.left, p.right);
      if (h < 1 || w < 1) return fail(`${path}: pool window ${layer.ph}x${layer.pw} does not fit the padded ${s.h}x${s.w} input`, path);
      return ok({ h, w, c: s.c });
    }
    case 'globalavgpool':
      return ok({ h: 1, w: 1, c: s.c });
    case 'batchnorm': {
      if (layer.scale.length !== s.c || layer.shift.length !== s.c) {
        return fail(`${path}.scale: expected ${s.c} per-channel values for scale and shift, found ${layer.scale.length} and ${layer.shift.length}`, `${path}.scale`);
      }
      const a = checkActivation(layer.activation, s, path);
      return a.ok ? ok(s) : a;
    }
    case 'add': {
      const t = inputs[1];
      if (t.h !== s.h || t.w !== s.w || t.c !== s.c) return fail(`${path}.inputs: expected two inputs of equal shape, found ${s.h}x${s.w}x${s.c} and ${t.h}x${t.w}x${t.c}`, `${path}.inputs`);
      const a = checkActivation(layer.activation, s, path);
      return a.ok ? ok(s) : a;
    }
    case 'flatten':
      return ok({ h: 1, w: 1, c: shapeSize(s) });
    case 'activation': {
      const a = checkActivation(layer.activation, s, path);
      return a.ok ? ok(s) : a;
    }
    case 'slice': {
      if (!Number.isInteger(layer.start) || !Number.isInteger(layer.count) || layer.start < 0 || layer.count < 1 || layer.start + layer.count > s.c) {
        return fail(`${path}.start: expected channels [start, start+count) inside 0..${s.c}, found start ${layer.start}, count ${layer.count}`, `${path}.start`);
      }
      return ok({ h: s.h, w: s.w, c: layer.count });
    }
    case 'elementwise': {
      for (const [field, a] of elementwiseArrays(layer.op)) {
        if (a.length !== 1 && a.length !== s.c && a.length !== shapeSize(s)) {
          return fail(`${path}.op.${field}: expected 1, ${s.c} (per channel) or ${shapeSize(s)} (per element) values, found ${a.length}`, `${path}.op.${field}`);
        }
      }
      return ok(s);
    }
  }
}

/** Producer indices of each layer's inputs (-1 = network input), resolving names; errors name unknown or later layers. */
export function resolveInputs(network: Network): Result<number[][]> {
  const index = new Map<string, number>();
  const out: number[][] = [];
  for (let i = 0; i < network.layers.length; i++) {
    const layer = network.layers[i];
    const path = `layers[${i}]`;
    if (index.has(layer.name)) return fail(`${path}.name: expected a unique layer name, found a second "${layer.name}"`, `${path}.name`);
    if (layer.inputs === undefined) out.push([i - 1]);
    else {
      const ids: number[] = [];
      for (const name of layer.inputs) {
        const j = name === 'input' && !index.has('input') ? -1 : index.get(name);
        if (j === undefined) return fail(`${path}.inputs: expected names of earlier layers (or "input"), found "${name}"`, `${path}.inputs`);
        ids.push(j);
      }
      out.push(ids);
    }
    index.set(layer.name, i);
  }
  return ok(out);
}

/** Infers every layer's input and output shapes; the first failure names the layer and field. */
export function inferShapes(network: Network): Result<NetworkShapes> {
  const inp = network.input;
  for (const f of ['h', 'w', 'c'] as const) {
    if (!Number.isInteger(inp[f]) || inp[f] < 1) return fail(`input.${f}: expected an integer >= 1, found ${inp[f]}`, `input.${f}`);
  }
  const ids = resolveInputs(network);
  if (!ids.ok) return ids;
  const layers: LayerShapes[] = [];
  for (let i = 0; i < network.layers.length; i++) {
    const inputIndices = ids.value[i];
    const inputs = inputIndices.map((j) => (j < 0 ? inp : layers[j].output));
    const out = layerOutputShape(network.layers[i], inputs, `layers[${i}]`);
    if (!out.ok) return fail(`layer "${network.layers[i].name}": ${out.reason}`, out.path);
    layers.push({ inputs, inputIndices, output: out.value });
  }
  return ok({ input: inp, layers });
}
