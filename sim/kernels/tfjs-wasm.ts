/**
 * tfjs wasm backend: tf.matMul and tf.conv2d (explicit padding) on @tensorflow/tfjs-backend-wasm.
 * sim/ stays free of Node: the caller passes the directory (or URL) holding the .wasm files
 * (Node: sim-node/wasm-path.ts `tfjsWasmDir()`). Creating the kernel sets tfjs's global backend
 * to 'wasm' for this process (tfjs has one active backend).
 * BER trials: `conv2dPatched` runs a resident filter with a few corrupted words written into
 * XNNPACK's packed copy (located by content: sim/kernels/xnnPacked.ts) instead of uploading and
 * re-packing the whole corrupted filter (as costly as the convolution on ResNet-18).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fail, ok, type Result } from '../result';
import type { ConvEpilogue, GemmKernel, WeightWordPatch } from './types';
import { applyEpilogue, convViaIm2col } from './js';
import { pool } from '../layers/ops';
import { reluInPlace } from '../layers/activations';
import { isImmutable, isNoNanNoNegZero, markNoNanNoNegZero } from './immutable';
import { convEpilogueWasm } from '../wasm/convEpilogue';
import { findPacked, packedWordIndex, type PackedWeights } from './xnnPacked';
import type { ConvGeometry } from '../layers/lowering';

/** True when `x` holds a NaN or a -0 (XNNPACK's max-pooling may order those unlike the activation
 * unit's `v > max` comparator, so such inputs are pooled in JS). */
function hasNanOrNegZero(x: Float32Array): boolean {
  const bits = new Int32Array(x.buffer, x.byteOffset, x.length);
  for (let i = 0; i < bits.length; i++) {
    const w = bits[i];
    if ((w & 0x7fffffff) > 0x7f800000 || w === -0x80000000) return true;
  }
  return false;
}

/** Options of the tfjs-wasm backend. */
export interface TfjsWasmOptions {
  /** Directory or URL prefix (ending in '/') holding tfjs-backend-wasm*.wasm. */
  readonly wasmDir: string;
}

const NO_PADDING = { top: 0, bottom: 0, left: 0, right: 0 } as const;

let wasmReady: Promise<boolean> | null = null;

/** Reads a tensor's values and disposes it. (Never return a big typed array from tf.tidy: tidy
 * walks its result looking for tensors, element by element, which costs seconds.) */
