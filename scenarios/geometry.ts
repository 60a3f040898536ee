/**
 * Sizes of the fault targets of an array: words per SRAM, bits per word / register, PEs.
 * Shared by validation (range checks) and resolution (random draws, BER flip counts).
 */
import type { ArraySpec } from '../sim/types';
import type { FaultTarget } from '../sim/faults/types';
import { wordBits } from '../sim/format/format';
import { targetBits as storedBits } from '../sim/faults/resolve';

/** Width in bits of one word/register of `target`: SRAM words and PE weight/input registers use
 * the format width (32/16/8), plus the SEC-DED check bits of an ECC-protected SRAM (spec.ecc);
 * the partial-sum register is 32 bits (fp32 or int32 accumulator). */
export function targetWordBits(spec: ArraySpec, target: FaultTarget): number {
  return storedBits(spec, target);
}

/** True for the three SRAM targets (addressed by word). */
export function isSramTarget(target: FaultTarget): target is 'weightSram' | 'ifmapSram' | 'ofmapSram' {
  return target === 'weightSram' || target === 'ifmapSram' || target === 'ofmapSram';
}

/** Number of words (SRAM: KiB * 8192 / word bits) or registers (PE targets: rows * cols) of `target`. */
export function targetUnits(spec: ArraySpec, target: FaultTarget): number {
  if (!isSramTarget(target)) return spec.rows * spec.cols;
  const kib = target === 'weightSram' ? spec.sram.weightKiB : target === 'ifmapSram' ? spec.sram.ifmapKiB : spec.sram.ofmapKiB;
  return Math.floor((kib * 1024 * 8) / wordBits(spec.format));
}

/** Total stored bits of `target` (units * word bits); the population of a BER draw. */
export function targetBits(spec: ArraySpec, target: FaultTarget): number {
  return targetUnits(spec, target) * targetWordBits(spec, target);
}
