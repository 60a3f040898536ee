/**
 * Pure edits of a scenario document (the parsed JSON of a scenario file) for the designer: states
 * (at any depth) as nodes, `on` / `after` transitions as edges, entry actions as fault processes. Every
 * function returns a new document (the input is not mutated). States are named by dotted paths
 * (scenario-paths.ts): nested (compound / parallel) states are edited like top-level ones.
 */
import {
  allPaths, childrenOf, eachTransition, isInitialPath, join, keyOf, kindOf, mapRefs, nodeAt, parentOf, refFor, resolveRef,
  statePathOf, within, type Json, type StateKind,
} from './scenario-paths';
import { drawnEdges, edgesOf, withoutTransitionsInto, type DrawnEdge, type Edge } from './scenario-edges';

/** Events the simulator sends (docs/README-scenarios.md). */
export const EVENTS = ['INFERENCE_START', 'INFERENCE_END', 'LAYER_START', 'LAYER_END', 'FOLD_START'] as const;

export { isInitialPath, kindOf, keyOf, nodeAt, parentOf, type Json, type StateKind };
export { drawnEdges, edgesOf, type DrawnEdge, type Edge };

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The mutable state node at `path` of `d` (the machine for ''), created machine/states when missing. */
function at(d: Json, path: string): Json | undefined {
  const m = (d.machine ??= { id: 'scenario', initial: 'idle', states: {} }) as Json;
  m.states ??= {};
  return nodeAt(d, path);
}

/** A new, valid scenario with one idle state. */
export function blankScenario(name = 'New scenario'): Json {
  return { name, description: 'Describe what this scenario does.', version: 1, seed: 0, machine: { id: 'scenario', initial: 'idle', states: { idle: { description: 'No fault yet.' } } } };
}

/** Every state path in document order, a parent before its children (top-level states are plain names). */
export function stateNames(doc: Json): string[] {
  return allPaths(doc);
}

/**
 * Adds a state named `name` (unique among its siblings: a suffix is added when taken) inside `parent`
 * ('' = top level; the parent becomes compound, with the new state as its initial one when it had
 * none); returns [doc, path of the new state].
 */
export function addState(doc: Json, name: string, parent = ''): [Json, string] {
  const d = clone(doc);
  const p = at(d, parent);
  if (!p) return [d, ''];
  const st = (p.states ??= {}) as Record<string, Json>;
  let n = name;
  for (let i = 2; n in st; i++) n = `${name}${i}`;
  st[n] = {};
  if (parent) {
    if (p.type === 'final' || p.type === 'atomic') delete p.type;
    if (p.type !== 'parallel' && (typeof p.initial !== 'string' || !(p.initial in st))) p.initial = n;
  }
  return [d, join(parent, n)];
}

/** Rewrites every transition that starts or ends inside `from` (a path) for `from` moved to `to` (refs resolved in `old`). */
function retarget(old: Json, d: Json, from: string, to: string): void {
  const move = (p: string): string => (within(p, from) ? to + p.slice(from.length) : p);
  eachTransition(d, (source, table, key) => {
    table[key] = mapRefs(table[key], (ref) => {
      const r = resolveRef(old, source, ref);
      return r && (within(r, from) || within(source, from)) ? refFor(d, move(source), move(r)) : ref;
    });
  });
}

/**
 * Moves the state at `path` (with its children and transitions) into `parent` ('' = top level),
 * keeping its key when free (else a suffix); fixes both parents' `initial`. Returns [doc, new path].
 */
export function moveState(doc: Json, path: string, parent: string): [Json, string] {
  const d = clone(doc);
  const node = nodeAt(d, path);
  const dest = at(d, parent);
  if (!node || !dest || within(parent, path) || parentOf(path) === parent || dest.type === 'final') return [d, path];
  const dst = (dest.states ??= {}) as Record<string, Json>;
  let k = keyOf(path);
  for (let i = 2; k in dst; i++) k = `${keyOf(path)}${i}`;
  const np = join(parent, k);
  retarget(doc, d, path, np);
  const src = at(d, parentOf(path)) as Json;
  const ss = childrenOf(src) as Record<string, Json>;
  const moved = ss[keyOf(path)];
  delete ss[keyOf(path)];
  const rest = Object.keys(ss);
  if (!parentOf(path)) { if (src.initial === keyOf(path)) src.initial = rest[0] ?? k; }
  else if (rest.length === 0) { delete src.states; delete src.initial; if (src.type === 'parallel' || src.type === 'compound') delete src.type; }
  else if (src.initial === keyOf(path)) src.initial = rest[0];
  dst[k] = moved;
  if (parent && dest.type !== 'parallel' && (typeof dest.initial !== 'string' || !(dest.initial in dst))) dest.initial = k;
  return [d, np];
}

