/** Nested-state geometry of the designer: container sizes, absolute positions, drop targets. */
import { describe, expect, it } from 'vitest';
import { absoluteOf, boxSizes, dropTarget } from '../../../renderer/src/lib/nesting-geometry';

const names = ['idle', 'burst', 'burst.hit', 'burst.inner', 'burst.inner.x'];
const boxes = new Set(['burst', 'burst.inner']);
const pos = new Map([
  ['idle', { x: 0, y: 0 }], ['burst', { x: 300, y: 100 }], ['burst.hit', { x: 14, y: 50 }],
  ['burst.inner', { x: 250, y: 50 }], ['burst.inner.x', { x: 14, y: 40 }],
]);
const leaf = () => ({ w: 150, h: 34 });

describe('nesting geometry', () => {
  it('sizes containers around their children (inner first), at least their header', () => {
    const s = boxSizes(names, boxes, pos, leaf, 14);
    expect(s.get('burst.inner')).toEqual({ w: 14 + 150 + 14, h: 40 + 34 + 14 });
    expect(s.get('burst')).toEqual({ w: 250 + 178 + 14, h: 50 + 88 + 14 });
    expect(s.get('idle')).toEqual({ w: 150, h: 34 });
  });

  it('adds container positions to get absolute ones', () => {
    expect(absoluteOf('burst.inner.x', pos)).toEqual({ x: 300 + 250 + 14, y: 100 + 50 + 40 });
    expect(absoluteOf('idle', pos)).toEqual({ x: 0, y: 0 });
  });

  it('drops into the deepest container under the point, never into itself; outside all = top level', () => {
    const s = boxSizes(names, boxes, pos, leaf, 14);
    expect(dropTarget('idle', { x: 600, y: 210 }, boxes, pos, s)).toBe('burst.inner');
    expect(dropTarget('idle', { x: 320, y: 120 }, boxes, pos, s)).toBe('burst');
    expect(dropTarget('idle', { x: 10, y: 10 }, boxes, pos, s)).toBe('');
    expect(dropTarget('burst', { x: 600, y: 210 }, boxes, pos, s)).toBe('');
  });
});
