import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdxUbyte, idxToDataset, parseIdx } from '../../../models/data/idx';
import { loadIdxDataset } from '../../../models/io/datasets';

describe('IDX parser', () => {
  it('round-trips random ubyte tensors', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }).chain((dims) =>
      fc.tuple(fc.constant(dims), fc.uint8Array({ minLength: dims.reduce((a, b) => a * b, 1), maxLength: dims.reduce((a, b) => a * b, 1) }))), ([dims, data]) => {
      const r = parseIdx(encodeIdxUbyte(dims, data));
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.value.dims).toEqual(dims);
        expect(Array.from(r.value.data)).toEqual(Array.from(data));
      }
    }));
  });

  it('reads big-endian int32 and float32 payloads', () => {
    const b = new Uint8Array(4 + 4 + 8);
    const dv = new DataView(b.buffer);
    b[2] = 0x0c; b[3] = 1; dv.setUint32(4, 2); dv.setInt32(8, -5); dv.setInt32(12, 70000);
    const r = parseIdx(b);
    expect(r.ok && Array.from(r.value.data)).toEqual([-5, 70000]);
    b[2] = 0x0d; dv.setFloat32(8, 1.5); dv.setFloat32(12, -0.25);
    const f = parseIdx(b);
    expect(f.ok && Array.from(f.value.data)).toEqual([1.5, -0.25]);
  });

  it('rejects malformed files naming offset, expected and found', () => {
    const good = encodeIdxUbyte([2, 2, 2], new Uint8Array(8));
    const badMagic = good.slice(); badMagic[0] = 1;
    const m = parseIdx(badMagic, 'x.idx');
    expect(!m.ok && m.reason).toMatch(/x\.idx: offset 0: expected magic 0x00 0x00, found 0x01 0x00/);
    const badType = good.slice(); badType[2] = 0x07;
    expect(!parseIdx(badType).ok && (parseIdx(badType) as { reason: string }).reason).toMatch(/offset 2: expected a type byte.*found 0x07/);
    const t = parseIdx(good.slice(0, good.length - 1), 'short');
    expect(!t.ok && t.reason).toMatch(/short: offset 16: expected 8 data bytes for ubyte 2x2x2 \(file size 24\), found file size 23/);
    expect(parseIdx(new Uint8Array([0, 0])).ok).toBe(false);
    const huge = encodeIdxUbyte([65536, 65536, 1], new Uint8Array(0));
    expect(!parseIdx(huge).ok && (parseIdx(huge) as { reason: string }).reason).toMatch(/exceeds the limit/);
  });

  it('builds a dataset and checks label count', () => {
    const imgs = parseIdx(encodeIdxUbyte([2, 2, 2], Uint8Array.from([0, 255, 51, 102, 0, 0, 0, 255])));
    const labs = parseIdx(encodeIdxUbyte([2], Uint8Array.from([3, 1])));
    if (!imgs.ok || !labs.ok) throw new Error('parse');
    const ds = idxToDataset(imgs.value, labs.value);
    expect(ds.ok).toBe(true);
    if (!ds.ok) return;
    expect(ds.value.shape).toEqual({ h: 2, w: 2, c: 1 });
    expect(ds.value.images[1]).toBeCloseTo(1);
    expect(ds.value.images[2]).toBeCloseTo(0.2);
    expect(ds.value.classes).toEqual(['0', '1', '2', '3']);
    const wrong = parseIdx(encodeIdxUbyte([3], new Uint8Array(3)));
    if (!wrong.ok) throw new Error('parse');
    const bad = idxToDataset(imgs.value, wrong.value);
    expect(!bad.ok && bad.reason).toMatch(/expected 2 labels .* found 3/);
  });

  it('loads plain and gzipped files from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-idx-'));
    writeFileSync(join(dir, 'img.gz'), gzipSync(encodeIdxUbyte([3, 2, 2], Uint8Array.from({ length: 12 }, (_, i) => i * 20))));
    writeFileSync(join(dir, 'lab'), encodeIdxUbyte([3], Uint8Array.from([0, 1, 2])));
    const ds = loadIdxDataset(join(dir, 'img.gz'), join(dir, 'lab'));
    expect(ds.ok && ds.value.n).toBe(3);
    expect(ds.ok && Array.from(ds.value.labels)).toEqual([0, 1, 2]);
    const missing = loadIdxDataset(join(dir, 'nope'), join(dir, 'lab'));
    expect(!missing.ok && missing.reason).toMatch(/nope: cannot read file \(ENOENT\)/);
    writeFileSync(join(dir, 'bad.gz'), Uint8Array.from([0x1f, 0x8b, 1, 2, 3]));
    const bg = loadIdxDataset(join(dir, 'bad.gz'), join(dir, 'lab'));
    expect(!bg.ok && bg.reason).toMatch(/invalid gzip/);
  });
});