/**
 * Renames the state at path `from` to the key `to` (a full path with the same parent is accepted)
 * and rewrites every transition and `initial` that points at it or inside it.
 */
export function renameState(doc: Json, from: string, to: string): Json {
  const d = clone(doc);
  const parent = parentOf(from);
  const key = to.includes('.') && parentOf(to) === parent ? keyOf(to) : to;
  const p = at(d, parent);
  const st = childrenOf(p);
  const oldKey = keyOf(from);
  if (!p || !st || !(oldKey in st) || key === oldKey || key in st || !KEY.test(key)) return d;
  retarget(doc, d, from, join(parent, key));
  const rebuilt: Record<string, Json> = {};
  for (const [k, v] of Object.entries(st)) rebuilt[k === oldKey ? key : k] = v;
  p.states = rebuilt;
  if (p.initial === oldKey) p.initial = key;
  return d;
}

/** Deletes the state at `path` (and its child states) and the transitions into any of them (a target list loses only those targets); fixes its parent's `initial`. */
export function deleteState(doc: Json, path: string): Json {
  let d = clone(doc);
  const p = at(d, parentOf(path));
  const st = childrenOf(p);
  if (!p || !st || !(keyOf(path) in st)) return d;
  d = withoutTransitionsInto(d, path);
  const q = at(d, parentOf(path)) as Json;
  const qs = childrenOf(q) as Record<string, Json>;
  delete qs[keyOf(path)];
  const rest = Object.keys(qs);
  if (!parentOf(path)) {
    if (q.initial === keyOf(path)) q.initial = rest[0] ?? 'idle';
  } else if (rest.length === 0) {
    delete q.states;
    delete q.initial;
    if (q.type === 'parallel' || q.type === 'compound') delete q.type;
  } else if (q.initial === keyOf(path) || (q.type !== 'parallel' && q.initial === undefined)) q.initial = rest[0];
  return d;
}

/**
 * Makes the state at `path` simple (atomic; its child states are deleted), compound (a first child
 * `idle` is added when it has none), parallel (two regions `region1`, `region2` each with an `idle`
 * state when it has no children) or final (children deleted).
 */
export function setKind(doc: Json, path: string, kind: StateKind): Json {
  let d = clone(doc);
  const n = at(d, path);
  if (!n || kindOf(d, path) === kind) return d;
  if (kind === 'atomic' || kind === 'final') {
    for (const k of Object.keys(childrenOf(n) ?? {})) d = deleteState(d, join(path, k));
    const m = at(d, path) as Json;
    delete m.states;
    delete m.initial;
    if (kind === 'final') m.type = 'final';
    else delete m.type;
    return d;
  }
  if (n.type === 'final' || n.type === 'atomic' || n.type === 'compound') delete n.type;
  if (kind === 'compound') {
    delete n.type;
    const ks = Object.keys(childrenOf(n) ?? {});
    if (ks.length === 0) return addState(d, 'idle', path)[0];
    if (typeof n.initial !== 'string' || !ks.includes(n.initial)) n.initial = ks[0];
    return d;
  }
  n.type = 'parallel';
  delete n.initial;
  if (Object.keys(childrenOf(n) ?? {}).length === 0) {
    for (const r of ['region1', 'region2']) {
      const [d1, rp] = addState(d, r, path);
      d = addState(d1, 'idle', rp)[0];
    }
  }
  return d;
}

/** Makes the state at `path` the initial state of its parent (the machine for a top-level state). */
export function setInitial(doc: Json, path: string): Json {
  const d = clone(doc);
  const p = at(d, parentOf(path));
  if (p && p.type !== 'parallel' && childrenOf(p) && keyOf(path) in (childrenOf(p) as Json)) p.initial = keyOf(path);
  return d;
}

/** Guards the designer offers, with their one numeric parameter (docs/README-scenarios.md). */
export const GUARDS: readonly { type: string; param: string }[] = [
  { type: 'inferenceIs', param: 'n' }, { type: 'inferenceAtLeast', param: 'n' }, { type: 'inferenceEvery', param: 'n' },
  { type: 'layerIs', param: 'index' }, { type: 'foldIs', param: 'index' },
];