function readAndDispose(t: tf.Tensor): Float32Array {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

/** The wasm backend's internals read here: where a tensor's values sit in the wasm heap. */
interface WasmHeap {
  readonly dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
  readonly wasm: { readonly HEAPU8: Uint8Array };
}

/** The wasm backend's internals (see WasmHeap). */
const be = (): Partial<WasmHeap> => tf.backend() as unknown as Partial<WasmHeap>;

/**
 * Reads a conv result with its epilogue applied on the way out of the wasm heap (one pass instead
 * of a copy and a pass over the copy) and disposes it: fround(sum + bias), then relu as
 * `v > 0 ? v : 0` (NaN and -0 give +0), as applyEpilogue. Falls back to dataSync + applyEpilogue
 * when the heap cannot be located.
 */
function readWithEpilogue(t: tf.Tensor, outC: number, epilogue: ConvEpilogue | undefined): Float32Array {
  if (!epilogue || (!epilogue.bias && !epilogue.relu)) return readAndDispose(t);
  const info = be().dataIdMap?.get(t.dataId);
  const heap = be().wasm?.HEAPU8;
  if (!info || !heap) return applyEpilogue(readAndDispose(t), outC, epilogue);
  const size = t.size;
  const src = new Float32Array(heap.buffer, heap.byteOffset + info.memoryOffset, size);
  const b = epilogue.bias;
  const simd = epilogue.relu ? convEpilogueWasm() : null;
  if (simd) {
    // bias + relu in WebAssembly SIMD, same bits (sim/wasm/convEpilogue.ts): the JS passes below
    // cost as much as the convolution itself (LeNet-5 conv1 x1000: about 19 ms vs 3-4 ms)
    const out = simd.biasRelu(src, b, outC);
    t.dispose();
    return markNoNanNoNegZero(out);
  }
  const out = new Float32Array(size);
  if (b && epilogue.relu && outC >= 16) {
    // row by row through a small buffer: the sums stored (fp32 rounding), relu on their bits
    // branch-free (as reluInPlace) while in cache, then one copy out (measured faster than two
    // passes over the whole tensor, and than a float store read back as bits in one loop)
    const row = new Float32Array(outC);
    const rb = new Int32Array(row.buffer);
    for (let i = 0; i < size; i += outC) {
      for (let j = 0; j < outC; j++) row[j] = src[i + j] + b[j];
      for (let j = 0; j < outC; j++) {
        const w = rb[j];
        rb[j] = w & -(+(w > 0) & +(w <= 0x7f800000));
      }
      out.set(row, i);
    }
  } else {
    if (b) for (let i = 0; i < size; i += outC) for (let j = 0; j < outC; j++) out[i + j] = src[i + j] + b[j];
    else out.set(src);
    if (epilogue.relu) reluInPlace(out); // branch-free on the bits: NaN and -0 give +0
  }
  t.dispose();
  return epilogue.relu ? markNoNanNoNegZero(out) : out;
}

/** A resident weight tensor. `packed`: where XNNPACK's convolution operator of this filter keeps
 * its packed copy (undefined: not looked for yet; null: not found, never patched in place). The
 * operator lives as long as the filter tensor (tfjs disposes it with the tensor), so the location
 * is dropped with the entry. */
interface CacheEntry {
  readonly ref: WeakRef<Float32Array>;
  readonly t: tf.Tensor;
  readonly bytes: number;
  packed: PackedWeights | null | undefined;
}

/** Patched calls on the same weights before their packed copy is looked for (a one-off run does not pay the heap scan). */
const LOCATE_AFTER = 2;

/** Most bytes of weight tensors a kernel keeps resident (least recently used dropped first). */
export const WEIGHT_CACHE_BYTES = 512 * 2 ** 20;

/**
 * Weight tensors kept in the wasm heap between calls, keyed by the identity of the weight array
 * (the engine's weights are never mutated: sim/engine/golden-gemm.ts memoizes them per layer).
 * A resident filter keeps XNNPACK's packed operator (cached by tfjs per filter tensor) from run to
 * run, as model.predict does; without it every call uploads and repacks the weights.
 */
class WeightCache {
  /** Entries in least-recently-used order; the arrays are held weakly (a dropped layer's weights
   * are collected, and their tensor disposed, without waiting for eviction). */
  private readonly entries = new Map<number, CacheEntry>();
  private readonly ids = new WeakMap<Float32Array, number>();
  private readonly seen = new WeakSet<Float32Array>();
  private readonly gone = new FinalizationRegistry<number>((id) => this.drop(id));
  private next = 0;
  private bytes = 0;
  constructor(private readonly cap: number) {}

  /** The resident tensor of `w` with `shape` (uploaded on first use) when `w` is marked immutable
   * (sim/kernels/immutable.ts); otherwise a fresh tensor (call inside tf.tidy, which disposes it).
   * `force`: resident from this use on (else from the second). */
  get(w: Float32Array, shape: number[], force = false): tf.Tensor {
    if (!isImmutable(w)) return tf.tensor(w, shape);
    // resident from the second use on: a one-off array (a BER trial's corrupted layer) is uploaded
    // for its call only, so it neither evicts reused weights nor grows the heap (added by H5)
    if (!this.seen.has(w)) {
      this.seen.add(w);
      if (!force) return tf.tensor(w, shape);
    }
    const hit = this.entry(w);
    if (hit) {
      const id = this.ids.get(w)!;
      this.entries.delete(id); // most recently used last
      this.entries.set(id, hit);
      // the same array as another shape (K x N matrix vs filter): a view of the same data
      return hit.t.shape.length === shape.length && hit.t.shape.every((d, i) => d === shape[i]) ? hit.t : tf.reshape(hit.t, shape);
    }
    const t = tf.keep(tf.tensor(w, shape));
    const nid = this.next++;
    this.entries.set(nid, { ref: new WeakRef(w), t, bytes: w.byteLength, packed: undefined });
    this.ids.set(w, nid);
    this.gone.register(w, nid, w);
    this.bytes += w.byteLength;
    for (const old of this.entries.keys()) {
      if (this.bytes <= this.cap || old === nid) break;
      this.drop(old);
    }
    return t;
  }

  /** The resident entry of `w`, if any (its packed-weight location dies with it). */
  entry(w: Float32Array): CacheEntry | undefined {
    const id = this.ids.get(w);
    return id === undefined ? undefined : this.entries.get(id);
  }

  private drop(id: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    this.bytes -= e.bytes;
    const w = e.ref.deref();
    if (w) {
      this.ids.delete(w);
      this.gone.unregister(w);
    }
    e.t.dispose();
  }

  clear(): void {
    for (const id of [...this.entries.keys()]) this.drop(id);
  }
}

/** Initialises the tfjs wasm backend once per process; resolves to whether it is active. */
export function initTfjsWasm(opts: TfjsWasmOptions): Promise<boolean> {
  if (wasmReady === null) {
    setWasmPaths(opts.wasmDir.endsWith('/') ? opts.wasmDir : `${opts.wasmDir}/`);
    wasmReady = tf.setBackend('wasm').then(async (okay) => {
      await tf.ready();
      return okay && tf.getBackend() === 'wasm';
    }, () => false);
  }
  return wasmReady;
}

/** The wasm heap as words (a fresh view: the memory may have grown), or null when not reachable. */
function heapOf(): { readonly i32: Int32Array; readonly f32: Float32Array } | null {
  const h = be().wasm?.HEAPU8;
  return h ? { i32: new Int32Array(h.buffer, 0, h.buffer.byteLength >> 2), f32: new Float32Array(h.buffer, 0, h.buffer.byteLength >> 2) } : null;
}

const padOf = (g: ConvGeometry): [[number, number], [number, number], [number, number], [number, number]] => [[0, 0], [g.padTop, g.padBottom], [g.padLeft, g.padRight], [0, 0]];

/**
 * `run` with the words of `patch` written into the packed copy of resident `weights` (entry `e`)
 * and restored after. Every word is checked to hold its golden bits first: a mismatch (the
 * location is stale or wrong) restores what was written, marks the entry as never patched in
 * place and returns null (the caller re-packs). Values are written by bit pattern, as the
 * patched and scratch copies of the weights are (pipeline/exposure.ts writePatch).
 */
function withPackedPatch(e: CacheEntry, weights: Float32Array, patch: WeightWordPatch, run: () => Float32Array): Float32Array | null {
  const p = e.packed;
  const heap = heapOf();
  if (!p || !heap) return null;
  const wb = new Int32Array(weights.buffer, weights.byteOffset, weights.length);
  // written by bit pattern: a value read through a JS number may lose a NaN's payload
  const vb = new Int32Array(patch.values.buffer, patch.values.byteOffset, patch.values.length);
  const at = new Int32Array(patch.words.length);
  let done = 0;
  /** Golden bits back into the words written so far (`i32`: a current view of the heap). */
  const restore = (i32: Int32Array): void => { for (let i = done - 1; i >= 0; i--) i32[at[i]!] = wb[patch.words[i]!]!; };
  for (; done < at.length; done++) {
    const word = patch.words[done]!;
    const h = word >= 0 && word < wb.length ? packedWordIndex(p, word) : -1;
    if (h < 0 || heap.i32[h] !== wb[word]) {
      restore(heap.i32);
      e.packed = null;
      return null;
    }
    at[done] = h;
    heap.i32[h] = vb[done]!;
  }
  try {
    return run();
  } finally {
    // the heap may have grown during the call: a fresh view
    restore(heapOf()!.i32);
  }
}

/** Creates the tfjs-wasm kernel, or a failure naming why the backend is unavailable. */
export async function createTfjsWasmKernel(opts: TfjsWasmOptions): Promise<Result<GemmKernel>> {
  const active = await initTfjsWasm(opts);
  if (!active) return fail(`tfjs-wasm: backend 'wasm' could not be initialised from wasmDir ${opts.wasmDir}`, 'wasmDir');
  const cache = new WeightCache(WEIGHT_CACHE_BYTES);
  /** Patched conv2d calls per weight array before its packed copy was located. */
  const patchedCalls = new WeakMap<Float32Array, number>();
  const convOn = (input: Float32Array, n: number, g: ConvGeometry, weights: Float32Array, epilogue: ConvEpilogue | undefined): Float32Array => {
    const out = tf.tidy(() => {
      const x = tf.tensor4d(input, [n, g.inH, g.inW, g.inC]);
      // resident filter (not disposed by tidy: tidy only disposes tensors created inside it)
      const w = cache.get(weights, [g.kh, g.kw, g.inC, g.outC]) as tf.Tensor4D;
      return tf.conv2d(x, w, [g.strideH, g.strideW], padOf(g));
    });
    // Not fused: XNNPACK starts the sum at the bias (the PE adds it after the last MAC) and its
    // relu passes NaN on (the activation unit gives 0); the epilogue runs while reading out.
    return readWithEpilogue(out, g.outC, epilogue);
  };
  /**
   * Whether the convolution operator of resident `weights` reads packed copy `p`: one weight of
   * output channel 0, read by output pixel (0, 0) at an input position inside the image, is set
   * to another value in `p`, and a one-image convolution whose input is 1 at that position and 0
   * elsewhere must give exactly that value there (then restored).
   */
  const readsPacked = (p: PackedWeights, weights: Float32Array, g: ConvGeometry): boolean => {
    let ky = -1, kx = -1;
    for (let y = 0; y < g.kh && ky < 0; y++) if (y - g.padTop >= 0 && y - g.padTop < g.inH) ky = y;
    for (let x = 0; x < g.kw && kx < 0; x++) if (x - g.padLeft >= 0 && x - g.padLeft < g.inW) kx = x;
    if (ky < 0 || kx < 0) return false;
    const word = (ky * g.kw + kx) * g.inC * g.outC; // row (ky, kx, c = 0), channel 0
    const h = packedWordIndex(p, word);
    const heap = heapOf();
    if (!heap || heap.i32[h] !== new Int32Array(weights.buffer, weights.byteOffset, weights.length)[word]) return false;
    const old = heap.i32[h]!;
    const v = weights[word] === 1.5 ? 2.5 : 1.5;
    heap.f32[h] = v;
    try {
      const x = new Float32Array(g.inH * g.inW * g.inC);
      x[((ky - g.padTop) * g.inW + (kx - g.padLeft)) * g.inC] = 1;
      return convOn(x, 1, g, weights, undefined)[0] === v;
    } finally {
      heapOf()!.i32[h] = old;
    }
  };
  const kernel: GemmKernel = {
    name: 'tfjs-wasm',
    // XNNPACK's GEMM and convolution tile over output rows, each row with the same K order
    // (measured for LeNet's and VGG-MNIST's shapes: test/sim/kernels/batchInvariance.test.ts);
    // that order, k ascending with fp32 mul then fp32 add from +0, is the PE's MAC, so results equal
    // the js kernel's bit for bit (test/sim/kernels/bitIdentical.test.ts)
    batchInvariant: true,
    matmul(a, b, M, K, N) {
      return readAndDispose(tf.tidy(() => tf.matMul(tf.tensor2d(a, [M, K]), cache.get(b, [K, N]) as tf.Tensor2D)));
    },
    conv2d(input, n, g, weights, epilogue) {
      // one output channel (depthwise groups of imported convs): XNNPACK's convolution sums in
      // another order there (test/models/onnx/kernels.test.ts); im2col + its GEMM keeps the PE's
      if (g.outC === 1) return applyEpilogue(convViaIm2col((a, b, M, K, N) => kernel.matmul(a, b, M, K, N), input, n, g, weights), 1, epilogue);
      return convOn(input, n, g, weights, epilogue);
    },
    conv2dPatched(input, n, g, weights, patch, epilogue) {
      if (g.outC === 1 || !isImmutable(weights)) return null;
      const e = cache.entry(weights);
      if (e?.packed === null) return null;
      if (!e?.packed) {
        const calls = (patchedCalls.get(weights) ?? 0) + 1;
        patchedCalls.set(weights, calls);
        if (calls < LOCATE_AFTER) return null;
        // resident filter and its operator (created, with its packed copy, by a first convolution)
        const shape = [g.kh, g.kw, g.inC, g.outC];
        tf.tidy(() => { cache.get(weights, shape, true); }); // a reshaped view, if any, is disposed; the resident tensor is kept
        convOn(new Float32Array(g.inH * g.inW * g.inC), 1, g, weights, undefined);
        const r = cache.entry(weights);
        if (!r) return null;
        const heap = heapOf();
        const at = heap ? be().dataIdMap?.get(r.t.dataId)?.memoryOffset : undefined;
        const found = heap && at !== undefined ? findPacked(heap.i32, weights, g.kh * g.kw * g.inC, g.outC, { start: at / 4, end: at / 4 + weights.length }) : [];
        // the copy the operator reads: freed operators (one-off filters of the same weights) leave stale ones
        const live = found.filter((p) => readsPacked(p, weights, g));
        r.packed = live.length === 1 ? live[0]! : null;
        if (!r.packed) return null;
      }
      return withPackedPatch(cache.entry(weights)!, weights, patch, () => convOn(input, n, g, weights, epilogue));
    },
    maxPool(input, n, s, ph, pw, strideH, strideW, padding = NO_PADDING) {
      if (!isNoNanNoNegZero(input) && hasNanOrNegZero(input)) return pool({ kind: 'maxpool', name: 'maxPool', ph, pw, strideH, strideW, padding }, input, n, s);
      const p = padding;
      const pad = p.top + p.bottom + p.left + p.right === 0 ? 'valid' : ([[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]]);
      // XNNPACK's max pooling never lets a padded position win (as the vector unit)
      return readAndDispose(tf.tidy(() => tf.maxPool(tf.tensor4d(input, [n, s.h, s.w, s.c]), [ph, pw], [strideH, strideW], pad)));
    },
    dispose: () => cache.clear(),
  };
  return ok(kernel);
}
