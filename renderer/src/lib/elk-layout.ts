/**
 * Auto-layout of the designer's state graph with elkjs (layered, left to right). Compound and
 * parallel states are ELK nodes with children, laid out in one pass over the whole hierarchy
 * (`hierarchyHandling: INCLUDE_CHILDREN`), so a container is sized around its children.
 */
import ELK from 'elkjs/lib/elk.bundled.js';

const elk = new ELK();

/** A state box to place: `parent` is the id of the container it is drawn in ('' or absent = top level). */
export interface LayoutNode {
  readonly id: string;
  /** Width and height of a simple state; for a container, its minimum size (header), px. */
  readonly w: number;
  readonly h: number;
  readonly parent?: string;
  /** Container padding at the top (its header with name and actions), px. */
  readonly top?: number;
}

/** A placed box: position relative to its parent container (top-left, px) and its size. */
export interface Placed { x: number; y: number; w: number; h: number }

interface ElkNode { id: string; width?: number; height?: number; x?: number; y?: number; children?: ElkNode[]; edges?: unknown[]; layoutOptions?: Record<string, string> }

/** Padding of a container at its sides and bottom, px. */
export const CONTAINER_PAD = 14;

/**
 * Positions (relative to the parent container) and sizes for `nodes` connected by `edges`.
 * Edges are placed in the lowest common container of their ends; self-loops and edges between a
 * container and its own descendants are left to the renderer (ELK needs no room for them).
 */
export async function layoutGraph(
  nodes: readonly LayoutNode[], edges: readonly { source: string; target: string }[],
  /** Space between layers, px (room for edge labels). */
  layerGap = 80,
): Promise<Map<string, Placed>> {
  const opts = (gap: number, space = 40): Record<string, string> => ({
    'elk.algorithm': 'layered', 'elk.direction': 'RIGHT', 'elk.spacing.nodeNode': String(space),
    'elk.layered.spacing.nodeNodeBetweenLayers': String(Math.round(gap)), 'elk.edgeRouting': 'POLYLINE',
  });
  const byId = new Map<string, ElkNode>();
  const parentOf = new Map(nodes.map((n) => [n.id, n.parent ?? '']));
  const hasKids = new Set(nodes.map((n) => n.parent ?? '').filter(Boolean));
  const root: ElkNode = { id: '__root', children: [], edges: [], layoutOptions: { ...opts(layerGap), 'elk.hierarchyHandling': 'INCLUDE_CHILDREN' } };
  for (const n of nodes) {
    const e: ElkNode = hasKids.has(n.id)
      ? { id: n.id, children: [], edges: [], layoutOptions: {
        ...opts(Math.max(50, layerGap * 0.7), 24), 'elk.padding': `[top=${n.top ?? 40},left=${CONTAINER_PAD},bottom=${CONTAINER_PAD},right=${CONTAINER_PAD}]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE', 'elk.nodeSize.minimum': `(${Math.round(n.w)}, ${Math.round(n.h)})`,
      } }
      : { id: n.id, width: n.w, height: n.h };
    byId.set(n.id, e);
  }
  // Parents are listed before children (document order), but do not rely on it.
  for (const n of nodes) (byId.get(n.parent ?? '') ?? root).children!.push(byId.get(n.id)!);
  const chain = (id: string): string[] => { const out = [id]; for (let p = parentOf.get(id); p; p = parentOf.get(p)) out.push(p); return out; };
  edges.forEach((e, i) => {
    if (e.source === e.target || !byId.has(e.source) || !byId.has(e.target)) return;
    const a = chain(e.source);
    const b = chain(e.target);
    if (a.includes(e.target) || b.includes(e.source)) return;
    const common = a.slice(1).find((x) => b.includes(x)) ?? '';
    (byId.get(common) ?? root).edges!.push({ id: `e${i}`, sources: [e.source], targets: [e.target] });
  });
  const laid = (await elk.layout(root as Parameters<typeof elk.layout>[0])) as ElkNode;
  const out = new Map<string, Placed>();
  const walk = (n: ElkNode): void => {
    for (const c of n.children ?? []) {
      out.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, w: c.width ?? 0, h: c.height ?? 0 });
      walk(c);
    }
  };
  walk(laid);
  return out;
}
