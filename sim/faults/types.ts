/**
 * Fault records (DESIGN.md section 3). Declared first, then the model is run; the golden model
 * is never mutated. Bit positions are 0 (LSB) .. width-1 (MSB / sign) of the stored word.
 */

/** Which hardware structure a fault sits in. */
export type FaultTarget = 'weightSram' | 'ifmapSram' | 'ofmapSram' | 'pe.weight' | 'pe.input' | 'pe.psum';

/** seu: transient flip at a cycle (memory: persists until rewritten; register: until the register
 * is next loaded). stuckAt0/1: permanent from window.start on (until window.end or a repair).
 * mbu: k adjacent bits flipped at once, optionally over a cluster of adjacent words/PEs. */
export type FaultKind = 'seu' | 'stuckAt0' | 'stuckAt1' | 'mbu';

/** Where: an SRAM word address, a PE, or drawn at random (seeded) when the fault is resolved. */
export type FaultLocation =
  | { readonly kind: 'address'; readonly address: number }
  | { readonly kind: 'pe'; readonly row: number; readonly col: number }
  | { readonly kind: 'random' };

/** Cluster shape for MBUs: a block of adjacent words or PEs starting at the location. */
export interface FaultCluster {
  /** PE rows (or 1 for words). */
  readonly rows: number;
  /** PE columns, or number of adjacent words. */
  readonly cols: number;
}

/** Cycle window [start, end) in accelerator cycles from the start of the run; end undefined = forever. */
export interface CycleWindow {
  readonly start: number;
  readonly end?: number;
}

/** One declared fault. */
export interface FaultRecord {
  readonly id?: string;
  readonly target: FaultTarget;
  readonly location: FaultLocation;
  readonly kind: FaultKind;
  /** Bit positions affected (for mbu: the k adjacent bits). */
  readonly bits: readonly number[];
  readonly window: CycleWindow;
  readonly cluster?: FaultCluster;
  /** seu / mbu only. false (default): the flip hits the value held at window.start and lasts until
   * that value is rewritten or, in an SRAM word, until window.end. true: the bits read inverted in
   * every value held during the window, and reads after window.end see the stored value (a
   * rate-process flip: docs/README-faults.md section 2). */
  readonly everyValue?: boolean;
}
