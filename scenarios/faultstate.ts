/**
 * The fault-state transitions behind each scenario action, as pure functions
 * (context, params, cycle) -> next context. The machine wraps them in `assign`, so graph
 * traversal (xstate/graph) sees their effect too. Cycles are accelerator cycles.
 */
import type { FaultTarget } from '../sim/faults/types';
import { MAX_RUN_FAULTS } from '../sim/faults/resolve';
import {
  SRAM_TARGETS,
  type AddStuckAtParams,
  type CycleSource,
  type DeclaredFault,
  type InjectFaultParams,
  type RateProcess,
  type ScenarioContext,
  type ScrubParams,
  type SetRateParams,
} from './types';

/** Initial (empty) fault state; `linear`: a single forward run (see ScenarioContext.linear). */
export function emptyContext(clock: CycleSource, linear = false): ScenarioContext {
  return { clock, active: [], ended: [], rates: [], endedRates: [], scrubs: [], seq: 0, ...(linear ? { linear: { ids: new Map<string, number>() } } : {}) };
}

/** `id`, or `id#k` when `id` was already used (k = uses so far + 1). */
function uniqueId(ctx: ScenarioContext, id: string): string {
  const used = ctx.linear ? (ctx.linear.ids.get(id) ?? 0) : [...ctx.active, ...ctx.ended].filter((f) => f.id === id || f.id.startsWith(`${id}#`)).length;
  if (ctx.linear) ctx.linear.ids.set(id, used + 1);
  return used === 0 ? id : `${id}#${used + 1}`;
}

/** Ends a fault at `cycle` (keeps an earlier end). */
function endAt(f: DeclaredFault, cycle: number): DeclaredFault {
  const end = f.window.end === undefined ? cycle : Math.min(f.window.end, cycle);
  return { ...f, window: { start: f.window.start, end } };
}

/** Moves faults matching `pred` from active to ended, closing their window at `cycle`. */
function endWhere(ctx: ScenarioContext, cycle: number, pred: (f: DeclaredFault) => boolean): ScenarioContext {
  const hit = ctx.active.filter(pred);
  if (hit.length === 0) return ctx;
  if (ctx.linear) {
    const ended = ctx.ended as DeclaredFault[];
    for (const f of hit) ended.push(endAt(f, cycle));
    return { ...ctx, active: ctx.active.filter((f) => !pred(f)) };
  }
  return { ...ctx, active: ctx.active.filter((f) => !pred(f)), ended: [...ctx.ended, ...hit.map((f) => endAt(f, cycle))] };
}

/** injectFault: declares a fault starting at `cycle` (ending after `duration` cycles if given).
 * More than MAX_RUN_FAULTS declarations end the run with an error (checked before storing). */
export function injectFault(ctx: ScenarioContext, p: InjectFaultParams, cycle: number): ScenarioContext {
  if (ctx.seq >= MAX_RUN_FAULTS) throw new RangeError(`more than ${MAX_RUN_FAULTS} faults declared in one run (the limit of one run); inject fewer or run fewer inferences`);
  const f: DeclaredFault = {
    id: uniqueId(ctx, p.id ?? `f${ctx.seq}`),
    seq: ctx.seq,
    target: p.target,
    kind: p.kind,
    location: p.location,
    bits: [...p.bits],
    window: p.duration === undefined ? { start: cycle } : { start: cycle, end: cycle + p.duration },
    ...(p.cluster ? { cluster: p.cluster } : {}),
    ...(p.count !== undefined && p.count > 1 ? { count: p.count } : {}),
  };
  if (ctx.linear) {
    (ctx.active as DeclaredFault[]).push(f); // a single forward run: no earlier context is read again
    return { ...ctx, seq: ctx.seq + 1 };
  }
  return { ...ctx, active: [...ctx.active, f], seq: ctx.seq + 1 };
}

/** addStuckAt: a permanent stuck-at-`value` fault on one bit from `cycle` on. */
export function addStuckAt(ctx: ScenarioContext, p: AddStuckAtParams, cycle: number): ScenarioContext {
  return injectFault(
    ctx,
    { ...(p.id !== undefined ? { id: p.id } : {}), target: p.target, kind: p.value === 1 ? 'stuckAt1' : 'stuckAt0', location: p.location, bits: [p.bit] },
    cycle,
  );
}

/** setRate: starts a rate process on `p.target` at `cycle`; a running process on the same target ends. */
export function setRate(ctx: ScenarioContext, p: SetRateParams, cycle: number): ScenarioContext {
  const stopped = stopRate(ctx, p.target, cycle);
  const proc: RateProcess = { id: `rate${stopped.seq}`, target: p.target, ber: p.ber, model: p.model, start: cycle };
  return { ...stopped, rates: [...stopped.rates, proc], seq: stopped.seq + 1 };
}

/** stopRate: ends the rate processes on `target` ('all' = every target) at `cycle`. */
export function stopRate(ctx: ScenarioContext, target: FaultTarget | 'all', cycle: number): ScenarioContext {
  const hit = ctx.rates.filter((r) => target === 'all' || r.target === target);
  if (hit.length === 0) return ctx;
  return {
    ...ctx,
    rates: ctx.rates.filter((r) => !hit.includes(r)),
    endedRates: [...ctx.endedRates, ...hit.map((r) => ({ ...r, end: cycle }))],
  };
}

/** scrub: rewrites SRAM(s) with correct values at `cycle`: transient (seu, mbu) faults there end;
 * stuck-at faults stay. Rate-process flips in those SRAMs end too (at resolution, via `scrubs`). */
export function scrub(ctx: ScenarioContext, p: ScrubParams, cycle: number): ScenarioContext {
  const targets: readonly FaultTarget[] = p.target === 'all' ? SRAM_TARGETS : [p.target];
  const next = endWhere(ctx, cycle, (f) => targets.includes(f.target) && (f.kind === 'seu' || f.kind === 'mbu'));
  return { ...next, scrubs: [...next.scrubs, ...targets.map((t) => ({ target: t as (typeof SRAM_TARGETS)[number], cycle }))] };
}

/** repair: ends the fault(s) declared with `id` (and its repeats `id#k`) at `cycle`. */
export function repair(ctx: ScenarioContext, id: string, cycle: number): ScenarioContext {
  return endWhere(ctx, cycle, (f) => f.id === id || f.id.startsWith(`${id}#`));
}

/** clearAll: ends every fault and every rate process at `cycle`. */
export function clearAll(ctx: ScenarioContext, cycle: number): ScenarioContext {
  return stopRate(endWhere(ctx, cycle, () => true), 'all', cycle);
}

/** Faults whose window contains `cycle` (start <= cycle < end). */
export function faultsActiveAt(ctx: ScenarioContext, cycle: number): DeclaredFault[] {
  return [...ctx.active, ...ctx.ended].filter((f) => f.window.start <= cycle && (f.window.end === undefined || cycle < f.window.end));
}
