/**
 * Ranged touches of a psum-register fault in a weight- or input-stationary fold (faulty engine):
 * the psum of PE (i, j) carries output (t, n0+j) in ws, (m0+j, t) in is, after the MAC of step
 * k0 + min(i, rowsUsed-1), at fold cycle R + i + j + t. A fault active over cycles a..b of the fold
 * therefore touches one contiguous run of t: one ranged touch (count = pixels, axis along t, cycle
 * = the first pixel's; pixel t + q is touched at cycle + q) instead of one touch per pixel. Equal,
 * expanded, to the psum touches of registerTouches (sim/dataflow/schedule.ts;
 * test/sim/engine/faultyPsumTouches.test.ts).
 */
import type { ConcreteFault } from '../faults/ops';
import type { Fold } from '../dataflow/types';
import type { Touch } from '../dataflow/schedule';
import type { LayerRun } from './faultyPlan';

/** Appends the touches of psum fault `f` in fold `fold` of ws / is layer `run` (fold starting at
 * absolute cycle `foldAbs`) to `out`: at most one, ranged when it covers several pixels. */
export function psumRangeTouches(run: LayerRun, fold: Fold, foldAbs: number, f: ConcreteFault, out: Touch[]): Touch[] {
  const df = run.df;
  if (!df || df.dataflow === 'os') return out;
  const { R, T } = df.geometry;
  const a = Math.max(0, f.start - foldAbs);
  const b = Math.min(df.foldCycles - 1, (f.end === Infinity ? Infinity : f.end - 1) - foldAbs);
  const i = f.row;
  const j = f.col;
  if (a > b || j >= fold.colsUsed) return out;
  const k = fold.rowStart + Math.min(i, fold.rowsUsed - 1);
  const c0 = Math.max(a, R + i + j);
  const c1 = Math.min(b, R + i + j + T - 1);
  if (c0 > c1) return out;
  const t = c0 - R - i - j;
  const count = c1 - c0 + 1;
  const col = fold.colStart + j;
  const [m, n] = df.dataflow === 'ws' ? [t, col] : [col, t];
  const cycle = foldAbs + c0;
  out.push(count === 1 ? { m, n, k, operand: 'acc', cycle } : { m, n, k, operand: 'acc', cycle, count, axis: df.dataflow === 'ws' ? 'm' : 'n' });
  return out;
}
