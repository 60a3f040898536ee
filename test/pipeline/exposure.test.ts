/**
 * The static weight-SRAM corruption of weightSram BER points (pipeline/exposure.ts: corrupt the
 * stored weights, then a full inference) is the cycle model of the same flips: with the weights
 * resident in the weight SRAM (written once at cycle 0, never rewritten), the faulty engine given
 * one SEU / stuck-at record per flipped word at cycle 0 returns the same bits in every layer.
 */
import { describe, expect, it } from 'vitest';
import { applyPatch, exposeWeightSram, writePatch } from '../../pipeline/exposure';
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

describe('the pipeline runs the corrupted network from its first changed layer on', () => {
  it('fitact weight-SRAM BER: outputs equal a full inference of the corrupted network, every layer', async () => {
    const { runPipeline } = await import('../../pipeline/run');
    const rn = await runNetwork('lenet5', 'fitact');
    if (!rn.ok) throw new Error(rn.reason);
    const spec = parseArraySpec({ rows: 16, cols: 16, dataflow: 'ws', format: { kind: 'fp32' } });
    const input = inputBatch('lenet5', rn.value.net, 0, 5);
    const k = await kernelFor('js');
    if (!spec.ok || !input.ok || !k.ok) throw new Error('setup');
    let upToSeen = false;
    for (const seed of [1, 2, 3, 4]) {
      const r = await runPipeline({ model: 'lenet5', protection: 'fitact', format: { kind: 'fp32' }, array: { rows: 16, cols: 16, dataflow: 'ws' }, kernel: 'js',
        faults: { kind: 'ber', target: 'weightSram', ber: 2e-5, definition: 'per-bit', faultKind: 'seu', seed }, images: { start: 0, count: 5 } });
      if (!r.ok) throw new Error(r.reason);
      const e = exposeWeightSram(rn.value.net, () => uniformFormats(spec.value.format), 2e-5, 'per-bit', 'seu', seed, { ecc: false });
      const full = runGolden(e.network, input.value.batch, spec.value, k.value);
      if (!full.ok) throw new Error(full.reason);
      if (e.network.layers[0] === rn.value.net.layers[0]) upToSeen = true; // conv1 untouched: reused
      full.value.layers.forEach((fl, L) => {
        const size = fl.output.length / 5;
        for (let img = 0; img < 5; img++) expect(bits(r.value.faulty.output1(L, img)), `seed ${seed} ${fl.name}`).toEqual(bits(fl.output.subarray(img * size, (img + 1) * size)));
      });
      expect(Array.from(r.value.faulty.predictions)).toEqual(Array.from(full.value.predictions));
    }
    expect(upToSeen).toBe(true);
  }, 120_000);
});

describe('patch writes keep bits (NaN payloads included)', () => {
  it('applyPatch and writePatch store the patch values\' bit patterns, a signalling NaN unquieted', () => {
    const golden = Float32Array.from([1, 2, 3, 4]);
    const values = new Float32Array(2);
    const vb = new Int32Array(values.buffer);
    vb[0] = 0x7f800001; // signalling NaN: a copy through a JS number gives 0x7fc00001 on x86
    vb[1] = 0x40a00000; // 5
    const p = { words: Int32Array.from([1, 3]), values };
    const out = new Int32Array(applyPatch(golden, p).buffer);
    expect(Array.from(out)).toEqual([0x3f800000, 0x7f800001, 0x40400000, 0x40a00000]);
    expect(Array.from(golden)).toEqual([1, 2, 3, 4]); // applyPatch copies
    const inPlace = golden.slice();
    writePatch(inPlace, p);
    expect(Array.from(new Int32Array(inPlace.buffer))).toEqual(Array.from(out));
  });
});
