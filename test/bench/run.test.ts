import { describe, expect, it } from 'vitest';
import { median } from '../../bench/measure';
import { renderResults } from '../../bench/run';
import { cycleRows } from '../../bench/sections/cycles';
import { meetsTarget } from '../../bench/types';

describe('bench plumbing', () => {
  it('median and targets', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(meetsTarget(49, undefined, { kind: 'max', value: 50 })).toBe(true);
    expect(meetsTarget(1, 2.1, { kind: 'ratioMax', value: 2 })).toBe(false);
    expect(meetsTarget(1, undefined, undefined)).toBeUndefined();
  });
  it('renders rows, ratios and errors side by side', () => {
    const text = renderResults([
      { name: 'S1', file: 'a.ts', seconds: 0, rows: [{ name: 'x', value: 12.5, unit: 'ms', baseline: { name: 'tfjs', value: 10 }, ratio: 1.25, target: { kind: 'ratioMax', value: 2 }, pass: true }] },
      { name: 'S2', file: 'b.ts', seconds: 0, rows: [], error: 'boom' },
    ]);
    const lines = text.split('\n');
    expect(lines[2]).toMatch(/^S1\s+x\s+12\.50 ms\s+tfjs: 10\.00 ms\s+1\.25\s+ratio <= 2\s+yes/);
    expect(lines[3]).toMatch(/^S2\s+ERROR.*boom$/);
  });
});

describe('bench section (a): cycle model', () => {
  it('times ResNet-50 and AlexNet on 128x128 for each dataflow', async () => {
    const rows = await cycleRows(['resnet50', 'alexnet'], 3);
    expect(rows.map((r) => r.name)).toEqual([
      'resnet50 128x128 ws', 'resnet50 128x128 os', 'resnet50 128x128 is',
      'alexnet 128x128 ws', 'alexnet 128x128 os', 'alexnet 128x128 is',
    ]);
    for (const r of rows) {
      expect(r.value).toBeGreaterThan(0);
      expect(r.pass).toBe(r.value <= 50);
      expect(Number(r.extra?.cycles)).toBeGreaterThan(0);
    }
  });
});
