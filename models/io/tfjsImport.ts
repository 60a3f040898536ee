/**
 * Pure tfjs LayersModel import: model.json (topology + weightsManifest) + weight shard bytes ->
 * sim `Network`. Supported: InputLayer, Conv2D, Dense, MaxPooling2D, AveragePooling2D,
 * GlobalAveragePooling2D, BatchNormalization (-> inference scale/shift), Flatten, Activation, ReLU
 * (max_value -> clip), Add, Dropout (identity), ZeroPadding2D (folded into the next conv/pool).
 * channels_last only. Weights: float32, or uint8/uint16 affine-quantized (dequantized on load).
 */
import type { Activation, Layer, Network, Padding, Shape3 } from '../../sim/layers/types';
import { fail, ok, type Result } from '../../sim/result';
import { padAxis } from '../nets/arch';
import { type KerasNode, parseKerasTopology } from './tfjsTopology';

/** Most weight values accepted (2^28 floats = 1 GiB). */
export const MAX_IMPORT_WEIGHTS = 1 << 28;

interface WeightSpec { name: string; shape: number[]; dtype?: string; quantization?: { dtype: string; min?: number; scale?: number } }

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A manifest shape: absent (scalar) or at most 8 integer dimensions in 0..2^31 (issue 8 input limits). */
const validShape = (s: unknown): boolean =>
  s === undefined || (Array.isArray(s) && s.length <= 8 && s.every((d) => Number.isInteger(d) && d >= 0 && d <= 2 ** 31));

/** Decodes every weight in the manifest; shards of one group are concatenated in `paths` order. */
export function decodeManifest(manifest: unknown, shards: ReadonlyMap<string, Uint8Array>, file = 'model.json'): Result<Map<string, Float32Array>> {
  if (!Array.isArray(manifest)) return fail(`${file}: weightsManifest: expected an array`, 'weightsManifest');
  const out = new Map<string, Float32Array>();
  let total = 0;
  for (const [g, group] of manifest.entries()) {
    if (!isObj(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) return fail(`${file}: weightsManifest[${g}]: expected {paths, weights}`);
    const parts: Uint8Array[] = [];
    for (const p of group.paths as string[]) {
      const b = shards.get(p);
      if (!b) return fail(`${file}: weightsManifest[${g}]: shard '${p}' not found`);
      parts.push(b);
    }
    const size = parts.reduce((s, b) => s + b.length, 0);
    const buf = new Uint8Array(size);
    parts.reduce((o, b) => (buf.set(b, o), o + b.length), 0);
    const dv = new DataView(buf.buffer);
    let off = 0;
    for (const [k, w] of (group.weights as WeightSpec[]).entries()) {
      if (!isObj(w) || typeof w.name !== 'string' || !validShape(w.shape)) {
        return fail(`${file}: weightsManifest[${g}].weights[${k}]: expected {name: string, shape: up to 8 non-negative integer dims}`);
      }
      const n = (w.shape ?? []).reduce((a, b) => a * b, 1);
      total += n;
      if (total > MAX_IMPORT_WEIGHTS) return fail(`${file}: more than ${MAX_IMPORT_WEIGHTS} weight values`);
      const q = w.quantization;
      const bytesPer = q ? (q.dtype === 'uint8' ? 1 : q.dtype === 'uint16' ? 2 : 0) : w.dtype === undefined || w.dtype === 'float32' ? 4 : 0;
      if (!bytesPer || (q && (q.min === undefined || q.scale === undefined))) {
        return fail(`${file}: weightsManifest[${g}].weights[${k}] (${w.name}): unsupported dtype ${q ? `quantized ${q.dtype}` : w.dtype} (expected float32 or uint8/uint16 affine)`);
      }
      if (off + n * bytesPer > size) return fail(`${file}: weightsManifest[${g}].weights[${k}] (${w.name}): offset ${off} + ${n * bytesPer} bytes exceeds the ${size} shard bytes`);
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const o = off + i * bytesPer;
        a[i] = !q ? dv.getFloat32(o, true) : q.min! + q.scale! * (bytesPer === 1 ? dv.getUint8(o) : dv.getUint16(o, true));
      }
      off += n * bytesPer;
      out.set(w.name, a);
    }
  }
  return ok(out);
}

