/**
 * Paths through a scenario machine with xstate/graph, for model-based tests and for the GUI
 * designer ("how do I reach this state"). Events are sampled from the machine itself: every
 * event a reachable state handles, with payloads chosen on both sides of each guard's threshold,
 * and every `after` delay as its XState delayed event.
 */
import { fromCallback, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { CycleClock } from './clock';
import { buildScenarioMachine, stateLabel, type ScenarioInput } from './machine';
import type { ScenarioFile } from './schema';
import type { ScenarioContext, SimEvent, SimEventType } from './types';
import { inventory } from './walk';

/** One step of a path: the event sent and the state label reached. */
export interface PathStep {
  readonly event: EventObject;
  readonly state: string;
}

/** A shortest path to one state: its steps and the context (fault state) at the end. */
export interface ScenarioPath {
  /** Label of the state reached (see stateLabel). */
  readonly state: string;
  readonly steps: readonly PathStep[];
  readonly context: ScenarioContext;
}

/** Payload samples per guard type: values on both sides of the thresholds found in the file. */
function payloadSamples(file: ScenarioFile): { inference: number[]; layer: Array<{ layer: number; layerName: string }>; fold: number[] } {
  const inference = new Set<number>([0]);
  const layer = new Map<string, { layer: number; layerName: string }>([['0:layer0', { layer: 0, layerName: 'layer0' }]]);
  const fold = new Set<number>([0]);
  for (const g of inventory(file.machine).guards) {
    const p = (g.ref.params ?? {}) as Record<string, number | string | undefined>;
    if (g.ref.type === 'inferenceAtLeast' || g.ref.type === 'inferenceIs') [Number(p.n) - 1, Number(p.n), Number(p.n) + 1].forEach((n) => n >= 0 && inference.add(n));
    if (g.ref.type === 'inferenceEvery') {
      const off = Number(p.offset ?? 0);
      [off, off + 1, off + Number(p.n)].forEach((n) => inference.add(n));
    }
    if (g.ref.type === 'layerIs') {
      const idx = p.index === undefined ? 99 : Number(p.index);
      const name = p.name === undefined ? `layer${idx}` : String(p.name);
      layer.set(`${idx}:${name}`, { layer: idx, layerName: name });
    }
    if (g.ref.type === 'foldIs') [Number(p.index), Number(p.index) + 1].forEach((n) => fold.add(n));
  }
  return { inference: [...inference].sort((a, b) => a - b), layer: [...layer.values()], fold: [...fold].sort((a, b) => a - b) };
}

/** Events to try from `snap`: handled simulator events with sampled payloads, and due delays. */
export function sampleEvents(file: ScenarioFile, snap: AnyMachineSnapshot): EventObject[] {
  const samples = payloadSamples(file);
  const machineId = file.machine.id ?? 'scenario';
  const out: EventObject[] = [];
  for (const s of inventory(file.machine).states) {
    if (s.keys.length > 0 && !snap.matches(s.keys.join('.') as never)) continue;
    for (const type of Object.keys(s.node.on ?? {}) as SimEventType[]) {
      const isLayerEvent = type === 'LAYER_START' || type === 'LAYER_END' || type === 'FOLD_START';
      for (const inference of samples.inference) {
        const events: SimEvent[] = !isLayerEvent
          ? [{ type, cycle: 0, inference }]
          : samples.layer.flatMap((l) => (type === 'FOLD_START' ? samples.fold : [undefined]).map((fold) => ({ type, cycle: 0, inference, ...l, ...(fold === undefined ? {} : { fold }) })));
        out.push(...events);
      }
    }
    const id = s.node.id ?? [machineId, ...s.keys].join('.');
    for (const d of Object.keys(s.node.after ?? {})) out.push({ type: `xstate.after.${d}.${id}` });
  }
  return out;
}

/** The machine with a silent simulator and a clock frozen at cycle 0 (graph traversal is pure). */
export function graphMachine(file: ScenarioFile): { machine: AnyStateMachine; input: ScenarioInput } {
  const machine = buildScenarioMachine(file.machine).provide({ actors: { simulator: fromCallback(() => undefined) } });
  return { machine, input: { clock: new CycleClock(), events: [] } };
}

/** Shortest path to every distinct state (by state value) of the scenario machine. */
export function shortestScenarioPaths(file: ScenarioFile): ScenarioPath[] {
  const { machine, input } = graphMachine(file);
  const paths = getShortestPaths(machine, {
    input,
    events: (snap) => sampleEvents(file, snap as AnyMachineSnapshot),
    serializeState: (snap) => JSON.stringify((snap as AnyMachineSnapshot).value),
  });
  return paths.map((p) => ({
    state: stateLabel((p.state as AnyMachineSnapshot).value),
    steps: p.steps.map((s) => ({ event: s.event as EventObject, state: stateLabel((s.state as AnyMachineSnapshot).value) })),
    context: (p.state as AnyMachineSnapshot).context as ScenarioContext,
  }));
}
