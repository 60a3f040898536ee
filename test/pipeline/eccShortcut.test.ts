/**
 * The static weight-SRAM BER shortcut (pipeline/exposure.ts, draws from pipeline/ber.ts streams)
 * equals the cycle engine bit for bit under SEC-DED (spec.ecc) when the weight SRAM holds all
 * weights: the same flips, given to the engine as one SEU record per hit word at its resident
 * address from cycle 0 (data bits at 0..k-1, check bits at k..k+r), give the same output bits in
 * every layer, the same predictions and the same DUE flag per image. Single-bit words are
 * corrected, double-bit words are DUEs (read as stored), check-bit hits count; fp32 and int8.
 *
 * The records are rebuilt here from the documented draw order (exposure.ts module doc): per
 * conv/dense layer in network order, the data stream draws over layer words x k bits, then the
 * check stream over layer words x (r + 1) bits.
 */
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/run';
import { streamRng } from '../../pipeline/ber';
import { drawFlips } from '../../sim/faults/campaign';
import { wordBits } from '../../sim/format/format';
import { wordCodec } from '../../sim/memory/ecc';
import { addressOf, memoryLayout } from '../../sim/memory/layout';
import type { FaultRecord } from '../../sim/faults/types';
import type { NumericFormat } from '../../sim/types';
import type { PipelineOutcome, RunDeclaration } from '../../pipeline/types';

const N = 4;
const bitsOf = (x: Float32Array): number[] => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));
const decl = (format: NumericFormat, faults: RunDeclaration['faults']): RunDeclaration => ({
  model: 'lenet5', protection: 'ecc', format, faults, images: { start: 0, count: N },
  // 512 KiB of weight SRAM: every LeNet-5 weight resident, written once at cycle 0
  array: { rows: 16, cols: 16, dataflow: 'ws', sram: { weightKiB: 512, ifmapKiB: 64, ofmapKiB: 64, banks: 1 } },
});

/** The shortcut's flips as engine records, and how many words hold 1 / >= 2 flipped bits and check-bit hits. */
function recordsOf(o: PipelineOutcome, ber: number, seed: number) {
  const k = wordBits(o.spec.format);
  const r = wordCodec(k).code.r + 1;
  const data = streamRng(seed, 'data');
  const check = streamRng(seed, 'check');
  const layout = memoryLayout(o.spec, o.network, o.plan);
  expect(layout.weightsResident).toBe(true);
  const records: FaultRecord[] = [];
  let single = 0, multi = 0, checkHits = 0;
  o.network.layers.forEach((l, L) => {
    if (l.kind !== 'conv2d' && l.kind !== 'dense') return;
    const words = new Map<number, number[]>();
    const add = (w: number, b: number): void => { const x = words.get(w); if (x) x.push(b); else words.set(w, [b]); };
    for (const p of drawFlips(data, l.weights.length * k, ber, 'per-bit')) add(Math.floor(p / k), p % k);
    for (const p of drawFlips(check, l.weights.length * r, ber, 'per-bit')) { add(Math.floor(p / r), k + (p % r)); checkHits++; }
    for (const [w, bits] of words) {
      if (bits.length === 1) single++; else multi++;
      records.push({ target: 'weightSram', kind: 'seu', bits: [...bits].sort((a, b) => a - b), location: { kind: 'address', address: addressOf(layout, 'weightSram', L, w) }, window: { start: 0 } });
    }
  });
  return { records, single, multi, checkHits };
}

async function compare(format: NumericFormat, ber: number, seed: number) {
  const stat = await runPipeline(decl(format, { kind: 'ber', target: 'weightSram', ber, definition: 'per-bit', faultKind: 'seu', seed }));
  if (!stat.ok) throw new Error(stat.reason);
  expect(stat.value.spec.ecc?.weightSram).toBe(true);
  const { records, single, multi, checkHits } = recordsOf(stat.value, ber, seed);
  expect(records.reduce((s, f) => s + f.bits.length, 0)).toBe(stat.value.faultCount); // same draws as the shortcut
  const eng = await runPipeline(decl(format, { kind: 'faults', records, seed }));
  if (!eng.ok) throw new Error(eng.reason);
  expect(eng.value.faulty.engine).not.toBeNull();
  expect(stat.value.faulty.engine).toBeNull();
  for (let L = 0; L < stat.value.golden.layers.length; L++) {
    for (let img = 0; img < N; img++) {
      expect(bitsOf(eng.value.faulty.output1(L, img)), `${stat.value.golden.layers[L]!.name} image ${img}`).toEqual(bitsOf(stat.value.faulty.output1(L, img)));
    }
  }
  expect(Array.from(eng.value.faulty.predictions)).toEqual(Array.from(stat.value.faulty.predictions));
  expect(Array.from(eng.value.faulty.due)).toEqual(Array.from(stat.value.faulty.due));
  return { stat: stat.value, eng: eng.value, single, multi, checkHits };
}

describe('ECC weight-SRAM BER shortcut = cycle engine (resident weights)', () => {
  for (const format of [{ kind: 'fp32' }, { kind: 'int8', intBits: 3, fracBits: 4 }] as NumericFormat[]) {
    it(`${format.kind}: single-bit words corrected (outputs golden, no DUE)`, async () => {
      // ~1e-5 per bit: tens of flips, every hit word holds one flipped bit
      const c = await compare(format, 1e-5, 3);
      expect(c.single).toBeGreaterThan(0);
      expect(c.multi).toBe(0);
      expect(Array.from(c.stat.faulty.due)).toEqual(new Array(N).fill(0));
      expect(c.stat.faulty.layers.every((l) => l.corrupted === 0)).toBe(true);
    }, 300_000);

    it(`${format.kind}: double-bit words are DUEs in every image, identical per image; check bits are hit`, async () => {
      const c = await compare(format, format.kind === 'fp32' ? 1e-3 : 2e-3, 5);
      expect(c.multi).toBeGreaterThan(0);
      expect(c.checkHits).toBeGreaterThan(0);
      expect(Array.from(c.eng.faulty.due)).toEqual(new Array(N).fill(1));
      // a DUE word is read as stored (data bits with their flips): outputs change, in both models alike
      expect(c.stat.faulty.layers.some((l) => l.corrupted > 0)).toBe(true);
    }, 300_000);
  }
});
