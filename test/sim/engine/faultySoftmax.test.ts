/** A softmax pixel's chains in WebAssembly (sim/engine/faultySoftmax.ts) equal the JavaScript
 * chains (computeAcc) bit for bit: the faulty engine with and without WebAssembly gives the same
 * run on a network whose last layer is a softmax, for random psum, weight and input faults. */
import { describe, expect, it, vi } from 'vitest';
import { macPairs } from '../../../sim/wasm/macPairs';
import fc from 'fast-check';
import type { FaultRecord } from '../../../sim/faults/types';
import { planRun } from '../../../sim/engine/faultyPlan';
import { arrayOrderKernel, bitsOf, seeded, spec, tinyNet } from './faultyHelpers';
import { runGolden } from '../../../sim/engine/golden';
import { runFaulty } from '../../../sim/engine/faulty';
import { resolveFaults, targetBits } from '../../../sim/faults/resolve';
import type { NumericFormat } from '../../../sim/types';

const FORMATS: NumericFormat[] = [{ kind: 'fp32' }, { kind: 'fp16' }, { kind: 'int8', intBits: 3, fracBits: 4 }];

describe('softmax pixel chains in WebAssembly', () => {
  for (const [df, format] of [['ws', FORMATS[0]], ['is', FORMATS[0]], ['os', FORMATS[0]], ['ws', FORMATS[1]], ['ws', FORMATS[2]]] as const) {
    it(`equal the JavaScript chains, faults in and before the softmax layer (${df}, ${format.kind})`, () => {
      const base = tinyNet(12);
      const net = { ...base, layers: base.layers.map((l) => (l.name === 'fc' ? { ...l, activation: { kind: 'softmax' as const } } : l)) };
      const s = spec(4, 3, df, format, 4);
      const P = planRun(net, s).inferenceCycles;
      const images = seeded(2 * 72, 43);
      const g = runGolden(net, images, s, arrayOrderKernel, { useConv2d: false });
      if (!g.ok) throw new Error(g.reason);
      // chainsV calls over the fc layer's K = 27 terms come from the softmax pixel path only
      const spy = vi.spyOn(macPairs()!, 'chainsV');
      const cols = vi.spyOn(macPairs()!, 'colsV');
      const fcCalls = (): number => spy.mock.calls.filter((a) => a[0] === 27).length + cols.mock.calls.length;
      let changedOut = 0;
      let maskedOut = 0;
      fc.assert(
        fc.property(
          fc.array(fc.record({
            target: fc.constantFrom('pe.psum', 'pe.psum', 'pe.weight', 'pe.input', 'weightSram') as fc.Arbitrary<FaultRecord['target']>,
            kind: fc.constantFrom('stuckAt0', 'stuckAt1', 'seu') as fc.Arbitrary<FaultRecord['kind']>,
            row: fc.integer({ min: 0, max: 3 }), col: fc.integer({ min: 0, max: 2 }), bit: fc.integer({ min: 0, max: 31 }),
            start: fc.integer({ min: 0, max: 2 * P - 1 }), addr: fc.integer({ min: 0, max: 60 }),
          }), { minLength: 1, maxLength: 3 }),
          (rs) => {
            const records: FaultRecord[] = rs.map((r) => ({
              target: r.target, kind: r.kind, bits: [r.bit % targetBits(s, r.target)], window: { start: r.kind === 'seu' ? r.start : 0 },
              location: r.target === 'weightSram' ? { kind: 'address', address: r.addr } : { kind: 'pe', row: r.row, col: r.col },
            }) as FaultRecord);
            const c = resolveFaults(s, records, 1);
            if (!c.ok) throw new Error(c.reason);
            const wasm = runFaulty(g.value, s, c.value, { useWasm: true });
            const before = fcCalls();
            const js = runFaulty(g.value, s, c.value, { useWasm: false });
            expect(fcCalls()).toBe(before); // useWasm: false never calls the WebAssembly chains
            const last = net.layers.length - 1;
            expect(wasm.layers).toEqual(js.layers);
            for (let img = 0; img < 2; img++) {
              for (let L = 0; L <= last; L++) expect(bitsOf(wasm.output(L, img))).toEqual(bitsOf(js.output(L, img)));
              const same = bitsOf(wasm.output(last, img)).join() === bitsOf(g.value.layers[last].output.subarray(img * 4, img * 4 + 4)).join();
              if (same) maskedOut++;
              else changedOut++;
            }
          },
        ),
        { numRuns: 40, seed: 5 },
      );
      // not vacuous: some runs change the softmax output, others leave it golden (masked)
      expect(changedOut).toBeGreaterThan(0);
      expect(maskedOut).toBeGreaterThan(0);
      // the WebAssembly softmax path ran (floating formats; int8 keeps the JavaScript chains)
      if (format.kind === 'int8') expect(fcCalls()).toBe(0);
      else expect(cols.mock.calls.length).toBeGreaterThan(0);
      spy.mockRestore();
      cols.mockRestore();
    });
  }
});
