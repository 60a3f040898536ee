/**
 * Semantic checks of a structurally valid machine, independent of the array: size limits, state
 * keys and ids, initial states, event names, delays, transition targets (XState v5 resolution
 * rules), reachability, and the parameters of every action and guard.
 */
import type { z } from 'zod';
import { describeValue, formatPath, type PathSegment, type ScenarioError } from './errors';
import { ACTION_PARAMS, EVENT_NAMES, GUARD_PARAMS, MAX_CYCLE, type StateNodeJson } from './schema';
import { actionParts, inventory, transitionTargets, type MachineInventory } from './walk';

/** Limits on what a scenario may contain (hostile files end in an error). */
export const LIMITS = { states: 256, transitions: 1024, actions: 2048, depth: 16, targetsPerTransition: 16 } as const;

const KEY = /^[A-Za-z0-9_-]+$/;

/** Maps zod issues under `base` to scenario errors (found = the value at the issue's path). */
export function zodErrors(error: z.ZodError, base: readonly PathSegment[], root: unknown): ScenarioError[] {
  return error.issues.map((iss) => {
    const segs = [...base, ...(iss.path as PathSegment[])];
    const found = valueAt(root, iss.path as PathSegment[]);
    const unknownKeys = iss.code === 'unrecognized_keys' ? (iss as { keys: string[] }).keys : undefined;
    if (unknownKeys) {
      return { path: formatPath(segs), message: `unknown field${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.map((k) => JSON.stringify(k)).join(', ')}` };
    }
    return { path: formatPath(segs), message: iss.message, found: describeValue(found) };
  });
}

/** Value inside `root` at `path`, or undefined. */
export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let v: unknown = root;
  for (const s of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[s];
  }
  return v;
}

/** Result of the machine checks: the errors, and the inventory (for later passes) when sizes are sane. */
export interface MachineCheck {
  readonly errors: ScenarioError[];
  readonly inventory?: MachineInventory;
}

