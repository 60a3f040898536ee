/**
 * Array-order recompute of one output for several images at once (faulty engine, direct faults).
 * An fp32 accumulation is one dependency chain (each add waits for the previous one), so a single
 * output runs at the latency of fround(a + fround(w * x)); the chains of several images (and the
 * faulty and clean chains of each) are independent and are interleaved here, four images per
 * call. Same arithmetic, term for term, as computeAcc (sim/engine/faultyCompute.ts).
 */
import { colOf, weightTerm, type LayerCompute, type Mod } from './faultyCompute';

/** Whether `pairs4` applies: floating formats and mods only on the weight word ('w') or
 * the stored output word ('out', applied by the caller after the activation); with `psum` also
 * mods on the partial-sum register ('acc': the WebAssembly chains apply them, sim/wasm chainsV). */
export function batchable(lc: LayerCompute, mods: readonly Mod[], psum = false): boolean {
  if (lc.formats.weight.kind === 'int8' || lc.formats.input.kind === 'int8') return false;
  for (const md of mods) if (md.operand !== 'w' && md.operand !== 'out' && !(psum && md.operand === 'acc')) return false;
  return true;
}

/** Faulty weight operands of output column n (K entries): the clean ones with the 'w' mods applied
 * to the stored words in order; also the first modified step (K when none). */
export function faultyColumn(lc: LayerCompute, n: number, mods: readonly Mod[]): { wF: Float64Array; first: number } {
  const { K } = lc.geom;
  const wF = colOf(lc, n).slice();
  let first = K;
  for (let p = 0; p < mods.length; ) {
    const k = mods[p].k;
    let hasW = false;
    const lo = p;
    for (; p < mods.length && mods[p].k === k; p++) if (mods[p].operand === 'w') hasW = true;
    if (!hasW) continue;
    wF[k] = weightTerm(lc, k, n, mods, lo, p);
    first = Math.min(first, k);
  }
  return { wF, first };
}

/**
 * Faulty and clean accumulators of output (m, n) for four images whose inputs are x0..x3
 * (unchanged, golden: the same input feeds both), for the faulty weight column `col` of n
 * (faultyColumn). Writes out[0..3] = faulty, out[4..7] = clean. `row` is the im2col index row of m
 * (-1 = padding zero; a dense layer's row is 0..K-1). Fewer images: repeat one (its results are
 * simply not read). Called once per block, so it is optimized as a whole (no per-run on-stack
 * replacement).
 */
export function pairs4(lc: LayerCompute, row: Int32Array, n: number, col: { wF: Float64Array; first: number }, x0: Float32Array, x1: Float32Array, x2: Float32Array, x3: Float32Array, out: Float64Array): void {
  const K = lc.geom.K;
  const w = colOf(lc, n);
  const { wF, first } = col;
  const fr = Math.fround;
  const z = lc.acc.zero;
  let c0 = z, c1 = z, c2 = z, c3 = z;
  for (let k = 0; k < first; k++) {
    const idx = row[k];
    const wk = w[k];
    const v0 = idx < 0 ? 0 : x0[idx], v1 = idx < 0 ? 0 : x1[idx], v2 = idx < 0 ? 0 : x2[idx], v3 = idx < 0 ? 0 : x3[idx];
    c0 = fr(c0 + fr(wk * v0)); c1 = fr(c1 + fr(wk * v1)); c2 = fr(c2 + fr(wk * v2)); c3 = fr(c3 + fr(wk * v3));
  }
  let f0 = c0, f1 = c1, f2 = c2, f3 = c3;
  for (let k = first; k < K; k++) {
    const idx = row[k];
    const wk = w[k];
    const wf = wF[k];
    const v0 = idx < 0 ? 0 : x0[idx], v1 = idx < 0 ? 0 : x1[idx], v2 = idx < 0 ? 0 : x2[idx], v3 = idx < 0 ? 0 : x3[idx];
    c0 = fr(c0 + fr(wk * v0)); c1 = fr(c1 + fr(wk * v1)); c2 = fr(c2 + fr(wk * v2)); c3 = fr(c3 + fr(wk * v3));
    f0 = fr(f0 + fr(wf * v0)); f1 = fr(f1 + fr(wf * v1)); f2 = fr(f2 + fr(wf * v2)); f3 = fr(f3 + fr(wf * v3));
  }
  out[0] = f0; out[1] = f1; out[2] = f2; out[3] = f3;
  out[4] = c0; out[5] = c1; out[6] = c2; out[7] = c3;
}

/**
 * Like pairs4 for four images whose faulty inputs xf0..xf3 differ from their golden inputs
 * xg0..xg3 (an upstream change): faulty chains use the faulty column and the faulty inputs, clean
 * chains the clean weights and golden inputs, over all K terms. out[0..3] faulty, out[4..7] clean.
 */
export function pairsInputs4(lc: LayerCompute, row: Int32Array, n: number, col: { wF: Float64Array; first: number }, xg0: Float32Array, xg1: Float32Array, xg2: Float32Array, xg3: Float32Array, xf0: Float32Array, xf1: Float32Array, xf2: Float32Array, xf3: Float32Array, out: Float64Array): void {
  const K = lc.geom.K;
  const w = colOf(lc, n);
  const wF = col.wF;
  const fr = Math.fround;
  const z = lc.acc.zero;
  let c0 = z, c1 = z, c2 = z, c3 = z;
  let f0 = z, f1 = z, f2 = z, f3 = z;
  for (let k = 0; k < K; k++) {
    const idx = row[k];
    const wk = w[k];
    const wf = wF[k];
    if (idx < 0) {
      c0 = fr(c0 + fr(wk * 0)); c1 = fr(c1 + fr(wk * 0)); c2 = fr(c2 + fr(wk * 0)); c3 = fr(c3 + fr(wk * 0));
      f0 = fr(f0 + fr(wf * 0)); f1 = fr(f1 + fr(wf * 0)); f2 = fr(f2 + fr(wf * 0)); f3 = fr(f3 + fr(wf * 0));
      continue;
    }
    c0 = fr(c0 + fr(wk * xg0[idx])); c1 = fr(c1 + fr(wk * xg1[idx])); c2 = fr(c2 + fr(wk * xg2[idx])); c3 = fr(c3 + fr(wk * xg3[idx]));
    f0 = fr(f0 + fr(wf * xf0[idx])); f1 = fr(f1 + fr(wf * xf1[idx])); f2 = fr(f2 + fr(wf * xf2[idx])); f3 = fr(f3 + fr(wf * xf3[idx]));
  }
  out[0] = f0; out[1] = f1; out[2] = f2; out[3] = f3;
  out[4] = c0; out[5] = c1; out[6] = c2; out[7] = c3;
}
