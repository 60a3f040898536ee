/**
 * pipeline/outcome.ts staticOutcome: per-layer deltas of a full inference of a corrupted network
 * equal diffStats (sim/engine/tensors.ts) of each layer, special values (NaN, infinities, -0)
 * included, and lastDiff names each image's last changed layer.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { staticOutcome } from '../../pipeline/outcome';
import { diffStats } from '../../sim/engine/tensors';
import type { GoldenRun } from '../../sim/engine/golden';

const SPECIAL = [Number.NaN, Infinity, -Infinity, -0, 0, 1e38, -1e-40, 3.5];

/** A fake golden run of `outs` (one layer per array, n images each). */
const runOf = (outs: Float32Array[], n: number): GoldenRun => ({
  n, output: outs[outs.length - 1]!, predictions: new Int32Array(n),
  layers: outs.map((output, i) => ({ name: `l${i}`, output })),
} as unknown as GoldenRun);

describe('staticOutcome', () => {
  it('per-layer deltas equal diffStats, with special values; lastDiff is the last changed layer', () => {
    const value = fc.oneof(fc.float({ noDefaultInfinity: false, noNaN: false }), fc.constantFrom(...SPECIAL));
    fc.assert(fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.array(fc.tuple(value, value, fc.boolean()), { minLength: 12, maxLength: 12 * 8 }),
      (n, L, cells) => {
        const size = Math.floor(cells.length / (n * L));
        if (size === 0) return;
        const g: Float32Array[] = [], f: Float32Array[] = [];
        for (let l = 0; l < L; l++) {
          const slice = cells.slice(l * n * size, (l + 1) * n * size);
          g.push(Float32Array.from(slice, (c) => c[0]));
          f.push(Float32Array.from(slice, (c) => (c[2] ? c[0] : c[1])));
        }
        const o = staticOutcome(runOf(g, n), runOf(f, n), new Uint8Array(n));
        for (let l = 0; l < L; l++) {
          const d = diffStats(g[l]!, f[l]!);
          expect(o.layers[l]!.corrupted).toBe(d.changed);
          expect(o.layers[l]!.maxAbsDelta).toBe(d.maxAbsDelta);
          expect(o.layers[l]!.relL2).toBe(d.relL2);
        }
        for (let i = 0; i < n; i++) {
          let last = -1;
          for (let l = 0; l < L; l++) if (diffStats(g[l]!.subarray(i * size, (i + 1) * size), f[l]!.subarray(i * size, (i + 1) * size)).changed > 0) last = l;
          expect(o.lastDiff[i]).toBe(last);
        }
      }), { numRuns: 300 });
  });

  it('counts a layer where most words changed (the BER 1e-5 case) and skips equal bits', () => {
    const g = Float32Array.from({ length: 4096 }, (_, i) => Math.sin(i));
    const f = g.map((v, i) => (i % 7 === 0 ? v : v + 1e-3));
    const o = staticOutcome(runOf([g, g], 1), runOf([f, g], 1), new Uint8Array(1));
    expect(o.layers[0]!.corrupted).toBe(diffStats(g, f).changed);
    expect(o.layers[0]!.corrupted).toBeGreaterThan(3000);
    expect(o.layers[1]!.corrupted).toBe(0);
    expect(o.lastDiff[0]).toBe(0);
  });
});