/** Checks a structurally valid machine (see module doc). */
export function checkMachine(machine: StateNodeJson): MachineCheck {
  const inv = inventory(machine);
  const errors: ScenarioError[] = [];
  const err = (path: readonly PathSegment[], message: string, expected?: string, found?: string): void => {
    errors.push({ path: formatPath(path), message, ...(expected !== undefined ? { expected } : {}), ...(found !== undefined ? { found } : {}) });
  };
  const limits: Array<[string, number, number]> = [
    ['states', inv.states.length, LIMITS.states],
    ['transitions', inv.transitions.length, LIMITS.transitions],
    ['actions', inv.actions.length, LIMITS.actions],
    ['levels of state nesting', inv.depth, LIMITS.depth],
  ];
  for (const [what, n, max] of limits) if (n > max) err(['machine'], `too many ${what}`, `at most ${max}`, String(n));
  if (errors.length > 0) return { errors };

  const byKeys = new Map<string, StateNodeJson>();
  const ids = new Map<string, readonly string[]>();
  ids.set(machine.id ?? 'scenario', []);
  for (const s of inv.states) {
    byKeys.set(s.keys.join('.'), s.node);
    const key = s.keys[s.keys.length - 1];
    if (key !== undefined && !KEY.test(key)) err(s.path, 'invalid state name', 'letters, digits, _ or -', JSON.stringify(key));
    if (s.keys.length > 0 && s.node.id !== undefined) {
      if (!KEY.test(s.node.id)) err([...s.path, 'id'], 'invalid state id', 'letters, digits, _ or -', JSON.stringify(s.node.id));
      else if (ids.has(s.node.id)) err([...s.path, 'id'], `duplicate state id ${JSON.stringify(s.node.id)}`);
      else ids.set(s.node.id, s.keys);
    }
    const kids = Object.keys(s.node.states ?? {});
    const type = s.node.type ?? (kids.length > 0 ? 'compound' : 'atomic');
    if ((type === 'atomic' || type === 'final') && kids.length > 0) err([...s.path, 'type'], `a ${type} state has no child states`, 'no "states"', kids.join(', '));
    if ((type === 'compound' || type === 'parallel') && kids.length === 0) err([...s.path, 'states'], `a ${type} state needs child states`, 'at least one state', 'none');
    if (type === 'compound' && kids.length > 0) {
      if (s.node.initial === undefined) err([...s.path, 'initial'], 'missing initial state', `one of ${kids.join(', ')}`, 'nothing');
      else if (!kids.includes(s.node.initial)) err([...s.path, 'initial'], 'initial state does not exist', `one of ${kids.join(', ')}`, JSON.stringify(s.node.initial));
    } else if (s.node.initial !== undefined && type !== 'compound') err([...s.path, 'initial'], `a ${type} state has no initial state`, 'no "initial"', JSON.stringify(s.node.initial));
    if (type === 'final' && (s.node.on || s.node.after)) err(s.path, 'a final state has no outgoing transitions');
    for (const ev of Object.keys(s.node.on ?? {})) {
      if (!EVENT_NAMES.includes(ev)) err([...s.path, 'on', ev], `unknown event ${JSON.stringify(ev)}`, `one of ${EVENT_NAMES.join(', ')}`, JSON.stringify(ev));
    }
    for (const d of Object.keys(s.node.after ?? {})) {
      const n = /^\d{1,15}$/.test(d) ? Number(d) : NaN;
      if (!(n >= 1 && n <= MAX_CYCLE)) err([...s.path, 'after', d], 'invalid delay', `a whole number of cycles in 1..${MAX_CYCLE}`, JSON.stringify(d));
    }
  }

  // Transition targets, resolved as XState v5 does.
  const edges = new Map<string, string[]>();
  for (const t of inv.transitions) {
    const targets = transitionTargets(t.transition);
    const tpath = typeof t.transition === 'string' ? t.path : [...t.path, 'target'];
    targets.forEach((target, i) => {
      const where = typeof t.transition !== 'string' && Array.isArray(t.transition.target) ? [...tpath, i] : tpath;
      const r = resolveTarget(t.source, target, byKeys, ids);
      if (typeof r === 'string') err(where, r, 'an existing state', JSON.stringify(target));
      else {
        const k = t.source.join('.');
        edges.set(k, [...(edges.get(k) ?? []), r.join('.')]);
      }
    });
  }

  // Reachability: entering a state enters its ancestors and its initial (compound) or all (parallel) children.
  const reached = new Set<string>();
  const queue: string[] = [];
  const enter = (keys: readonly string[]): void => {
    for (let n = 0; n <= keys.length; n++) {
      const k = keys.slice(0, n).join('.');
      if (!reached.has(k)) {
        reached.add(k);
        queue.push(k);
      }
    }
  };
  enter([]);
  while (queue.length > 0) {
    const k = queue.pop() as string;
    const node = byKeys.get(k) as StateNodeJson;
    const keys = k === '' ? [] : k.split('.');
    const kids = Object.keys(node.states ?? {});
    if (node.type === 'parallel') kids.forEach((c) => enter([...keys, c]));
    else if (node.initial !== undefined && kids.includes(node.initial)) enter([...keys, node.initial]);
    for (const target of edges.get(k) ?? []) enter(target === '' ? [] : target.split('.'));
  }
  for (const s of inv.states) {
    if (!reached.has(s.keys.join('.'))) err(s.path, `state ${JSON.stringify(s.keys.join('.'))} is unreachable`, 'a transition or initial reference to it', 'none');
  }

  // Actions and guards: known types, valid params.
  const declaredIds = new Set<string>();
  for (const a of inv.actions) {
    const { type, params } = actionParts(a.ref);
    if (type === 'injectFault' || type === 'addStuckAt') {
      const id = (params as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string') declaredIds.add(id);
    }
  }
  for (const a of inv.actions) {
    const { type, params } = actionParts(a.ref);
    const schema = Object.hasOwn(ACTION_PARAMS, type) ? (ACTION_PARAMS as Record<string, z.ZodType>)[type] : undefined;
    const typePath = typeof a.ref === 'string' ? a.path : [...a.path, 'type'];
    if (!schema) {
      err(typePath, `unknown action type ${JSON.stringify(type)}`, `one of ${Object.keys(ACTION_PARAMS).join(', ')}`, JSON.stringify(type));
      continue;
    }
    const r = schema.safeParse(params ?? {});
    if (!r.success) {
      errors.push(...zodErrors(r.error, [...a.path, 'params'], params ?? {}));
      continue;
    }
    if (type === 'injectFault') {
      const p = r.data as { count?: number; location: { kind: string }; cluster?: unknown };
      if (p.count !== undefined && p.count > 1) {
        if (p.location.kind !== 'random') err([...a.path, 'params', 'location', 'kind'], `${p.count} faults at once need random locations`, '"random" (or count 1)', JSON.stringify(p.location.kind));
        if (p.cluster !== undefined) err([...a.path, 'params', 'cluster'], 'count and cluster cannot be combined', 'no "cluster" with count > 1', 'a cluster');
      }
    }
    if (type === 'repair') {
      const id = (r.data as { id: string }).id;
      if (!declaredIds.has(id)) err([...a.path, 'params', 'id'], 'repair refers to no declared fault', `an id given to injectFault/addStuckAt (${[...declaredIds].join(', ') || 'none declared'})`, JSON.stringify(id));
    }
  }
  for (const g of inv.guards) {
    const schema = Object.hasOwn(GUARD_PARAMS, g.ref.type) ? (GUARD_PARAMS as Record<string, z.ZodType>)[g.ref.type] : undefined;
    if (!schema) {
      err([...g.path, 'type'], `unknown guard type ${JSON.stringify(g.ref.type)}`, `one of ${Object.keys(GUARD_PARAMS).join(', ')}`, JSON.stringify(g.ref.type));
      continue;
    }
    const r = schema.safeParse(g.ref.params ?? {});
    if (!r.success) errors.push(...zodErrors(r.error, [...g.path, 'params'], g.ref.params ?? {}));
    if ((g.ref.type === 'layerIs' || g.ref.type === 'foldIs') && !['LAYER_START', 'LAYER_END', 'FOLD_START'].includes(g.event)) {
      err([...g.path, 'type'], `guard ${g.ref.type} needs an event that carries a layer`, 'LAYER_START, LAYER_END or FOLD_START', g.event);
    }
    if (g.ref.type.startsWith('inference') && g.event === 'after') err([...g.path, 'type'], `guard ${g.ref.type} needs a simulator event`, 'a transition under "on"', 'an "after" transition');
  }
  return { errors, inventory: inv };
}

/** Resolves a transition target from `source` (state keys) to state keys, or an error message. */
export function resolveTarget(
  source: readonly string[],
  target: string,
  byKeys: ReadonlyMap<string, StateNodeJson>,
  ids: ReadonlyMap<string, readonly string[]>,
): readonly string[] | string {
  let base: readonly string[];
  let rest: string[];
  if (target.startsWith('#')) {
    const [id, ...more] = target.slice(1).split('.');
    const found = ids.get(id);
    if (!found) return `transition to a missing state id "#${id}"`;
    base = found;
    rest = more;
  } else if (target.startsWith('.')) {
    base = source;
    rest = target.slice(1).split('.');
  } else {
    if (source.length === 0) return `target "${target}" is not valid from the root; did you mean ".${target}"?`;
    base = source.slice(0, -1);
    rest = target.split('.');
  }
  const keys = [...base];
  for (const k of rest) {
    if (k === '') return `transition to a malformed target`;
    keys.push(k);
    if (!byKeys.has(keys.join('.'))) return `transition to a missing state "${keys.join('.')}"`;
  }
  return keys;
}
