/**
 * The end of a PE-register flip (`ConcreteFault.readEnd`: an SEU / MBU with a duration, a rate-process
 * flip whose epoch ended). At cycle `readEnd` the flipped bits of the value the register still holds
 * return to their stored value, at the point of the cycle where faults act (after the register
 * moves, before the weight / input MACs, after the psum MACs: test/reference/cycleSim.ts). So:
 * - stationary register (ws weight, is input), own word: the MACs at cycles [start, readEnd) see the
 *   flip, those at or after readEnd the stored word (unless the fold ended and reloaded it first);
 * - os psum while idle: the initial zero read by the first MAC at fold cycle i+j is seen when
 *   readEnd >= that cycle; the final value read by the drain at the fold's last cycle when
 *   readEnd > it;
 * - every other register value (row / column streams, a word passing through during the preload, a
 *   ws / is psum, an os psum between MACs) is read or moved on in the cycle it is hit or the next
 *   one, before the end can act: the flip is carried by the dataflow, the duration undoes nothing.
 */
import type { ConcreteFault } from '../faults/ops';
import type { Touch } from '../dataflow/schedule';
import type { LayerRun } from './faultyPlan';

/** Whether a register fault's target is the stationary register of the layer's dataflow (ws weight,
 * is input): its own word is read by the MACs of cycles R+i+j, R+i+j+1, ... of the fold. */
export function isStationaryTarget(run: Pick<LayerRun, 'df'>, f: Pick<ConcreteFault, 'target'>): boolean {
  const flow = run.df?.dataflow;
  return (flow === 'ws' && f.target === 'pe.weight') || (flow === 'is' && f.target === 'pe.input');
}

/** Drops or shortens the touches out[from..] of register fault `f` in the fold of `run` starting at
 * absolute cycle `foldAbs` whose reads come at or after the flip's end (`f.readEnd`; see module doc).
 * Compacts `out` in place. No-op without readEnd. */
export function endRegisterReads(run: Pick<LayerRun, 'df'>, foldAbs: number, f: ConcreteFault, out: Touch[], from: number): void {
  const e = f.readEnd;
  const df = run.df;
  if (e === undefined || !df) return;
  const stationary = isStationaryTarget(run, f);
  const osPsum = df.dataflow === 'os' && f.target === 'pe.psum';
  if (!stationary && !osPsum) return;
  const { R, T } = df.geometry;
  let w = from;
  for (let q = from; q < out.length; q++) {
    let t = out[q];
    if (stationary) {
      // own word (touch at a MAC cycle >= R; before R: a word passing through, carried): MAC q' of
      // the range reads at t.cycle + q'
      if (t.cycle - foldAbs >= R) {
        const count = t.count ?? 1;
        const keep = Math.min(count, e - t.cycle);
        if (keep <= 0) continue;
        if (keep < count) t = keep === 1 ? { m: t.m, n: t.n, k: t.k, operand: t.operand, cycle: t.cycle } : { ...t, count: keep };
      }
    } else if (t.k === -1) {
      if (e < foldAbs + f.row + f.col) continue; // the zero is read by the first MAC, after the end
    } else if (t.k === T - 1 && e <= foldAbs + df.foldCycles - 1) continue; // drained after the end
    out[w++] = t;
  }
  out.length = w;
}
