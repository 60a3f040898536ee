import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeRun, formatRun } from '../../../cli/commands/run';
import { isOutcomeCounts } from '../../../campaign/outcomes';

describe('faultline run: outcome classes', () => {
  it('a stuck psum MSB: every image classified, changed top-1s are SDC or DUE, untouched images masked', async () => {
    const o = await executeRun({ model: 'lenet5', scenario: 'scenarios/examples/psum-msb-stuck-at-1.json', images: '4' });
    const c = o.outcomes;
    expect(isOutcomeCounts(c)).toBe(true);
    expect(c.images).toBe(4);
    const changed = o.goldenPredictions.filter((g, i) => g !== o.faultyPredictions[i]).length;
    expect(c.sdc + c.due).toBeGreaterThanOrEqual(changed);
    expect(c.masked).toBeGreaterThanOrEqual(4 - o.faulty.touchedImages.length);
    expect(c.masked).toBeLessThan(4); // the stuck bit reaches the output of every image
    expect(formatRun(o)).toMatch(/outcomes of 4 image\(s\), 95% Wilson intervals: masked \d+/);
  }, 120_000);

  it('a scenario without faults: every image masked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-run-'));
    const file = join(dir, 'none.json');
    writeFileSync(file, JSON.stringify({ name: 'none', description: 'no faults', version: 1, machine: { id: 'n', initial: 'a', states: { a: {} } } }));
    const o = await executeRun({ model: 'lenet5', scenario: file, images: '2' });
    expect(o.outcomes).toEqual({ images: 2, masked: 2, tolerable: 0, sdc: 0, criticalSdc: 0, due: 0 });
  }, 60_000);
});
