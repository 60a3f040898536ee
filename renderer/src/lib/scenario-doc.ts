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
  /** Guard of the transition as text (e.g. "inferenceIs n=1"), when it has one. */
  readonly guard?: string;
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

function guardOf(t: unknown): string | undefined {
  const x = Array.isArray(t) ? t[0] : t;
  if (!x || typeof x !== 'object') return undefined;
  const g = (x as Json).guard;
  if (typeof g === 'string') return g;
  if (!g || typeof g !== 'object') return undefined;
  const params = Object.entries(((g as Json).params ?? {}) as Json).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  return `${String((g as Json).type)}${params ? ` ${params}` : ''}`;
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
      const guard = guardOf(t);
      if (target) out.push({ source: name, target, trigger: ev, ...(guard ? { guard } : {}) });
    }
    for (const [d, t] of Object.entries((s.after ?? {}) as Json)) {
      const target = targetOf(t);
      const guard = guardOf(t);
      if (target) out.push({ source: name, target, trigger: `after:${d}`, ...(guard ? { guard } : {}) });
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

/** Adds or replaces a transition `source --trigger--> target` (trigger: EVENT or after:<cycles>; optional guard). */
export function setTransition(doc: Json, e: Edge): Json {
  const d = clone(doc);
  const s = states(d)[e.source];
  if (!s) return d;
  const g = guardObject(e.guard);
  const value = g ? { target: e.target, guard: g } : e.target;
  if (e.trigger.startsWith('after:')) ((s.after ??= {}) as Json)[e.trigger.slice(6)] = value;
  else ((s.on ??= {}) as Json)[e.trigger] = value;
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

/** Why `doc` cannot be drawn as a graph (no machine / states object), or '' when it can. */
export function shapeProblem(doc: unknown): string {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return 'the document is not a JSON object';
  const m = (doc as Json).machine;
  if (!m || typeof m !== 'object' || Array.isArray(m)) return 'machine: expected an object';
  const st = (m as Json).states;
  if (!st || typeof st !== 'object' || Array.isArray(st)) return 'machine.states: expected an object';
  for (const [k, v] of Object.entries(st as Json)) if (!v || typeof v !== 'object' || Array.isArray(v)) return `machine.states.${k}: expected an object`;
  return '';
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
      return `inject ${String(p.kind)} ${String(p.target)} @ ${loc(p)}${cl}${bits}${p.duration ? ` for ${String(p.duration)} cyc` : ''}`;
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
