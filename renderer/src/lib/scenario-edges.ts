/**
 * Transitions of a scenario document as graph edges (pure): one edge per transition slot for the
 * form (`edgesOf`), one arrow per target of every candidate for the graph (`drawnEdges`), and the
 * removal of the transitions into a deleted state. States are named by dotted paths (scenario-paths.ts).
 */
import { allPaths, eachTransition, firstRef, nodeAt, resolveRef, within, type Json } from './scenario-paths';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** One transition of a state, as an edge. `source` / `target` are state paths (`a.b`); `trigger` is an event name or `after:<cycles>`. */
export interface Edge {
  readonly source: string;
  readonly target: string;
  readonly trigger: string;
  /** Guard of the transition as text (e.g. "inferenceIs n=1"), when it has one. */
  readonly guard?: string;
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

/** All edges between states at any depth (targets that do not resolve are left out: validation lists them). */
export function edgesOf(doc: Json): Edge[] {
  const out: Edge[] = [];
  eachTransition(doc, (source, table, key) => {
    const t = table[key];
    const ref = firstRef(t);
    const target = ref === null ? null : resolveRef(doc, source, ref);
    if (!target) return;
    const guard = guardOf(t);
    const after = Object.is(table, nodeAt(doc, source)?.after);
    out.push({ source, target, trigger: after ? `after:${key}` : key, ...(guard ? { guard } : {}) });
  });
  return out;
}

/**
 * One arrow of the graph. A transition slot may hold a list of candidate transitions (each with
 * its own guard) and a candidate a list of targets (e.g. one state in each region of a parallel
 * state): every target of every candidate is an arrow, with that candidate's label. `entry` is the
 * slot as `edgesOf` gives it (what the form edits and Delete removes); `targets` are all the
 * slot's drawn targets.
 */
export interface DrawnEdge extends Edge {
  readonly entry: Edge;
  readonly targets: readonly string[];
}

/** The target references of one candidate transition (a string, or `target` as a string or a list). */
function refsOf(c: unknown): string[] {
  if (typeof c === 'string') return [c];
  const g = c && typeof c === 'object' ? (c as Json).target : undefined;
  if (typeof g === 'string') return [g];
  return Array.isArray(g) ? g.filter((x): x is string => typeof x === 'string') : [];
}

/** Every arrow of the graph: one per target of every candidate of every transition slot, at any
 * depth (references that do not resolve are left out: validation lists them). */
export function drawnEdges(doc: Json): DrawnEdge[] {
  const out: DrawnEdge[] = [];
  eachTransition(doc, (source, table, key) => {
    const t = table[key];
    const trigger = Object.is(table, nodeAt(doc, source)?.after) ? `after:${key}` : key;
    const arrows: { target: string; guard?: string }[] = [];
    for (const c of Array.isArray(t) ? t : [t]) {
      const guard = guardOf(c);
      for (const ref of refsOf(c)) {
        const target = resolveRef(doc, source, ref);
        if (target) arrows.push({ target, ...(guard ? { guard } : {}) });
      }
    }
    if (arrows.length === 0) return;
    const first = firstRef(t);
    const entryTarget = (first === null ? null : resolveRef(doc, source, first)) ?? arrows[0]!.target;
    const g = guardOf(t);
    const entry: Edge = { source, target: entryTarget, trigger, ...(g ? { guard: g } : {}) };
    const targets = [...new Set(arrows.map((a) => a.target))];
    for (const a of arrows) out.push({ source, trigger, ...a, entry, targets });
  });
  return out;
}

/** `t` without the target references for which `drop` holds (a candidate left with no target goes,
 * a target list keeps the rest); null when no transition is left. */
function pruneRefs(t: unknown, drop: (ref: string) => boolean): unknown {
  if (typeof t === 'string') return drop(t) ? null : t;
  if (Array.isArray(t)) {
    const r = t.map((c) => pruneRefs(c, drop)).filter((c) => c !== null);
    return r.length ? r : null;
  }
  if (!t || typeof t !== 'object') return t;
  const o = { ...(t as Json) };
  if (typeof o.target === 'string') return drop(o.target) ? null : o;
  if (Array.isArray(o.target)) {
    const r = o.target.filter((x) => typeof x !== 'string' || !drop(x));
    if (r.length === 0) return null;
    o.target = r;
  }
  return o;
}

/** `d` (mutated) without the transitions, or the targets of a target list, that lead into `path`
 * from outside it (references resolved in `d`); emptied `on` / `after` tables are removed. */
export function withoutTransitionsInto(d: Json, path: string): Json {
  const old = clone(d);
  eachTransition(d, (source, table, key) => {
    if (within(source, path)) return;
    const t = pruneRefs(table[key], (ref) => { const r = resolveRef(old, source, ref); return r !== null && within(r, path); });
    if (t === null) delete table[key]; else table[key] = t;
  });
  for (const p of allPaths(d)) {
    const n = nodeAt(d, p);
    for (const k of ['on', 'after'] as const) if (n && n[k] && typeof n[k] === 'object' && Object.keys(n[k] as Json).length === 0) delete n[k];
  }
  return d;
}

