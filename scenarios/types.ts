/**
 * Types of the scenario runtime (DESIGN.md section 4): the events the simulator sends, the action
 * parameters of the fault vocabulary, the machine context, and the resolved output.
 * Time is always accelerator cycles counted from the start of the run.
 */
import type { FaultCluster, FaultKind, FaultLocation, FaultRecord, FaultTarget } from '../sim/faults/types';

/** Event types the simulator sends to a scenario machine (same names as sim/engine/timeline.ts). */
export const SIM_EVENT_TYPES = ['INFERENCE_START', 'INFERENCE_END', 'LAYER_START', 'LAYER_END', 'FOLD_START'] as const;
/** One of SIM_EVENT_TYPES. */
export type SimEventType = (typeof SIM_EVENT_TYPES)[number];

/** A simulator event as the machine receives it. `cycle` = when it happened, cycles from run start. */
export interface SimEvent {
  readonly type: SimEventType;
  /** Accelerator cycle of the event. */
  readonly cycle: number;
  /** Inference (image) index, 0-based. */
  readonly inference: number;
  /** Layer index in the network (LAYER_*, FOLD_START). */
  readonly layer?: number;
  /** Layer name (LAYER_*, FOLD_START). */
  readonly layerName?: string;
  /** Fold index within the layer, execution order (FOLD_START). */
  readonly fold?: number;
}

/** A timeline entry as produced by sim/engine/timeline.ts (structurally identical). */
export interface TimelineEntryLike {
  /** Accelerator cycle of the event. */
  readonly cycle: number;
  readonly event: {
    readonly type: SimEventType;
    readonly inference: number;
    readonly layer?: number;
    readonly layerName?: string;
    readonly fold?: number;
  };
}

/** All fault targets, in a fixed order (used for validation messages). */
export const FAULT_TARGETS: readonly FaultTarget[] = ['weightSram', 'ifmapSram', 'ofmapSram', 'pe.weight', 'pe.input', 'pe.psum'];
/** All fault kinds. */
export const FAULT_KINDS: readonly FaultKind[] = ['seu', 'stuckAt0', 'stuckAt1', 'mbu'];
/** SRAM targets (addressed by word). */
export const SRAM_TARGETS = ['weightSram', 'ifmapSram', 'ofmapSram'] as const;
/** An SRAM target. */
export type SramTarget = (typeof SRAM_TARGETS)[number];

/** injectFault params: a FaultRecord-like declaration; the window starts at the action's cycle. */
export interface InjectFaultParams {
  /** Optional name; `repair` refers to it. Repeated injections get `id#2`, `id#3`, ... */
  readonly id?: string;
  readonly target: FaultTarget;
  readonly kind: FaultKind;
  readonly location: FaultLocation;
  /** Bit positions, 0 = LSB. */
  readonly bits: readonly number[];
  readonly cluster?: FaultCluster;
  /** Cycles the fault lasts; absent = until scrubbed / repaired / cleared (or forever). */
  readonly duration?: number;
  /** How many such faults to inject at once (default 1), e.g. "N SEUs at random PEs". With
   * count > 1 the location must be `random` and there is no cluster: the N faults land on N
   * distinct words / PEs drawn from the scenario seed (scenarios/resolve.ts), ids `<id>.0` ..
   * `<id>.<N-1>`; `repair` of `<id>` ends all N. */
  readonly count?: number;
}

/** setRate params: start a rate process on a target (semantics in docs/README-scenarios.md). */
export interface SetRateParams {
  readonly target: FaultTarget;
  /** Bit error rate: probability per stored bit per epoch (per-bit) or fraction of bits (count). */
  readonly ber: number;
  /** per-bit: each stored bit flips independently with probability ber; count: floor(bits*ber) flips. */
  readonly model: 'per-bit' | 'count';
}

/** addStuckAt params: a permanent stuck-at fault from the action's cycle on. */
export interface AddStuckAtParams {
  readonly id?: string;
  readonly target: FaultTarget;
  readonly location: FaultLocation;
  /** Bit position, 0 = LSB. */
  readonly bit: number;
  readonly value: 0 | 1;
}

/** scrub params: rewrite memory with correct values (SEU/MBU in SRAM end; stuck-at bits stay). */
export interface ScrubParams {
  readonly target: SramTarget | 'all';
}

/** A fault declared by the machine, with its run-wide sequence number (location may still be random). */
export interface DeclaredFault extends FaultRecord {
  readonly id: string;
  /** Declaration order over the run; random locations are drawn in this order. */
  readonly seq: number;
  /** N > 1: this declaration stands for N faults at N distinct random units (InjectFaultParams.count). */
  readonly count?: number;
}

/** A rate process over [start, end) cycles (end undefined = still running at the end of the run). */
export interface RateProcess extends SetRateParams {
  /** Process id `rate<n>`. */
  readonly id: string;
  /** Start cycle. */
  readonly start: number;
  /** End cycle (exclusive). */
  readonly end?: number;
}

/** A scrub of one SRAM at a cycle. */
export interface ScrubRecord {
  readonly target: SramTarget;
  /** Cycle of the scrub. */
  readonly cycle: number;
}

/** Source of the current accelerator cycle (the simulated clock). */
export interface CycleSource {
  /** Current cycle. */
  now(): number;
}

/** Machine context: the fault state the scenario has built so far. */
export interface ScenarioContext {
  readonly clock: CycleSource;
  /** Faults currently active (window.end undefined or in the future). */
  readonly active: readonly DeclaredFault[];
  /** Faults that ended (scrub, repair, clearAll, duration). */
  readonly ended: readonly DeclaredFault[];
  /** Running rate processes. */
  readonly rates: readonly RateProcess[];
  /** Rate processes that stopped. */
  readonly endedRates: readonly RateProcess[];
  readonly scrubs: readonly ScrubRecord[];
  /** Next declaration sequence number. */
  readonly seq: number;
  /** Present in a single forward run (runScenario): the fault lists are appended in place and ids
   * counted in this map, so declaring n faults costs O(n), not O(n^2). Absent for graph traversal
   * (xstate/graph explores several branches from one context, which must stay unchanged). */
  readonly linear?: { readonly ids: Map<string, number> };
}

/** A [cycle, state] point of the state trace; `state` is the dotted active state value(s). */
export interface TracePoint {
  /** Cycle at which the state became active. */
  readonly cycle: number;
  /** Active leaf states, e.g. "burst.active" (parallel regions joined by " | "). */
  readonly state: string;
}

/** The resolved result of running a scenario along a timeline. */
export interface ScenarioRun {
  /** Concrete faults (locations drawn, windows in cycles), ordered by window.start then declaration. */
  readonly schedule: readonly FaultRecord[];
  /** State changes over time. */
  readonly trace: readonly TracePoint[];
  /** Rate processes as declared (their flips are in `schedule`). */
  readonly rates: readonly RateProcess[];
  /** Scrubs performed. */
  readonly scrubs: readonly ScrubRecord[];
  /** Last cycle of the run (the clock's final time). */
  readonly endCycle: number;
  /** Seed used for random draws. */
  readonly seed: number;
}
