import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_ARRAY_SPEC } from '../../sim/array/spec';
import type { ArraySpec } from '../../sim/types';
import { parseScenario, validateScenario, MAX_SCENARIO_CHARS } from '../../scenarios/validate';
import { formatPath } from '../../scenarios/errors';
import { act, text } from './helpers';

const SPEC = DEFAULT_ARRAY_SPEC;
const seu = (over: Record<string, unknown> = {}) =>
  act('injectFault', { target: 'weightSram', kind: 'seu', location: { kind: 'address', address: 5 }, bits: [3], ...over });
/** A two-state machine whose `burst` state runs `entry`. */
const machine = (entry: unknown[], extraStates: Record<string, unknown> = {}) => ({
  id: 'm',
  initial: 'idle',
  states: { idle: { after: { 100: 'burst' } }, burst: { entry }, ...extraStates },
});

/** Validates and returns the failure reason and errors (fails the test when valid). */
function errorsOf(t: string, spec: ArraySpec = SPEC) {
  const r = validateScenario(t, spec, { file: 'bad.json' });
  expect(r.ok).toBe(false);
  if (r.ok) throw new Error('expected a failure');
  return r;
}

describe('validateScenario: valid input', () => {
  it('accepts a small scenario and returns its inventory', () => {
    const r = validateScenario(text(machine([seu()])), SPEC);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.inventory.states.map((s) => s.keys.join('.'))).toEqual(['', 'idle', 'burst']);
      expect(r.value.inventory.actions).toHaveLength(1);
    }
  });
});

