/**
 * Geometry of nested states in the designer's graph (pure): container sizes around their children,
 * absolute positions from positions relative to the container, and which container a dropped state
 * lands in. Positions and sizes in flow px; states named by dotted paths (scenario-paths.ts).
 */
import { parentOf } from './scenario-paths';

/** A size, px. */
export interface Size { w: number; h: number }
/** A point, px. */
export interface Point { x: number; y: number }

/**
 * Box sizes of every state: a simple state `leaf(n)`; a container (a state in `boxes`) at least
 * `head(n)` wide / `head(n).h + 30` tall and around its children's boxes plus `pad`.
 * `names` lists parents before children (document order).
 */
export function boxSizes(
  names: readonly string[], boxes: ReadonlySet<string>, positions: ReadonlyMap<string, Point>,
  leaf: (n: string) => Size, pad: number,
): Map<string, Size> {
  const size = new Map<string, Size>();
  for (const n of [...names].reverse()) {
    const own = leaf(n);
    if (!boxes.has(n)) { size.set(n, own); continue; }
    let w = own.w, h = own.h + 30;
    for (const c of names.filter((m) => parentOf(m) === n)) {
      const p = positions.get(c) ?? { x: 0, y: 0 };
      const z = size.get(c) ?? own;
      w = Math.max(w, p.x + z.w + pad);
      h = Math.max(h, p.y + z.h + pad);
    }
    size.set(n, { w, h });
  }
  return size;
}

/** Absolute position of `path` (positions of nested states are relative to their container). */
export function absoluteOf(path: string, positions: ReadonlyMap<string, Point>): Point {
  let x = 0, y = 0;
  for (let p = path; p; p = parentOf(p)) { const q = positions.get(p) ?? { x: 0, y: 0 }; x += q.x; y += q.y; }
  return { x, y };
}

/** The deepest container (not `id` nor inside it) whose box holds the point `c` (absolute), or '' for the top level. */
export function dropTarget(id: string, c: Point, boxes: Iterable<string>, positions: ReadonlyMap<string, Point>, sizes: ReadonlyMap<string, Size>): string {
  return [...boxes].filter((b) => b !== id && !b.startsWith(`${id}.`)).filter((b) => {
    const o = absoluteOf(b, positions);
    const s = sizes.get(b) ?? { w: 0, h: 0 };
    return c.x >= o.x && c.x <= o.x + s.w && c.y >= o.y && c.y <= o.y + s.h;
  }).sort((x, y) => y.split('.').length - x.split('.').length)[0] ?? '';
}
