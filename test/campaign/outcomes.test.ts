import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { classifyOutcomes, isOutcomeCounts, outcomeRates, worstOutcome, addOutcomes, NO_OUTCOMES } from '../../campaign/outcomes';

// 4 images x 3 classes; golden top-1 = 0, 1, 2, 0
const golden = Float32Array.from([5, 1, 0, 0, 4, 1, 1, 2, 3, 9, 0, 0]);

describe('outcome classes', () => {
  it('masked, tolerable, sdc, critical sdc and ECC due are told apart', () => {
    const faulty = golden.slice();
    faulty[1] = 1.5; // image 0: value changed, top-1 kept -> tolerable
    faulty[3] = 9; // image 1: top-1 1 -> 0 -> sdc (critical: class 0)
    // image 2 untouched -> masked; image 3 flagged by ECC -> due even though its output is golden
    const c = classifyOutcomes({ golden, faulty, n: 4, outSize: 3, due: Uint8Array.from([0, 0, 0, 1]), critical: [0] });
    expect(c).toEqual({ images: 4, masked: 1, tolerable: 1, sdc: 1, criticalSdc: 1, due: 1 });
    expect(isOutcomeCounts(c)).toBe(true);
  });

  it('critical only when the golden or faulty class is in the set', () => {
    const faulty = golden.slice();
    faulty[6] = 10; // image 2: top-1 2 -> 0
    faulty[4] = 0; faulty[5] = 7; // image 1: top-1 1 -> 2
    const c = classifyOutcomes({ golden, faulty, n: 4, outSize: 3, critical: [0] });
    expect(c.sdc).toBe(2);
    expect(c.criticalSdc).toBe(1);
  });

  it('non-finite outputs: DUE under the "output" rule, by top-1 under "never"', () => {
    const faulty = golden.slice();
    faulty[2] = NaN; // image 0 keeps top-1 0 (NaN never wins argmax)
    faulty[3] = Infinity; // image 1: top-1 -> 0
    const trap = classifyOutcomes({ golden, faulty, n: 4, outSize: 3 });
    expect(trap).toMatchObject({ due: 2, sdc: 0, tolerable: 0, masked: 2 });
    const plain = classifyOutcomes({ golden, faulty, n: 4, outSize: 3, rule: { nonFinite: 'never' } });
    expect(plain).toMatchObject({ due: 0, sdc: 1, tolerable: 1, masked: 2 });
  });

  it('a NaN that golden also holds is not a change (masked)', () => {
    const g = Float32Array.from([NaN, 1]);
    expect(classifyOutcomes({ golden: g, faulty: g.slice(), n: 1, outSize: 2 }).masked).toBe(1);
  });

  it('classes always partition the images (property)', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.float(), fc.float(), fc.float(), fc.boolean()), { minLength: 1, maxLength: 20 }), (rows) => {
      const n = rows.length;
      const g = new Float32Array(n * 3).fill(0.5);
      const f = new Float32Array(n * 3);
      rows.forEach((r, i) => f.set([r[0], r[1], r[2]], i * 3));
      const c = classifyOutcomes({ golden: g, faulty: f, n, outSize: 3, due: rows.map((r) => (r[3] ? 1 : 0)), critical: [1] });
      expect(isOutcomeCounts(c)).toBe(true);
      expect(c.due).toBeGreaterThanOrEqual(rows.filter((r) => r[3]).length);
    }));
  });

  it('run-level outcome is the most severe image class', () => {
    const base = { ...NO_OUTCOMES, images: 3, masked: 3 };
    expect(worstOutcome(base)).toBe('masked');
    expect(worstOutcome({ ...base, masked: 2, tolerable: 1 })).toBe('tolerable');
    expect(worstOutcome({ ...base, masked: 1, tolerable: 1, sdc: 1 })).toBe('sdc');
    expect(worstOutcome({ ...base, masked: 1, sdc: 1, due: 1 })).toBe('due');
    expect(addOutcomes(base, base).masked).toBe(6);
  });

  it('rates carry Wilson intervals that behave at 0 and 1', () => {
    const r = outcomeRates({ images: 50, masked: 50, tolerable: 0, sdc: 0, criticalSdc: 0, due: 0 });
    expect(r.sdc).toMatchObject({ mean: 0, lo: 0 });
    expect(r.sdc.hi).toBeGreaterThan(0.05);
    expect(r.sdc.hi).toBeLessThan(0.08);
    expect(r.masked).toMatchObject({ mean: 1, hi: 1 });
    expect(r.masked.lo).toBeCloseTo(1 - r.sdc.hi, 12);
  });
});
