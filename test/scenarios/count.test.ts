/**
 * "N SEUs at random PEs" as one action: injectFault with `count` N. The N faults land on N distinct
 * units drawn from the scenario seed (scenarios/resolve.ts: the location stream xoroshiro128plus(seed),
 * in declaration order), so the same file and seed give the same PEs wherever it runs; counts the
 * array cannot hold, or that are not whole numbers, are refused with the JSON path of `count`.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARRAY_SPEC } from '../../sim/array/spec';
import type { ArraySpec } from '../../sim/types';
import type { FaultRecord } from '../../sim/faults/types';
import { MAX_RUN_FAULTS } from '../../sim/faults/resolve';
import { runScenario } from '../../scenarios/driver';
import { validateScenario } from '../../scenarios/validate';
import { act, makeTimeline, text } from './helpers';

const SPEC: ArraySpec = { ...DEFAULT_ARRAY_SPEC, rows: 8, cols: 8 };
const nseu = (count: unknown, over: Record<string, unknown> = {}) =>
  act('injectFault', { id: 'hit', target: 'pe.weight', kind: 'seu', location: { kind: 'random' }, bits: [30], count, ...over });
const machine = (entry: unknown[]) => ({ id: 'm', initial: 'idle', states: { idle: { after: { 100: 'burst' } }, burst: { entry } } });

/** Validates and runs the scenario text; returns its schedule. */
function schedule(t: string, spec: ArraySpec = SPEC, seed?: number): readonly FaultRecord[] {
  const v = validateScenario(t, spec);
  if (!v.ok) throw new Error(v.reason);
  const r = runScenario(v.value.file, spec, makeTimeline(2), seed === undefined ? {} : { seed });
  if (!r.ok) throw new Error(r.reason);
  return r.value.schedule;
}
const pes = (s: readonly FaultRecord[]): string[] => s.map((f) => (f.location.kind === 'pe' ? `${f.location.row},${f.location.col}` : 'not a PE'));

describe('injectFault count: N faults at N distinct random units', () => {
  it('declares N SEUs at distinct PEs, ids hit.0..hit.N-1, all starting at the action cycle', () => {
    const s = schedule(text(machine([nseu(12)]), { seed: 7 }));
    expect(s).toHaveLength(12);
    expect(s.map((f) => f.id)).toEqual(Array.from({ length: 12 }, (_, k) => `hit.${k}`));
    expect(new Set(pes(s)).size).toBe(12);
    for (const f of s) {
      expect(f).toMatchObject({ target: 'pe.weight', kind: 'seu', bits: [30], window: { start: 100 } });
      if (f.location.kind !== 'pe') throw new Error('expected a PE');
      expect(f.location.row).toBeLessThan(SPEC.rows);
      expect(f.location.col).toBeLessThan(SPEC.cols);
    }
  });

  it('same file and seed -> same PEs; another seed -> other PEs; the run seed overrides the file seed', () => {
    const t = text(machine([nseu(5)]), { seed: 3 });
    const a = pes(schedule(t));
    expect(pes(schedule(t))).toEqual(a);
    expect(pes(schedule(t, SPEC, 3))).toEqual(a);
    expect(pes(schedule(t, SPEC, 4))).not.toEqual(a);
  });

  it('count 1 draws exactly what a single random injection draws (same stream, same order)', () => {
    const one = schedule(text(machine([nseu(1)]), { seed: 9 }));
    const plain = schedule(text(machine([act('injectFault', { id: 'hit', target: 'pe.weight', kind: 'seu', location: { kind: 'random' }, bits: [30] })]), { seed: 9 }));
    expect(one).toEqual(plain);
    // and the first of N is that same PE (N draws continue the stream, redrawing repeats)
    expect(pes(schedule(text(machine([nseu(6)]), { seed: 9 })))[0]).toBe(pes(plain)[0]);
  });

  it('every PE of the array when count = rows x cols', () => {
    const s = schedule(text(machine([nseu(64)])));
    expect(new Set(pes(s)).size).toBe(64);
  });

  it('works for SRAM words too (distinct addresses), and repair of the id ends all N', () => {
    const t = text({
      id: 'm', initial: 'idle',
      states: {
        idle: { after: { 100: 'burst' } },
        burst: { entry: [nseu(20, { target: 'weightSram', bits: [3] })], after: { 50: 'fixed' } },
        fixed: { entry: [act('repair', { id: 'hit' })] },
      },
    });
    const s = schedule(t);
    expect(s).toHaveLength(20);
    const addr = s.map((f) => (f.location.kind === 'address' ? f.location.address : -1));
    expect(new Set(addr).size).toBe(20);
    expect(s.every((f) => f.window.start === 100 && f.window.end === 150)).toBe(true);
  });
});

describe('injectFault count: refused values name the field', () => {
  const errs = (t: string, spec: ArraySpec = SPEC) => {
    const r = validateScenario(t, spec, { file: 'n.json' });
    if (r.ok) throw new Error('expected a refusal');
    return r;
  };
  const at = 'machine.states.burst.entry[0].params';
  for (const bad of [0, -4, 3.5, '5']) {
    it(`count ${JSON.stringify(bad)}`, () => {
      const r = errs(text(machine([nseu(bad)])));
      expect(r.errors.map((e) => e.path)).toEqual([`${at}.count`]);
    });
  }
  it('more than the PEs of the array (8x8 = 64): expected 1..64, found 65', () => {
    const r = errs(text(machine([nseu(65)])));
    expect(r.errors.map((e) => e.path)).toEqual([`${at}.count`]);
    expect(r.reason).toContain('more faults than PEs in the 8x8 array');
    expect(r.reason).toContain('expected 1..64, found 65');
  });
  it(`more than the run's fault limit (${MAX_RUN_FAULTS})`, () => {
    const r = errs(text(machine([nseu(MAX_RUN_FAULTS + 1, { target: 'weightSram', bits: [3] })])));
    expect(r.errors[0]!.path).toBe(`${at}.count`);
  });
  it('count > 1 needs a random location and no cluster', () => {
    const fixed = errs(text(machine([nseu(3, { location: { kind: 'pe', row: 1, col: 1 } })])));
    expect(fixed.errors.map((e) => e.path)).toEqual([`${at}.location.kind`]);
    expect(fixed.reason).toContain('3 faults at once need random locations');
    const cl = errs(text(machine([nseu(3, { cluster: { rows: 2, cols: 2 } })])));
    expect(cl.errors.map((e) => e.path)).toEqual([`${at}.cluster`]);
  });
  it('a count the 8x8 array refuses fits a 16x16 one', () => {
    expect(validateScenario(text(machine([nseu(65)])), { ...SPEC, rows: 16, cols: 16 }).ok).toBe(true);
  });
});
