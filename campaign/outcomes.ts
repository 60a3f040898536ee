/**
 * Outcome classes of faulty inferences (issue 14). Each image of a faulty run is compared with its
 * golden run and put in exactly one class, checked in this order:
 * - **due**: detected unrecoverable error — the hardware flagged the image (ECC found an
 *   uncorrectable word it read), or, under the non-finite rule `"output"`, a final output value is
 *   NaN or +-Infinity (the accelerator's float unit would trap / raise an exception);
 * - **sdc**: silent data corruption — the faulty top-1 differs from the golden top-1;
 *   **critical SDC** is the subset whose golden or faulty class is in the user's critical set;
 * - **tolerable**: the output changed (some value's bits differ) but the top-1 is kept;
 * - **masked**: the output is bit-identical to golden (NaN = NaN).
 * The class counts sum to the images. Pure: no Node built-ins.
 */
import { argmax } from '../sim/engine/tensors';
import { wilsonInterval, type Interval } from './stats';

/** One outcome class. */
export type OutcomeClass = 'masked' | 'tolerable' | 'sdc' | 'due';

/** Classes from most to least severe (the order a run-level outcome is taken in). */
export const OUTCOME_SEVERITY: readonly OutcomeClass[] = ['due', 'sdc', 'tolerable', 'masked'];

/** How non-finite outputs count: "output" = a NaN/Inf in the final output is a DUE (the default:
 * a float unit that traps on invalid operations); "never" = classify by top-1 like any value. */
export type NonFiniteRule = 'output' | 'never';

/** The DUE rule of a campaign or study. */
export interface DueRule {
  readonly nonFinite: NonFiniteRule;
}

/** The default DUE rule: ECC detections and non-finite final outputs are DUEs. */
export const DEFAULT_DUE_RULE: DueRule = { nonFinite: 'output' };

/** Image counts per outcome class (masked + tolerable + sdc + due = images). */
export interface OutcomeCounts {
  /** Images classified. */
  readonly images: number;
  readonly masked: number;
  /** Output changed, top-1 kept. */
  readonly tolerable: number;
  /** Top-1 changed (critical ones included). */
  readonly sdc: number;
  /** SDCs whose golden or faulty top-1 is a critical class (subset of sdc). */
  readonly criticalSdc: number;
  /** Detected unrecoverable errors (ECC or the non-finite rule). */
  readonly due: number;
}

/** Counts of no images. */
export const NO_OUTCOMES: OutcomeCounts = { images: 0, masked: 0, tolerable: 0, sdc: 0, criticalSdc: 0, due: 0 };

/** Inputs of `classifyOutcomes`: batch-major final outputs of n images of `outSize` values each. */
export interface ClassifyInput {
  readonly golden: ArrayLike<number>;
  readonly faulty: ArrayLike<number>;
  /** Images in the batch. */
  readonly n: number;
  /** Output values per image (classes). */
  readonly outSize: number;
  /** Per image: nonzero when the hardware detected an uncorrectable error (ECC). Optional. */
  readonly due?: ArrayLike<number>;
  /** Class indices whose SDCs are critical. */
  readonly critical?: readonly number[];
  readonly rule?: DueRule;
}

/** Outcome of one image plus whether an SDC is critical. */
export interface ImageOutcome {
  readonly cls: OutcomeClass;
  readonly critical: boolean;
}

function same(a: number, b: number): boolean {
  return a === b ? !(a === 0 && 1 / a !== 1 / b) : Number.isNaN(a) && Number.isNaN(b);
}

/** Classifies image `i` of a batch (see module doc for the rule). */
export function classifyImage(inp: ClassifyInput, i: number, critical: ReadonlySet<number>): ImageOutcome {
  const base = i * inp.outSize;
  const rule = inp.rule ?? DEFAULT_DUE_RULE;
  if (inp.due && inp.due[i]) return { cls: 'due', critical: false };
  let changed = false;
  let nonFinite = false;
  for (let k = base; k < base + inp.outSize; k++) {
    const f = inp.faulty[k]!;
    if (!Number.isFinite(f)) nonFinite = true;
    if (!same(inp.golden[k]!, f)) changed = true;
  }
  if (!changed) return { cls: 'masked', critical: false };
  if (nonFinite && rule.nonFinite === 'output') return { cls: 'due', critical: false };
  const g = argmax(inp.golden, base, inp.outSize);
  const f = argmax(inp.faulty, base, inp.outSize);
  if (g === f) return { cls: 'tolerable', critical: false };
  return { cls: 'sdc', critical: critical.has(g) || critical.has(f) };
}

/** Classifies every image of a batch and counts the classes. */
export function classifyOutcomes(inp: ClassifyInput): OutcomeCounts {
  const crit = new Set(inp.critical ?? []);
  let masked = 0, tolerable = 0, sdc = 0, criticalSdc = 0, due = 0;
  for (let i = 0; i < inp.n; i++) {
    const o = classifyImage(inp, i, crit);
    if (o.cls === 'masked') masked++;
    else if (o.cls === 'tolerable') tolerable++;
    else if (o.cls === 'due') due++;
    else { sdc++; if (o.critical) criticalSdc++; }
  }
  return { images: inp.n, masked, tolerable, sdc, criticalSdc, due };
}

/** Sum of two count records. */
export function addOutcomes(a: OutcomeCounts, b: OutcomeCounts): OutcomeCounts {
  return {
    images: a.images + b.images, masked: a.masked + b.masked, tolerable: a.tolerable + b.tolerable,
    sdc: a.sdc + b.sdc, criticalSdc: a.criticalSdc + b.criticalSdc, due: a.due + b.due,
  };
}

/** The run-level outcome of a trial: its most severe image class (due > sdc > tolerable > masked);
 * "masked" for a trial of no images. Used for one-fault-per-trial AVF sites. */
export function worstOutcome(c: OutcomeCounts): OutcomeClass {
  if (c.due > 0) return 'due';
  if (c.sdc > 0) return 'sdc';
  if (c.tolerable > 0) return 'tolerable';
  return 'masked';
}

/** Rates of each class over images, with a two-sided interval at `confidence` (Wilson score). */
export interface OutcomeRates {
  readonly masked: Interval;
  readonly tolerable: Interval;
  readonly sdc: Interval;
  readonly criticalSdc: Interval;
  readonly due: Interval;
}

/** Rates of each outcome class over the images (Wilson score interval, default 95%). */
export function outcomeRates(c: OutcomeCounts, confidence = 0.95): OutcomeRates {
  const w = (k: number): Interval => wilsonInterval(k, c.images, confidence);
  return { masked: w(c.masked), tolerable: w(c.tolerable), sdc: w(c.sdc), criticalSdc: w(c.criticalSdc), due: w(c.due) };
}

/** Checks that a record is a well-formed OutcomeCounts (non-negative integers that sum to images). */
export function isOutcomeCounts(x: unknown): x is OutcomeCounts {
  if (x === null || typeof x !== 'object') return false;
  const o = x as Record<string, unknown>;
  const keys = ['images', 'masked', 'tolerable', 'sdc', 'criticalSdc', 'due'];
  if (!keys.every((k) => Number.isInteger(o[k]) && (o[k] as number) >= 0)) return false;
  const c = o as unknown as OutcomeCounts;
  return c.masked + c.tolerable + c.sdc + c.due === c.images && c.criticalSdc <= c.sdc;
}
