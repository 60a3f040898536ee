import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromCallback } from 'xstate';
import { DEFAULT_ARRAY_SPEC } from '../../sim/array/spec';
import { CycleClock } from '../../scenarios/clock';
import { runScenario } from '../../scenarios/driver';
import type { ScenarioInput } from '../../scenarios/machine';
import { parseScenario } from '../../scenarios/validate';
import type { ScenarioFile } from '../../scenarios/schema';
import { act, doc, makeTimeline } from './helpers';

const SPEC = DEFAULT_ARRAY_SPEC;
function file(machine: unknown, extra: Record<string, unknown> = {}): ScenarioFile {
  const r = parseScenario(JSON.stringify(doc(machine, extra)));
  if (!r.ok) throw new Error(r.reason);
  return r.value.file;
}
function run(f: ScenarioFile, timeline = makeTimeline(3), opts = {}) {
  const r = runScenario(f, SPEC, timeline, opts);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

describe('CycleClock', () => {
  it('fires chained timers at their exact cycles when advanced in one jump', () => {
    const clock = new CycleClock();
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 100);
    }, 100);
    clock.advanceTo(10_000);
    expect(fired).toEqual([100, 200]);
    expect(clock.now()).toBe(10_000);
  });

  it('orders equal cycles by priority then scheduling order; cleared timers never fire', () => {
    const clock = new CycleClock();
    const log: string[] = [];
    clock.setTimeout(() => log.push('after-a'), 50);
    clock.schedule(() => log.push('sim'), 50, 0);
    const x = clock.setTimeout(() => log.push('cleared'), 50);
    clock.setTimeout(() => log.push('after-b'), 50);
    clock.clearTimeout(x);
    clock.advanceTo(50);
    expect(log).toEqual(['sim', 'after-a', 'after-b']);
  });

  it('fires any set of timers in non-decreasing cycle order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 60 }), (delays) => {
        const clock = new CycleClock();
        const seen: number[] = [];
        delays.forEach((d) => clock.setTimeout(() => seen.push(clock.now()), d));
        clock.advanceTo(1000);
        expect(seen).toEqual([...delays].sort((a, b) => a - b));
      }),
    );
  });
});

