/**
 * The faulty engine's array-order fp32 MAC chains in WebAssembly (macPairs.wat): f32.add and
 * f32.mul are exactly Math.fround(a + Math.fround(w * x)) on binary32 values, without the
 * conversions to and from double that the JavaScript chain pays on every step. Loaded
 * synchronously from base64 (the module is under 1 KiB: no file I/O, works in Node, the browser
 * and workers). Memory is a bump allocator reset by the caller for each batch of jobs.
 */
import { WASM_BASE64 } from './macPairs.wasm';
import { instantiateBase64, WASM_PAGE as PAGE, type WasmMemory } from './load';

type PairsFn = (row: number, K: number, w: number, wf: number, first: number, zero: number, jobs: number, count: number, out: number) => void;
type PairsVFn = (row: number, K: number, w: number, wf: number, first: number, zero: number, jobs: number, count: number, out: number, same: number) => void;
type ChainsVFn = (K: number, w: number, wf: number, first: number, zero: number, jobs: number, count: number, out: number, same: number, ops: number, nOps: number) => void;
type ColsVFn = (K: number, row: number, g: number, x: number, w: number, N: number, count: number, zero: number, out: number, same: number) => void;
type ChainsWFn = (K: number, w: number, wf: number, first: number, zero: number, jobs: number, count: number, out: number, same: number, ops: number, nOps: number, row: number) => void;


/** One instance of the module: its memory, typed views on it and the `pairs` export. */
export class MacPairs {
  private readonly memory: WasmMemory;
  private readonly fn: PairsFn;
  private readonly vfn: PairsVFn;
  private readonly cfn: ChainsVFn;
  private readonly wfn: ChainsWFn;
  private readonly colfn: ColsVFn;
  private top = 16;
  /** Views of the whole memory (replaced when it grows: re-read after alloc). */
  f32: Float32Array;
  i32: Int32Array;

  constructor(exports: Record<string, unknown>) {
    this.memory = exports.memory as WasmMemory;
    this.fn = exports.pairs as PairsFn;
    this.vfn = exports.pairsV as PairsVFn;
    this.cfn = exports.chainsV as ChainsVFn;
    this.wfn = exports.chainsW as ChainsWFn;
    this.colfn = exports.colsV as ColsVFn;
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }

  /** Frees every allocation (addresses handed out before are reused). */
  reset(): void {
    this.top = 16;
  }

  /** The allocation mark (byte address of the next allocation), for `release`. */
  mark(): number {
    return this.top;
  }

  /** Frees every allocation made after `mark` returned `at`. */
  release(at: number): void {
    this.top = at;
  }

