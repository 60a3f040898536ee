import { describe, expect, it } from 'vitest';
import { resolveFaults } from '../../../sim/faults/resolve';
import { affects, applyOp, opOf } from '../../../sim/faults/ops';
import { spec } from '../engine/faultyHelpers';

describe('fault ops and the interval rule', () => {
  it('seu/mbu flip, stuck-at forces', () => {
    expect(applyOp(0b1010, opOf('seu', 0b0110))).toBe(0b1100);
    expect(applyOp(0b1010, opOf('stuckAt0', 0b0010))).toBe(0b1000);
    expect(applyOp(0b1010, opOf('stuckAt1', 0b0101))).toBe(0b1111);
    expect(applyOp(0xffffffff, opOf('stuckAt0', 0x80000000))).toBe(0x7fffffff);
  });
  it('a value written at w and read at r is hit iff start <= r and w < end', () => {
    const seu = { start: 10, end: 11 };
    expect(affects(seu, 5, 10)).toBe(true); // flip before the read
    expect(affects(seu, 10, 12)).toBe(true); // write, then the flip, same cycle
    expect(affects(seu, 11, 12)).toBe(false); // rewritten after the flip
    expect(affects(seu, 0, 9)).toBe(false); // read before the flip
    const stuck = { start: 10, end: 20 };
    expect(affects(stuck, 0, 30)).toBe(true); // forced during the window, value stays until rewritten
    expect(affects(stuck, 20, 30)).toBe(false);
  });
});

describe('resolveFaults', () => {
  const s = spec(4, 3, 'ws', { kind: 'fp16' }, 1); // 512 words of 16 bits per SRAM
  it('expands clusters of words and PEs', () => {
    const r = resolveFaults(s, [
      { target: 'ifmapSram', kind: 'mbu', location: { kind: 'address', address: 10 }, bits: [3, 4], window: { start: 5 }, cluster: { rows: 1, cols: 3 } },
      { target: 'pe.psum', kind: 'stuckAt1', location: { kind: 'pe', row: 2, col: 1 }, bits: [31], window: { start: 0, end: 9 }, cluster: { rows: 2, cols: 2 } },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.slice(0, 3).map((f) => f.address)).toEqual([10, 11, 12]);
    expect(r.value.slice(3).map((f) => [f.row, f.col])).toEqual([[2, 1], [2, 2], [3, 1], [3, 2]]);
    expect(r.value[0].end).toBe(6);
    expect(r.value[3].end).toBe(9);
  });
  it('rejects locations and bits outside the array with a reason naming the field', () => {
    const bad = [
      [{ target: 'weightSram', kind: 'seu', location: { kind: 'address', address: 512 }, bits: [0], window: { start: 0 } }, 'location.address'],
      [{ target: 'pe.input', kind: 'seu', location: { kind: 'pe', row: 4, col: 0 }, bits: [0], window: { start: 0 } }, 'location.row'],
      [{ target: 'pe.weight', kind: 'seu', location: { kind: 'pe', row: 0, col: 0 }, bits: [16], window: { start: 0 } }, 'bits'],
      [{ target: 'pe.psum', kind: 'stuckAt0', location: { kind: 'pe', row: 0, col: 2 }, bits: [1], window: { start: 0 }, cluster: { rows: 1, cols: 2 } }, 'location.col'],
      [{ target: 'ofmapSram', kind: 'seu', location: { kind: 'pe', row: 0, col: 0 }, bits: [1], window: { start: 0 } }, 'location'],
      [{ target: 'pe.psum', kind: 'stuckAt0', location: { kind: 'pe', row: 0, col: 0 }, bits: [1], window: { start: 5, end: 5 } }, 'window.end'],
    ] as const;
    for (const [rec, field] of bad) {
      const r = resolveFaults(s, [rec as never]);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.path).toBe(`faults[0].${field}`);
    }
  });
  it('draws random locations and bits inside the array, reproducibly', () => {
    const recs = Array.from({ length: 20 }, () => ({ target: 'pe.weight' as const, kind: 'seu' as const, location: { kind: 'random' as const }, bits: [], window: { start: 3 }, cluster: { rows: 2, cols: 2 } }));
    const a = resolveFaults(s, recs, 77);
    const b = resolveFaults(s, recs, 77);
    expect(a).toEqual(b);
    if (!a.ok) throw new Error(a.reason);
    for (const f of a.value) {
      expect(f.row).toBeLessThan(4);
      expect(f.col).toBeLessThan(3);
      expect(f.bits[0]).toBeLessThan(16);
    }
  });
});

describe('limits of one run', () => {
  it('refuses more than MAX_RUN_FAULTS concrete faults before expanding them, naming the limit', async () => {
    const { MAX_RUN_FAULTS, resolveFaults: resolve } = await import('../../../sim/faults/resolve');
    const s = { rows: 16, cols: 16, dataflow: 'ws' as const, format: { kind: 'fp32' as const }, sram: { weightKiB: 64, ifmapKiB: 64, ofmapKiB: 64, banks: 1 } };
    const one = { target: 'pe.psum' as const, kind: 'seu' as const, bits: [3], location: { kind: 'random' as const }, window: { start: 0 }, cluster: { rows: 16, cols: 16 } };
    const n = Math.floor(MAX_RUN_FAULTS / 256) + 1;
    const r = resolve(s, Array.from({ length: n }, () => one));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(`at most ${MAX_RUN_FAULTS} concrete faults`);
    expect(resolve(s, Array.from({ length: 3 }, () => one)).ok).toBe(true);
  });
  it('a BER draw whose expected count exceeds the limit is refused before allocating', async () => {
    const { drawTooLarge, drawBitPositions } = await import('../../../sim/faults/campaign');
    const { makeRng: mk } = await import('../../../sim/faults/resolve');
    const bits = 65536 * 8192; // a 64 MiB SRAM
    expect(drawTooLarge(bits, { kind: 'ber', ber: 0.5, definition: 'perBit' })).toMatch(/expected at most 1000000/);
    expect(() => drawBitPositions(mk(1), bits, { kind: 'ber', ber: 0.5, definition: 'perBit' })).toThrow(RangeError);
    expect(drawTooLarge(bits, { kind: 'ber', ber: 1e-6, definition: 'perBit' })).toBeNull();
    expect(drawBitPositions(mk(1), bits, { kind: 'ber', ber: 1e-6, definition: 'perBit' }).length).toBeGreaterThan(0);
  });
});