/** Parses a guard text ("inferenceIs n=1") back into the document's guard object, or null. */
export function guardObject(text: string | undefined): Json | null {
  if (!text) return null;
  const [type, ...rest] = text.trim().split(/\s+/);
  const params: Json = {};
  for (const kv of rest) {
    const [k, v] = kv.split('=');
    if (k && v !== undefined) params[k] = Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return Object.keys(params).length ? { type, params } : { type };
}

/** Adds or replaces a transition `source --trigger--> target` (paths; trigger: EVENT or after:<cycles>; optional guard). */
export function setTransition(doc: Json, e: Edge): Json {
  const d = clone(doc);
  const s = at(d, e.source);
  if (!s || !e.source || !nodeAt(d, e.target)) return d;
  const g = guardObject(e.guard);
  const ref = refFor(d, e.source, e.target);
  const value = g ? { target: ref, guard: g } : ref;
  if (e.trigger.startsWith('after:')) ((s.after ??= {}) as Json)[e.trigger.slice(6)] = value;
  else ((s.on ??= {}) as Json)[e.trigger] = value;
  return d;
}

/** Removes one transition (the whole entry of its trigger). */
export function deleteTransition(doc: Json, e: Edge): Json {
  const d = clone(doc);
  const s = at(d, e.source);
  if (!s || !e.source) return d;
  const key = e.trigger.startsWith('after:') ? 'after' : 'on';
  const m = s[key] as Json | undefined;
  if (m) {
    delete m[key === 'after' ? e.trigger.slice(6) : e.trigger];
    if (Object.keys(m).length === 0) delete s[key];
  }
  return d;
}

/** The entry actions of the state at `path` as a list. */
export function entryActions(doc: Json, name: string): Json[] {
  const e = name ? nodeAt(doc, name)?.entry : undefined;
  if (e === undefined) return [];
  return clone(Array.isArray(e) ? e : [e]).map((a) => (typeof a === 'string' ? { type: a } : (a as Json)));
}

/** Replaces the entry actions of the state at `path`. */
export function setEntryActions(doc: Json, name: string, actions: readonly Json[]): Json {
  const d = clone(doc);
  const s = name ? at(d, name) : undefined;
  if (!s) return d;
  if (actions.length) s.entry = clone(actions);
  else delete s.entry;
  return d;
}

/** Sets a field of the state at `path` (e.g. `type`: 'final' or undefined to remove). */
export function setStateField(doc: Json, name: string, key: string, value: unknown): Json {
  const d = clone(doc);
  const s = name ? at(d, name) : undefined;
  if (!s) return d;
  if (value === undefined || value === '') delete s[key];
  else s[key] = value;
  return d;
}

/** The state path a validation error path points at (`machine.states.a.states.b…` → `a.b`), or null. */
export function stateOfPath(path: string): string | null {
  return statePathOf(path);
}

/** Why `doc` cannot be drawn as a graph (no machine / states object, a state that is not an object), or '' when it can. */
export function shapeProblem(doc: unknown): string {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return 'the document is not a JSON object';
  const m = (doc as Json).machine;
  if (!m || typeof m !== 'object' || Array.isArray(m)) return 'machine: expected an object';
  const st = (m as Json).states;
  if (!st || typeof st !== 'object' || Array.isArray(st)) return 'machine.states: expected an object';
  const check = (s: Json, where: string): string => {
    for (const [k, v] of Object.entries(s)) {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return `${where}.${k}: expected an object`;
      const c = (v as Json).states;
      if (c !== undefined && (!c || typeof c !== 'object' || Array.isArray(c))) return `${where}.${k}.states: expected an object`;
      if (c) { const w = check(c as Json, `${where}.${k}.states`); if (w) return w; }
    }
    return '';
  };
  return check(st as Json, 'machine.states');
}

function loc(p: Json): string {
  const l = (p.location ?? {}) as Json;
  if (l.kind === 'pe') return `PE (${String(l.row)}, ${String(l.col)})`;
  if (l.kind === 'address') return `word ${String(l.address)}`;
  return 'random';
}

/** One line describing an action, as shown inside its state's node. */
export function actionSummary(a: Json): string {
  const p = (a.params ?? {}) as Json;
  const bits = Array.isArray(p.bits) ? ` b${(p.bits as number[]).join(',')}` : '';
  switch (a.type) {
    case 'injectFault': {
      const cl = p.cluster ? ` ${String((p.cluster as Json).rows)}×${String((p.cluster as Json).cols)}` : '';
      const n = Number(p.count) > 1 ? Number(p.count) : 0; // H3: "N SEUs at random PEs" (count action)
      const where = n ? `${n} random ${String(p.target).startsWith('pe.') ? 'PEs' : 'words'}` : loc(p);
      return `inject ${n ? `${n}× ` : ''}${String(p.kind)} ${String(p.target)} @ ${where}${cl}${bits}${p.duration ? ` for ${String(p.duration)} cyc` : ''}`;
    }
    case 'addStuckAt': return `stuck-at-${String(p.value)} ${String(p.target)} @ ${loc(p)} b${String(p.bit)}`;
    case 'setRate': return `start rate ${String(p.target)} BER ${String(p.ber)} (${String(p.model)})`;
    case 'stopRate': return `stop rate ${String(p.target)}`;
    case 'scrub': return `scrub ${String(p.target)}`;
    case 'repair': return `repair ${String(p.id)}`;
    case 'clearAll': return 'clear all faults';
    default: return String(a.type);
  }
}
