/**
 * Word operations a fault applies to a stored word or register, and resolved ("concrete") faults:
 * one location, one operation, one active cycle interval.
 *
 * Interval rule (all targets): a fault is active during cycles [start, end) (seu / mbu: [c, c+1)).
 * A value written to a word/register at cycle `w` and read at cycle `r` is affected iff
 * `start <= r && w < end` (within a cycle: the write happens first, then faults, then reads).
 * So a transient flip persists until the word is rewritten, and a stuck-at bit forces every value
 * that the word holds during the window (including values written during it), after which the
 * forced value remains until the next write.
 * `readEnd`: reads at or after it no longer see the fault (an SEU with a duration, a rate-process
 * flip whose epoch ended, a scrub that rewrote an SRAM word after the fault's window). In a PE
 * register it ends the flip of a value still held there (a stationary weight / input, an idle os
 * psum); what was read before it and moved on (passed to a neighbour, accumulated) keeps the flip.
 */
import type { FaultKind, FaultTarget } from './types';

/** A bitwise operation on an unsigned word: xor (flip), and (stuck-at-0 mask complement), or (stuck-at-1). */
export interface WordOp {
  readonly kind: 'xor' | 'and' | 'or';
  /** For xor/or: the bits set; for and: the bits kept (complement of the stuck-at-0 bits). Unsigned. */
  readonly mask: number;
}

/** The word operation of a fault kind on the bits of `mask` (unsigned bit mask). */
export function opOf(kind: FaultKind, mask: number): WordOp {
  if (kind === 'stuckAt0') return { kind: 'and', mask: ~mask >>> 0 };
  if (kind === 'stuckAt1') return { kind: 'or', mask: mask >>> 0 };
  return { kind: 'xor', mask: mask >>> 0 };
}

/** Applies one operation to an unsigned word. */
export function applyOp(word: number, op: WordOp): number {
  if (op.kind === 'xor') return (word ^ op.mask) >>> 0;
  if (op.kind === 'and') return (word & op.mask) >>> 0;
  return (word | op.mask) >>> 0;
}

/** A resolved fault: one word or one PE register, one operation, one active interval. */
export interface ConcreteFault {
  readonly target: FaultTarget;
  /** SRAM word address (SRAM targets). */
  readonly address: number;
  /** PE row / column (register targets); -1 for SRAM targets. */
  readonly row: number;
  readonly col: number;
  readonly kind: FaultKind;
  /** Affected bit positions (0 = LSB). */
  readonly bits: readonly number[];
  readonly op: WordOp;
  /** First active cycle (absolute, from the run start). */
  readonly start: number;
  /** First inactive cycle (exclusive); Infinity = forever. */
  readonly end: number;
  /** Index of the FaultRecord it came from. */
  readonly source: number;
  /** First cycle whose reads no longer see the fault (absent = Infinity): see module doc. */
  readonly readEnd?: number;
  /** Operation on the SEC-DED check bits of an ECC-protected SRAM word (bit j = check bit j:
   * Hamming bits 0..r-1, overall parity r); absent = none. */
  readonly check?: WordOp;
}

/** Whether a fault affects a value written at cycle `w` and read at cycle `r` (interval rule). */
export function affects(f: Pick<ConcreteFault, 'start' | 'end' | 'readEnd'>, w: number, r: number): boolean {
  return f.start <= r && w < f.end && (f.readEnd === undefined || r < f.readEnd);
}

/** True for stuck-at kinds. */
export function isStuck(kind: FaultKind): boolean {
  return kind === 'stuckAt0' || kind === 'stuckAt1';
}

/** True for the SRAM targets. */
export function isSram(t: FaultTarget): t is 'weightSram' | 'ifmapSram' | 'ofmapSram' {
  return t === 'weightSram' || t === 'ifmapSram' || t === 'ofmapSram';
}
