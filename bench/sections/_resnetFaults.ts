/**
 * Faults of the ResNet rows of section (c2): one permanent stuck-at-1 on bit 30 of the psum
 * register of PE (3, 5), and/or 10 weight-SRAM SEUs at random words, bits and cycles of the run
 * (seeded), on a 128x128 weight-stationary fp32 array.
 */
import { DEFAULT_ARRAY_SPEC } from '../../sim/array/spec';
import { planRun } from '../../sim/engine/faultyPlan';
import { makeRng, randInt } from '../../sim/faults/resolve';
import type { FaultRecord } from '../../sim/faults/types';
import type { Network } from '../../sim/layers/types';
import type { ArraySpec } from '../../sim/types';

/** The array of the ResNet rows: 128x128, weight stationary, fp32. */
export const resnetSpec = (): ArraySpec => ({ ...DEFAULT_ARRAY_SPEC, rows: 128, cols: 128, dataflow: 'ws', format: { kind: 'fp32' } });

/** Which faults: the PE stuck-at, the 10 SEUs, or both. */
export type ResnetFaultSet = 'stuckAt' | 'seus' | 'both';

/** The fault records of `set` for a run of `n` images of `net` on `spec`. */
export function resnetFaults(net: Network, spec: ArraySpec, n: number, set: ResnetFaultSet): FaultRecord[] {
  const cycles = planRun(net, spec).inferenceCycles * n;
  const rng = makeRng(7);
  const seus: FaultRecord[] = Array.from({ length: 10 }, () => ({
    target: 'weightSram' as const, kind: 'seu' as const, location: { kind: 'random' as const }, bits: [], window: { start: randInt(rng, 0, cycles - 1) },
  }));
  const stuck: FaultRecord = { target: 'pe.psum', kind: 'stuckAt1', location: { kind: 'pe', row: 3, col: 5 }, bits: [30], window: { start: 0 } };
  return set === 'stuckAt' ? [stuck] : set === 'seus' ? seus : [stuck, ...seus];
}
