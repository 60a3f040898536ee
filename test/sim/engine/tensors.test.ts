import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { argmax, diffStats, maxAbs, predictions } from '../../../sim/engine/tensors';

describe('tensor helpers', () => {
  it('predictions take the first maximum per image', () => {
    const y = new Float32Array([0.1, 0.7, 0.2, 0.5, 0.5, 0, NaN, -1, -2]);
    expect([...predictions(y, 3, 3)]).toEqual([1, 0, 1]);
    expect(argmax([3, 9, 9])).toBe(1);
  });

  it('diffStats: identical tensors have no change; one changed value is reported exactly', () => {
    fc.assert(
      fc.property(fc.float32Array({ minLength: 1, maxLength: 50, noNaN: true, noDefaultInfinity: true, min: -100, max: 100 }), fc.nat(), fc.float({ min: 1, max: 10, noNaN: true }), (g, at, delta) => {
        expect(diffStats(g, g)).toEqual({ changed: 0, maxAbsDelta: 0, relL2: 0 });
        const f = g.slice();
        const i = at % g.length;
        f[i] = g[i] + delta;
        const d = diffStats(g, f);
        expect(d.changed).toBe(f[i] === g[i] ? 0 : 1);
        if (d.changed) expect(d.maxAbsDelta).toBe(Math.abs(f[i] - g[i]));
        const norm = Math.sqrt(g.reduce((a, v) => a + v * v, 0));
        if (d.changed && norm > 0) expect(Math.abs(d.relL2 / (Math.abs(f[i] - g[i]) / norm) - 1)).toBeLessThan(1e-9);
      }),
    );
    expect(diffStats([1, 2], [1, Infinity]).maxAbsDelta).toBe(Infinity);
    expect(maxAbs(new Float32Array([-3, 2]))).toBe(3);
  });
});
