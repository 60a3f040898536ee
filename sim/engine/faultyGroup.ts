/**
 * Direct outputs of images that share their mods (faulty engine): every output whose mods are
 * batchable (floating formats, weight-word and stored-output faults) is recomputed in array order
 * for all the group's images at once, faulty and clean chains side by side, then settled by the
 * masking rule. The chains run in WebAssembly (sim/wasm/macPairs.ts, the same binary32 arithmetic
 * term for term) or, where WebAssembly is missing or `useWasm` is false, in JavaScript
 * (sim/engine/faultyBatch.ts). Both give identical bits (test/sim/engine/faultyPaths.test.ts).
 * With WebAssembly, outputs with psum-register mods are batchable too: outputs of one column
 * with the same mods (a stuck psum register touches every output pixel of its columns) form one
 * group, and one chainsV call computes all its (output, image) pairs (test/sim/wasm/chainsV.test.ts:
 * equal to computeAcc bit for bit, NaN payloads included); without WebAssembly they stay with
 * recomputeArray.
 */
import { macPairs, type MacPairs } from '../wasm/macPairs';
import { productsUnchanged, rowOf, type LayerCompute, type Mod } from './faultyCompute';
import { batchable, faultyColumn, pairs4, pairsInputs4 } from './faultyBatch';
import type { LayerMods } from './faultyMods';
import { settleDirect as settle, type Changes, type LayerCounts } from './faultyLayer';
import { addSegmentToPsumGroup, addToPsumGroup, psumSlab, type PsumGroup } from './faultyPsum';

/** Input words copied into WebAssembly memory at once (bounds its size: 16 MiB). */
const SLAB_WORDS = 1 << 22;

/** One batchable direct output of a group: its index, mods and faulty weight column. */
interface DirectOutput {
  readonly idx: number;
  readonly m: number;
  readonly nn: number;
  readonly mods: readonly Mod[];
  readonly col: { wF: Float64Array; first: number };
}

/**
 * Direct outputs of the images `qs` that share the mods `lm` (golden inputs `xg`, faulty inputs
 * `xf`: the same array when no upstream change reached them): outputs whose mods are batchable are
 * settled here (masking rule, stats, changes into `log`); returns the outputs left for
 * recomputeArray (the same for every image of the group).
 */
export function groupDirect(lc: LayerCompute, lm: LayerMods, xg: Float32Array[], xf: Float32Array[], qs: readonly number[], log: Changes, st: LayerCounts, useWasm = true): Int32Array {
  const N = lc.geom.N;
  const rest: number[] = [];
  const outs: DirectOutput[] = [];
  const wp = useWasm ? macPairs() : null;
  // outputs with psum mods (WebAssembly only), grouped by column and mods
  const psum = new Map<number, PsumGroup[]>();
  lc.dueHits = 0;
  // whole column segments (a stuck psum register, a stationary weight: every pixel of a column
  // shares its mods): one check and one faulty column per segment, not per output
  const { segments, rest: single } = lm.columnPlan();
  for (const seg of segments) {
    const { n: nn, ms, mods } = seg;
    if (!batchable(lc, mods, wp !== null)) {
      for (let i = 0; i < ms.length; i++) rest.push(ms[i] * N + nn);
      continue;
    }
    if (wp && mods.some((md) => md.operand === 'acc')) addSegmentToPsumGroup(lc, psum, seg);
    else {
      const col = faultyColumn(lc, nn, mods);
      for (let i = 0; i < ms.length; i++) outs.push({ idx: ms[i] * N + nn, m: ms[i], nn, mods, col });
    }
  }
  for (const idx of single) {
    const mods = lm.get(idx)!;
    if (!batchable(lc, mods, wp !== null)) {
      rest.push(idx);
      continue;
    }
    const m = Math.floor(idx / N);
    const nn = idx - m * N;
    if (wp && mods.some((md) => md.operand === 'acc')) addToPsumGroup(lc, psum, m, nn, mods);
    else outs.push({ idx, m, nn, mods, col: faultyColumn(lc, nn, mods) });
  }
  if (segments.length > 0) outs.sort((a, b) => a.idx - b.idx); // pixel-major: each im2col row staged once
  // a weight word read by the group's outputs decoded as uncorrectable: every image of the group read it
  if (lc.dueHits > 0) for (const q of qs) log.due[q] = 1;
  const inLen = xg.length > 0 ? xg[0].length : 0;
  const per = (inLen + 1) * (xf === xg ? 1 : 2);
  const slab = Math.max(1, Math.floor(SLAB_WORDS / Math.max(1, per)));
  for (let s0 = 0; s0 < xg.length; s0 += slab) {
    const s1 = Math.min(xg.length, s0 + slab);
    if (wp) {
      if (outs.length > 0) wasmSlab(wp, lc, outs, xg, xf, qs, s0, s1, log, st);
      if (psum.size > 0) psumSlab(wp, lc, psum, xg, xf, qs, s0, s1, log, st);
    } else jsSlab(lc, outs, xg, xf, qs, s0, s1, log, st);
  }
  return Int32Array.from(rest).sort();
}