describe('runScenario', () => {
  // Timeline: 3 inferences x 3 layers x 1000 cycles; inference i starts at 3000*i.
  const burst = file({
    id: 'b',
    initial: 'idle',
    states: {
      idle: { on: { LAYER_START: { target: 'hot', guard: { type: 'layerIs', params: { name: 'conv2' } } } } },
      hot: {
        entry: [
          act('injectFault', { id: 'x', target: 'weightSram', kind: 'seu', location: { kind: 'random' }, bits: [30] }),
          act('addStuckAt', { id: 'sa', target: 'weightSram', location: { kind: 'address', address: 9 }, bit: 1, value: 1 }),
        ],
        after: { 250: 'cooled' },
      },
      cooled: { entry: [act('scrub', { target: 'weightSram' })], on: { INFERENCE_END: 'idle' } },
    },
  });

  it('windows follow the simulated clock: layer start + after delay, scrub ends only transients', () => {
    const r = run(burst);
    expect(r.trace).toEqual([
      { cycle: 0, state: 'idle' },
      { cycle: 1000, state: 'hot' },
      { cycle: 1250, state: 'cooled' },
      { cycle: 3000, state: 'idle' },
      { cycle: 4000, state: 'hot' },
      { cycle: 4250, state: 'cooled' },
      { cycle: 6000, state: 'idle' },
      { cycle: 7000, state: 'hot' },
      { cycle: 7250, state: 'cooled' },
      { cycle: 9000, state: 'idle' },
    ]);
    const seus = r.schedule.filter((f) => f.kind === 'seu');
    expect(seus.map((f) => f.window)).toEqual([
      { start: 1000, end: 1250 },
      { start: 4000, end: 4250 },
      { start: 7000, end: 7250 },
    ]);
    expect(seus.map((f) => f.id)).toEqual(['x', 'x#2', 'x#3']);
    const stuck = r.schedule.filter((f) => f.kind === 'stuckAt1');
    expect(stuck.map((f) => f.window)).toEqual([{ start: 1000 }, { start: 4000 }, { start: 7000 }]);
    for (const f of seus) {
      expect(f.location.kind).toBe('address');
      if (f.location.kind === 'address') expect(f.location.address).toBeLessThan(16384);
    }
  });

  it('same seed = same schedule; another seed moves the random faults only', () => {
    const a = run(burst, makeTimeline(3), { seed: 11 });
    const b = run(burst, makeTimeline(3), { seed: 11 });
    const c = run(burst, makeTimeline(3), { seed: 12 });
    expect(b).toEqual(a);
    expect(c.schedule.filter((f) => f.kind === 'stuckAt1')).toEqual(a.schedule.filter((f) => f.kind === 'stuckAt1'));
    expect(c.schedule.filter((f) => f.kind === 'seu').map((f) => f.location)).not.toEqual(a.schedule.filter((f) => f.kind === 'seu').map((f) => f.location));
  });

  it('rate process (count model): exactly floor(bits * ber) flips per epoch, one epoch per inference', () => {
    const f = file({ id: 'r', initial: 'on', states: { on: { entry: [act('setRate', { target: 'ofmapSram', ber: 1e-4, model: 'count' })] } } });
    const r = run(f, makeTimeline(4));
    const perEpoch = new Map<number, number>();
    for (const x of r.schedule) perEpoch.set(x.window.start, (perEpoch.get(x.window.start) ?? 0) + 1);
    // 64 KiB fp32 = 524288 bits; floor(524288 * 1e-4) = 52.
    expect([...perEpoch.entries()]).toEqual([[0, 52], [3000, 52], [6000, 52], [9000, 52]]);
    // Each epoch ends where the next inference starts; the last runs on.
    expect(r.schedule.filter((x) => x.window.start === 3000).every((x) => x.window.end === 6000)).toBe(true);
    expect(r.schedule.filter((x) => x.window.start === 9000).every((x) => x.window.end === undefined)).toBe(true);
    const keys = r.schedule.filter((x) => x.window.start === 0).map((x) => JSON.stringify([x.location, x.bits]));
    expect(new Set(keys).size).toBe(52);
  });

  it('rate process (per-bit model): mean flips per epoch near bits * ber', () => {
    const f = file({ id: 'r', initial: 'on', states: { on: { entry: [act('setRate', { target: 'weightSram', ber: 2e-4, model: 'per-bit' })] } } });
    const r = run(f, makeTimeline(20));
    // 20 epochs x 524288 bits x 2e-4 = 2097.2 expected; binomial sd ~ 45.8: allow 5 sd.
    expect(Math.abs(r.schedule.length - 2097.2)).toBeLessThan(5 * 45.8);
    for (const x of r.schedule) expect(x.bits[0]).toBeLessThan(32);
  });

  it('repair ends a permanent fault; clearAll ends everything', () => {
    const f = file({
      id: 'p',
      initial: 'a',
      states: {
        a: { entry: [act('addStuckAt', { id: 'pe', target: 'pe.input', location: { kind: 'pe', row: 1, col: 2 }, bit: 31, value: 0 })], after: { 500: 'b' } },
        b: { entry: [act('repair', { id: 'pe' }), act('setRate', { target: 'pe.psum', ber: 1e-3, model: 'count' })], after: { 700: 'c' } },
        c: { entry: ['clearAll'] },
      },
    });
    const r = run(f);
    expect(r.schedule[0]).toMatchObject({ id: 'pe', kind: 'stuckAt0', window: { start: 0, end: 500 } });
    // 256 psum registers x 32 bits x 1e-3 -> 8 flips in [500, 1200).
    const flips = r.schedule.filter((x) => x.target === 'pe.psum');
    expect(flips).toHaveLength(8);
    expect(flips.every((x) => x.window.start === 500 && x.window.end === 1200)).toBe(true);
  });

  it('the simulator is an invoked actor: a provided fake drives the machine', () => {
    const fake = fromCallback<never, ScenarioInput>(({ input, sendBack }) => {
      input.clock.schedule(() => sendBack({ type: 'LAYER_START', cycle: 42, inference: 0, layer: 1, layerName: 'conv2' } as never), 42, 0);
    });
    const r = run(burst, [], { simulator: fake, endCycle: 1000 });
    expect(r.trace).toEqual([
      { cycle: 0, state: 'idle' },
      { cycle: 42, state: 'hot' },
      { cycle: 292, state: 'cooled' },
    ]);
  });

  it('a runaway machine ends in a failure, not a hang', () => {
    const f = file({ id: 'loop', initial: 'a', states: { a: { after: { 1: { target: 'a', reenter: true } } } } });
    const r = runScenario(f, SPEC, makeTimeline(1), { maxFires: 1000 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('runaway');
  });

  it('rejects a timeline that goes back in time', () => {
    const tl = makeTimeline(1);
    const late = tl.find((e) => e.cycle > 0)!;
    const r = runScenario(burst, SPEC, [late, tl[0]]);
    expect(r.ok).toBe(false);
  });

  it('random locations always fit the array, with their cluster (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('weightSram', 'ifmapSram', 'pe.weight', 'pe.psum'),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (target, ch, cw, seed) => {
          const sram = target.endsWith('Sram');
          const cluster = { rows: sram ? 1 : ch, cols: cw };
          const f = file({ id: 'r', initial: 'a', states: { a: { entry: [act('injectFault', { target, kind: 'mbu', location: { kind: 'random' }, bits: [0, 1], cluster })] } } });
          const r = run(f, makeTimeline(1), { seed });
          const loc = r.schedule[0].location;
          if (loc.kind === 'address') expect(loc.address + cw).toBeLessThanOrEqual(16384);
          else if (loc.kind === 'pe') {
            expect(loc.row + ch).toBeLessThanOrEqual(16);
            expect(loc.col + cw).toBeLessThanOrEqual(16);
          } else throw new Error('unresolved random location');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('parallel regions run side by side; the trace joins their leaf states', () => {
    const f = file({
      id: 'par',
      type: 'parallel',
      states: {
        sram: { initial: 'ok', states: { ok: { after: { 100: 'hit' } }, hit: { entry: [act('setRate', { target: 'weightSram', ber: 1e-5, model: 'count' })] } } },
        pe: { initial: 'ok', states: { ok: { on: { INFERENCE_START: { target: 'dead', guard: { type: 'inferenceIs', params: { n: 1 } } } } }, dead: { entry: [act('addStuckAt', { target: 'pe.psum', location: { kind: 'pe', row: 0, col: 0 }, bit: 31, value: 1 })] } } },
      },
    });
    const r = run(f, makeTimeline(2));
    expect(r.trace).toEqual([
      { cycle: 0, state: 'sram.ok | pe.ok' },
      { cycle: 100, state: 'sram.hit | pe.ok' },
      { cycle: 3000, state: 'sram.hit | pe.dead' },
    ]);
    expect(r.schedule.filter((x) => x.target === 'pe.psum').map((x) => x.window)).toEqual([{ start: 3000 }]);
    // floor(524288 * 1e-5) = 5 flips per epoch, epochs [100, 3000) and [3000, end).
    expect(r.schedule.filter((x) => x.target === 'weightSram').map((x) => x.window.start)).toEqual([100, 100, 100, 100, 100, 3000, 3000, 3000, 3000, 3000]);
  });
});
