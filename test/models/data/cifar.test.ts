import { describe, expect, it } from 'vitest';
import { CIFAR_RECORD_BYTES, parseCifar10 } from '../../../models/data/cifar';

function record(label: number, r: number, g: number, b: number): Uint8Array {
  const rec = new Uint8Array(CIFAR_RECORD_BYTES);
  rec[0] = label;
  rec.fill(r, 1, 1025);
  rec.fill(g, 1025, 2049);
  rec.fill(b, 2049, 3073);
  return rec;
}

describe('CIFAR-10 binary batches', () => {
  it('maps planar RGB records to NHWC and concatenates batches', () => {
    const a = new Uint8Array([...record(3, 255, 0, 51), ...record(9, 0, 102, 0)]);
    const rec = record(0, 1, 2, 3);
    rec[1 + 5] = 200; // red plane, pixel 5 (row 0, col 5)
    const r = parseCifar10([{ file: 'a.bin', bytes: a }, { file: 'b.bin', bytes: rec }]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const ds = r.value;
    expect(ds.n).toBe(3);
    expect(Array.from(ds.labels)).toEqual([3, 9, 0]);
    expect(ds.classes[3]).toBe('cat');
    expect(Array.from(ds.images.subarray(0, 3)).map((v) => Math.round(v * 255))).toEqual([255, 0, 51]);
    expect(Math.round(ds.images[3072 + 3 * 100 + 1]! * 255)).toBe(102);
    expect(Math.round(ds.images[2 * 3072 + 5 * 3]! * 255)).toBe(200);
    expect(Math.round(ds.images[2 * 3072 + 4 * 3]! * 255)).toBe(1);
  });

  it('rejects truncated files and bad labels with file and offset', () => {
    const t = parseCifar10([{ file: 'short.bin', bytes: new Uint8Array(CIFAR_RECORD_BYTES + 10) }]);
    expect(!t.ok && t.reason).toMatch(/short\.bin: offset 3073: expected a whole number of 3073-byte records, found 3083 bytes \(10 trailing\)/);
    const bad = new Uint8Array([...record(1, 0, 0, 0), ...record(12, 0, 0, 0)]);
    const l = parseCifar10([{ file: 'lab.bin', bytes: bad }]);
    expect(!l.ok && l.reason).toMatch(/lab\.bin: offset 3073: expected a label byte 0\.\.9, found 12/);
    expect(parseCifar10([{ file: 'empty.bin', bytes: new Uint8Array(0) }]).ok).toBe(false);
  });
});
