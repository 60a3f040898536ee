/**
 * Walks a machine config (JSON form) and lists its states, transitions, actions and guards with
 * their JSON paths, so validation and tooling (GUI graph, tests) share one traversal.
 */
import type { PathSegment } from './errors';
import type { ActionRefJson, GuardRefJson, StateNodeJson, TransitionJson, TransitionsJson } from './schema';

/** A state node with where it sits. */
export interface StateSite {
  /** State keys from the root (root = []). */
  readonly keys: readonly string[];
  /** JSON path segments of the node inside the file (root = ['machine']). */
  readonly path: readonly PathSegment[];
  readonly node: StateNodeJson;
}

/** One transition with its source state and trigger. */
export interface TransitionSite {
  /** Keys of the source state. */
  readonly source: readonly string[];
  /** `on` event name, or `after` delay key. */
  readonly trigger: { readonly kind: 'on' | 'after'; readonly key: string };
  readonly transition: TransitionJson;
  readonly path: readonly PathSegment[];
}

/** One action reference (entry, exit or transition action). */
export interface ActionSite {
  readonly ref: ActionRefJson;
  readonly path: readonly PathSegment[];
  /** Keys of the state that owns it (source state for transition actions). */
  readonly state: readonly string[];
}

/** One guard reference. */
export interface GuardSite {
  readonly ref: GuardRefJson;
  readonly path: readonly PathSegment[];
  /** Event handled by the guarded transition, or 'after'. */
  readonly event: string;
}

/** Everything found in a machine. */
export interface MachineInventory {
  readonly states: readonly StateSite[];
  readonly transitions: readonly TransitionSite[];
  readonly actions: readonly ActionSite[];
  readonly guards: readonly GuardSite[];
  /** Deepest state nesting (root = 0). */
  readonly depth: number;
}

/** Lists the transitions of a `TransitionsJson` value with their paths. */
function listTransitions(t: TransitionsJson, path: readonly PathSegment[]): Array<[TransitionJson, PathSegment[]]> {
  if (Array.isArray(t)) return (t as readonly TransitionJson[]).map((x, i) => [x, [...path, i]]);
  return [[t as TransitionJson, [...path]]];
}

/** Lists the action refs of an `actions`/`entry`/`exit` value with their paths. */
function listActions(a: ActionRefJson | readonly ActionRefJson[] | undefined, path: readonly PathSegment[]): Array<[ActionRefJson, PathSegment[]]> {
  if (a === undefined) return [];
  if (Array.isArray(a)) return (a as readonly ActionRefJson[]).map((x, i) => [x, [...path, i]]);
  return [[a as ActionRefJson, [...path]]];
}

/** Collects the inventory of a structurally valid machine (iterative, depth-first, document order). */
export function inventory(machine: StateNodeJson): MachineInventory {
  const states: StateSite[] = [];
  const transitions: TransitionSite[] = [];
  const actions: ActionSite[] = [];
  const guards: GuardSite[] = [];
  let depth = 0;
  const todo: StateSite[] = [{ keys: [], path: ['machine'], node: machine }];
  while (todo.length > 0) {
    const site = todo.pop() as StateSite;
    states.push(site);
    depth = Math.max(depth, site.keys.length);
    const { node, path, keys } = site;
    for (const [a, p] of listActions(node.entry, [...path, 'entry'])) actions.push({ ref: a, path: p, state: keys });
    for (const [a, p] of listActions(node.exit, [...path, 'exit'])) actions.push({ ref: a, path: p, state: keys });
    for (const kind of ['on', 'after'] as const) {
      const table = node[kind];
      if (!table) continue;
      for (const key of Object.keys(table)) {
        for (const [t, p] of listTransitions(table[key], [...path, kind, key])) {
          transitions.push({ source: keys, trigger: { kind, key }, transition: t, path: p });
          if (typeof t === 'string') continue;
          if (t.guard) guards.push({ ref: t.guard, path: [...p, 'guard'], event: kind === 'on' ? key : 'after' });
          for (const [a, ap] of listActions(t.actions, [...p, 'actions'])) actions.push({ ref: a, path: ap, state: keys });
        }
      }
    }
    const children = node.states ?? {};
    const kids = Object.keys(children).map((k) => ({ keys: [...keys, k], path: [...path, 'states', k], node: children[k] }));
    for (let i = kids.length - 1; i >= 0; i--) todo.push(kids[i]);
  }
  return { states, transitions, actions, guards, depth };
}

/** Targets of a transition as a list of strings (empty = targetless). */
export function transitionTargets(t: TransitionJson): readonly string[] {
  if (typeof t === 'string') return [t];
  if (t.target === undefined) return [];
  return typeof t.target === 'string' ? [t.target] : t.target;
}

/** Type name and params of an action reference. */
export function actionParts(ref: ActionRefJson): { readonly type: string; readonly params: unknown } {
  return typeof ref === 'string' ? { type: ref, params: undefined } : { type: ref.type, params: ref.params };
}
