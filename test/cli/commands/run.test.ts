import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeRun, formatRun } from '../../../cli/commands/run';
import { CliError } from '../../../cli/errors';
import { EXAMPLES_DIR } from '../../../scenarios/io/catalog';

const ex = (id: string) => join(EXAMPLES_DIR, `${id}.json`);

describe('faultline run', () => {
  it('a stuck-at-1 psum MSB corrupts the first layer and every later layer (lenet5, 2 images)', async () => {
    const o = await executeRun({ model: 'lenet5', scenario: ex('psum-msb-stuck-at-1'), images: '2' });
    expect(o.scenario.schedule).toHaveLength(1);
    expect(o.faulty.faults).toHaveLength(1);
    expect(o.faulty.layers[0].corrupted).toBeGreaterThan(0);
    // Bit 30 of an fp32 accumulator set: deltas of the order of 2^127.
    expect(o.faulty.layers[0].maxAbsDelta).toBeGreaterThan(1e30);
    const text = formatRun(o);
    expect(text).toContain('conv1');
    expect(text).toMatch(/predictions \(golden vs faulty\): \d of 2 changed/);
    expect(o.goldenPredictions).toHaveLength(2);
  }, 60_000);

  it('a scenario without faults leaves every layer clean and the predictions unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-run-'));
    const file = join(dir, 'none.json');
    writeFileSync(file, JSON.stringify({ name: 'none', description: 'no faults', version: 1, machine: { id: 'n', initial: 'a', states: { a: {} } } }));
    const o = await executeRun({ model: 'lenet5', scenario: file, images: '2' });
    expect(o.faulty.layers.every((l) => l.corrupted === 0 && l.maxAbsDelta === 0)).toBe(true);
    expect(o.faultyPredictions).toEqual(o.goldenPredictions);
  }, 60_000);

  it('the dead column appears at inference 1: image 0 is untouched', async () => {
    const o = await executeRun({ model: 'lenet5', scenario: ex('dead-pe-column'), images: '2' });
    expect(o.scenario.trace.map((t) => t.state)).toEqual(['healthy', 'dead']);
    expect(o.faulty.faults).toHaveLength(16);
    expect(o.faulty.touchedImages).not.toContain(0);
  }, 60_000);

  it('--kernel tfjs-wasm runs (no "wasmDir" error) and gives the js kernel\'s results; --protection fitact runs the bounded network', async () => {
    const a = await executeRun({ model: 'lenet5', scenario: ex('psum-msb-stuck-at-1'), images: '3', kernel: 'tfjs-wasm', protection: 'fitact' });
    const b = await executeRun({ model: 'lenet5', scenario: ex('psum-msb-stuck-at-1'), images: '3', kernel: 'js', protection: 'fitact' });
    expect(a.kernel).toBe('tfjs-wasm');
    expect(b.kernel).toBe('js');
    expect(a.protection).toBe('fitact');
    expect(a.faulty.layers[0].corrupted).toBeGreaterThan(0);
    expect(a.faulty.layers).toEqual(b.faulty.layers);
    expect(a.faultyPredictions).toEqual(b.faultyPredictions);
    for (let L = 0; L < a.faulty.layers.length; L++) expect(a.faulty.output(L, 0)).toEqual(b.faulty.output(L, 0));
    expect(formatRun(a)).toContain('lenet5 + fitact');
  }, 60_000);

  it('bad input ends in a CliError naming the option or the scenario path', async () => {
    await expect(executeRun({ model: 'lenet5', scenario: ex('aging'), kernel: 'cuda' })).rejects.toThrow(/--kernel: expected one of js \| tfjs-wasm \| gpujs, found "cuda"/);
    await expect(executeRun({ model: 'lenet5', scenario: ex('aging'), protection: 'nope' })).rejects.toThrow(/--protection/);
    await expect(executeRun({ model: 'nope', scenario: ex('aging') })).rejects.toThrow(/--model: expected one of/);
    await expect(executeRun({ model: 'lenet5' })).rejects.toThrow(CliError);
    await expect(executeRun({ model: 'lenet5', scenario: ex('aging'), images: '0' })).rejects.toThrow(/--images/);
    await expect(executeRun({ model: 'lenet5', scenario: ex('aging'), array: '300x4' })).rejects.toThrow(/rows/);
    await expect(executeRun({ model: 'lenet5', scenario: ex('dead-pe-column'), array: '4x4' })).rejects.toThrow(/dead-pe-column\.json.*requires\.cols/s);
  }, 60_000);
});