  /** Allocates `words` 4-byte words (16-byte aligned); returns the byte address. */
  alloc(words: number): number {
    const at = this.top;
    this.top += (words * 4 + 15) & ~15;
    if (this.top > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((this.top - this.memory.buffer.byteLength) / PAGE));
      this.f32 = new Float32Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
    }
    return at;
  }

  /**
   * Allocates `count` input rows of `inLen` words, each followed by a zero word (the word padding
   * terms read), and copies rows[s0..s0+count) in, bit patterns kept; returns the byte address
   * (row i at address + 4 * i * (inLen + 1)).
   */
  stageRows(rows: readonly (Float32Array | Uint32Array)[], s0: number, count: number, inLen: number): number {
    const at = this.alloc(count * (inLen + 1));
    const u32 = new Uint32Array(this.f32.buffer);
    for (let i = 0; i < count; i++) {
      const base = (at >> 2) + i * (inLen + 1);
      const r = rows[s0 + i];
      if (r instanceof Float32Array) this.f32.set(r, base);
      else u32.set(r, base);
      u32[base + inLen] = 0;
    }
    return at;
  }

  /**
   * Resets the heap and stages a slab's golden inputs and, when they are another array, its faulty
   * ones (`stageRows` each); returns their byte addresses (`xAt === gAt` when `faulty === golden`)
   * and the row length in words.
   */
  stageSlab(golden: readonly Float32Array[], faulty: readonly Float32Array[], s0: number, count: number): { gAt: number; xAt: number; inLen: number } {
    const inLen = golden[s0].length;
    this.reset();
    const gAt = this.stageRows(golden, s0, count, inLen);
    const xAt = faulty === golden ? gAt : this.stageRows(faulty, s0, count, inLen);
    return { gAt, xAt, inLen };
  }

  /**
   * Faulty and clean accumulators of one output for `count` jobs (see macPairs.wat): `row` K byte
   * offsets into an input, `w` / `wf` K clean / faulty weight operands (f32), `first` the first
   * term where they differ (0 when the jobs' faulty inputs differ from their golden ones), `zero`
   * the initial partial sum, `jobs` count (golden, faulty) input address pairs; `out` receives
   * per block of four jobs faulty x4 then clean x4 (room for count rounded up to 4 jobs).
   */
  pairs(row: number, K: number, w: number, wf: number, first: number, zero: number, jobs: number, count: number, out: number): void {
    if (count > 0) this.fn(row, K, w, wf, first, zero, jobs, count, out);
  }

  /**
   * `pairs` four jobs per 128-bit vector, eight per pass (the four jobs' input words of a term
   * gathered into one vector): the same results and output layout, the output area holding
   * 2 * (count rounded up to 8) words. `same`: every job's faulty input is its golden one.
   */
  pairsV(row: number, K: number, w: number, wf: number, first: number, zero: number, jobs: number, count: number, out: number, same: boolean): void {
    if (count > 0) this.vfn(row, K, w, wf, first, zero, jobs, count, out, same ? 1 : 0);
  }

  /**
   * Faulty and clean accumulators of `count` jobs with psum operations (macPairs.wat chainsV):
   * job j is the i32 record (row, g, x, 0) at jobs + 16j (`row`: byte address of its K input byte
   * offsets; `g` / `x`: its golden / faulty input), `ops` holds `nOps` i32 records
   * (k, and, or, xor) sorted by k, applied to the faulty chain's binary32 word after its MAC of
   * step k (k = -1: the initial zero); `first`: end of the shared clean prefix (0 unless `same`,
   * and at most the first modified step). Output layout and room as `pairsV`. The ops area must
   * be readable one record past its end.
   */
  chainsV(K: number, w: number, wf: number, first: number, zero: number, jobs: number, count: number, out: number, same: boolean, ops: number, nOps: number): void {
    if (count > 0) this.cfn(K, w, wf, first, zero, jobs, count, out, same ? 1 : 0, ops, nOps);
  }

  /**
   * Clean and faulty chains of columns 0..count-1 of the K x N weight matrix at `w` (row-major,
   * readable 4 floats past its end) for one input pixel (`row`: its K input byte offsets; `g` /
   * `x`: golden / faulty input), four columns per vector, no ops (macPairs.wat colsV): per column
   * the chain chainsV computes for a job without mods. Output layout as chainsV's jobs.
   */
  colsV(K: number, row: number, g: number, x: number, w: number, N: number, count: number, zero: number, out: number, same: boolean): void {
    if (count > 0) this.colfn(K, row, g, x, w, N, count, zero, out, same ? 1 : 0);
  }

  /**
   * `chainsV` for jobs that all read their K input byte offsets at `row` (macPairs.wat chainsW: one
   * offset load per step instead of one per job); the jobs' row fields are not read. Same results
   * and output layout.
   */
  chainsW(K: number, w: number, wf: number, first: number, zero: number, jobs: number, count: number, out: number, same: boolean, ops: number, nOps: number, row: number): void {
    if (count > 0) this.wfn(K, w, wf, first, zero, jobs, count, out, same ? 1 : 0, ops, nOps, row);
  }
}

let shared: MacPairs | null | undefined;

/** The process-wide instance, or null where WebAssembly is unavailable (callers fall back to JS). */
export function macPairs(): MacPairs | null {
  if (shared === undefined) {
    const exports = instantiateBase64(WASM_BASE64);
    shared = exports ? new MacPairs(exports) : null;
  }
  return shared;
}
