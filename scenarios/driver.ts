/**
 * Runs a validated scenario along a run's event timeline on a simulated cycle clock and returns
 * the resolved fault schedule (concrete FaultRecords with cycle windows) and the state trace.
 * Same scenario, spec, timeline and seed = same result.
 */
import { createActor, type AnyActorLogic } from 'xstate';
import type { ArraySpec } from '../sim/types';
import { fail, ok, type Result } from '../sim/result';
import { CycleClock, StepBudgetExceeded } from './clock';
import { buildScenarioMachine, stateLabel, type ScenarioInput } from './machine';
import { resolveSchedule } from './resolve';
import type { ScenarioFile } from './schema';
import type { ScenarioContext, ScenarioRun, SimEvent, TimelineEntryLike, TracePoint } from './types';
import { inventory } from './walk';

/** Options of a scenario run. */
export interface RunScenarioOptions {
  /** Seed of the random draws; default: the file's `seed`, else 0. */
  readonly seed?: number;
  /** Cycle at which the run ends; default: the last timeline cycle. */
  readonly endCycle?: number;
  /** Replacement simulator actor (tests); it receives ScenarioInput. */
  readonly simulator?: AnyActorLogic;
  /** Most timer firings (timeline events + delays) before the run is declared runaway. */
  readonly maxFires?: number;
}

/** Timeline entries as machine events (the cycle moves into the event). */
export function toSimEvents(timeline: readonly TimelineEntryLike[]): SimEvent[] {
  return timeline.map((t) => ({ ...t.event, cycle: t.cycle }));
}

/** Runs `file` (validated for `spec`) along `timeline`. Failures: a runaway machine, an error in
 * an action, or too many rate flips. */
export function runScenario(
  file: ScenarioFile,
  spec: ArraySpec,
  timeline: readonly TimelineEntryLike[],
  options: RunScenarioOptions = {},
): Result<ScenarioRun> {
  const clock = new CycleClock(options.maxFires ?? timeline.length + 1_000_000);
  for (let i = 1; i < timeline.length; i++) {
    if (timeline[i].cycle < timeline[i - 1].cycle) return fail(`timeline[${i}].cycle: expected non-decreasing cycles, found ${timeline[i].cycle} after ${timeline[i - 1].cycle}`, `timeline[${i}].cycle`);
  }
  // Only events some state handles are delivered (a machine ignores the others anyway); this
  // skips e.g. the FOLD_START flood of big networks. Rate epochs read INFERENCE_START directly.
  const handled = new Set(inventory(file.machine).states.flatMap((s) => Object.keys(s.node.on ?? {})));
  const delivered = toSimEvents(timeline.filter((t) => handled.has(t.event.type)));
  let machine = buildScenarioMachine(file.machine);
  if (options.simulator) machine = machine.provide({ actors: { simulator: options.simulator } });
  const input: ScenarioInput = { clock, events: delivered, linear: true };
  const actor = createActor(machine, { clock, input });
  const trace: TracePoint[] = [];
  let actorError: unknown;
  const record = (value: unknown): void => {
    const state = stateLabel(value);
    if (trace.length === 0 || trace[trace.length - 1].state !== state) trace.push({ cycle: clock.now(), state });
  };
  actor.subscribe({ next: (s) => record(s.value), error: (e) => (actorError = e) });
  const endCycle = options.endCycle ?? (timeline.length > 0 ? timeline[timeline.length - 1].cycle : 0);
  try {
    actor.start();
    record(actor.getSnapshot().value);
    clock.advanceTo(endCycle);
  } catch (e) {
    actor.stop();
    if (e instanceof StepBudgetExceeded) return fail(`scenario runaway: ${e.message} before cycle ${endCycle}; check short "after" delays that loop`, 'machine');
    return fail(`scenario failed at cycle ${clock.now()}: ${(e as Error).message}`, 'machine');
  }
  const snap = actor.getSnapshot();
  actor.stop();
  if (actorError !== undefined || snap.status === 'error') {
    return fail(`scenario failed at cycle ${clock.now()}: ${String((actorError ?? snap.error) as Error)}`, 'machine');
  }
  const ctx = snap.context as ScenarioContext;
  const seed = options.seed ?? file.seed ?? 0;
  const starts = timeline.filter((t) => t.event.type === 'INFERENCE_START').map((t) => t.cycle);
  const schedule = resolveSchedule(ctx, spec, seed, starts);
  if (!schedule.ok) return schedule;
  return ok({
    schedule: schedule.value,
    trace,
    rates: [...ctx.endedRates, ...ctx.rates],
    scrubs: ctx.scrubs,
    endCycle,
    seed,
  });
}
