/**
 * Checks of a scenario against the ArraySpec of the run: the `requires` constraints, fault
 * locations inside the array (PE row/col < rows/cols, SRAM address < words of that SRAM), clusters
 * that fit, bit positions below the word width, and BER draws of a bounded size.
 */
import type { ArraySpec } from '../sim/types';
import type { FaultCluster, FaultLocation, FaultTarget } from '../sim/faults/types';
import { formatPath, type PathSegment, type ScenarioError } from './errors';
import { isSramTarget, targetBits, targetUnits, targetWordBits } from './geometry';
import type { ScenarioFile } from './schema';
import type { AddStuckAtParams, InjectFaultParams, SetRateParams } from './types';
import { actionParts, type MachineInventory } from './walk';

/** Most flips one rate-process epoch may draw (expected count for per-bit, exact for count). */
export const MAX_RATE_FLIPS = 100_000;

/** Checks `file` (already structurally and semantically valid, with its inventory) against `spec`. */
export function checkAgainstArray(file: ScenarioFile, inv: MachineInventory, spec: ArraySpec): ScenarioError[] {
  const errors: ScenarioError[] = [];
  const err = (path: readonly PathSegment[], message: string, expected?: string, found?: string): void => {
    errors.push({ path: formatPath(path), message, ...(expected !== undefined ? { expected } : {}), ...(found !== undefined ? { found } : {}) });
  };
  const req = file.requires;
  if (req?.rows !== undefined && spec.rows < req.rows) err(['requires', 'rows'], 'the array has too few rows for this scenario', `at least ${req.rows} rows`, `${spec.rows}`);
  if (req?.cols !== undefined && spec.cols < req.cols) err(['requires', 'cols'], 'the array has too few columns for this scenario', `at least ${req.cols} columns`, `${spec.cols}`);
  if (req?.dataflow !== undefined && spec.dataflow !== req.dataflow) err(['requires', 'dataflow'], 'the array uses another dataflow', req.dataflow, spec.dataflow);

  for (const a of inv.actions) {
    const { type, params } = actionParts(a.ref);
    const base = [...a.path, 'params'];
    if (type === 'injectFault') {
      const p = params as InjectFaultParams;
      checkLocation(p.target, p.location, p.cluster, base);
      const units = targetUnits(spec, p.target);
      if (p.count !== undefined && p.count > units) {
        const what = isSramTarget(p.target) ? `words in the ${units}-word ${p.target}` : `PEs in the ${spec.rows}x${spec.cols} array`;
        err([...base, 'count'], `more faults than ${what}`, `1..${units}`, String(p.count));
      }
      const width = targetWordBits(spec, p.target);
      const seen = new Set<number>();
      p.bits.forEach((b, i) => {
        if (b >= width) err([...base, 'bits', i], `bit position beyond the ${width}-bit word of ${p.target}`, `0..${width - 1}`, String(b));
        if (seen.has(b)) err([...base, 'bits', i], 'duplicate bit position', 'distinct bits', String(b));
        seen.add(b);
      });
      if (p.kind === 'mbu') {
        const sorted = [...seen].sort((x, y) => x - y);
        const contiguous = sorted.every((b, i) => i === 0 || b === sorted[i - 1] + 1);
        if (!contiguous) err([...base, 'bits'], 'an mbu flips adjacent bits', 'consecutive positions, e.g. [3, 4]', JSON.stringify(p.bits));
      }
    } else if (type === 'addStuckAt') {
      const p = params as AddStuckAtParams;
      checkLocation(p.target, p.location, undefined, base);
      const width = targetWordBits(spec, p.target);
      if (p.bit >= width) err([...base, 'bit'], `bit position beyond the ${width}-bit word of ${p.target}`, `0..${width - 1}`, String(p.bit));
    } else if (type === 'setRate') {
      const p = params as SetRateParams;
      const flips = targetBits(spec, p.target) * p.ber;
      if (flips > MAX_RATE_FLIPS) {
        err([...base, 'ber'], `too many flips per epoch (${Math.round(flips)} of ${targetBits(spec, p.target)} bits)`, `ber <= ${(MAX_RATE_FLIPS / targetBits(spec, p.target)).toExponential(2)}`, String(p.ber));
      }
    }
  }
  return errors;

  function checkLocation(target: FaultTarget, loc: FaultLocation, cluster: FaultCluster | undefined, base: PathSegment[]): void {
    const lp = [...base, 'location'];
    if (isSramTarget(target)) {
      const words = targetUnits(spec, target);
      const span = cluster?.cols ?? 1;
      if (cluster && cluster.rows !== 1) err([...base, 'cluster', 'rows'], 'an SRAM cluster is a run of adjacent words', '1', String(cluster.rows));
      if (loc.kind === 'pe') err([...lp, 'kind'], `${target} is addressed by word`, '"address" or "random"', '"pe"');
      else if (loc.kind === 'address') {
        if (loc.address >= words) err([...lp, 'address'], `address beyond the ${words}-word ${target}`, `0..${words - 1}`, String(loc.address));
        else if (loc.address + span > words) err([...base, 'cluster', 'cols'], `cluster runs past the end of ${target}`, `at most ${words - loc.address} words`, String(span));
      } else if (span > words) err([...base, 'cluster', 'cols'], `cluster larger than ${target}`, `at most ${words} words`, String(span));
      return;
    }
    const ch = cluster?.rows ?? 1;
    const cw = cluster?.cols ?? 1;
    if (loc.kind === 'address') {
      err([...lp, 'kind'], `${target} is a PE register, located by row/col`, '"pe" or "random"', '"address"');
      return;
    }
    if (loc.kind === 'pe') {
      if (loc.row >= spec.rows) err([...lp, 'row'], `PE row outside the ${spec.rows}x${spec.cols} array`, `0..${spec.rows - 1}`, String(loc.row));
      else if (loc.row + ch > spec.rows) err([...base, 'cluster', 'rows'], 'cluster runs past the last PE row', `at most ${spec.rows - loc.row}`, String(ch));
      if (loc.col >= spec.cols) err([...lp, 'col'], `PE column outside the ${spec.rows}x${spec.cols} array`, `0..${spec.cols - 1}`, String(loc.col));
      else if (loc.col + cw > spec.cols) err([...base, 'cluster', 'cols'], 'cluster runs past the last PE column', `at most ${spec.cols - loc.col}`, String(cw));
    } else {
      if (ch > spec.rows) err([...base, 'cluster', 'rows'], 'cluster taller than the array', `at most ${spec.rows}`, String(ch));
      if (cw > spec.cols) err([...base, 'cluster', 'cols'], 'cluster wider than the array', `at most ${spec.cols}`, String(cw));
    }
  }
}
