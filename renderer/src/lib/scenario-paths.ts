/**
 * State paths of a scenario document for the designer: every state (top-level or nested inside a
 * compound / parallel state) is named by its dotted key path, e.g. `faulty.undetected`; a top-level
 * state's path is its key. Transition targets are resolved to paths as XState v5 does (plain key =
 * sibling, `.key` = child, `#id.a.b` = from the state with that id), and encoded back the same way.
 */

/** A JSON object of the document. */
export type Json = Record<string, unknown>;

/** Kind of a state as the designer draws it. */
export type StateKind = 'atomic' | 'compound' | 'parallel' | 'final';

/** The parent path of `path` ('' for a top-level state). */
export function parentOf(path: string): string {
  const i = path.lastIndexOf('.');
  return i < 0 ? '' : path.slice(0, i);
}

/** The last key of `path`. */
export function keyOf(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** `parent` + `key` as a path. */
export const join = (parent: string, key: string): string => (parent ? `${parent}.${key}` : key);

/** Whether `path` is `anc` or lies inside it. */
export const within = (path: string, anc: string): boolean => path === anc || path.startsWith(`${anc}.`);

/** The child states object of a state node (or of the machine), when it has one. */
export function childrenOf(node: Json | undefined): Record<string, Json> | undefined {
  const s = node?.states;
  return s && typeof s === 'object' && !Array.isArray(s) ? (s as Record<string, Json>) : undefined;
}

/** The state node at `path` ('' = the machine itself) of `doc`, not copied; undefined when absent. */
export function nodeAt(doc: Json, path: string): Json | undefined {
  let n = doc.machine as Json | undefined;
  if (!path) return n;
  for (const k of path.split('.')) {
    const c = childrenOf(n);
    if (!c || !Object.hasOwn(c, k)) return undefined;
    n = c[k];
  }
  return n;
}

/** Every state path in document order (a parent before its children). */
export function allPaths(doc: Json): string[] {
  const out: string[] = [];
  const walk = (node: Json | undefined, prefix: string): void => {
    for (const [k, v] of Object.entries(childrenOf(node) ?? {})) {
      if (!v || typeof v !== 'object') continue;
      const p = join(prefix, k);
      out.push(p);
      walk(v, p);
    }
  };
  walk(doc.machine as Json | undefined, '');
  return out;
}

/** What kind of state `path` is (a state with child states and no type is compound). */
export function kindOf(doc: Json, path: string): StateKind {
  const n = nodeAt(doc, path);
  if (!n) return 'atomic';
  if (n.type === 'parallel' || n.type === 'final') return n.type;
  return Object.keys(childrenOf(n) ?? {}).length > 0 || n.type === 'compound' ? 'compound' : 'atomic';
}

/** Whether `path` is the initial state of its parent (regions of a parallel state all start: false). */
export function isInitialPath(doc: Json, path: string): boolean {
  const p = nodeAt(doc, parentOf(path));
  return !!p && p.type !== 'parallel' && p.initial === keyOf(path);
}

/** Paths of states that carry an `id` (and the machine's id, mapped to ''), for `#id` targets. */
function idMap(doc: Json): Map<string, string> {
  const m = new Map<string, string>();
  const mid = (doc.machine as Json | undefined)?.id;
  if (typeof mid === 'string') m.set(mid, '');
  for (const p of allPaths(doc)) {
    const id = nodeAt(doc, p)?.id;
    if (typeof id === 'string') m.set(id, p);
  }
  return m;
}

/** Resolves the target reference `ref` of a transition of `source` to a state path, or null. */
export function resolveRef(doc: Json, source: string, ref: string, ids = idMap(doc)): string | null {
  let base: string;
  let rest: string[];
  if (ref.startsWith('#')) {
    const [id, ...more] = ref.slice(1).split('.');
    const found = ids.get(id);
    if (found === undefined) return null;
    base = found;
    rest = more;
  } else if (ref.startsWith('.')) {
    base = source;
    rest = ref.slice(1).split('.');
  } else {
    base = parentOf(source);
    rest = ref.split('.');
  }
  let p = base;
  for (const k of rest) {
    if (!k) return null;
    p = join(p, k);
    if (!nodeAt(doc, p)) return null;
  }
  return p || null;
}

/** The reference a transition of `source` uses for `target`: sibling key, `.child.path`, or `#machineId.path`. */
export function refFor(doc: Json, source: string, target: string): string {
  if (parentOf(source) === parentOf(target)) return keyOf(target);
  if (target.startsWith(`${source}.`)) return `.${target.slice(source.length + 1)}`;
  const m = doc.machine as Json;
  if (typeof m.id !== 'string' || !m.id) m.id = 'scenario';
  return `#${m.id as string}.${target}`;
}

/** The first target reference of a transition value (string, object or list), or null. */
export function firstRef(t: unknown): string | null {
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.length ? firstRef(t[0]) : null;
  if (t && typeof t === 'object') {
    const g = (t as Json).target;
    if (typeof g === 'string') return g;
    if (Array.isArray(g) && typeof g[0] === 'string') return g[0] as string;
  }
  return null;
}

/** Rewrites every target reference inside a transition value with `f` (returns a new value). */
export function mapRefs(t: unknown, f: (ref: string) => string): unknown {
  if (typeof t === 'string') return f(t);
  if (Array.isArray(t)) return t.map((x) => mapRefs(x, f));
  if (t && typeof t === 'object') {
    const o = { ...(t as Json) };
    if (typeof o.target === 'string') o.target = f(o.target);
    else if (Array.isArray(o.target)) o.target = o.target.map((x) => (typeof x === 'string' ? f(x) : x));
    return o;
  }
  return t;
}

/** Calls `f(source, table, key)` for every transition slot (`on` / `after` entry) of every state. */
export function eachTransition(doc: Json, f: (source: string, table: Json, key: string) => void): void {
  for (const p of allPaths(doc)) {
    const n = nodeAt(doc, p);
    for (const which of ['on', 'after'] as const) {
      const t = n?.[which];
      if (t && typeof t === 'object' && !Array.isArray(t)) for (const k of Object.keys(t)) f(p, t as Json, k);
    }
  }
}

/** The state path a validation error path points at (`machine.states.a.states.b…` → `a.b`), or null. */
export function statePathOf(errPath: string): string | null {
  const m = /^machine((?:\.states\.[^.[\]]+)+)/.exec(errPath);
  if (!m) return null;
  return m[1].split('.states.').filter(Boolean).join('.');
}
