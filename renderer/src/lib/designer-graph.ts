/**
 * Pure geometry and text of the designer's graph (flow px): node sizes from their text, edge
 * labels, the gap ELK leaves for them, a free spot for a new state, and the fitted viewport that
 * keeps node text legible (a minimum zoom, the view then centred on the initial state and kept
 * on the graph). No DOM, no Svelte Flow: the view turns these into flow nodes and edges.
 */
import { isInitialPath, keyOf, kindOf, parentOf, stateNames, type Json } from './scenario-doc';
import type { Point, Size } from './nesting-geometry';

/** Default width of a new state's box, px. */
export const NODE_W = 190;

/** Node height for a state with `n` actions listed inside it, px. */
export const nodeH = (n: number): number => 34 + (n ? 6 + n * 15 : 0);

/** An edge's label: its trigger ("after 500", "INFERENCE_END") and guard in brackets. */
export const edgeLabel = (e: { readonly trigger: string; readonly guard?: string }): string =>
  `${e.trigger.replace('after:', 'after ')}${e.guard ? ` [${e.guard}]` : ''}`;

/** States that have child states (drawn as containers), in document order. */
export function containersOf(names: readonly string[]): Set<string> {
  return new Set(names.filter((n) => names.some((m) => parentOf(m) === n)));
}

/** The containers of a document joined by "|" (a change of it lays the graph out again). */
export const containerKey = (d: Json): string => [...containersOf(stateNames(d))].join('|');

/**
 * Box size of a state from its text: the name (plus room for a container's kind tag) and the
 * longest action line (about 6.4 px a character), 150 to 360 px wide (containers at least 170);
 * the height holds the header and the action list.
 */
export function textBox(path: string, actions: readonly string[], container: boolean): Size {
  const chars = Math.max(keyOf(path).length + (container ? 14 : 4), ...actions.map((a) => a.length + 2));
  return { w: Math.min(360, Math.max(container ? 170 : 150, 40 + 6.4 * chars)), h: nodeH(actions.length) };
}

/** Space between ELK layers for the longest edge label (about 6.5 px a character), at least 90 px. */
export const layerGap = (labels: readonly string[]): number => Math.max(90, 40 + Math.max(0, ...labels.map((l) => l.length)) * 6.5);

/** The free spot nearest to `p` (alternately above and below it, 50 px apart) where no state's box (at `taken`) overlaps. */
export function freeSpot(taken: readonly Point[], p: Point, w = NODE_W): Point {
  for (let k = 0; k < 40; k++) {
    const y = p.y + (k % 2 ? 1 : -1) * Math.ceil(k / 2) * 50;
    if (!taken.some((q) => q.x < p.x + w && p.x < q.x + NODE_W + 40 && Math.abs(q.y - y) < 46)) return { x: p.x, y };
  }
  return p;
}

/** What a drawn node kept from the last rebuild (Svelte Flow's measurement of it). */
export interface PrevNode { readonly type?: string; readonly width?: number; readonly data?: unknown; readonly measured?: { width?: number; height?: number } }

/**
 * The Svelte Flow node of the state at `path` (without handle positions): a `compound` container
 * (sized here, around its children) or a `state` box, its data for StateNode / CompoundNode, its
 * CSS classes (errors, selection, container, parallel, region). A simple state whose width and
 * action count did not change keeps what Svelte Flow measured of it (a node without `measured`
 * counts as not yet drawn, and a fit queued meanwhile would frame only the nodes measured first).
 */
export function flowNode(doc: Json, path: string, o: {
  readonly boxes: ReadonlySet<string>; readonly size: ReadonlyMap<string, Size>; readonly acts: ReadonlyMap<string, readonly string[]>;
  readonly errors: number; readonly selected: string | null; readonly positions: ReadonlyMap<string, Point>; readonly prev?: PrevNode;
}) {
  const kind = kindOf(doc, path);
  const par = parentOf(path);
  const box = o.boxes.has(path);
  const z = o.size.get(path) ?? { w: NODE_W, h: nodeH(0) };
  const region = !!par && kindOf(doc, par) === 'parallel';
  const actions = o.acts.get(path) ?? [];
  const keep = !box && o.prev?.type === 'state' && o.prev.width === z.w && (o.prev.data as { actions?: unknown[] } | undefined)?.actions?.length === actions.length;
  return {
    id: path, type: box ? 'compound' : 'state', position: o.positions.get(path) ?? { x: 0, y: 0 },
    ...(par ? { parentId: par } : {}),
    data: {
      name: keyOf(path), path, initial: isInitialPath(doc, path), final: kind === 'final', parallel: kind === 'parallel',
      region, actions: [...actions], errors: o.errors, depth: path.split('.').length - 1,
    },
    class: `${o.errors ? 'has-error' : ''} ${o.selected === path ? 'is-selected' : ''} ${box ? `is-container ${kind === 'parallel' ? 'is-parallel' : ''}` : ''} ${region ? 'is-region' : ''}`,
    width: z.w, ...(box ? { height: z.h, measured: { width: z.w, height: z.h } } : {}),
    ...(keep ? { measured: o.prev?.measured } : {}),
    selected: o.selected === path,
  };
}

/** A rectangle in flow px. */
export interface Rect { x: number; y: number; width: number; height: number }
/** A Svelte Flow viewport: screen = flow × zoom + (x, y). */
export interface Viewport { x: number; y: number; zoom: number }

/** Lowest zoom a fitted view uses: node text (11-12 px) stays at 9 px or more on screen. */
export const MIN_FIT_ZOOM = 0.8;
/** Highest zoom a fitted view uses. */
export const MAX_FIT_ZOOM = 1.2;

/**
 * The viewport that fits `bounds` in a `pane` (px) with `padding` (share of the pane on each
 * side) — unless that needs a zoom under `minZoom`: then the zoom is `minZoom`, and along each
 * axis where the graph does not fit the view is centred on `focus` (the initial state), moved
 * only as far as keeps it on the graph (an initial state at the left edge shows the graph from
 * its start). Along an axis where it fits, the graph is centred.
 */
export function legibleViewport(bounds: Rect, pane: Size, focus: Rect | null, minZoom = MIN_FIT_ZOOM, maxZoom = MAX_FIT_ZOOM, padding = 0.08): Viewport {
  const fit = Math.min((pane.w * (1 - 2 * padding)) / Math.max(1, bounds.width), (pane.h * (1 - 2 * padding)) / Math.max(1, bounds.height));
  const zoom = Math.min(maxZoom, Math.max(minZoom, fit));
  const axis = (lo: number, len: number, paneLen: number, f: [number, number] | null): number => {
    const view = paneLen / zoom; // visible length, flow px
    const pad = (paneLen * padding) / zoom;
    if (len + 2 * pad <= view || !f) return paneLen / 2 - (lo + len / 2) * zoom; // centre the graph
    const start = Math.min(Math.max(f[0] + f[1] / 2 - view / 2, lo - pad), lo + len + pad - view);
    return -start * zoom;
  };
  return {
    zoom,
    x: axis(bounds.x, bounds.width, pane.w, focus ? [focus.x, focus.width] : null),
    y: axis(bounds.y, bounds.height, pane.h, focus ? [focus.y, focus.height] : null),
  };
}
