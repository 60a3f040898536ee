/**
 * The designer's graph geometry: the fitted viewport keeps text legible (never under the minimum
 * zoom), fits small graphs whole and centred, and for a graph too big to fit shows the initial
 * state without leaving the graph.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MIN_FIT_ZOOM, edgeLabel, freeSpot, legibleViewport, textBox, type Rect, type Viewport } from '../../../renderer/src/lib/designer-graph';

/** Screen rectangle of a flow rectangle under a viewport. */
const screen = (r: Rect, v: Viewport) => ({ x0: r.x * v.zoom + v.x, y0: r.y * v.zoom + v.y, x1: (r.x + r.width) * v.zoom + v.x, y1: (r.y + r.height) * v.zoom + v.y });

describe('legibleViewport', () => {
  it('a graph that fits is fitted whole and centred', () => {
    const b = { x: 0, y: 0, width: 400, height: 200 };
    const v = legibleViewport(b, { w: 720, h: 500 }, null);
    const s = screen(b, v);
    expect(v.zoom).toBeGreaterThanOrEqual(MIN_FIT_ZOOM);
    expect(s.x0).toBeGreaterThanOrEqual(0);
    expect(s.x1).toBeLessThanOrEqual(720);
    expect((s.x0 + s.x1) / 2).toBeCloseTo(360, 6);
    expect((s.y0 + s.y1) / 2).toBeCloseTo(250, 6);
  });

  it('a wide nested graph (1,240 px in a 720 px pane) stays at the legible zoom and starts at its initial state', () => {
    const b = { x: 0, y: 0, width: 1240, height: 260 };
    const idle = { x: 0, y: 110, width: 150, height: 34 };
    const v = legibleViewport(b, { w: 720, h: 500 }, idle);
    expect(v.zoom).toBe(MIN_FIT_ZOOM); // a plain fit would be 0.51
    const s = screen(idle, v);
    expect(s.x0).toBeGreaterThan(0);
    expect(s.x0).toBeLessThan(720 * 0.1); // the graph's start, not its middle
    expect(s.y0).toBeGreaterThan(0);
    expect(s.y1).toBeLessThan(500);
  });

  it('never under the minimum zoom; the focus state is in view and no more than the padding shows beyond the graph (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 50, max: 5000 }), fc.integer({ min: 40, max: 3000 }), fc.integer({ min: 300, max: 1400 }), fc.integer({ min: 300, max: 900 }),
      fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }),
      (w, h, pw, ph, fx, fy) => {
        const b = { x: -100, y: 30, width: w, height: h };
        const f = { x: b.x + fx * Math.max(0, w - 150), y: b.y + fy * Math.max(0, h - 34), width: Math.min(150, w), height: Math.min(34, h) };
        const v = legibleViewport(b, { w: pw, h: ph }, f);
        expect(v.zoom).toBeGreaterThanOrEqual(MIN_FIT_ZOOM - 1e-12);
        const s = screen(f, v);
        // the focus box fits the pane at the minimum zoom here, so it is wholly in view
        expect(s.x0).toBeGreaterThanOrEqual(-1e-6);
        expect(s.x1).toBeLessThanOrEqual(pw + 1e-6);
        expect(s.y0).toBeGreaterThanOrEqual(-1e-6);
        expect(s.y1).toBeLessThanOrEqual(ph + 1e-6);
        const g = screen(b, v);
        if (g.x1 - g.x0 > pw) { expect(g.x0).toBeLessThanOrEqual(pw * 0.08 + 1e-6); expect(g.x1).toBeGreaterThanOrEqual(pw * 0.92 - 1e-6); }
      }));
  });
});

describe('boxes and labels', () => {
  it('a box is wide enough for its name and longest action, within 150..360 px', () => {
    expect(textBox('idle', [], false).w).toBe(150);
    expect(textBox('a.b', ['x'.repeat(100)], false).w).toBe(360);
    expect(textBox('burst', ['inject seu weightSram @ random b3'], true).w).toBeCloseTo(40 + 6.4 * 35, 6);
    expect(edgeLabel({ trigger: 'after:500', guard: 'inferenceIs n=2' })).toBe('after 500 [inferenceIs n=2]');
  });

  it('a free spot does not overlap a taken one', () => {
    const p = freeSpot([{ x: 0, y: 0 }], { x: 10, y: 10 });
    expect(Math.abs(p.y - 0)).toBeGreaterThanOrEqual(46);
  });
});
