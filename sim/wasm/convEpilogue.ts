/**
 * Bias + relu epilogue of a convolution in WebAssembly SIMD (convEpilogue.wat):
 * out[i] = relu(fround(src[i] + bias[i mod C])), relu(v) = v > 0 ? v : +0 (NaN and -0 give +0),
 * the same bits as the JS epilogue (sim/kernels/js.ts applyEpilogue) for every input, NaN and
 * infinities included. Used by the tfjs-wasm kernel on its conv2d outputs, where the JS loops
 * cost about as much as the convolution itself (LeNet-5 conv1 x1000: 4.7 M values, about 19 ms
 * in JS vs 3-4 ms here). The values pass through the module's memory in chunks of 64 Ki floats
 * (256 KiB, kept in cache), so the memory stays small whatever the tensor size.
 * Loaded synchronously from base64 (no file I/O: Node, the browser and workers alike); null where
 * WebAssembly or its SIMD instructions are unavailable (callers keep their JS loop).
 */
import { WASM_BASE64 } from './convEpilogue.wasm';
import { instantiateBase64, WASM_PAGE as PAGE, type WasmMemory } from './load';

type BiasReluFn = (x: number, count: number, pat: number, patLen: number, c: number, bias: number) => void;

/** Values per chunk copied through the module's memory (64 Ki floats = 256 KiB). */
const CHUNK_VALUES = 1 << 16;

/** One instance of the module (its memory reused from call to call). */
export class ConvEpilogueWasm {
  private readonly memory: WasmMemory;
  private readonly fn: BiasReluFn;

  constructor(exports: Record<string, unknown>) {
    this.memory = exports.memory as WasmMemory;
    this.fn = exports.biasRelu as BiasReluFn;
  }

  /**
   * relu(fround(src[i] + bias[i mod channels])) for src = rows x `channels` values (bias null:
   * relu alone, as adding +0 changes no value relu keeps); writes `out` (a new array by default,
   * never overlapping `src`) and returns it. src.length must be a multiple of `channels`.
   */
  biasRelu(src: Float32Array, bias: Float32Array | null, channels: number, out: Float32Array = new Float32Array(src.length)): Float32Array {
    const patLen = 4 * channels; // four rows: a whole number of 4-lane vectors
    const chunk = Math.max(1, Math.floor(CHUNK_VALUES / patLen)) * patLen;
    const biasAt = patLen * 4; // bytes: pattern at 0, then one copy of the bias
    const dataAt = (biasAt + channels * 4 + 15) & ~15;
    const need = dataAt + Math.min(chunk, src.length) * 4;
    if (need > this.memory.buffer.byteLength) this.memory.grow(Math.ceil((need - this.memory.buffer.byteLength) / PAGE));
    const f32 = new Float32Array(this.memory.buffer);
    for (let i = 0; i < patLen; i++) f32[i] = bias ? bias[i % channels] : 0;
    for (let j = 0; j < channels; j++) f32[(biasAt >> 2) + j] = bias ? bias[j] : 0;
    const at = dataAt >> 2;
    for (let i = 0; i < src.length; i += chunk) {
      const e = Math.min(chunk, src.length - i);
      f32.set(src.subarray(i, i + e), at);
      this.fn(dataAt, e, 0, patLen, channels, biasAt);
      out.set(f32.subarray(at, at + e), i);
    }
    return out;
  }
}

let shared: ConvEpilogueWasm | null | undefined;

/** The process-wide instance, or null where WebAssembly (with SIMD) is unavailable. */
export function convEpilogueWasm(): ConvEpilogueWasm | null {
  if (shared === undefined) {
    const exports = instantiateBase64(WASM_BASE64);
    shared = exports ? new ConvEpilogueWasm(exports) : null;
  }
  return shared;
}
