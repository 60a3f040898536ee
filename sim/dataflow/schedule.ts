/**
 * PE register schedule for fault analysis: which GEMM terms a fault in a PE's weight, input or
 * partial-sum register touches during one fold, per dataflow, following the intra-fold timeline of
 * sim/dataflow/README.md (R, C = array rows/cols, k0/m0/n0 = fold origin, t = temporal index):
 *
 * | reg       | ws                                   | os                                  | is                                   |
 * |-----------|--------------------------------------|-------------------------------------|--------------------------------------|
 * | weight    | stationary w[k0+i][n0+j] (preload)   | w[t][n0+j] moving down (rows i..)   | w[k0+i][t] moving right (cols j..)   |
 * | input     | in[t][k0+i] moving right (cols j..)  | in[m0+i][t] moving right (cols j..) | stationary in[m0+j][k0+i] (preload)  |
 * | psum      | psum (t, n0+j) after row i           | out[m0+i][n0+j] (resident)          | psum (m0+j, t) after row i           |
 *
 * Stationary operands are preloaded through the column: at fold cycle c <= R-1, PE row p holds the
 * word destined for row p + (R-1-c); a fault there corrupts that word for the whole fold. The
 * stationary word of row i is written at cycle R-1 and read by every MAC R + t + i + j.
 * Psums in ws/is pass through unused rows (rows >= rowsUsed) unchanged: a fault there hits the psum
 * after the last used row. In os the psum register is cleared at fold cycle 0 (a fault before the
 * first MAC at i+j hits the initial zero, step -1), accumulates step t at t+i+j, and is drained at
 * the fold's last cycle (a fault after the last MAC hits the final value, step T-1).
 */
import type { ConcreteFault } from '../faults/ops';
import type { Fold } from './types';
import type { LayerRun } from '../engine/faultyPlan';

/** Operand of a GEMM term a fault touches: weight, input, accumulator (psum) or stored output word. */
export type TouchOperand = 'w' | 'x' | 'acc' | 'out';

/** Touched GEMM terms: output (m, n); `k` = term index for w/x, accumulation step after which
 * the psum is hit for acc (-1 = initial value), -1 for out. `cycle` = absolute cycle of the (first)
 * access. A ranged touch covers `count` outputs along `axis` from (m, n): (m+q, n) or (m, n+q),
 * q = 0..count-1, with the same k and operand (e.g. a stationary weight used by every output pixel). */
export interface Touch {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly operand: TouchOperand;
  readonly cycle: number;
  /** Outputs covered (default 1). */
  readonly count?: number;
  /** Axis of the range (default 'm'). */
  readonly axis?: 'm' | 'n';
}

/** Expands ranged touches into one touch per output. */
export function expandTouches(touches: readonly Touch[]): Touch[] {
  const out: Touch[] = [];
  for (const t of touches) {
    const c = t.count ?? 1;
    for (let q = 0; q < c; q++) {
      out.push({ m: t.axis === 'n' ? t.m : t.m + q, n: t.axis === 'n' ? t.n + q : t.n, k: t.k, operand: t.operand, cycle: t.cycle });
    }
  }
  return out;
}

/** Touches of a PE-register fault `f` in fold `fold` of layer `run` whose first cycle is `foldAbs`
 * (absolute). Appends to `out` and returns it. */
export function registerTouches(run: LayerRun, fold: Fold, foldAbs: number, f: ConcreteFault, out: Touch[] = []): Touch[] {
  const df = run.df;
  if (!df) return out;
  const { R, T } = df.geometry;
  const L = df.foldCycles;
  const a = Math.max(0, f.start - foldAbs);
  const b = Math.min(L - 1, (f.end === Infinity ? Infinity : f.end - 1) - foldAbs);
  if (a > b) return out;
  const i = f.row;
  const j = f.col;
  const ru = fold.rowsUsed;
  const cu = fold.colsUsed;
  const r0 = fold.rowStart;
  const c0 = fold.colStart;
  const flow = df.dataflow;
  // term(m-or-t index, n) helpers per dataflow: ws rows=k, cols=n, t=m; is rows=k, cols=m, t=n; os rows=m, cols=n, t=k
  const push = (m: number, n: number, k: number, operand: TouchOperand, c: number, count = 1, axis: 'm' | 'n' = 'm'): void => {
    if (count <= 0) return;
    out.push(count === 1 ? { m, n, k, operand, cycle: foldAbs + c } : { m, n, k, operand, cycle: foldAbs + c, count, axis });
  };
  // ws: outputs (t, n0+col); is: outputs (m0+col, t). `tCount` temporal steps from t, or `colCount` columns from col.
  const wsis = (col: number, t: number, k: number, operand: TouchOperand, c: number, tCount = 1, colCount = 1): void => {
    if (flow === 'ws') {
      if (tCount > 1) push(t, c0 + col, k, operand, c, tCount, 'm');
      else push(t, c0 + col, k, operand, c, colCount, 'n');
    } else if (tCount > 1) push(c0 + col, t, k, operand, c, tCount, 'n');
    else push(c0 + col, t, k, operand, c, colCount, 'm');
  };
  const stationary = (flow === 'ws' && f.target === 'pe.weight') || (flow === 'is' && f.target === 'pe.input');
  const rowStream = (flow !== 'is' && f.target === 'pe.input') || (flow === 'is' && f.target === 'pe.weight');
  const opName: TouchOperand = f.target === 'pe.weight' ? 'w' : 'x';
  if (f.target === 'pe.psum') {
    if (j >= cu || (flow === 'os' && i >= ru)) return out;
    if (flow === 'os') {
      const seen = new Set<number>();
      for (let c = a; c <= b; c++) {
        const step = Math.max(-1, Math.min(T - 1, c - i - j));
        if (seen.has(step)) continue; // a value held over several cycles is hit once
        seen.add(step);
        push(r0 + i, c0 + j, step, 'acc', c);
      }
      return out;
    }
    const step = r0 + Math.min(i, ru - 1);
    for (let c = Math.max(a, R + i + j); c <= Math.min(b, R + i + j + T - 1); c++) wsis(j, c - R - i - j, step, 'acc', c);
    return out;
  }
  if (stationary) {
    if (j >= cu) return out;
    // words passing through during the preload (c < R-1): destined for row i + R-1-c
    for (let c = a; c <= Math.min(b, R - 2); c++) {
      const dest = i + R - 1 - c;
      if (dest >= ru) continue;
      wsis(j, 0, r0 + dest, opName, c, T);
    }
    // own stationary word: written at R-1, read at R + t + i + j
    if (i < ru && b >= R - 1) {
      const t0 = Math.max(0, a - R - i - j);
      if (t0 < T) wsis(j, t0, r0 + i, opName, R + t0 + i + j, T - t0);
    }
    return out;
  }
  if (rowStream) {
    if (i >= ru || j >= cu) return out;
    if (flow === 'os') {
      for (let c = Math.max(a, i + j); c <= Math.min(b, i + j + T - 1); c++) {
        push(r0 + i, c0 + j, c - i - j, 'x', c, cu - j, 'n');
      }
      return out;
    }
    for (let c = Math.max(a, R + i + j); c <= Math.min(b, R + i + j + T - 1); c++) {
      wsis(j, c - R - i - j, r0 + i, opName, c, 1, cu - j);
    }
    return out;
  }
  // os weight: moves down column j, reused by rows i..ru-1
  if (i >= ru || j >= cu) return out;
  for (let c = Math.max(a, i + j); c <= Math.min(b, i + j + T - 1); c++) {
    push(r0 + i, c0 + j, c - i - j, 'w', c, ru - i, 'm');
  }
  return out;
}
