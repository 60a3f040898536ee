/**
 * Limits on the faults one run may inject, shared by the campaign schema (checked when a campaign is
 * loaded), the campaign trial draws (checked before the flip list is allocated) and the engine.
 * Issue 17 item 7: a BER of 0.5 on a 64 MiB ifmap SRAM asked for 268M flips and killed V8 while
 * the list was built; the expected count is now checked first.
 */
import { fail, ok, type Result } from '../result';
import { MAX_RUN_FAULTS } from './resolve';

/** Most faults (drawn bits) one run or one campaign trial may inject: the engine's MAX_RUN_FAULTS (one limit). */
export const MAX_FAULTS_PER_RUN = MAX_RUN_FAULTS;

/**
 * Expected number of flipped bits among `bits` bits at bit error rate `ber`: exactly
 * floor(bits x ber) for 'count', the binomial mean bits x ber for 'per-bit' (bits).
 */
export function expectedFlips(bits: number, ber: number, definition: 'per-bit' | 'count'): number {
  return definition === 'count' ? Math.floor(bits * ber) : bits * ber;
}

/**
 * Refuses a BER draw whose expected fault count exceeds MAX_FAULTS_PER_RUN, before anything is
 * allocated; `where` names the field (e.g. "c.json: $.faults.ber[1] on ifmapSram").
 */
export function checkFaultBudget(bits: number, ber: number, definition: 'per-bit' | 'count', where: string): Result<number> {
  const n = expectedFlips(bits, ber, definition);
  if (!(n <= MAX_FAULTS_PER_RUN)) {
    return fail(`${where}: BER ${ber} (${definition}) over ${bits} bits draws about ${Math.round(n)} faults per trial; expected at most ${MAX_FAULTS_PER_RUN} (lower the BER or the size)`);
  }
  return ok(n);
}
