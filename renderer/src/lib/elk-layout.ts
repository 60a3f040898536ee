/** Auto-layout of the designer's state graph with elkjs (layered, left to right). */
import ELK from 'elkjs/lib/elk.bundled.js';

const elk = new ELK();

/** Positions (top-left, px) for `nodes` of size w x h connected by `edges`. */
export async function layoutGraph(
  nodes: readonly { id: string; w: number; h: number }[], edges: readonly { source: string; target: string }[],
  /** Space between layers, px (room for edge labels). */
  layerGap = 80,
): Promise<Map<string, { x: number; y: number }>> {
  const ids = new Set(nodes.map((n) => n.id));
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: { 'elk.algorithm': 'layered', 'elk.direction': 'RIGHT', 'elk.spacing.nodeNode': '40', 'elk.layered.spacing.nodeNodeBetweenLayers': String(Math.round(layerGap)) },
    children: nodes.map((n) => ({ id: n.id, width: n.w, height: n.h })),
    // Only edges between listed nodes (ELK throws on a reference to a missing node).
    edges: edges.filter((e) => e.source !== e.target && ids.has(e.source) && ids.has(e.target)).map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
  });
  return new Map((graph.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
}