function activation(a: unknown, where: string): Result<Activation> {
  const s = a === undefined || a === null ? 'linear' : String(a);
  if (s === 'linear' || s === 'relu' || s === 'tanh' || s === 'sigmoid' || s === 'softmax') return ok({ kind: s });
  return fail(`${where}: unsupported activation '${s}' (expected linear, relu, tanh, sigmoid or softmax)`);
}

const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= 1 << 20;

/**
 * A Keras size pair (kernel_size, strides, pool_size, dilation_rate): an integer >= `min` or a list
 * of two; absent means `dflt`. null, 1.5, "3" or [3] are refused naming the field.
 */
function intPair(c: Obj, field: string, dflt: number, where: string, min = 1): Result<[number, number]> {
  const v = c[field];
  if (v === undefined) return ok([dflt, dflt]);
  if (isInt(v, min)) return ok([v, v]);
  if (Array.isArray(v) && v.length === 2 && isInt(v[0], min) && isInt(v[1], min)) return ok([v[0], v[1]]);
  return fail(`${where}: ${field}: expected an integer >= ${min} or a list of two, found ${JSON.stringify(v)?.slice(0, 60)}`, field);
}

/** A positive integer config field (filters, units). */
function posInt(c: Obj, field: string, where: string): Result<number> {
  const v = c[field];
  return isInt(v, 1) ? ok(v) : fail(`${where}: ${field}: expected an integer >= 1, found ${JSON.stringify(v)?.slice(0, 60) ?? 'nothing'}`, field);
}

const ZERO: Padding = { top: 0, bottom: 0, left: 0, right: 0 };

/** Conversion context of one Keras node. */
interface Ctx {
  readonly node: KerasNode;
  readonly where: string;
  /** Input shape (before any folded ZeroPadding2D). */
  readonly inS: Shape3;
  /** Explicit padding folded in from a preceding ZeroPadding2D. */
  readonly pre: Padding;
  readonly base: { name: string; inputs?: string[] };
  readonly find: (layer: string, suffix: string) => Float32Array | undefined;
}

