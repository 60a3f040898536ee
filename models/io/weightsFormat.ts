/**
 * Pure (no fs) weight file format: a JSON document with the network skeleton (every Float32Array
 * replaced by `{"$tensor": i}`) and a tensor table of byte offsets into one little-endian float32
 * `.bin` blob. Round trip is exact.
 */
import type { Network } from '../../sim/layers/types';
import { fail, ok, type Result } from '../../sim/result';
import { inferShapes } from '../../sim/layers/shapes';
import { checkWeightsDoc } from './weightsSchema';

/** inferShapes on an untrusted network: a malformed layer record is a failure, not an exception. */
function inferShapesSafe(net: Network): Result<unknown> {
  try {
    return inferShapes(net);
  } catch (e) {
    return fail(`malformed layer (${(e as Error).message})`);
  }
}

/** One tensor inside the .bin: byte offset and float count. */
export interface TensorEntry {
  /** Dotted location inside the network, e.g. "layers.0.weights". */
  readonly path: string;
  /** Byte offset into the .bin (multiple of 4). */
  readonly offset: number;
  /** Number of float32 values. */
  readonly length: number;
}

/** Training metadata stored beside the weights. */
export interface WeightsMeta {
  /** Registry id, e.g. "lenet5". */
  readonly id: string;
  /** Architecture builder name the weights belong to. */
  readonly architecture: string;
  /** Top-1 test accuracy 0..1 on `testSize` images of the deterministic split (null if untrained). */
  readonly testAccuracy: number | null;
  /** Number of test images behind `testAccuracy`. */
  readonly testSize: number;
  /** Number of training images. */
  readonly trainSize: number;
  /** ISO date of training. */
  readonly date: string;
  /** Exact command that produced the file. */
  readonly command: string;
  /** Epochs trained. */
  readonly epochs: number;
  /** Training seed (shuffle + augmentation) and init seed. */
  readonly seed: number;
  /** Seed and test fraction of the dataset split. */
  readonly splitSeed: number;
  readonly testFraction: number;
  /** tfjs backend used for training. */
  readonly backend: string;
  /** Other hyper-parameters as given. */
  readonly hyper: Readonly<Record<string, number>>;
}

/** The JSON document written as models/weights/<id>.json. */
export interface WeightsDoc {
  readonly format: 'faultline-weights-v1';
  readonly meta: WeightsMeta;
  /** Network with tensors replaced by {"$tensor": index}. */
  readonly network: unknown;
  readonly tensors: readonly TensorEntry[];
  /** Total .bin size in bytes. */
  readonly binBytes: number;
}

/** Largest .bin accepted (bytes): 512 MiB. */
export const MAX_BIN_BYTES = 512 * 1024 * 1024;

/** Serialises a network into (JSON document, little-endian float32 bytes). */
export function encodeWeights(net: Network, meta: WeightsMeta): { doc: WeightsDoc; bin: Uint8Array } {
  const arrays: Float32Array[] = [];
  const tensors: TensorEntry[] = [];
  let offset = 0;
  const walk = (v: unknown, path: string): unknown => {
    if (v instanceof Float32Array) {
      tensors.push({ path, offset, length: v.length });
      arrays.push(v);
      offset += v.length * 4;
      return { $tensor: tensors.length - 1 };
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}.${i}`));
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, path ? `${path}.${k}` : k)]));
    }
    return v;
  };
  const network = walk(net, '');
  const bin = new Uint8Array(offset);
  const dv = new DataView(bin.buffer);
  tensors.forEach((t, i) => {
    const a = arrays[i]!;
    for (let j = 0; j < a.length; j++) dv.setFloat32(t.offset + 4 * j, a[j]!, true);
  });
  return { doc: { format: 'faultline-weights-v1', meta, network, tensors, binBytes: offset }, bin };
}

/** Rebuilds the network from a parsed document and its .bin bytes; checks every offset. */
export function decodeWeights(doc: WeightsDoc, bin: Uint8Array, file = 'weights'): Result<Network> {
  if (doc?.format !== 'faultline-weights-v1') return fail(`${file}: format: expected 'faultline-weights-v1', found ${JSON.stringify(doc?.format)}`, 'format');
  const checked = checkWeightsDoc(doc, file);
  if (!checked.ok) return checked;
  if (bin.length !== doc.binBytes) return fail(`${file}.bin: expected ${doc.binBytes} bytes, found ${bin.length}`, 'binBytes');
  if (bin.length > MAX_BIN_BYTES) return fail(`${file}.bin: ${bin.length} bytes exceeds the ${MAX_BIN_BYTES}-byte limit`);
  const dv = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const decoded: Float32Array[] = [];
  for (const [i, t] of doc.tensors.entries()) {
    if (t.offset % 4 !== 0 || t.offset < 0 || t.length < 0 || t.offset + t.length * 4 > bin.length) {
      return fail(`${file}: tensors.${i} (${t.path}): offset ${t.offset} + ${t.length} floats lies outside the ${bin.length}-byte .bin`, `tensors.${i}`);
    }
    const a = new Float32Array(t.length);
    for (let j = 0; j < t.length; j++) {
      const v = dv.getFloat32(t.offset + 4 * j, true);
      if (!Number.isFinite(v)) return fail(`${file}.bin: tensors.${i} (${t.path}): value ${j} at byte ${t.offset + 4 * j} is ${v}; expected finite numbers`, `tensors.${i}`);
      a[j] = v;
    }
    decoded.push(a);
  }
  let bad: string | null = null;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.$tensor === 'number') {
        const a = decoded[o.$tensor];
        if (!a) bad = `${file}: reference to tensor ${o.$tensor} but only ${decoded.length} tensors`;
        return a;
      }
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  const net = walk(doc.network) as Network;
  if (bad) return fail(bad);
  if (!net || !Array.isArray(net.layers) || !net.input) return fail(`${file}: network: expected {name,input,layers}`, 'network');
  const shapes = inferShapesSafe(net);
  if (!shapes.ok) return fail(`${file}: network: ${shapes.reason}`, 'network');
  return ok(net);
}
