/**
 * SRAM side of the fault schedule: which GEMM terms read a faulty SRAM word, and when (see
 * sim/memory/layout.ts for addresses and write times, sim/dataflow/README.md for read cycles):
 * - weight SRAM: ws reads w[k0+i][n0+j] once per fold at preload cycle R-1-i (used by every t);
 *   os reads w[t][n0+j] at t + j in every row fold (used by rows 0..rowsUsed-1);
 *   is reads w[k0+i][t] at R + t + i in every column fold (used by columns 0..colsUsed-1).
 * - ifmap SRAM: ws reads in[t][k0+i] at R + t + i per column fold (used by every used column);
 *   os reads in[m0+i][t] at t + i per column fold; is preloads in[m0+j][k0+i] at R-1-i (used by every t).
 * - ofmap SRAM: output (m, n) is written at the drain cycle of its last row fold (ws/is 2R-1+t+j,
 *   os the fold's last cycle) and read at the layer end (tiled: read at its write cycle).
 */
import type { ConcreteFault } from '../faults/ops';
import { affects } from '../faults/ops';
import type { LayerRun } from '../engine/faultyPlan';
import { elementsAt, isTiled, type MemoryLayout, type SramName } from '../memory/layout';
import { foldIndex } from './plan';
import { usesOf, type ConvGeom } from './scheduleGeom';
import type { Touch } from './schedule';

/** Touches of an SRAM fault `f` (target weightSram / ifmapSram / ofmapSram) on layer `run` of the
 * inference whose layer starts at absolute cycle `layerAbs`. Appends to `out` and returns it. */
export function sramTouches(run: LayerRun, g: ConvGeom, layout: MemoryLayout, layerAbs: number, f: ConcreteFault, out: Touch[] = []): Touch[] {
  const df = run.df;
  if (!df) return out;
  const sram = f.target as SramName;
  const { R, C } = df.geometry;
  const L = df.foldCycles;
  const tiled = isTiled(layout, sram, run.index);
  // write cycle of a word read in a fold starting at fa: tiled -> fa; resident weights -> 0; else the layer start
  const fixedWrite = sram === 'weightSram' && layout.weightsResident ? 0 : layerAbs;
  const flow = df.dataflow;
  for (const e of elementsAt(layout, sram, run.index, f.address)) {
    if (sram === 'weightSram') {
      const k = Math.floor(e / g.N);
      const n = e - k * g.N;
      if (flow === 'ws') {
        const fa = layerAbs + foldIndex(df, Math.floor(k / R), Math.floor(n / C)) * L;
        const r = fa + R - 1 - (k % R);
        if (affects(f, (tiled ? fa : fixedWrite), r)) out.push({ m: 0, n, k, operand: 'w', cycle: r, count: g.M, axis: 'm' });
      } else if (flow === 'os') {
        const cf = Math.floor(n / C);
        for (let rf = 0; rf < df.rowFolds; rf++) {
          const fa = layerAbs + foldIndex(df, rf, cf) * L;
          const r = fa + k + (n % C);
          if (!affects(f, (tiled ? fa : fixedWrite), r)) continue;
          out.push({ m: rf * R, n, k, operand: 'w', cycle: r, count: Math.min(g.M, rf * R + R) - rf * R, axis: 'm' });
        }
      } else {
        const rf = Math.floor(k / R);
        for (let cf = 0; cf < df.colFolds; cf++) {
          const fa = layerAbs + foldIndex(df, rf, cf) * L;
          const r = fa + R + n + (k % R);
          if (!affects(f, (tiled ? fa : fixedWrite), r)) continue;
          out.push({ m: cf * C, n, k, operand: 'w', cycle: r, count: Math.min(g.M, cf * C + C) - cf * C, axis: 'm' });
        }
      }
    } else if (sram === 'ifmapSram') {
      const uses = usesOf(g, e);
      for (let u = 0; u < uses.length; u += 2) {
        const m = uses[u];
        const k = uses[u + 1];
        if (flow === 'is') {
          const fa = layerAbs + foldIndex(df, Math.floor(k / R), Math.floor(m / C)) * L;
          const r = fa + R - 1 - (k % R);
          if (affects(f, (tiled ? fa : fixedWrite), r)) out.push({ m, n: 0, k, operand: 'x', cycle: r, count: g.N, axis: 'n' });
          continue;
        }
        const rf = flow === 'ws' ? Math.floor(k / R) : Math.floor(m / R);
        for (let cf = 0; cf < df.colFolds; cf++) {
          const fa = layerAbs + foldIndex(df, rf, cf) * L;
          const r = flow === 'ws' ? fa + R + m + (k % R) : fa + k + (m % R);
          if (!affects(f, (tiled ? fa : fixedWrite), r)) continue;
          out.push({ m, n: cf * C, k, operand: 'x', cycle: r, count: Math.min(g.N, cf * C + C) - cf * C, axis: 'n' });
        }
      }
    } else {
      const m = Math.floor(e / g.N);
      const n = e - m * g.N;
      let w: number;
      if (flow === 'ws') w = layerAbs + foldIndex(df, df.rowFolds - 1, Math.floor(n / C)) * L + 2 * R - 1 + m + (n % C);
      else if (flow === 'is') w = layerAbs + foldIndex(df, df.rowFolds - 1, Math.floor(m / C)) * L + 2 * R - 1 + n + (m % C);
      else w = layerAbs + foldIndex(df, Math.floor(m / R), Math.floor(n / C)) * L + L - 1;
      const r = tiled ? w : layerAbs + df.durationCycles;
      if (affects(f, w, r)) out.push({ m, n, k: -1, operand: 'out', cycle: r });
    }
  }
  return out;
}

/** Absolute write and read cycles of ofmap element (m, n) (for the reference and the GUI). */
export function ofmapCycles(run: LayerRun, g: ConvGeom, layout: MemoryLayout, layerAbs: number, m: number, n: number): { write: number; read: number } {
  const df = run.df!;
  const { R, C } = df.geometry;
  const fa = (rf: number, cf: number): number => layerAbs + foldIndex(df, rf, cf) * df.foldCycles;
  let w: number;
  if (df.dataflow === 'ws') w = fa(df.rowFolds - 1, Math.floor(n / C)) + 2 * R - 1 + m + (n % C);
  else if (df.dataflow === 'is') w = fa(df.rowFolds - 1, Math.floor(m / C)) + 2 * R - 1 + n + (m % C);
  else w = fa(Math.floor(m / R), Math.floor(n / C)) + df.foldCycles - 1;
  return { write: w, read: isTiled(layout, 'ofmapSram', run.index) ? w : layerAbs + df.durationCycles };
}