/** Imports a parsed model.json plus its shard bytes (keyed by manifest path) as a Network. */
export function importTfjsModel(modelJson: unknown, shards: ReadonlyMap<string, Uint8Array>, file = 'model.json'): Result<Network> {
  if (!isObj(modelJson)) return fail(`${file}: expected a JSON object`);
  const g = parseKerasTopology(modelJson.modelTopology, file);
  if (!g.ok) return g;
  const wr = decodeManifest(modelJson.weightsManifest ?? [], shards, file);
  if (!wr.ok) return wr;
  const weights = wr.value;
  const find = (layer: string, suffix: string): Float32Array | undefined => {
    for (const [k, v] of weights) {
      const parts = k.replace(/:\d+$/, '').split('/');
      if (parts[parts.length - 1] === suffix && parts.slice(0, -1).includes(layer)) return v;
    }
    return undefined;
  };
  const dims = g.value.inputShape;
  const input: Shape3 | null = dims.length === 3 ? { h: dims[0]!, w: dims[1]!, c: dims[2]! } : dims.length === 1 ? { h: 1, w: 1, c: dims[0]! } : null;
  if (!input) return fail(`${file}: input shape [${dims.join(',')}]: expected [h,w,c] or [features]`);
  const layers: Layer[] = [];
  const shape = new Map<string, Shape3>();
  const alias = new Map<string, string>(); // skipped layer (Dropout...) -> the layer it forwards
  const padOf = new Map<string, { src: string; pad: Padding }>(); // ZeroPadding2D -> source + padding
  let inputName = '__input';
  let needInputLayer = false;
  for (const node of g.value.nodes) {
    const c = node.config;
    const where = `${file}: layer '${node.name}' (${node.className})`;
    if (node.className === 'InputLayer') {
      inputName = node.name;
      shape.set(node.name, input);
      continue;
    }
    let srcs = node.inputs.map((n) => alias.get(n) ?? n);
    if (srcs.length === 0) srcs = [inputName];
    for (const s of srcs) if (!shape.has(s)) return fail(`${where}: input '${s}' is not defined before it`);
    if (c.data_format !== undefined && c.data_format !== 'channels_last') return fail(`${where}: data_format '${String(c.data_format)}' unsupported (channels_last only)`);
    if (node.className === 'ZeroPadding2D') {
      if (padOf.has(srcs[0]!)) return fail(`${where}: two consecutive ZeroPadding2D layers are unsupported`);
      const p = c.padding;
      let tblr: [[number, number], [number, number]];
      if (Array.isArray(p) && p.length === 2 && Array.isArray(p[0]) && Array.isArray(p[1]) && [...p[0], ...p[1]].length === 4 && [...p[0], ...p[1]].every((x) => isInt(x, 0))) {
        tblr = p as [[number, number], [number, number]];
      } else {
        const sym = intPair(c, 'padding', 1, where, 0);
        if (!sym.ok) return fail(`${sym.reason} or [[top, bottom], [left, right]]`, 'padding');
        tblr = [[sym.value[0], sym.value[0]], [sym.value[1], sym.value[1]]];
      }
      const [[t, b], [l, r]] = tblr;
      const inS = shape.get(srcs[0]!)!;
      padOf.set(node.name, { src: srcs[0]!, pad: { top: t, bottom: b, left: l, right: r } });
      shape.set(node.name, { h: inS.h + t + b, w: inS.w + l + r, c: inS.c });
      continue;
    }
    const folded = padOf.get(srcs[0]!);
    if (folded) {
      if (!['Conv2D', 'MaxPooling2D', 'AveragePooling2D'].includes(node.className)) return fail(`${where}: a ZeroPadding2D may only feed Conv2D or pooling layers`);
      srcs = [folded.src];
    }
    for (const s of srcs) if (padOf.has(s)) return fail(`${where}: a ZeroPadding2D may only feed Conv2D or pooling layers`);
    const prevName = layers.length ? layers[layers.length - 1]!.name : inputName;
    if (layers.length > 0 && srcs.includes(inputName)) needInputLayer = true;
    const implicit = srcs.length === 1 && srcs[0] === prevName && !(layers.length > 0 && srcs[0] === inputName);
    const ctx: Ctx = {
      node, where, inS: shape.get(srcs[0]!)!, pre: folded?.pad ?? ZERO, find,
      base: implicit ? { name: node.name } : { name: node.name, inputs: srcs },
    };
    if (node.className === 'Dropout' || node.className === 'SpatialDropout2D') {
      alias.set(node.name, srcs[0]!);
      continue;
    }
    const r = convertNode(ctx, srcs.map((s) => shape.get(s)!));
    if (!r.ok) return r;
    layers.push(r.value.layer);
    shape.set(node.name, r.value.out);
  }
  const out = alias.get(g.value.output) ?? g.value.output;
  if (layers.length === 0 || layers[layers.length - 1]!.name !== out) return fail(`${file}: the output layer '${g.value.output}' must be the last layer`);
  if (needInputLayer) layers.unshift({ name: inputName, kind: 'activation', activation: { kind: 'linear' } });
  return ok({ name: g.value.name, input, layers });
}

