/**
 * The scenario machine: a validated JSON machine config built with xstate v5
 * `setup({ types, actors, actions, guards }).createMachine(config)`. The fault vocabulary is
 * implemented as `assign` actions over the fault state (faultstate.ts); the simulator is an
 * invoked actor (`simulator`) that delivers the run's timeline events on the simulated clock, so
 * tests can `.provide({ actors: { simulator } })` a fake.
 */
import { assign, fromCallback, setup, type AnyStateMachine } from 'xstate';
import * as fs from './faultstate';
import type { StateNodeJson } from './schema';
import type { AddStuckAtParams, CycleSource, InjectFaultParams, ScenarioContext, ScrubParams, SetRateParams, SimEvent } from './types';

/** A clock that can schedule simulator events (priority 0 runs before `after` timers at a cycle). */
export interface EventClock extends CycleSource {
  /** Runs `fn` at absolute cycle `due`. */
  schedule(fn: () => void, due: number, priority: number): number;
  clearTimeout(id: unknown): void;
}

/** Input of the scenario machine (and of its simulator actor). */
export interface ScenarioInput {
  /** Simulated clock (cycles). */
  readonly clock: EventClock;
  /** Events the simulator will send, in order, with absolute cycles. */
  readonly events: readonly SimEvent[];
  /** A single forward run: the fault state is appended in place (ScenarioContext.linear). */
  readonly linear?: boolean;
}

/** The default simulator actor: plays `events` on the clock, each at its cycle, to the machine. */
export const timelineSimulator = fromCallback<SimEvent, ScenarioInput>(({ input, sendBack }) => {
  const ids = input.events.map((e) => input.clock.schedule(() => sendBack(e), e.cycle, 0));
  return () => ids.forEach((id) => input.clock.clearTimeout(id));
});

/** Setup shared by every scenario machine (types, the simulator actor, the action/guard vocabulary). */
export const scenarioSetup = setup({
  types: {
    context: {} as ScenarioContext & { readonly input: ScenarioInput },
    events: {} as SimEvent,
    input: {} as ScenarioInput,
  },
  actors: { simulator: timelineSimulator },
  actions: {
    injectFault: assign(({ context }, p: InjectFaultParams) => fs.injectFault(context, p, context.clock.now())),
    addStuckAt: assign(({ context }, p: AddStuckAtParams) => fs.addStuckAt(context, p, context.clock.now())),
    setRate: assign(({ context }, p: SetRateParams) => fs.setRate(context, p, context.clock.now())),
    stopRate: assign(({ context }, p: { target: Parameters<typeof fs.stopRate>[1] }) => fs.stopRate(context, p.target, context.clock.now())),
    scrub: assign(({ context }, p: ScrubParams) => fs.scrub(context, p, context.clock.now())),
    repair: assign(({ context }, p: { id: string }) => fs.repair(context, p.id, context.clock.now())),
    clearAll: assign(({ context }) => fs.clearAll(context, context.clock.now())),
  },
  guards: {
    layerIs: ({ event }, p: { index?: number; name?: string }) =>
      (p.index === undefined || event.layer === p.index) && (p.name === undefined || event.layerName === p.name),
    inferenceAtLeast: ({ event }, p: { n: number }) => event.inference >= p.n,
    inferenceIs: ({ event }, p: { n: number }) => event.inference === p.n,
    inferenceEvery: ({ event }, p: { n: number; offset?: number }) => event.inference % p.n === (p.offset ?? 0),
    foldIs: ({ event }, p: { index: number }) => event.fold === p.index,
  },
});

/** Builds the machine of a validated config: adds the context (empty fault state) and invokes
 * the simulator at the root. The config must have passed scenarios/validate.ts. */
export function buildScenarioMachine(config: StateNodeJson): AnyStateMachine {
  const full = {
    ...config,
    id: config.id ?? 'scenario',
    context: ({ input }: { input: ScenarioInput }) => ({ ...fs.emptyContext(input.clock, input.linear === true), input }),
    invoke: { id: 'simulator', src: 'simulator', input: ({ context }: { context: { input: ScenarioInput } }) => context.input },
  };
  // The JSON config is dynamically shaped; its validity was established by validate.ts.
  return scenarioSetup.createMachine(full as never) as unknown as AnyStateMachine;
}

/** Dotted leaf state paths of a snapshot value, e.g. "burst.active" (parallel regions joined by " | "). */
export function stateLabel(value: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown, prefix: string): void => {
    if (typeof v === 'string') out.push(prefix + v);
    else if (v && typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length === 0 && prefix) out.push(prefix.slice(0, -1));
      for (const k of keys) walk((v as Record<string, unknown>)[k], `${prefix}${k}.`);
    }
  };
  walk(value, '');
  return out.join(' | ');
}
