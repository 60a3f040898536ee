/**
 * The engine side of an AVF study: a SiteRunner that resolves one site's SEU record, runs it
 * through the faulty engine over a golden run (sim/engine/faulty.ts, which recomputes only what
 * the fault reaches and honours word residency), rebuilds the final outputs of the touched images
 * and classifies the run by its worst image (campaign/outcomes.ts). Per-image DUE flags are read
 * from the faulty run when the engine reports them (ECC inside the engine). Pure: no Node built-ins.
 */
import type { ArraySpec } from '../sim/types';
import type { GoldenRun } from '../sim/engine/golden';
import { runFaulty, type FaultyOptions, type FaultyRun } from '../sim/engine/faulty';
import { resolveFaults } from '../sim/faults/resolve';
import type { FaultRecord } from '../sim/faults/types';
import { classifyOutcomes, worstOutcome, type DueRule, type OutcomeCounts } from './outcomes';
import type { SiteRunner } from './avf';

/** Per-image DUE flags of a faulty run (`FaultyRun.due`, 1 = an ECC-detected uncorrectable read), else null. */
export function dueFlags(run: FaultyRun): ArrayLike<number> | null {
  return run.due ?? null;
}

/** Outcome counts of a faulty run against its golden run (every image of the batch). */
export function runOutcomes(golden: GoldenRun, run: FaultyRun, critical: readonly number[] = [], rule?: DueRule): OutcomeCounts {
  const n = golden.n;
  const outSize = golden.output.length / n;
  const last = golden.layers.length - 1;
  const faulty = golden.output.slice();
  for (const img of run.touchedImages) faulty.set(run.output(last, img), img * outSize);
  const due = dueFlags(run);
  return classifyOutcomes({ golden: golden.output, faulty, n, outSize, critical, ...(due ? { due } : {}), ...(rule ? { rule } : {}) });
}

/** Options of the engine site runner. */
export interface EngineSiteOptions {
  readonly critical?: readonly number[];
  readonly rule?: DueRule;
  readonly faulty?: FaultyOptions;
}

/** A SiteRunner on the faulty engine over `golden` (same array spec and format as the golden run). */
export function engineSiteRunner(golden: GoldenRun, spec: ArraySpec, o: EngineSiteOptions = {}): SiteRunner {
  return (record: FaultRecord) => {
    const r = resolveFaults(spec, [record], 0);
    if (!r.ok) throw new Error(r.reason);
    const run = runFaulty(golden, spec, r.value, o.faulty ?? {});
    return worstOutcome(runOutcomes(golden, run, o.critical, o.rule));
  };
}