function windowPadding(ctx: Ctx, k: [number, number], s: [number, number]): Result<{ padding: Padding; h: number; w: number }> {
  const { inS, pre, node, where } = ctx;
  const mode = String(ctx.node.config.padding ?? 'valid');
  if (mode !== 'same' && mode !== 'valid') return fail(`${where}: padding '${mode}' unsupported (same or valid)`);
  const H = inS.h + pre.top + pre.bottom;
  const W = inS.w + pre.left + pre.right;
  const [t, b, oh] = padAxis(H, k[0], s[0], mode);
  const [l, r, ow] = padAxis(W, k[1], s[1], mode);
  if (oh < 1 || ow < 1) return fail(`${where}: output of ${node.name} would be empty`);
  return ok({ padding: { top: pre.top + t, bottom: pre.bottom + b, left: pre.left + l, right: pre.right + r }, h: oh, w: ow });
}

function convertNode(ctx: Ctx, ins: Shape3[]): Result<{ layer: Layer; out: Shape3 }> {
  const { node, where, inS, base, find } = ctx;
  const c = node.config;
  const need = (suffix: string, n: number): Result<Float32Array> => {
    const a = find(node.name, suffix);
    if (!a) return fail(`${where}: weight '${node.name}/${suffix}' missing from weightsManifest`);
    if (a.length !== n) return fail(`${where}: weight '${suffix}' has ${a.length} values, expected ${n}`);
    return ok(a);
  };
  const flat = (): number => inS.h * inS.w * inS.c;
  switch (node.className) {
    case 'Conv2D': {
      const k = c.kernel_size === undefined ? fail(`${where}: kernel_size: expected an integer >= 1 or a list of two, found nothing`) : intPair(c, 'kernel_size', 1, where);
      if (!k.ok) return k;
      const [kh, kw] = k.value;
      const st = intPair(c, 'strides', 1, where);
      if (!st.ok) return st;
      const [sh, sw] = st.value;
      const dil = intPair(c, 'dilation_rate', 1, where);
      if (!dil.ok) return dil;
      const [dh, dw] = dil.value;
      if (dh !== 1 || dw !== 1) return fail(`${where}: dilation_rate ${dh}x${dw} unsupported (1 only)`);
      if (c.groups !== undefined && c.groups !== 1) return fail(`${where}: grouped convolution unsupported`);
      const filters = posInt(c, 'filters', where);
      if (!filters.ok) return filters;
      const outC = filters.value;
      const p = windowPadding(ctx, [kh, kw], [sh, sw]);
      if (!p.ok) return p;
      const act = activation(c.activation, where);
      if (!act.ok) return act;
      const w = need('kernel', kh * kw * inS.c * outC);
      if (!w.ok) return w;
      const useBias = c.use_bias !== false;
      const bias = useBias ? need('bias', outC) : ok(null);
      if (!bias.ok) return bias;
      return ok({
        layer: { ...base, kind: 'conv2d', kh, kw, inC: inS.c, outC, strideH: sh, strideW: sw, padding: p.value.padding, weights: w.value, bias: bias.value, activation: act.value },
        out: { h: p.value.h, w: p.value.w, c: outC },
      });
    }
    case 'Dense': {
      if (inS.h !== 1 || inS.w !== 1) return fail(`${where}: Dense on a ${inS.h}x${inS.w}x${inS.c} input unsupported (add a Flatten)`);
      const units = posInt(c, 'units', where);
      if (!units.ok) return units;
      const outF = units.value;
      const act = activation(c.activation, where);
      if (!act.ok) return act;
      const w = need('kernel', flat() * outF);
      if (!w.ok) return w;
      const bias = c.use_bias !== false ? need('bias', outF) : ok(null);
      if (!bias.ok) return bias;
      return ok({ layer: { ...base, kind: 'dense', inF: flat(), outF, weights: w.value, bias: bias.value, activation: act.value }, out: { h: 1, w: 1, c: outF } });
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const pool = intPair(c, 'pool_size', 2, where);
      if (!pool.ok) return pool;
      const [ph, pw] = pool.value;
      // strides: null (Keras' default) means the pool size
      const st = c.strides === null ? ok<[number, number]>([ph, pw]) : intPair(c, 'strides', 1, where);
      if (!st.ok) return st;
      const [sh, sw] = c.strides === undefined ? [ph, pw] : st.value;
      const p = windowPadding(ctx, [ph, pw], [sh, sw]);
      if (!p.ok) return p;
      const kind = node.className === 'MaxPooling2D' ? 'maxpool' : 'avgpool';
      return ok({ layer: { ...base, kind, ph, pw, strideH: sh, strideW: sw, padding: p.value.padding }, out: { h: p.value.h, w: p.value.w, c: inS.c } });
    }
    case 'GlobalAveragePooling2D':
      return ok({ layer: { ...base, kind: 'globalavgpool' }, out: { h: 1, w: 1, c: inS.c } });
    case 'Flatten':
      return ok({ layer: { ...base, kind: 'flatten' }, out: { h: 1, w: 1, c: flat() } });
    case 'BatchNormalization': {
      const axis = Array.isArray(c.axis) ? c.axis[0] : c.axis ?? -1;
      if (axis !== -1 && axis !== 3 && !(axis === 1 && inS.h === 1 && inS.w === 1)) return fail(`${where}: axis ${String(axis)} unsupported (channels_last: -1)`);
      const n = inS.c;
      const eps = Number(c.epsilon ?? 1e-3);
      const gamma = c.scale === false ? ok(new Float32Array(n).fill(1)) : need('gamma', n);
      const beta = c.center === false ? ok(new Float32Array(n)) : need('beta', n);
      const mean = need('moving_mean', n);
      const variance = need('moving_variance', n);
      for (const r of [gamma, beta, mean, variance]) if (!r.ok) return r;
      const [G, B, M, V] = [gamma, beta, mean, variance].map((r) => (r as { value: Float32Array }).value) as [Float32Array, Float32Array, Float32Array, Float32Array];
      const scale = new Float32Array(n);
      const shift = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        scale[i] = G[i]! / Math.sqrt(V[i]! + eps);
        shift[i] = B[i]! - M[i]! * scale[i]!;
      }
      return ok({ layer: { ...base, kind: 'batchnorm', scale, shift, activation: { kind: 'linear' } }, out: inS });
    }
    case 'Activation': {
      const act = activation(c.activation, where);
      if (!act.ok) return act;
      return ok({ layer: { ...base, kind: 'activation', activation: act.value }, out: inS });
    }
    case 'ReLU': {
      const slope = Number(c.negative_slope ?? 0);
      const thr = Number(c.threshold ?? 0);
      if (slope !== 0 || thr !== 0) return fail(`${where}: ReLU with negative_slope ${slope} / threshold ${thr} unsupported (0 only)`);
      const max = c.max_value;
      const act: Activation = max === null || max === undefined ? { kind: 'relu' } : { kind: 'clip', bound: Number(max) };
      return ok({ layer: { ...base, kind: 'activation', activation: act }, out: inS });
    }
    case 'Add': {
      if (ins.length !== 2) return fail(`${where}: Add with ${ins.length} inputs unsupported (exactly 2)`);
      const [a, b] = ins as [Shape3, Shape3];
      if (a.h !== b.h || a.w !== b.w || a.c !== b.c) return fail(`${where}: Add inputs differ: ${a.h}x${a.w}x${a.c} vs ${b.h}x${b.w}x${b.c}`);
      return ok({ layer: { ...base, kind: 'add', activation: { kind: 'linear' } }, out: a });
    }
    default:
      return fail(`${where}: unsupported layer class '${node.className}' (supported: InputLayer, Conv2D, Dense, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, BatchNormalization, Flatten, Activation, ReLU, Add, Dropout, ZeroPadding2D)`);
  }
}
