/**
 * ECC shortcut of the faulty engine: a fault in an ECC-protected SRAM word that is the only fault
 * on that word and changes at most one stored bit (data or check) can only ever produce a
 * single-bit error, which SEC-DED corrects on every read: it reaches no computation. Such faults
 * are left out before their touches are computed (the common case under a bit error rate).
 */
import type { ArraySpec } from '../types';
import { isSram, type ConcreteFault, type WordOp } from '../faults/ops';
import { hasEcc } from '../memory/ecc';

function popcount(x: number): number {
  let c = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) c++;
  return c;
}

/** Bits an operation may change (xor / or: its mask; and: the cleared bits). */
function bitsOf(op: WordOp | undefined): number {
  if (!op) return 0;
  return popcount(op.kind === 'and' ? ~op.mask : op.mask);
}

/** Per fault: 1 when the SRAM's ECC corrects every error it can cause (see module doc). */
export function eccCorrectedAlways(spec: ArraySpec, faults: readonly ConcreteFault[]): Uint8Array {
  const out = new Uint8Array(faults.length);
  const bits = new Map<string, number>();
  const keyOf = (f: ConcreteFault): string => `${f.target}:${f.address}`;
  for (const f of faults) {
    if (!isSram(f.target) || !hasEcc(spec, f.target)) continue;
    const key = keyOf(f);
    bits.set(key, (bits.get(key) ?? 0) + bitsOf(f.op) + bitsOf(f.check));
  }
  faults.forEach((f, i) => {
    if (isSram(f.target) && hasEcc(spec, f.target) && (bits.get(keyOf(f)) ?? 2) <= 1) out[i] = 1;
  });
  return out;
}
