/**
 * Pure edits of a scenario document (the parsed JSON of a scenario file) for the designer: top-level
 * states as nodes, `on` / `after` transitions as edges, entry actions as fault processes. Every
 * function returns a new document (the input is not mutated). Nested states are kept as they are.
 */

/** Events the simulator sends (docs/README-scenarios.md). */
export const EVENTS = ['INFERENCE_START', 'INFERENCE_END', 'LAYER_START', 'LAYER_END', 'FOLD_START'] as const;

/** A JSON object of the document. */
export type Json = Record<string, unknown>;

/** One transition of a state, as an edge. `trigger` is an event name or `after:<cycles>`. */
export interface Edge {
  readonly source: string;
  readonly target: string;
  readonly trigger: string;
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** The top-level states object (created when missing). */
function states(doc: Json): Record<string, Json> {
  const m = (doc.machine ??= { id: 'scenario', initial: 'idle', states: {} }) as Json;
  return (m.states ??= {}) as Record<string, Json>;
}

/** A new, valid scenario with one idle state. */
export function blankScenario(name = 'New scenario'): Json {
  return { name, description: 'Describe what this scenario does.', version: 1, seed: 0, machine: { id: 'scenario', initial: 'idle', states: { idle: { description: 'No fault yet.' } } } };
}

/** State names in document order. */
export function stateNames(doc: Json): string[] {
  return Object.keys(states(clone(doc)));
}

function targetOf(t: unknown): string | null {
  if (typeof t === 'string') return t.replace(/^\./, '');
  if (Array.isArray(t)) return t.length ? targetOf(t[0]) : null;
  if (t && typeof t === 'object' && typeof (t as Json).target === 'string') return ((t as Json).target as string).replace(/^\./, '');
  return null;
}

/** All edges between top-level states. */
export function edgesOf(doc: Json): Edge[] {
  const out: Edge[] = [];
  for (const [name, s] of Object.entries(states(clone(doc)))) {
    for (const [ev, t] of Object.entries((s.on ?? {}) as Json)) {
      const target = targetOf(t);
      if (target) out.push({ source: name, target, trigger: ev });
    }
    for (const [d, t] of Object.entries((s.after ?? {}) as Json)) {
      const target = targetOf(t);
      if (target) out.push({ source: name, target, trigger: `after:${d}` });
    }
  }
  return out;
}

/** Adds a state named `name` (unique: a suffix is added when taken); returns [doc, name]. */
export function addState(doc: Json, name: string): [Json, string] {
  const d = clone(doc);
  const st = states(d);
  let n = name;
  for (let i = 2; n in st; i++) n = `${name}${i}`;
  st[n] = {};
  return [d, n];
}

/** Renames a state and every transition / initial that points to it. */
export function renameState(doc: Json, from: string, to: string): Json {
  const d = clone(doc);
  const st = states(d);
  if (!(from in st) || to === from || to in st || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(to)) return d;
  const rebuilt: Record<string, Json> = {};
  for (const [k, v] of Object.entries(st)) rebuilt[k === from ? to : k] = v;
  const fix = (t: unknown): unknown => {
    if (typeof t === 'string') return t === from || t === `.${from}` ? to : t;
    if (Array.isArray(t)) return t.map(fix);
    if (t && typeof t === 'object' && 'target' in (t as Json)) return { ...(t as Json), target: fix((t as Json).target) };
    return t;
  };
  for (const s of Object.values(rebuilt)) {
    for (const key of ['on', 'after'] as const) {
      const m = s[key] as Json | undefined;
      if (m) for (const k of Object.keys(m)) m[k] = fix(m[k]);
    }
  }
  const m = d.machine as Json;
  m.states = rebuilt;
  if (m.initial === from) m.initial = to;
  return d;
}

/** Deletes a state and the transitions into it; moves `initial` to the first remaining state. */
export function deleteState(doc: Json, name: string): Json {
  let d = clone(doc);
  const st = states(d);
  delete st[name];
  for (const e of edgesOf(d)) if (e.target === name) d = deleteTransition(d, e);
  const m = d.machine as Json;
  if (m.initial === name) m.initial = Object.keys(states(d))[0] ?? 'idle';
  return d;
}

/** Adds or replaces a transition `source --trigger--> target` (trigger: EVENT or after:<cycles>). */
export function setTransition(doc: Json, e: Edge): Json {
  const d = clone(doc);
  const s = states(d)[e.source];
  if (!s) return d;
  if (e.trigger.startsWith('after:')) ((s.after ??= {}) as Json)[e.trigger.slice(6)] = e.target;
  else ((s.on ??= {}) as Json)[e.trigger] = e.target;
  return d;
}

/** Removes one transition. */
export function deleteTransition(doc: Json, e: Edge): Json {
  const d = clone(doc);
  const s = states(d)[e.source];
  if (!s) return d;
  const key = e.trigger.startsWith('after:') ? 'after' : 'on';
  const m = s[key] as Json | undefined;
  if (m) {
    delete m[key === 'after' ? e.trigger.slice(6) : e.trigger];
    if (Object.keys(m).length === 0) delete s[key];
  }
  return d;
}

/** The entry actions of a state as a list. */
export function entryActions(doc: Json, name: string): Json[] {
  const e = states(clone(doc))[name]?.entry;
  if (e === undefined) return [];
  return (Array.isArray(e) ? e : [e]).map((a) => (typeof a === 'string' ? { type: a } : (a as Json)));
}

/** Replaces the entry actions of a state. */
export function setEntryActions(doc: Json, name: string, actions: readonly Json[]): Json {
  const d = clone(doc);
  const s = states(d)[name];
  if (!s) return d;
  if (actions.length) s.entry = clone(actions);
  else delete s.entry;
  return d;
}

/** Sets a field of a state (e.g. `type`: 'final' or undefined to remove). */
export function setStateField(doc: Json, name: string, key: string, value: unknown): Json {
  const d = clone(doc);
  const s = states(d)[name];
  if (!s) return d;
  if (value === undefined || value === '') delete s[key];
  else s[key] = value;
  return d;
}

/** The state a validation error path points at (`machine.states.<name>…`), or null. */
export function stateOfPath(path: string): string | null {
  const m = /^machine\.states\.([^.[\]]+)/.exec(path);
  return m ? m[1] : null;
}
