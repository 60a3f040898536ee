/**
 * Contracts of the fault-injection campaign runner (issue 6). A campaign file expands into an
 * ordered list of points x trials; each trial is a pure function of its `TrialSpec`, run by an
 * injectable `TrialRunner` (the real one sits on sim/engine, a fake one is used in tests).
 */
import type { Dataflow, NumericFormat, SramSpec } from '../sim/types';
import type { FaultKind, FaultTarget } from '../sim/faults/types';
import type { DueRule, OutcomeCounts } from './outcomes';

/** How a BER is turned into faults: "per-bit" flips every stored bit independently with
 * probability p; "count" injects floor(bits x p) faults at uniformly drawn bit positions. */
export type BerDefinition = 'per-bit' | 'count' | 'rrelu';

/** Array configuration of a campaign (validated again by the engine's own spec parser). */
export interface CampaignArray {
  /** PE rows, 1..256. */
  readonly rows: number;
  /** PE columns, 1..256. */
  readonly cols: number;
  readonly dataflow: Dataflow;
  /** SRAM sizes in KiB; undefined = the engine's default. */
  readonly sram?: SramSpec;
}

/** The fault source of one point: a random BER campaign on one target, or a scenario file. */
export type PointFault =
  | {
      readonly kind: 'ber';
      readonly target: FaultTarget;
      /** Bit error rate (probability per stored bit, or fault count / bits; see `definition`). */
      readonly ber: number;
      readonly definition: BerDefinition;
      /** Fault kind of every drawn fault (default seu). */
      readonly faultKind: FaultKind;
    }
  | {
      /** AVF study of one structure: each trial injects one SEU at a (bit, cycle) site drawn
       * uniformly over the structure's used bits x the run's cycles (campaign/avf.ts). */
      readonly kind: 'avf';
      readonly target: FaultTarget;
    }
  | {
      readonly kind: 'scenario';
      /** Scenario file as written in the campaign file (stable, used in keys). */
      readonly id: string;
      /** Absolute path of the scenario file. */
      readonly file: string;
    };

/** One point of the campaign grid: model x protection x format x fault source. */
export interface PointSpec {
  /** Position in campaign order, 0-based. */
  readonly index: number;
  /** Stable key, e.g. "lenet5|relu|fp32|ber:weightSram:seu:per-bit:1e-5". Seeds derive from it. */
  readonly key: string;
  /** Model id (models/registry.ts). */
  readonly model: string;
  /** Protection id, e.g. "relu", "ranger", "proact+saf". */
  readonly protection: string;
  readonly format: NumericFormat;
  /** Canonical format label: "fp32", "fp16", "int8(q3.4)". */
  readonly formatKey: string;
  readonly fault: PointFault;
}

/** Everything one trial needs; trials are independent and pure in this spec. */
export interface TrialSpec {
  /** Global trial index in campaign order (point-major), 0-based. */
  readonly index: number;
  readonly point: PointSpec;
  /** Trial number within its point, 0-based. */
  readonly trial: number;
  /** uint32 seed derived from (campaign seed, point key, trial) only. */
  readonly seed: number;
  readonly array: CampaignArray;
  /** Test-set slice: first image index and number of images. */
  readonly testSet: { readonly start: number; readonly count: number; readonly data?: string };
  /** Class indices whose SDCs are "critical" (see campaign/summary.ts). */
  readonly criticalClasses: readonly number[];
  /** DUE rule for non-finite outputs (campaign/outcomes.ts); absent = the default ("output"). */
  readonly due?: DueRule;
}

/** Per-layer propagation measured in one trial, averaged over the trial's images. */
export interface LayerStat {
  readonly name: string;
  /** Share of this layer's output values that differ from golden, 0..1. */
  readonly corruptedShare: number;
  /** Largest |faulty - golden| over the layer's outputs (may be Infinity / NaN after exponent flips). */
  readonly maxAbsDelta: number;
  /** ||faulty - golden||_2 / ||golden||_2 of the layer's outputs. */
  readonly relL2: number;
}

/** Outcome of one trial. Must be a deterministic function of the TrialSpec (no timings here). */
export interface TrialResult {
  /** Images evaluated. */
  readonly images: number;
  /** Images whose golden top-1 equals the label. */
  readonly goldenCorrect: number;
  /** Images whose faulty top-1 equals the label. */
  readonly faultyCorrect: number;
  /** Golden-correct images whose faulty top-1 differs from the golden top-1. */
  readonly sdc: number;
  /** SDCs whose golden or faulty class is in the campaign's critical classes. */
  readonly criticalSdc: number;
  /** Faults injected in this trial, all structures. */
  readonly faultsInjected: number;
  /** Faults injected per structure. */
  readonly faultsByTarget: Partial<Record<FaultTarget, number>>;
  /** Per-layer propagation (network order). */
  readonly layers: readonly LayerStat[];
  /** Images whose corruption was last visible at each layer (name) before vanishing; the key
   * "(output)" counts images whose corruption reached the output, "(none)" images never touched. */
  readonly maskedAt: Readonly<Record<string, number>>;
  /** Accelerator cycles of one inference on the modeled array (all layers). */
  readonly cycles: number;
  /** Compute utilization of the array over the inference, 0..1. */
  readonly utilization: number;
  /** Every image classified masked / tolerable / SDC / DUE against golden (campaign/outcomes.ts);
   * absent in records written before issue 14 and from runners that do not classify. */
  readonly outcomes?: OutcomeCounts;
  /** AVF points: the sampled structure's bits (used words x width, or R x C registers) and the
   * run's cycles, i.e. the site population is bits x cycles. */
  readonly avf?: { readonly bits: number; readonly cycles: number };
  /** Set when the trial ran past the pool's time limit (campaign/pool.ts): nothing was evaluated;
   * summaries leave it out of every rate and count it per point. */
  readonly timedOut?: { readonly limitMs: number };
  /** Protection overhead vs the unprotected model, when the runner knows it. */
  readonly overhead?: {
    readonly extraParams: number;
    /** Extra stored bytes (bounds, check bits). */
    readonly extraBytes: number;
    /** Extra accelerator cycles per inference. */
    readonly extraCycles: number;
  };
}

/** Runs one trial. Implementations: campaign/trial.ts (engine), campaign/fake.ts (tests). */
export type TrialRunner = (trial: TrialSpec, signal?: AbortSignal) => Promise<TrialResult>;

/** Progress snapshot pushed while a campaign runs. */
export interface CampaignProgress {
  /** Trials of this run (this shard) already done, resumed ones included. */
  readonly trialsDone: number;
  readonly trialsTotal: number;
  /** Points of this shard whose trials are all done. */
  readonly pointsDone: number;
  readonly pointsTotal: number;
  /** Faults injected by the trials run in this process. */
  readonly faultsInjected: number;
  /** Faulty inferences run in this process. */
  readonly inferences: number;
  /** Milliseconds since this process started running trials. */
  readonly elapsedMs: number;
  /** Live interval of the point that finished a trial last (its stopping proportion: SDC rate,
   * or AVF_SDC for AVF points), when the runner tracks one. */
  readonly interval?: { readonly point: number; readonly mean: number; readonly lo: number; readonly hi: number; readonly trials: number };
}
