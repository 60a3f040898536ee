/** ELK hierarchical layout of the designer: containers sized around their children, no overlaps. */
import { describe, expect, it } from 'vitest';
import { CONTAINER_PAD, layoutGraph, type Placed } from '../../../renderer/src/lib/elk-layout';

const overlap = (a: Placed, b: Placed): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('layoutGraph', () => {
  it('places children inside their container (below its header) and sizes the container around them', async () => {
    const nodes = [
      { id: 'idle', w: 150, h: 34 },
      { id: 'burst', w: 170, h: 34, top: 44 },
      { id: 'burst.hit', w: 190, h: 55, parent: 'burst' },
      { id: 'burst.calm', w: 150, h: 34, parent: 'burst' },
      { id: 'both', w: 170, h: 34, top: 44 },
      { id: 'both.a', w: 170, h: 34, parent: 'both', top: 44 },
      { id: 'both.a.x', w: 150, h: 34, parent: 'both.a' },
      { id: 'both.b', w: 170, h: 34, parent: 'both', top: 44 },
      { id: 'both.b.y', w: 150, h: 34, parent: 'both.b' },
    ];
    const edges = [
      { source: 'idle', target: 'burst' }, { source: 'burst.hit', target: 'burst.calm' }, { source: 'burst.calm', target: 'both' },
      { source: 'idle', target: 'burst.hit' }, { source: 'burst', target: 'burst.calm' }, // across levels; container to own child (skipped)
    ];
    const laid = await layoutGraph(nodes, edges, 100);
    expect([...laid.keys()].sort()).toEqual(nodes.map((n) => n.id).sort());
    for (const n of nodes.filter((x) => x.parent)) {
      const c = laid.get(n.id)!;
      const p = laid.get(n.parent!)!;
      const top = nodes.find((x) => x.id === n.parent)!.top!;
      // Child positions are relative to the container.
      expect(c.x).toBeGreaterThanOrEqual(CONTAINER_PAD - 0.5);
      expect(c.y).toBeGreaterThanOrEqual(top - 0.5);
      expect(c.x + c.w).toBeLessThanOrEqual(p.w + 0.5);
      expect(c.y + c.h).toBeLessThanOrEqual(p.h + 0.5);
    }
    // Siblings do not overlap; layered left to right: hit before calm, idle before burst before both.
    expect(overlap(laid.get('both.a')!, laid.get('both.b')!)).toBe(false);
    expect(overlap(laid.get('burst.hit')!, laid.get('burst.calm')!)).toBe(false);
    expect(laid.get('burst.hit')!.x).toBeLessThan(laid.get('burst.calm')!.x);
    expect(laid.get('idle')!.x).toBeLessThan(laid.get('burst')!.x);
    expect(laid.get('burst')!.x).toBeLessThan(laid.get('both')!.x);
  });
});
