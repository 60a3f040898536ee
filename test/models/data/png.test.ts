import { describe, expect, it } from 'vitest';
import { encode } from 'fast-png';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePngPixels, pngsToDataset } from '../../../models/data/png';
import { loadPngFolder } from '../../../models/io/datasets';

const gray = (w: number, h: number, v: number): Uint8Array => encode({ width: w, height: h, data: new Uint8Array(w * h).fill(v), channels: 1, depth: 8 });
const rgb = (w: number, h: number, px: [number, number, number]): Uint8Array =>
  encode({ width: w, height: h, data: Uint8Array.from({ length: w * h * 3 }, (_, i) => px[i % 3]!), channels: 3, depth: 8 });

describe('PNG folder importer', () => {
  it('decodes gray and RGB with channel conversion', () => {
    const g = decodePngPixels('g.png', gray(2, 3, 255));
    expect(g.ok && [g.value.h, g.value.w, g.value.c]).toEqual([3, 2, 1]);
    expect(g.ok && g.value.px[0]).toBeCloseTo(1);
    const c = decodePngPixels('c.png', rgb(1, 1, [255, 0, 0]), 1);
    expect(c.ok && c.value.px[0]).toBeCloseTo(0.299, 3);
    const g3 = decodePngPixels('g.png', gray(1, 1, 51), 3);
    expect(g3.ok && Array.from(g3.value.px)).toEqual([0.2, 0.2, 0.2].map((v) => Math.fround(v)));
    const a16 = encode({ width: 1, height: 1, data: Uint16Array.from([65535, 0]), channels: 2, depth: 16 });
    const d16 = decodePngPixels('a.png', a16);
    expect(d16.ok && d16.value.px[0]).toBeCloseTo(1);
  });

  it('loads a folder per class with sorted class names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-png-'));
    for (const [cls, v] of [['cat', 10], ['ant', 200]] as const) {
      mkdirSync(join(dir, cls));
      writeFileSync(join(dir, cls, 'a.png'), gray(4, 4, v));
      writeFileSync(join(dir, cls, 'b.png'), gray(4, 4, v));
    }
    writeFileSync(join(dir, 'cat', 'notes.txt'), 'ignored');
    const r = loadPngFolder(dir);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.classes).toEqual(['ant', 'cat']);
    expect(r.value.n).toBe(4);
    expect(Array.from(r.value.labels)).toEqual([0, 0, 1, 1]);
    expect(r.value.images[0]).toBeCloseTo(200 / 255);
    expect(r.value.shape).toEqual({ h: 4, w: 4, c: 1 });
  });

  it('reports size mismatches, corrupt files and empty folders', () => {
    const mixed = pngsToDataset([
      { file: 'x/a.png', className: 'x', bytes: gray(4, 4, 0) },
      { file: 'x/b.png', className: 'x', bytes: gray(5, 4, 0) },
    ]);
    expect(!mixed.ok && mixed.reason).toMatch(/x\/b\.png: expected 4x4 like x\/a\.png, found 5x4/);
    const junk = pngsToDataset([{ file: 'y/bad.png', className: 'y', bytes: Uint8Array.from([1, 2, 3, 4]) }]);
    expect(!junk.ok && junk.reason).toMatch(/y\/bad\.png: not a valid PNG/);
    const empty = loadPngFolder(mkdtempSync(join(tmpdir(), 'fl-png-empty-')));
    expect(!empty.ok && empty.reason).toMatch(/expected one sub-folder per class, found none/);
  });
});
