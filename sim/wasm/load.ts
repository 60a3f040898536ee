/**
 * Synchronous loading of the project's small WebAssembly modules from their committed base64
 * (`*.wasm.ts`, written by scripts/build-wasm.mjs): no file I/O, so Node, the browser and workers
 * alike. sim/ compiles without DOM typings, so the parts of the WebAssembly API used are declared here.
 */

/** A module's exported memory (the parts used). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object) => { readonly exports: Record<string, unknown> };
}

/** Bytes of one WebAssembly page. */
export const WASM_PAGE = 65536;

function decodeBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The exports of a new instance of the module in `base64`, or null where WebAssembly (or an
 * instruction the module uses, such as SIMD) is unavailable: callers fall back to JS. */
export function instantiateBase64(base64: string): Record<string, unknown> | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return null;
  try {
    return new wasm.Instance(new wasm.Module(decodeBase64(base64))).exports;
  } catch {
    return null;
  }
}
