/** Ranged psum-register touches (sim/engine/faultyPsumTouches.ts) and the column segments of
 * LayerMods (sim/engine/faultyLayerMods.ts): the fast path of a permanent psum fault. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { registerTouches, type Touch } from '../../../sim/dataflow/schedule';
import { planRun } from '../../../sim/engine/faultyPlan';
import { psumRangeTouches } from '../../../sim/engine/faultyPsumTouches';
import { LayerMods, orderOf } from '../../../sim/engine/faultyMods';
import type { Mod } from '../../../sim/engine/faultyCompute';
import { resolveFaults } from '../../../sim/faults/resolve';
import type { ConcreteFault } from '../../../sim/faults/ops';
import type { FaultRecord } from '../../../sim/faults/types';
import { convNet, layerBits, runBoth, seeded, spec, tinyNet } from './faultyHelpers';

/** One touch per output pixel, cycle + q for the q-th (what registerTouches gives for a psum). */
function expand(ts: readonly Touch[]): Touch[] {
  const out: Touch[] = [];
  for (const t of ts) {
    const c = t.count ?? 1;
    for (let q = 0; q < c; q++) out.push({ m: t.axis === 'n' ? t.m : t.m + q, n: t.axis === 'n' ? t.n + q : t.n, k: t.k, operand: t.operand, cycle: t.cycle + q });
  }
  return out;
}

const concrete = (s: ReturnType<typeof spec>, r: FaultRecord): ConcreteFault => {
  const c = resolveFaults(s, [r], 1);
  if (!c.ok) throw new Error(c.reason);
  return c.value[0];
};

describe('psumRangeTouches', () => {
  for (const df of ['ws', 'is'] as const) {
    it(`equals registerTouches pixel for pixel, every fold, window and PE (${df})`, () => {
      const net = tinyNet(2);
      const s = spec(4, 3, df);
      const plan = planRun(net, s);
      let ranged = 0;
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.constantFrom('stuckAt0', 'stuckAt1', 'seu') as fc.Arbitrary<FaultRecord['kind']>,
          fc.integer({ min: 0, max: plan.inferenceCycles - 1 }), fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 })),
          (row, col, kind, start, len) => {
            const f = concrete(s, { target: 'pe.psum', kind, location: { kind: 'pe', row, col }, bits: [30], window: { start, end: len === 0 ? undefined : start + len } });
            for (const run of plan.layers) {
              for (const fold of run.folds) {
                const foldAbs = run.start + fold.startCycle;
                const mine = psumRangeTouches(run, fold, foldAbs, f, []);
                ranged += mine.filter((t) => (t.count ?? 1) > 1).length;
                expect(expand(mine)).toEqual(registerTouches(run, fold, foldAbs, f, []));
              }
            }
          },
        ),
        { numRuns: 60, seed: 3 },
      );
      expect(ranged).toBeGreaterThan(0); // not vacuous: ranges were formed
    });
  }
});

