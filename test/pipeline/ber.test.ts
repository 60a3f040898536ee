/**
 * Common random numbers: at one seed every protection sees the same faults in the same weight bits
 * (pipeline/exposure.ts) and buffer bits (pipeline/ber.ts); its own stored parameters (bounds,
 * SEC-DED check bits) get draws of their own on top, which never move the shared ones.
 */
import { describe, expect, it } from 'vitest';
import { exposeWeightSram } from '../../pipeline/exposure';
import { berRecords } from '../../pipeline/ber';
import { runNetwork } from '../../pipeline/network';
import { uniformFormats } from '../../sim/format/accumulator';
import { encode } from '../../sim/format/format';
import { parseArraySpec } from '../../sim/array/spec';
import type { Network } from '../../sim/layers/types';
import type { ArraySpec, NumericFormat } from '../../sim/types';

/** (layer, word, xor of the stored bits) of every weight word that differs from `base`. */
function weightHits(base: Network, hit: Network, f: NumericFormat): string[] {
  const out: string[] = [];
  base.layers.forEach((l, i) => {
    if (l.kind !== 'conv2d' && l.kind !== 'dense') return;
    const h = hit.layers[i] as typeof l;
    for (let k = 0; k < l.weights.length; k++) {
      const x = (encode(f, l.weights[k]!) ^ encode(f, h.weights[k]!)) >>> 0;
      if (x !== 0) out.push(`${i}:${k}:${x}`);
    }
  });
  return out;
}

const fp32: NumericFormat = { kind: 'fp32' };
const storage = () => uniformFormats(fp32);

describe('paired fault draws across protections', () => {
  it('relu, fitact and proact+saf get the same weight flips; fitact bounds are hit on top', async () => {
    const nets = await Promise.all(['relu', 'fitact', 'proact+saf'].map((p) => runNetwork('lenet5', p)));
    for (const n of nets) if (!n.ok) throw new Error(n.reason);
    const [relu, fitact, psaf] = nets.map((n) => (n.ok ? n.value.net : null!));
    for (const seed of [1, 2, 3]) {
      const a = exposeWeightSram(relu, storage, 1e-4, 'per-bit', 'seu', seed, { ecc: false });
      const b = exposeWeightSram(fitact, storage, 1e-4, 'per-bit', 'seu', seed, { ecc: false });
      const c = exposeWeightSram(psaf, storage, 1e-4, 'per-bit', 'seu', seed, { ecc: false });
      const ha = weightHits(relu, a.network, fp32);
      expect(ha.length).toBeGreaterThan(0);
      expect(weightHits(fitact, b.network, fp32)).toEqual(ha);
      expect(weightHits(psaf, c.network, fp32)).toEqual(ha);
      expect(a.boundFaults).toBe(0);
      expect(b.faults - b.boundFaults).toBe(a.faults);
    }
    // a different seed moves the faults
    const d = exposeWeightSram(relu, storage, 1e-4, 'per-bit', 'seu', 4, { ecc: false });
    expect(weightHits(relu, d.network, fp32)).not.toEqual(weightHits(relu, exposeWeightSram(relu, storage, 1e-4, 'per-bit', 'seu', 1, { ecc: false }).network, fp32));
  });

  it('ECC keeps the data flips, adds check-bit flips, corrects single errors and flags double ones', async () => {
    const r = await runNetwork('lenet5', 'relu');
    if (!r.ok) throw new Error(r.reason);
    const net = r.value.net;
    const plain = exposeWeightSram(net, storage, 1e-3, 'per-bit', 'seu', 9, { ecc: false });
    const ecc = exposeWeightSram(net, storage, 1e-3, 'per-bit', 'seu', 9, { ecc: true });
    const raw = weightHits(net, plain.network, fp32);
    const left = weightHits(net, ecc.network, fp32);
    expect(ecc.faults).toBeGreaterThan(plain.faults); // check bits are stored bits too
    expect(ecc.corrected).toBeGreaterThan(0);
    // what ECC leaves wrong is a subset of the words the shared draw hit, plus none elsewhere
    const rawWords = new Set(raw.map((s) => s.split(':').slice(0, 2).join(':')));
    for (const s of left) expect(rawWords.has(s.split(':').slice(0, 2).join(':'))).toBe(true);
    expect(left.length).toBeLessThan(raw.length);
    // at a high BER double errors appear and are detected (a DUE), never silently zeroed
    const hi = exposeWeightSram(net, storage, 2e-2, 'per-bit', 'seu', 9, { ecc: true });
    expect(hi.detected).toBeGreaterThan(0);
  });

  it('buffer BER records: data bits equal with and without ECC; check bits k..k+r drawn apart', () => {
    const s = parseArraySpec({ rows: 8, cols: 8, dataflow: 'ws', format: fp32, sram: { weightKiB: 4, ifmapKiB: 4, ofmapKiB: 4, banks: 1 } });
    if (!s.ok) throw new Error(s.reason);
    const plainSpec: ArraySpec = s.value;
    const eccSpec: ArraySpec = { ...s.value, ecc: { weightSram: true, ifmapSram: true, ofmapSram: true } };
    const a = berRecords(plainSpec, 'ifmapSram', 1e-3, 'per-bit', 'seu', 5000, 77);
    const b = berRecords(eccSpec, 'ifmapSram', 1e-3, 'per-bit', 'seu', 5000, 77);
    expect(a.length).toBeGreaterThan(0);
    expect(b.filter((r) => r.bits[0]! < 32)).toEqual(a);
    const check = b.filter((r) => r.bits[0]! >= 32);
    expect(check.length).toBeGreaterThan(0);
    for (const r of check) expect(r.bits[0]!).toBeLessThan(39);
  });
});
