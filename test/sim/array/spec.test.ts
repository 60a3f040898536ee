import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_ARRAY_SPEC, parseArraySize, parseArraySpec, parseDataflow, parseNumericFormat } from '../../../sim/array';

const reason = (r: { ok: boolean; reason?: string }) => (r.ok ? '' : r.reason);

describe('parseArraySpec', () => {
  it('fills defaults: 16x16 ws, 64 KiB buffers, 1 bank, fp32', () => {
    const r = parseArraySpec({});
    expect(r.ok && r.value).toEqual(DEFAULT_ARRAY_SPEC);
    expect(DEFAULT_ARRAY_SPEC).toMatchObject({ rows: 16, cols: 16, dataflow: 'ws', format: { kind: 'fp32' } });
    expect(parseArraySpec(undefined).ok).toBe(true);
  });
  it('accepts a complete spec', () => {
    const r = parseArraySpec({ rows: 128, cols: 64, dataflow: 'OS', sram: { weightKiB: 512, ifmapKiB: 256, ofmapKiB: 128, banks: 4 }, format: 'int8 Q2.5' });
    expect(r.ok && r.value).toEqual({
      rows: 128, cols: 64, dataflow: 'os',
      sram: { weightKiB: 512, ifmapKiB: 256, ofmapKiB: 128, banks: 4 },
      format: { kind: 'int8', intBits: 2, fracBits: 5 },
    });
  });
  it.each([
    [{ rows: 0 }, 'rows: expected an integer in 1..256, found 0'],
    [{ rows: 300 }, 'rows: expected an integer in 1..256, found 300'],
    [{ cols: 2.5 }, 'cols: expected an integer in 1..256, found 2.5'],
    [{ cols: '8' }, 'cols: expected an integer in 1..256, found "8"'],
    [{ dataflow: 'rs' }, "dataflow: expected 'ws' | 'os' | 'is', found \"rs\""],
    [{ sram: { weightKiB: 0 } }, 'sram.weightKiB: expected a size in KiB > 0 and <= 65536, found 0'],
    [{ sram: { ifmapKiB: 1e9 } }, 'sram.ifmapKiB: expected a size in KiB > 0 and <= 65536, found 1000000000'],
    [{ sram: { banks: 0 } }, 'sram.banks: expected an integer in 1..1024, found 0'],
    [{ format: 'int8 Q4.4' }, 'format: expected intBits + fracBits = 7'],
    [{ format: 'bf16' }, "format: expected 'fp32' | 'fp16' | 'int8' | 'int8 Qm.n'"],
    [[1, 2], 'array spec: expected an object, found an array'],
  ])('rejects %j naming the field and range', (input, msg) => {
    const r = parseArraySpec(input);
    expect(r.ok).toBe(false);
    expect(reason(r)).toContain(msg);
  });
  it('any in-range rows/cols are accepted, any out-of-range rejected (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 256 }), (rows, cols) => {
        const r = parseArraySpec({ rows, cols });
        return r.ok === (rows >= 1 && rows <= 256) && (!r.ok || (r.value.rows === rows && r.value.cols === cols));
      }),
    );
  });
});

describe('parseArraySize', () => {
  it('parses RxC', () => {
    expect(parseArraySize('32x32')).toEqual({ ok: true, value: { rows: 32, cols: 32 } });
    expect(parseArraySize(' 16X8 ')).toEqual({ ok: true, value: { rows: 16, cols: 8 } });
  });
  it('rejects malformed and out-of-range sizes', () => {
    expect(reason(parseArraySize('32'))).toContain('expected RxC');
    expect(reason(parseArraySize('0x4'))).toBe('array.rows: expected an integer in 1..256, found 0');
    expect(reason(parseArraySize('4x257'))).toBe('array.cols: expected an integer in 1..256, found 257');
  });
});

describe('dataflow and format strings', () => {
  it('parses names', () => {
    expect(parseDataflow('IS')).toEqual({ ok: true, value: 'is' });
    expect(parseNumericFormat('fp16')).toEqual({ ok: true, value: { kind: 'fp16' } });
    expect(parseNumericFormat('int8')).toEqual({ ok: true, value: { kind: 'int8', intBits: 3, fracBits: 4 } });
    expect(parseNumericFormat('Q0.7')).toEqual({ ok: true, value: { kind: 'int8', intBits: 0, fracBits: 7 } });
    expect(parseNumericFormat({ kind: 'int8', intBits: 1, fracBits: 6 }).ok).toBe(true);
  });
});
