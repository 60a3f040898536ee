/** Per-element clip bounds (length h*w*c, NHWC of one image): golden == reference forward, and the
 * faulty engine reads each output's own bound (masking a corrupted value above it). */
import { describe, expect, it } from 'vitest';
import type { Dataflow } from '../../../sim/types';
import type { FaultRecord } from '../../../sim/faults/types';
import type { Conv2dLayer, Network } from '../../../sim/layers/types';
import { runGolden } from '../../../sim/engine/golden';
import { createJsKernel } from '../../../sim/kernels';
import { referenceForward } from '../../../sim/layers';
import { convNet, layerBits, runBoth, seeded, spec, tinyNet } from './faultyHelpers';

const seu = (address: number): FaultRecord => ({ target: 'weightSram', kind: 'seu', location: { kind: 'address', address }, bits: [30], window: { start: 0 } });

/** `net` with array layer `i`'s activation replaced by clip with `bound`. */
function withClip(net: Network, i: number, bound: Float32Array): Network {
  return { ...net, layers: net.layers.map((l, j) => (j === i ? { ...(l as Conv2dLayer), activation: { kind: 'clip' as const, bound } } : l)) };
}

describe('per-element clip bounds', () => {
  it('golden run equals the reference forward and differs from per-channel bounds', () => {
    const base = tinyNet(3, 'relu');
    const images = seeded(3 * 6 * 6 * 2, 21);
    const g0 = runGolden(base, images, spec(4, 3, 'ws'), createJsKernel());
    if (!g0.ok) throw new Error(g0.reason);
    // per element: half of each element's relu output (0 stays 0), so every position gets its own bound
    const perImage = 6 * 6 * 3;
    const bound = new Float32Array(perImage);
    for (let e = 0; e < perImage; e++) bound[e] = Math.max(1e-3, 0.5 * g0.value.layers[0].output[e]);
    const net = withClip(base, 0, bound);
    const g = runGolden(net, images, spec(4, 3, 'ws'), createJsKernel());
    if (!g.ok) throw new Error(g.reason);
    const ref = referenceForward(net, images, 3);
    if (!ref.ok) throw new Error(ref.reason);
    for (let L = 0; L < net.layers.length; L++) {
      const a = g.value.layers[L].output, r = ref.value.outputs[L];
      expect(a.length).toBe(r.length);
      // same function up to fp32 summation order (the reference convolves directly)
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - r[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(r[i])));
    }
    // image 0 is clipped to its own bound element by element (relu outputs above the bound)
    const out0 = g.value.layers[0].output;
    let clipped = 0;
    for (let e = 0; e < perImage; e++) {
      const r = g0.value.layers[0].output[e];
      expect(out0[e]).toBe(Math.min(r, Math.fround(bound[e])));
      if (r > bound[e]) clipped++;
    }
    expect(clipped).toBeGreaterThan(perImage / 4);
  });

  it('rejects a bound array that is neither per channel nor per element', () => {
    const bad = withClip(tinyNet(3, 'relu'), 0, new Float32Array(6 * 6 * 3 - 1));
    const g = runGolden(bad, seeded(6 * 6 * 2, 1), spec(4, 3, 'ws'), createJsKernel());
    expect(g.ok).toBe(false);
    if (!g.ok) expect(g.reason).toMatch(/3 per-channel bounds or 108 per-element bounds \(6x6x3\), found 107/);
  });

  for (const df of ['ws', 'os', 'is'] as Dataflow[]) {
    it(`${df}: a flipped weight is masked by activation on the output whose own bound is 0`, () => {
      // conv 4x4x2 -> 2x2x3 (M = 4 rows, N = 3 channels), K = 18; weight (k, n) flipped (bit 30)
      const lin = convNet(4, 4, 2, 3, 3);
      const N = 3, M = 4;
      const images = seeded(4 * 4 * 2, 9);
      const changed = (x: { engine: number[]; golden: number[] }, e: number) => x.engine[e] !== x.golden[e];
      // relu twin (per-channel bounds that never clip): find a weight whose flip changes >= 2 outputs
      let hit: { k: number; n: number; rows: number[]; masked: number } | null = null;
      for (let a = 0; a < 18 * N && !hit; a++) {
        const n = a % N;
        const twin = runBoth(withClip(lin, 0, new Float32Array(N).fill(1e30)), spec(4, 3, df), images, [seu(a)]);
        const tb = layerBits(twin, 0, 0);
        expect(tb.engine).toEqual(tb.reference);
        const rows = [0, 1, 2, 3].filter((m) => changed(tb, m * N + n));
        if (rows.length >= 2) hit = { k: Math.floor(a / N), n, rows, masked: twin.engine.layers[0].maskedByActivation };
      }
      expect(hit).not.toBeNull();
      const { k, n, rows, masked } = hit!;
      // per element: only output (rows[0], n) gets bound 0 (always stores 0); the rest never clip
      const bound = new Float32Array(M * N).fill(1e30);
      bound[rows[0] * N + n] = 0;
      const c = runBoth(withClip(lin, 0, bound), spec(4, 3, df), images, [seu(k * N + n)]);
      const b = layerBits(c, 0, 0);
      expect(b.engine).toEqual(b.reference);
      expect(changed(b, rows[0] * N + n)).toBe(false);
      for (const m of rows.slice(1)) expect(changed(b, m * N + n)).toBe(true);
      expect(c.engine.layers[0].maskedByActivation).toBe(masked + 1);
      expect(c.engine.layers[0].masker).toBe('clip');
    });
  }
});
