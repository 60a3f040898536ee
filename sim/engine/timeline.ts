/**
 * The run's event timeline in accelerator cycles, and the mapping between an absolute cycle and
 * (inference, layer, fold, fold-local cycle). A run is `nImages` inferences back to back; each
 * inference runs the layers back to back; an array layer runs its folds in the dataflow's order;
 * vector-unit layers take 0 array cycles (their LAYER_START and LAYER_END share a cycle).
 * Events at the same cycle keep execution order: a layer's LAYER_END precedes the next layer's
 * LAYER_START, an INFERENCE_END precedes the next INFERENCE_START, a vector layer's LAYER_START
 * precedes its own LAYER_END.
 */
import type { ArraySpec } from '../types';
import type { Network } from '../layers/types';
import { planRun, type RunPlan } from './faultyPlan';

/** Kinds of events the simulator sends to scenario machines. */
export type TimelineEventType = 'INFERENCE_START' | 'INFERENCE_END' | 'LAYER_START' | 'LAYER_END' | 'FOLD_START';

/** One simulator event. `layer` is the index in `network.layers`; `fold` the fold index in execution order. */
export interface TimelineEvent {
  readonly type: TimelineEventType;
  /** Inference (image) index, 0-based. */
  readonly inference: number;
  readonly layer?: number;
  readonly layerName?: string;
  readonly fold?: number;
}

/** An event at an absolute cycle (cycles from the start of the run). */
export interface TimelineEntry {
  readonly cycle: number;
  readonly event: TimelineEvent;
}

/** Where an absolute cycle falls. `layer`/`fold` are absent when the cycle is past the last fold of
 * the inference (cannot happen for in-range cycles of a network with array layers). */
export interface CycleLocation {
  /** Inference index, 0-based. */
  readonly inference: number;
  /** Cycle relative to the inference start, cycles. */
  readonly inferenceCycle: number;
  /** Index in `network.layers` of the array layer running at that cycle. */
  readonly layer: number;
  /** Fold index in execution order. */
  readonly fold: number;
  /** Cycle relative to the fold start, cycles. */
  readonly foldCycle: number;
}

/** Ordered event list for a run of `nImages` inferences (see module doc for ordering). */
export function timeline(network: Network, spec: ArraySpec, nImages: number): TimelineEntry[] {
  return timelineOfPlan(planRun(network, spec), nImages);
}

/** Same as `timeline` from an already built plan. */
export function timelineOfPlan(plan: RunPlan, nImages: number): TimelineEntry[] {
  return [...timelineEvents(plan, nImages)];
}

/** The same events lazily, in order (for long runs: nothing is materialized). Emission order is
 * non-decreasing in cycle and puts each end before the next start. */
export function* timelineEvents(plan: RunPlan, nImages: number, withFolds = true): Generator<TimelineEntry> {
  const P = plan.inferenceCycles;
  for (let inf = 0; inf < nImages; inf++) {
    const base = inf * P;
    yield { cycle: base, event: { type: 'INFERENCE_START', inference: inf } };
    for (const l of plan.layers) {
      const s = base + l.start;
      yield { cycle: s, event: { type: 'LAYER_START', inference: inf, layer: l.index, layerName: l.name } };
      if (withFolds) {
        for (const f of l.folds) {
          yield { cycle: s + f.startCycle, event: { type: 'FOLD_START', inference: inf, layer: l.index, layerName: l.name, fold: f.index } };
        }
      }
      yield { cycle: s + l.cycles, event: { type: 'LAYER_END', inference: inf, layer: l.index, layerName: l.name } };
    }
    yield { cycle: base + P, event: { type: 'INFERENCE_END', inference: inf } };
  }
}

/** Total cycles of a run of `nImages` inferences. */
export function runCycles(plan: RunPlan, nImages: number): number {
  return plan.inferenceCycles * nImages;
}

/** Absolute cycle of (inference, layer, fold, fold-local cycle). */
export function cycleOf(plan: RunPlan, inference: number, layer: number, fold = 0, foldCycle = 0): number {
  const l = plan.layers[layer];
  const f = l.folds[fold];
  return inference * plan.inferenceCycles + l.start + (f ? f.startCycle : 0) + foldCycle;
}

/** Maps an absolute cycle to (inference, layer, fold, fold-local cycle); null if outside the run
 * (negative, at or past `nImages` inferences) or the network has no array layer. */
export function locateCycle(plan: RunPlan, cycle: number, nImages: number): CycleLocation | null {
  const P = plan.inferenceCycles;
  if (P <= 0 || cycle < 0 || cycle >= P * nImages || !Number.isInteger(cycle)) return null;
  const inference = Math.floor(cycle / P);
  const ic = cycle - inference * P;
  for (const l of plan.layers) {
    if (l.unit !== 'array' || ic < l.start || ic >= l.start + l.cycles) continue;
    const lc = ic - l.start;
    // Binary search over folds by start cycle.
    let lo = 0;
    let hi = l.folds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (l.folds[mid].startCycle <= lc) lo = mid;
      else hi = mid - 1;
    }
    return { inference, inferenceCycle: ic, layer: l.index, fold: lo, foldCycle: lc - l.folds[lo].startCycle };
  }
  return null;
}
