/** Bench contracts: a section measures something and returns rows; bench/run.ts prints and saves them. */

/** A target a row is checked against. */
export type BenchTarget =
  /** value must be at most `value` (in the row's unit). */
  | { readonly kind: 'max'; readonly value: number }
  /** ratio (value / baseline) must be at most `value`. */
  | { readonly kind: 'ratioMax'; readonly value: number };

/** One measurement. */
export interface BenchRow {
  /** What was measured, e.g. "resnet50 128x128 ws". */
  readonly name: string;
  /** Measured value (median over `runs` unless stated otherwise). */
  readonly value: number;
  /** Unit of value and baseline, e.g. "ms". */
  readonly unit: string;
  /** Number of timed runs the median is taken over. */
  readonly runs?: number;
  /** What the value is compared with (same unit). */
  readonly baseline?: { readonly name: string; readonly value: number };
  /** value / baseline.value when a baseline exists. */
  readonly ratio?: number;
  readonly target?: BenchTarget;
  /** Whether the target is met (absent without a target). */
  readonly pass?: boolean;
  /** Extra facts shown in the details column (e.g. simulated cycles). */
  readonly extra?: Readonly<Record<string, number | string>>;
}

/** A pluggable bench section. Files in bench/sections/ export `sections: BenchSection[]`. */
export interface BenchSection {
  /** Section title, e.g. "(a) cycle model". */
  readonly name: string;
  /** Runs the measurements (sequentially; the machine may be shared). */
  run(): Promise<BenchRow[]>;
}

/** Median of timed runs in ms plus the spread. */
export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly runs: number;
}

/** Whether a row meets its target (undefined without one). */
export function meetsTarget(value: number, ratio: number | undefined, target: BenchTarget | undefined): boolean | undefined {
  if (target === undefined) return undefined;
  if (target.kind === 'max') return value <= target.value;
  return ratio !== undefined && ratio <= target.value;
}