describe('validateScenario: each error kind names the JSON path and expected vs found', () => {
  it('JSON syntax error: line and column', () => {
    const r = errorsOf('{\n  "name": "x",\n  "version": 1,,\n}');
    expect(r.reason).toMatch(/^bad\.json:3:16: \(document\): JSON syntax error/);
    expect(r.errors[0].position).toEqual({ line: 3, column: 16 });
  });

  it('bit position beyond the word width, path down to the array element', () => {
    const r = errorsOf(text(machine([seu({ bits: [3, 40] })])));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].path).toBe('machine.states.burst.entry[0].params.bits[1]');
    expect(r.reason).toContain('expected 0..31, found 40');
    // With line:column of the offending value in the pretty-printed file.
    expect(r.reason).toMatch(/^bad\.json:\d+:\d+: machine\.states\.burst\.entry\[0\]\.params\.bits\[1\]: bit position beyond the 32-bit word/);
  });

  it('bit width follows the numeric format (bit 20 is fine in fp32, not in fp16 or int8)', () => {
    const t = text(machine([seu({ bits: [20] })]));
    expect(validateScenario(t, SPEC).ok).toBe(true);
    expect(errorsOf(t, { ...SPEC, format: { kind: 'fp16' } }).reason).toContain('expected 0..15, found 20');
    expect(errorsOf(t, { ...SPEC, format: { kind: 'int8', intBits: 3, fracBits: 4 } }).reason).toContain('expected 0..7, found 20');
  });

  it('negative bit: zod message at the element path', () => {
    const r = errorsOf(text(machine([seu({ bits: [1, -1] })])));
    expect(r.errors[0].path).toBe('machine.states.burst.entry[0].params.bits[1]');
    expect(r.errors[0].found).toBe('-1');
  });

  it('unknown action type', () => {
    const r = errorsOf(text(machine([act('explode', { now: true })])));
    expect(r.errors[0].path).toBe('machine.states.burst.entry[0].type');
    expect(r.reason).toContain('unknown action type "explode"');
    expect(r.errors[0].expected).toContain('injectFault');
  });

  it('unknown event', () => {
    const r = errorsOf(text(machine([], { idle: { on: { TICK: 'burst' } } })));
    expect(r.errors[0].path).toBe('machine.states.idle.on.TICK');
    expect(r.errors[0].expected).toContain('INFERENCE_START');
  });

  it('unreachable state', () => {
    const r = errorsOf(text(machine([seu()], { island: {} })));
    expect(r.errors.map((e) => e.path)).toEqual(['machine.states.island']);
    expect(r.reason).toContain('"island" is unreachable');
  });

  it('a state reachable only from an unreachable state is unreachable too', () => {
    const r = errorsOf(text(machine([], { a: { after: { 5: 'b' } }, b: {} })));
    expect(r.errors.map((e) => e.path).sort()).toEqual(['machine.states.a', 'machine.states.b']);
  });

  it('transition to a missing state (sibling, #id and child forms)', () => {
    for (const [target, msg] of [
      ['nowhere', 'missing state "nowhere"'],
      ['#ghost', 'missing state id "#ghost"'],
      ['.inner', 'missing state "burst.inner"'],
    ] as const) {
      const r = errorsOf(text(machine([], { burst: { after: { 10: target } } })));
      expect(r.errors[0].path).toBe('machine.states.burst.after["10"]');
      expect(r.reason).toContain(msg);
    }
  });

  it('PE location outside the configured array', () => {
    const pe = act('addStuckAt', { target: 'pe.psum', location: { kind: 'pe', row: 16, col: 2 }, bit: 30, value: 1 });
    const r = errorsOf(text(machine([pe])));
    expect(r.errors[0].path).toBe('machine.states.burst.entry[0].params.location.row');
    expect(r.reason).toContain('PE row outside the 16x16 array (expected 0..15, found 16)');
    // The same scenario is fine on a 32x32 array.
    expect(validateScenario(text(machine([pe])), { ...SPEC, rows: 32, cols: 32 }).ok).toBe(true);
  });

  it('SRAM address beyond the configured SRAM size in words', () => {
    // 64 KiB of fp32 words = 16384 words.
    const r = errorsOf(text(machine([seu({ location: { kind: 'address', address: 16384 } })])));
    expect(r.errors[0].path).toBe('machine.states.burst.entry[0].params.location.address');
    expect(r.reason).toContain('expected 0..16383, found 16384');
    const small: ArraySpec = { ...SPEC, sram: { ...SPEC.sram, weightKiB: 1 } };
    expect(errorsOf(text(machine([seu({ location: { kind: 'address', address: 300 } })])), small).reason).toContain('expected 0..255');
  });

  it('cluster that does not fit, and wrong location kind for the target', () => {
    const mbu = act('injectFault', { target: 'pe.weight', kind: 'mbu', location: { kind: 'pe', row: 15, col: 0 }, bits: [1, 2], cluster: { rows: 2, cols: 2 } });
    expect(errorsOf(text(machine([mbu]))).errors[0].path).toBe('machine.states.burst.entry[0].params.cluster.rows');
    const wrong = seu({ target: 'pe.input' });
    expect(errorsOf(text(machine([wrong]))).errors[0].path).toBe('machine.states.burst.entry[0].params.location.kind');
  });

  it('mbu bits must be adjacent', () => {
    const r = errorsOf(text(machine([seu({ kind: 'mbu', bits: [2, 5] })])));
    expect(r.errors[0].path).toBe('machine.states.burst.entry[0].params.bits');
  });

  it.each([['-5'], ['1.5'], ['abc'], ['0']])('bad delay %s', (d) => {
    const r = errorsOf(text({ id: 'm', initial: 'idle', states: { idle: { after: { [d]: 'burst' } }, burst: {} } }));
    expect(r.errors.some((e) => e.path === formatPath(['machine', 'states', 'idle', 'after', d]) && e.message === 'invalid delay')).toBe(true);
  });

  it('unknown field (typo) and missing initial', () => {
    const r = errorsOf(text({ id: 'm', intial: 'idle', states: { idle: {} } }));
    expect(r.reason).toContain('unknown field "intial"');
    const r2 = errorsOf(text({ id: 'm', states: { idle: {} } }));
    expect(r2.errors[0].path).toBe('machine.initial');
  });

  it('unknown guard, guard with an event that lacks a layer, repair of an undeclared id', () => {
    const g = errorsOf(text(machine([], { idle: { on: { LAYER_START: { target: 'burst', guard: { type: 'isFull' } } } } })));
    expect(g.errors[0].path).toBe('machine.states.idle.on.LAYER_START.guard.type');
    const g2 = errorsOf(text(machine([], { idle: { on: { INFERENCE_START: { target: 'burst', guard: { type: 'layerIs', params: { index: 1 } } } } } })));
    expect(g2.reason).toContain('needs an event that carries a layer');
    const rep = errorsOf(text(machine([act('repair', { id: 'nope' })])));
    expect(rep.errors[0].path).toBe('machine.states.burst.entry[0].params.id');
  });

  it('requires: the array must be large enough and use the dataflow', () => {
    const t = text(machine([seu()]), { requires: { rows: 32, dataflow: 'os' } });
    const r = errorsOf(t);
    expect(r.errors.map((e) => e.path)).toEqual(['requires.rows', 'requires.dataflow']);
  });

  it('BER too large for the target is refused', () => {
    const r = errorsOf(text(machine([act('setRate', { target: 'weightSram', ber: 0.5, model: 'count' })])));
    expect(r.errors[0].path).toBe('machine.states.burst.entry[0].params.ber');
  });
});

describe('hostile files end in an error, never a crash', () => {
  it('size, nesting and count limits', () => {
    expect(errorsOf('x'.repeat(MAX_SCENARIO_CHARS + 1)).reason).toContain('too large');
    expect(errorsOf('{"a":' + '['.repeat(1000) + ']'.repeat(1000) + '}').reason).toContain('nesting deeper');
    const states: Record<string, unknown> = {};
    for (let i = 0; i < 300; i++) states[`s${i}`] = { after: { 1: `s${(i + 1) % 300}` } };
    expect(errorsOf(text({ id: 'm', initial: 's0', states })).reason).toContain('too many states (expected at most 256, found 301)');
  });

  it('random mutations of a valid file never throw', () => {
    const base = text(machine([seu(), act('setRate', { target: 'ifmapSram', ber: 1e-5, model: 'per-bit' })]));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length - 1 }), fc.integer({ min: 0, max: 20 }), fc.string({ maxLength: 8 }), (at, del, ins) => {
        const t = base.slice(0, at) + ins + base.slice(at + del);
        const r = validateScenario(t, SPEC);
        if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });

  it('random JSON values in place of the machine never throw', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (m) => {
        const r = parseScenario(text(m));
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
