/**
 * Fault draws of campaign trials, kept for older imports: they live in the run pipeline now
 * (pipeline/ber.ts berRecords, pipeline/exposure.ts exposeWeightSram), arranged for common random
 * numbers across protections.
 */
import type { FaultKind } from '../sim/faults/types';
import type { Network } from '../sim/layers/types';
import type { ArraySpec } from '../sim/types';
import { MAX_FAULTS_PER_RUN } from '../sim/faults/limits';
import { uniformFormats } from '../sim/format/accumulator';
import { exposeWeightSram } from '../pipeline/exposure';
import type { BerDefinition } from './types';

export { berRecords } from '../pipeline/ber';

/** Most faults one trial may draw (sim/faults/limits.ts). */
export const MAX_TRIAL_FAULTS = MAX_FAULTS_PER_RUN;

/** Result of corrupting a network's weight memory. */
export interface WeightCorruption {
  readonly network: Network;
  /** Faults (drawn bits) injected. */
  readonly faults: number;
}

/** Static weight-memory corruption of the weights only (no ECC, bounds untouched) in `spec.format`: pipeline/exposure.ts. */
export function corruptWeights(net: Network, spec: ArraySpec, ber: number, def: Exclude<BerDefinition, 'rrelu'>, kind: FaultKind, seed: number): WeightCorruption {
  const e = exposeWeightSram(net, () => uniformFormats(spec.format), ber, def, kind, seed, { ecc: false, bounds: false });
  return { network: e.network, faults: e.faults };
}