/** Images s0..s1-1 of the group whose accumulation output `o` may change (the others are counted
 * as masked in the array: their modified products equal the clean ones). */
function selectImages(lc: LayerCompute, o: DirectOutput, xg: Float32Array[], same: boolean, s0: number, s1: number, st: LayerCounts, sel: number[]): void {
  sel.length = 0;
  for (let i = s0; i < s1; i++) {
    st.recomputed++;
    if (same && productsUnchanged(lc, xg[i], xg[i], o.m, o.nn, o.mods)) st.maskedInArray++;
    else sel.push(i);
  }
}

/** The JavaScript chains (faultyBatch.ts), four images per pass. */
function jsSlab(lc: LayerCompute, outs: readonly DirectOutput[], xg: Float32Array[], xf: Float32Array[], qs: readonly number[], s0: number, s1: number, log: Changes, st: LayerCounts): void {
  const same = xf === xg;
  const acc8 = new Float64Array(8);
  const sel: number[] = [];
  for (const o of outs) {
    selectImages(lc, o, xg, same, s0, s1, st, sel);
    if (sel.length === 0) continue;
    const row = rowOf(lc, o.m);
    const last = sel.length - 1;
    for (let b = 0; b <= last; b += 4) {
      const i0 = sel[b], i1 = sel[Math.min(b + 1, last)], i2 = sel[Math.min(b + 2, last)], i3 = sel[Math.min(b + 3, last)];
      if (same) pairs4(lc, row, o.nn, o.col, xg[i0], xg[i1], xg[i2], xg[i3], acc8);
      else pairsInputs4(lc, row, o.nn, o.col, xg[i0], xg[i1], xg[i2], xg[i3], xf[i0], xf[i1], xf[i2], xf[i3], acc8);
      for (let j = 0; j < 4 && b + j <= last; j++) settle(lc, acc8[j], acc8[4 + j], o.nn, o.mods, o.idx, qs[sel[b + j]], log, st);
    }
  }
}

/** The WebAssembly chains: the slab's inputs are copied once (each followed by a zero word that
 * padding terms read), then one call per direct output covers every selected image. */
function wasmSlab(wp: MacPairs, lc: LayerCompute, outs: readonly DirectOutput[], xg: Float32Array[], xf: Float32Array[], qs: readonly number[], s0: number, s1: number, log: Changes, st: LayerCounts): void {
  const same = xf === xg;
  const { K } = lc.geom;
  const count = s1 - s0;
  const { gAt, xAt, inLen } = wp.stageSlab(xg, xf, s0, count);
  const rowAt = wp.alloc(K);
  const wAt = wp.alloc(K);
  const wfAt = wp.alloc(K);
  const jobsAt = wp.alloc(2 * count);
  const pad = (count + 7) & ~7;
  const outAt = wp.alloc(2 * pad);
  const { f32 } = wp;
  const i32 = wp.i32;
  const sel: number[] = [];
  let rowFor = -1;
  for (const o of outs) {
    selectImages(lc, o, xg, same, s0, s1, st, sel);
    if (sel.length === 0) continue;
    if (rowFor !== o.m) {
      // byte offsets of the inputs each term reads; padding reads the zero word after the input
      rowFor = o.m;
      const row = rowOf(lc, o.m);
      for (let k = 0; k < K; k++) i32[(rowAt >> 2) + k] = row[k] < 0 ? 4 * inLen : 4 * row[k];
    }
    f32.set(lc.cols[o.nn]!, wAt >> 2);
    f32.set(o.col.wF, wfAt >> 2);
    for (let j = 0; j < sel.length; j++) {
      const i = sel[j] - s0;
      i32[(jobsAt >> 2) + 2 * j] = gAt + 4 * i * (inLen + 1);
      i32[(jobsAt >> 2) + 2 * j + 1] = xAt + 4 * i * (inLen + 1);
    }
    // four jobs or more: 4-lane vectors (eight jobs per pass); fewer: the scalar chains
    if (sel.length >= 4) wp.pairsV(rowAt, K, wAt, wfAt, same ? o.col.first : 0, lc.acc.zero, jobsAt, sel.length, outAt, same);
    else wp.pairs(rowAt, K, wAt, wfAt, same ? o.col.first : 0, lc.acc.zero, jobsAt, sel.length, outAt);
    const out = outAt >> 2;
    for (let j = 0; j < sel.length; j++) {
      const blk = out + 8 * (j >> 2) + (j & 3);
      settle(lc, f32[blk], f32[blk + 4], o.nn, o.mods, o.idx, qs[sel[j]], log, st);
    }
  }
}
