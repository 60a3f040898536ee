/** Test helpers for scenario tests: hand-built timelines and scenario documents. */
import type { TimelineEntryLike } from '../../scenarios/types';

/** A timeline of `nInf` inferences, each `layers` layers of `layerCycles` cycles with `folds` folds. */
export function makeTimeline(nInf: number, layers = 3, layerCycles = 1000, folds = 2): TimelineEntryLike[] {
  const out: TimelineEntryLike[] = [];
  const P = layers * layerCycles;
  for (let inference = 0; inference < nInf; inference++) {
    const base = inference * P;
    out.push({ cycle: base, event: { type: 'INFERENCE_START', inference } });
    for (let layer = 0; layer < layers; layer++) {
      const s = base + layer * layerCycles;
      const layerName = `conv${layer + 1}`;
      out.push({ cycle: s, event: { type: 'LAYER_START', inference, layer, layerName } });
      for (let fold = 0; fold < folds; fold++) {
        out.push({ cycle: s + (fold * layerCycles) / folds, event: { type: 'FOLD_START', inference, layer, layerName, fold } });
      }
      out.push({ cycle: s + layerCycles, event: { type: 'LAYER_END', inference, layer, layerName } });
    }
    out.push({ cycle: base + P, event: { type: 'INFERENCE_END', inference } });
  }
  return out;
}

/** A scenario document around `machine` (extra top-level fields merged in). */
export function doc(machine: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'test', description: 'test scenario', version: 1, ...extra, machine };
}

/** Scenario text (pretty JSON) around `machine`. */
export function text(machine: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify(doc(machine, extra), null, 2);
}

/** An action reference. */
export const act = (type: string, params?: Record<string, unknown>) => (params ? { type, params } : { type });