describe('LayerMods with ranged psum mods', () => {
  it('get() and the column segments equal per-pixel mods, orders growing along the range', () => {
    const net = convNet(6, 6, 2, 3, 3);
    const s = spec(4, 3, 'ws');
    const plan = planRun(net, s);
    const run = plan.layers[0];
    const { M, N } = { M: 16, N: 3 };
    // a permanent stuck-at and a flip on two PEs of column 1 whose psums meet at one step (rows
    // past the last used one), and a stuck-at that starts within a fold (covers part of the pixels)
    const faults = [
      concrete(s, { target: 'pe.psum', kind: 'stuckAt1', location: { kind: 'pe', row: 3, col: 1 }, bits: [30], window: { start: 0 } }),
      concrete(s, { target: 'pe.psum', kind: 'seu', location: { kind: 'pe', row: 2, col: 1 }, bits: [29], window: { start: 0, end: run.cycles } }),
      concrete(s, { target: 'pe.psum', kind: 'stuckAt0', location: { kind: 'pe', row: 0, col: 2 }, bits: [31], window: { start: run.folds[1].startCycle + 9 } }),
    ];
    const perPixel = new LayerMods(N, M);
    const ranged = new LayerMods(N, M);
    for (const f of faults) {
      for (const fold of run.folds) {
        const foldAbs = run.start + fold.startCycle;
        for (const t of registerTouches(run, fold, foldAbs, f, [])) perPixel.add(t, { k: t.k, operand: t.operand, op: f.op, order: orderOf(f, t.cycle) });
        for (const t of psumRangeTouches(run, fold, foldAbs, f, [])) {
          const mod: Mod = { k: t.k, operand: t.operand, op: f.op, order: orderOf(f, t.cycle) };
          ranged.add(t, mod, (t.count ?? 1) > 1 && f.op.kind !== 'xor' ? 1 : 0);
        }
      }
    }
    const strip = (ms: readonly Mod[] | null) => ms?.map((md) => [md.k, md.operand, md.op.kind, md.op.mask]) ?? null;
    expect(Array.from(ranged.keyList())).toEqual(Array.from(perPixel.keyList()));
    for (let idx = 0; idx < M * N; idx++) expect(strip(ranged.get(idx))).toEqual(strip(perPixel.get(idx)));
    const plan2 = ranged.columnPlan();
    const seen: number[] = [...plan2.rest];
    for (const seg of plan2.segments) {
      for (const m of seg.ms) {
        seen.push(m * N + seg.n);
        expect(strip(seg.mods)).toEqual(strip(perPixel.get(m * N + seg.n)));
      }
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from(perPixel.keyList()));
    expect(plan2.segments.length).toBeGreaterThan(0);
  });
});

describe('faulty engine with a permanent psum stuck-at (ranged path)', () => {
  for (const df of ['ws', 'is'] as const) {
    it(`differs from golden where the stuck bit matters, equals it where masked, equals the reference (${df})`, () => {
      const net = tinyNet(4);
      const s = spec(4, 3, df);
      const images = seeded(2 * 72, 11, 3);
      // bit 30 (exponent MSB) stuck at 1: psums of magnitude >= 2 already have it (masked in the
      // array), smaller ones blow up; the conv's ReLU masks some negative ones
      const c = runBoth(net, s, images, [{ target: 'pe.psum', kind: 'stuckAt1', location: { kind: 'pe', row: 1, col: 2 }, bits: [30], window: { start: 0 } }]);
      const conv = c.engine.layers[0];
      expect(conv.corrupted).toBeGreaterThan(0);
      expect(conv.maskedInArray + conv.maskedByActivation).toBeGreaterThan(0);
      for (let L = 0; L < net.layers.length; L++) {
        for (let img = 0; img < 2; img++) {
          const b = layerBits(c, L, img);
          expect(b.engine).toEqual(b.reference);
          if (L === 0) {
            // only output channels of PE column 2 (every column fold) can differ
            const diff = b.engine.map((v, i) => (v !== b.golden[i] ? i % 3 : -1)).filter((n) => n >= 0);
            expect(new Set(diff)).toEqual(new Set(df === 'ws' ? [2] : diff));
          }
        }
      }
    });
  }
});

describe('LayerMods.keyList', () => {
  it('column ranges only, with singles, with row ranges: every output with a mod, ascending', () => {
    const mod: Mod = { k: 0, operand: 'acc', op: { kind: 'or', mask: 1 }, order: 0 };
    const touchArb = fc.record({ m: fc.integer({ min: 0, max: 9 }), n: fc.integer({ min: 0, max: 5 }), count: fc.integer({ min: 1, max: 6 }), axis: fc.constantFrom<'m' | 'n'>('m', 'n') });
    fc.assert(
      fc.property(fc.array(touchArb, { minLength: 1, maxLength: 8 }), fc.boolean(), (ts, columnsOnly) => {
        const M = 16;
        const N = 12;
        const lm = new LayerMods(N, M);
        const want = new Set<number>();
        for (const t of ts) {
          const axis = columnsOnly ? 'm' : t.axis;
          const count = columnsOnly ? Math.max(2, t.count) : t.count;
          lm.add({ m: t.m, n: t.n, k: 0, operand: 'acc', cycle: 0, count, axis }, mod);
          for (let q = 0; q < count; q++) want.add(axis === 'm' ? (t.m + q) * N + t.n : t.m * N + t.n + q);
        }
        expect(Array.from(lm.keyList())).toEqual([...want].sort((a, b) => a - b));
      }),
      { numRuns: 200, seed: 9 },
    );
  });
});
