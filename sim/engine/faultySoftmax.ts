/**
 * The array-order accumulators of one softmax pixel (faulty engine) in WebAssembly: softmax needs
 * every output of a pixel, so a fault on one output column (or a changed input) recomputes all N
 * of them, faulty and clean. The columns without mods run four per vector (colsV, from the golden
 * effective weights), those with weight or psum mods one chainsV call each (sim/wasm/macPairs.wat:
 * the same binary32 arithmetic as computeAcc term for term); outputs with other mods (inputs) and
 * integer formats leave the pixel to JavaScript.
 * Equal to computeAcc bit for bit (test/sim/engine/faultySoftmax.test.ts).
 */
import type { MacPairs } from '../wasm/macPairs';
import { colOf, rowOf, type LayerCompute } from './faultyCompute';
import { batchable, faultyColumn } from './faultyBatch';
import type { LayerMods } from './faultyMods';
import { psumOps } from './faultyPsum';

/** Writes the K weight operands of column `nn` at byte address `at`: read straight from the golden
 * run's effective weights when known (a floating format's operand is the value itself), else colOf. */
function stageColumn(wp: MacPairs, lc: LayerCompute, nn: number, at: number): void {
  const eff = lc.effective;
  if (!eff) {
    wp.f32.set(colOf(lc, nn), at >> 2);
    return;
  }
  const { K, N } = lc.geom;
  const f32 = wp.f32;
  for (let k = 0, o = at >> 2, e = nn; k < K; k++, e += N) f32[o + k] = eff[e];
}

/**
 * Faulty (`accF`, inputs `xF`, the output's mods) and clean (`accC`, inputs `xG`, no mods)
 * accumulators of every output n of pixel `m`, into accF[n] / accC[n]; false (nothing written)
 * when some output's mods are not batchable, then the caller takes the JavaScript chains.
 */
export function softmaxAccs(wp: MacPairs, lc: LayerCompute, xG: Float32Array, xF: Float32Array, m: number, lm: LayerMods | null, accF: Float64Array, accC: Float64Array): boolean {
  const { K, N } = lc.geom;
  if (lc.formats.weight.kind === 'int8' || lc.formats.input.kind === 'int8') return false; // integer MACs: JavaScript
  for (let nn = 0; nn < N; nn++) {
    const mods = lm?.get(m * N + nn) ?? null;
    if (mods && !batchable(lc, mods, true)) return false;
  }
  const same = xF === xG;
  const rowsG = [xG];
  const { gAt, xAt, inLen } = wp.stageSlab(rowsG, same ? rowsG : [xF], 0, 1);
  const rowAt = wp.alloc(K);
  const jobsAt = wp.alloc(4);
  const outAt = wp.alloc(16);
  const wAt = wp.alloc(K);
  const wfAt = wp.alloc(K);
  const row = rowOf(lc, m);
  for (let k = 0; k < K; k++) wp.i32[(rowAt >> 2) + k] = row[k] < 0 ? 4 * inLen : 4 * row[k];
  wp.i32.set([rowAt, gAt, xAt, 0], jobsAt >> 2);
  // columns without mods: four per vector straight from the golden effective weights (colsV)
  const eff = lc.effective;
  if (eff) {
    const effAt = wp.alloc(K * N + 4); // colsV reads up to 4 floats past the matrix
    wp.f32.set(eff, effAt >> 2);
    const colsAt = wp.alloc(2 * ((N + 3) & ~3));
    wp.colsV(K, rowAt, gAt, xAt, effAt, N, N, lc.acc.zero, colsAt, same);
    const o = colsAt >> 2;
    for (let nn = 0; nn < N; nn++) {
      const blk = o + 8 * (nn >> 2) + (nn & 3);
      accF[nn] = wp.f32[blk];
      accC[nn] = wp.f32[blk + 4];
    }
  }
  const top2 = wp.mark();
  for (let nn = 0; nn < N; nn++) {
    const mods = lm?.get(m * N + nn) ?? null;
    if (eff && !mods) continue;
    wp.release(top2);
    stageColumn(wp, lc, nn, wAt);
    let wf = wAt;
    let first = same ? K : 0;
    let opsAt = wp.alloc(4);
    let nOps = 0;
    if (mods) {
      const col = faultyColumn(lc, nn, mods);
      const { ops, accFirst } = psumOps(mods, K);
      wp.f32.set(col.wF, wfAt >> 2);
      wf = wfAt;
      opsAt = wp.alloc(ops.length + 4); // one record past the end is read
      wp.i32.set(ops, opsAt >> 2);
      nOps = ops.length / 4;
      if (same) first = Math.max(0, Math.min(col.first, accFirst));
    }
    wp.chainsV(K, wAt, wf, first, lc.acc.zero, jobsAt, 1, outAt, same, opsAt, nOps);
    accF[nn] = wp.f32[outAt >> 2];
    accC[nn] = wp.f32[(outAt >> 2) + 4];
  }
  return true;
}
