/**
 * The static weight-SRAM corruption of weightSram BER points (pipeline/exposure.ts: corrupt the
 * stored weights, then a full inference) is the cycle model of the same flips: with the weights
 * resident in the weight SRAM (written once at cycle 0, never rewritten), the faulty engine given
 * one SEU / stuck-at record per flipped word at cycle 0 returns the same bits in every layer.
 */
import { describe, expect, it } from 'vitest';
import { exposeWeightSram } from '../../pipeline/exposure';
import { runNetwork } from '../../pipeline/network';
import { inputBatch } from '../../pipeline/inputs';
import { kernelFor } from '../../pipeline/kernels';
import { uniformFormats } from '../../sim/format/accumulator';
import { encode } from '../../sim/format/format';
import { parseArraySpec } from '../../sim/array/spec';
import { runGolden } from '../../sim/engine/golden';
import { runFaulty } from '../../sim/engine/faulty';
import { planRun } from '../../sim/engine/faultyPlan';
import { addressOf, memoryLayout } from '../../sim/memory/layout';
import { resolveFaults } from '../../sim/faults/resolve';
import type { FaultKind, FaultRecord } from '../../sim/faults/types';

const bits = (x: Float32Array): number[] => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

describe('static weight-SRAM corruption = the engine model of the same flips (resident weights)', () => {
  for (const [protection, kind] of [['relu', 'seu'], ['fitact', 'seu'], ['saf', 'stuckAt1']] as const) {
    it(`${protection}, ${kind}`, async () => {
      const rn = await runNetwork('lenet5', protection);
      if (!rn.ok) throw new Error(rn.reason);
      const net = rn.value.net;
      const spec = parseArraySpec({ rows: 16, cols: 16, dataflow: 'ws', format: { kind: 'fp32' }, sram: { weightKiB: 512, ifmapKiB: 64, ofmapKiB: 64, banks: 1 } });
      if (!spec.ok) throw new Error(spec.reason);
      const fmt = spec.value.format;
      const n = 6;
      const input = inputBatch('lenet5', net, 0, n);
      const k = await kernelFor('tfjs-wasm');
      if (!input.ok || !k.ok) throw new Error('inputs / kernel');
      const golden = runGolden(net, input.value.batch, spec.value, k.value);
      if (!golden.ok) throw new Error(golden.reason);
      const e = exposeWeightSram(net, () => uniformFormats(fmt), 1e-4, 'per-bit', kind as FaultKind, 11, { ecc: false, bounds: false });
      const stat = runGolden(e.network, input.value.batch, spec.value, k.value);
      if (!stat.ok) throw new Error(stat.reason);
      // the same flips as engine records: one per changed word, at the word's resident address, from cycle 0
      const plan = planRun(net, spec.value);
      const layout = memoryLayout(spec.value, net, plan);
      expect(layout.weightsResident).toBe(true);
      const records: FaultRecord[] = [];
      net.layers.forEach((l, L) => {
        if (l.kind !== 'conv2d' && l.kind !== 'dense') return;
        const c = e.network.layers[L] as typeof l;
        for (let i = 0; i < l.weights.length; i++) {
          const a = encode(fmt, l.weights[i]!) >>> 0, b = encode(fmt, c.weights[i]!) >>> 0;
          if (a === b) continue;
          const flipped: number[] = [];
          for (let bit = 0; bit < 32; bit++) if (((a ^ b) >>> bit) & 1) flipped.push(bit);
          records.push({ target: 'weightSram', kind: kind as FaultKind, bits: flipped, location: { kind: 'address', address: addressOf(layout, 'weightSram', L, i) }, window: { start: 0 } });
        }
      });
      expect(records.length).toBeGreaterThan(0);
      const concrete = resolveFaults(spec.value, records, 0);
      if (!concrete.ok) throw new Error(concrete.reason);
      const fr = runFaulty(golden.value, spec.value, concrete.value, { kernel: k.value });
      let differs = 0;
      golden.value.layers.forEach((gl, L) => {
        const size = gl.output.length / n;
        for (let img = 0; img < n; img++) {
          const s = stat.value.layers[L]!.output.subarray(img * size, (img + 1) * size);
          expect(bits(fr.output(L, img)), `${gl.name} image ${img}`).toEqual(bits(s));
          if (bits(s).some((v, j) => v !== bits(gl.output.subarray(img * size, (img + 1) * size))[j])) differs++;
        }
      });
      expect(differs).toBeGreaterThan(0); // the flips reached outputs: the equality is not trivial
    }, 120_000);
  }
});
