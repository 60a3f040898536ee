/**
 * Pure helpers of the demo: which layers the animation has finished, how many outputs of the shown
 * inference a layer corrupted, and the caption for the current step. Cycles are local to the
 * inference shown (0 .. inferenceCycles-1).
 */
import type { z } from 'zod';
import type { RunLayer, RunResponse } from '../../../ipc/sim-schemas';

type Layer = z.output<typeof RunLayer>;
type Run = z.output<typeof RunResponse>;

/** Outputs of the shown inference that differ from golden (a non-finite value counts as different). */
export function corruptedHere(l: Pick<Layer, 'golden' | 'faulty'>): number {
  let n = 0;
  for (let i = 0; i < l.golden.length; i++) if (l.golden[i] !== l.faulty[i]) n++;
  return n;
}

/** Number of leading layers finished at local cycle `cycle`: a layer is done at its last cycle. */
export function revealedLayers(layers: readonly Pick<Layer, 'start' | 'cycles'>[], cycle: number): number {
  let n = 0;
  for (const l of layers) {
    if (l.start + Math.max(1, l.cycles) - 1 <= cycle) n++;
    else break;
  }
  return n;
}

/** First cycle (local to the shown inference) at which a fault of the run is active, or null. */
export function firstFaultCycle(run: Pick<Run, 'faults' | 'viewImage' | 'inferenceCycles'>): number | null {
  const base = run.viewImage * run.inferenceCycles;
  let best: number | null = null;
  for (const f of run.faults) {
    if (f.start >= base + run.inferenceCycles || (f.end !== null && f.end <= base)) continue;
    const c = Math.max(0, f.start - base);
    if (best === null || c < best) best = c;
  }
  return best;
}

function where(f: Run['faults'][number]): string {
  return f.row >= 0 ? `PE (${f.row}, ${f.col})` : `${f.target} word ${f.address}`;
}

/** The caption of the demo at local cycle `cycle` with `done` layers finished. */
export function demoCaption(run: Run, cycle: number, done: number): string {
  const T = run.inferenceCycles;
  const k = run.viewImage;
  if (done >= run.layers.length || cycle >= T - 1) {
    const g = run.goldenPredictions[k];
    const f = run.faultyPredictions[k];
    const label = run.labels ? ` (label ${run.labels[k]})` : '';
    return g === f
      ? `Prediction: golden ${g}, faulty ${f}${label}: the fault was masked, the answer is unchanged.`
      : `Prediction: golden ${g}, faulty ${f}${label}: the fault changed the answer.`;
  }
  const first = firstFaultCycle(run);
  const base = k * T;
  if (first === null) return `Inference ${k}: no fault is active in this inference.`;
  if (cycle < first) return `Inference ${k}: fault-free so far; the fault appears at cycle ${first.toLocaleString()}.`;
  const layers = run.layers.slice(0, done);
  const lastHit = [...layers].reverse().find((l) => corruptedHere(l) > 0);
  if (done === 0 || !lastHit) {
    const active = run.faults.filter((f) => f.start <= base + cycle && (f.end === null || base + cycle < f.end));
    const f = active[0] ?? run.faults[0];
    const more = active.length > 1 ? ` (+${active.length - 1} more)` : '';
    return `Fault appears: ${f.kind} on ${f.target} at ${where(f)}${more}, cycle ${Math.max(first, 0).toLocaleString()}.`;
  }
  const last = layers[layers.length - 1];
  const here = corruptedHere(last);
  if (here > 0) return `The fault spreads through ${last.name}: ${here.toLocaleString()} of ${last.golden.length.toLocaleString()} outputs corrupted.`;
  const why = last.maskedByActivation > 0 ? 'the activation (ReLU / bound)' : last.maskedDownstream > 0 ? (last.kind === 'maxpool' ? 'pooling' : last.kind) : last.kind;
  return `Masked by ${why} in ${last.name}: its outputs equal the golden ones again.`;
}
