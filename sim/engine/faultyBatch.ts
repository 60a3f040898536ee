/**
 * Array-order recompute of one output for several images at once (faulty engine, direct faults).
 * An fp32 accumulation is one dependency chain (each add waits for the previous one), so a single
 * output runs at the latency of fround(a + fround(w * x)); the chains of several images (and the
 * faulty and clean chains of each) are independent and are interleaved here, four images per
 * pass. Same arithmetic, term for term, as computeAcc (sim/engine/faultyCompute.ts).
 */
import { applyOp } from '../faults/ops';
import { weightOperandOfWord, type LayerCompute, type Mod } from './faultyCompute';

/** Whether `batchWeightPairs` applies: floating formats and mods only on the weight word ('w') or
 * the stored output word ('out', applied by the caller after the activation). */
export function batchable(lc: LayerCompute, mods: readonly Mod[]): boolean {
  if (lc.formats.weight.kind === 'int8' || lc.formats.input.kind === 'int8') return false;
  for (const md of mods) if (md.operand !== 'w' && md.operand !== 'out') return false;
  return true;
}

/** Faulty weight operands of output column n (K entries): the clean ones with the 'w' mods applied
 * to the stored words in order; also the first modified step (K when none). */
function faultyColumn(lc: LayerCompute, n: number, mods: readonly Mod[]): { wF: Float64Array; first: number } {
  const { K, N } = lc.geom;
  const wF = lc.wOp.slice(n * K, (n + 1) * K);
  let first = K;
  for (let p = 0; p < mods.length; ) {
    const k = mods[p].k;
    let word = -1;
    for (; p < mods.length && mods[p].k === k; p++) if (mods[p].operand === 'w') word = applyOp(word < 0 ? lc.wWords[k * N + n] : word, mods[p].op);
    if (word < 0) continue;
    wF[k] = weightOperandOfWord(lc, word);
    first = Math.min(first, k);
  }
  return { wF, first };
}

/**
 * Faulty and clean accumulators of output (m, n) for images whose inputs are `xs[i]` (unchanged,
 * golden: the same input feeds both), with `mods` (sorted by k; see `batchable`). Writes
 * accF[i] / accC[i] (both need room for xs.length + 3 entries: a short last pass writes 4). `row` is the im2col index row of m (-1 = padding zero).
 */
export function batchWeightPairs(lc: LayerCompute, row: Int32Array, xs: readonly Float32Array[], n: number, mods: readonly Mod[], accF: Float64Array, accC: Float64Array): void {
  const K = lc.geom.K;
  const w = lc.wOp.subarray(n * K, (n + 1) * K);
  const { wF, first } = faultyColumn(lc, n, mods);
  const fr = Math.fround;
  const z = lc.acc.zero;
  // always four chains per pass (a short last pass repeats its last image): one loop body, so the
  // optimized code never meets an unexecuted path
  const last = xs.length - 1;
  for (let i = 0; i <= last; i += 4) {
    const x0 = xs[i], x1 = xs[Math.min(i + 1, last)], x2 = xs[Math.min(i + 2, last)], x3 = xs[Math.min(i + 3, last)];
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
    accC[i] = c0; accC[i + 1] = c1; accC[i + 2] = c2; accC[i + 3] = c3;
    accF[i] = f0; accF[i + 1] = f1; accF[i + 2] = f2; accF[i + 3] = f3;
  }
}
