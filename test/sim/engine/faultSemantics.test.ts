/**
 * The fault semantics of docs/README-faults.md section 2, each shown on the engine and checked
 * against the cycle reference: faulty differs from golden where the fault reaches a read and equals
 * golden where it is masked (window over, scrubbed, corrected by ECC).
 */
import { describe, expect, it } from 'vitest';
import type { FaultRecord } from '../../../sim/faults/types';
import type { ArraySpec } from '../../../sim/types';
import { planRun } from '../../../sim/engine/faultyPlan';
import { resolveFaults, type ScrubEvent } from '../../../sim/faults/resolve';
import { memoryLayout } from '../../../sim/memory/layout';
import { layerBits, runBoth, seeded, spec, tinyNet, type Checked } from './faultyHelpers';

const net = tinyNet(2, 'linear');
const FC = 3; // the dense layer
const images = seeded(3 * 72, 21);
const resident = spec(4, 3, 'ws', { kind: 'fp32' }, 4);
// 128 weight words: the 162 weights do not fit together, each layer's fit alone (reloaded, not tiled)
const reloaded: ArraySpec = { ...resident, sram: { ...resident.sram, weightKiB: 0.5 } };
const P = planRun(net, resident).inferenceCycles;

function run(s: ArraySpec, faults: FaultRecord[], scrubs: ScrubEvent[] = []): Checked {
  const c = runBoth(net, s, images, faults, 1, {}, scrubs);
  for (let L = 0; L < net.layers.length; L++) {
    for (let img = 0; img < 3; img++) {
      const b = layerBits(c, L, img);
      expect(b.engine, `layer ${L} image ${img}: engine == reference`).toEqual(b.reference);
    }
  }
  expect(Array.from(c.engine.due)).toEqual(Array.from(c.referenceDue));
  return c;
}

/** Per image: does the dense layer's output differ from golden? */
function hit(c: Checked, layer = FC): boolean[] {
  return [0, 1, 2].map((img) => {
    const b = layerBits(c, layer, img);
    return b.engine.some((v, i) => v !== b.golden[i]);
  });
}

const word = (address: number, kind: FaultRecord['kind'], bits: number[], start: number, end?: number, extra: Partial<FaultRecord> = {}): FaultRecord => ({
  target: 'weightSram', kind, bits, location: { kind: 'address', address }, window: end === undefined ? { start } : { start, end }, ...extra,
});

describe('rate flips (everyValue) hit every value held during their window', () => {
  // reloaded: conv weights sit at 0..53, so words 54..63 hold only dense weights (written at its start)
  it('reloaded weights: a flip over inference 0 reaches the dense layer; a one-cycle SEU at the start does not', () => {
    expect(memoryLayout(reloaded, net, planRun(net, reloaded)).weightsResident).toBe(false);
    expect(hit(run(reloaded, [word(60, 'seu', [30], 0, P, { everyValue: true })]))).toEqual([true, false, false]);
    expect(hit(run(reloaded, [word(60, 'seu', [30], 0)]))).toEqual([false, false, false]);
  });
  it('resident weights: the flip ends with its window (a plain SEU persists)', () => {
    expect(memoryLayout(resident, net, planRun(net, resident)).weightsResident).toBe(true);
    expect(hit(run(resident, [word(54 + 5, 'seu', [30], 0, P, { everyValue: true })]))).toEqual([true, false, false]);
    expect(hit(run(resident, [word(54 + 5, 'seu', [30], 0)]))).toEqual([true, true, true]);
  });
});

describe('scrub rewrites SRAM words with correct values', () => {
  it('an SEU in a resident weight word is gone after a scrub', () => {
    const seu = [word(59, 'seu', [30], 0)];
    expect(hit(run(resident, seu, [{ target: 'weightSram', cycle: P }]))).toEqual([true, false, false]);
    // a scrub of another SRAM changes nothing
    expect(hit(run(resident, seu, [{ target: 'ifmapSram', cycle: P }]))).toEqual([true, true, true]);
  });
  it('a repaired stuck-at leaves its forced value until a scrub; an active stuck-at forces the scrubbed word again', () => {
    const repaired = [word(59, 'stuckAt1', [30], 0, 5)];
    expect(hit(run(resident, repaired))).toEqual([true, true, true]);
    expect(hit(run(resident, repaired, [{ target: 'weightSram', cycle: P }]))).toEqual([true, false, false]);
    expect(hit(run(resident, [word(59, 'stuckAt1', [30], 0)], [{ target: 'weightSram', cycle: P }]))).toEqual([true, true, true]);
  });
});

describe('SEU duration', () => {
  it('an SRAM SEU with a window end is seen by reads until then, not after', () => {
    expect(hit(run(resident, [word(59, 'seu', [30], 0, P)]))).toEqual([true, false, false]);
    expect(hit(run(resident, [word(59, 'seu', [30], 0, 2 * P)]))).toEqual([true, true, false]);
  });
});

describe('an SEU during an active stuck-at window', () => {
  it('does not undo the stuck-at after the window ends (read long after: the stuck value)', () => {
    const stuck = word(59, 'stuckAt1', [30], 46, 51);
    const both = run(resident, [stuck, word(59, 'seu', [30], 48)]);
    const only = run(resident, [stuck]);
    expect(hit(only)).toEqual([true, true, true]);
    for (let img = 0; img < 3; img++) expect(layerBits(both, FC, img).engine).toEqual(layerBits(only, FC, img).engine);
  });
  it('a flip after the stuck-at window ended does flip the held value', () => {
    const after = run(resident, [word(59, 'stuckAt1', [30], 46, 51), word(59, 'seu', [30], 60)]);
    expect(hit(after)).toEqual([false, false, false]); // forced 1, then flipped back to the golden 0
  });
});

describe('the engine API refuses what the scenario validator refuses', () => {
  it('non-adjacent mbu bits', () => {
    const r = resolveFaults(resident, [word(3, 'mbu', [1, 3], 0)]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/faults\[0\]\.bits: an mbu flips adjacent bits/);
    expect(resolveFaults(resident, [word(3, 'mbu', [3, 2], 0)]).ok).toBe(true);
  });
  it('an SRAM cluster of more than one row', () => {
    const r = resolveFaults(resident, [{ ...word(3, 'seu', [1], 0), cluster: { rows: 2, cols: 2 } }]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/cluster\.rows: an SRAM cluster is a run of adjacent words/);
  });
});

describe('saturated weights: the transform unit sits on the SRAM-to-PE read path', () => {
  const saf = { ...net, layers: net.layers.map((l) => (l.kind === 'conv2d' || l.kind === 'dense' ? { ...l, weightTransform: 'tanh' as const } : l)) };
  const runSaf = (faults: FaultRecord[]): Checked => runBoth(saf, resident, images, faults, 1);
  const maxDelta = (c: Checked): number => c.engine.layers[0].maxAbsDelta;
  it('a stuck-at-1 on bit 30 of a PE weight register is not clipped by tanh (the register holds f(w))', () => {
    const c = runSaf([{ target: 'pe.weight', kind: 'stuckAt1', bits: [30], location: { kind: 'pe', row: 3, col: 0 }, window: { start: 0 } }]);
    expect(maxDelta(c)).toBeGreaterThan(1e30);
    for (let img = 0; img < 3; img++) expect(layerBits(c, 0, img).engine).toEqual(layerBits(c, 0, img).reference);
  });
  it('the same stuck-at in the weight SRAM word is clipped by tanh (|f(w)| <= 1)', () => {
    const c = runSaf([word(0, 'stuckAt1', [30], 0)]);
    expect(maxDelta(c)).toBeGreaterThan(0);
    expect(maxDelta(c)).toBeLessThan(10);
    for (let img = 0; img < 3; img++) expect(layerBits(c, 0, img).engine).toEqual(layerBits(c, 0, img).reference);
  });
});

describe('ECC (SEC-DED) inside the cycle model', () => {
  const ecc: ArraySpec = { ...resident, ecc: { weightSram: true, ifmapSram: true, ofmapSram: true } };
  const plain = resident;
  it('a single flip is corrected on read (golden), the same flip without ECC is not', () => {
    const f = [word(59, 'seu', [30], 0)];
    const c = run(ecc, f);
    expect(hit(c)).toEqual([false, false, false]);
    expect(c.engine.dueImages).toEqual([]);
    expect(hit(run(plain, f))).toEqual([true, true, true]);
  });
  it('a double flip in one word is detected: a DUE for every inference that reads it', () => {
    const c = run(ecc, [word(59, 'mbu', [29, 30], 0)]);
    expect(c.engine.dueImages).toEqual([0, 1, 2]);
    const d = run(ecc, [word(59, 'mbu', [29, 30], 0, P)]); // seen by inference 0 only
    expect(d.engine.dueImages).toEqual([0]);
  });
  it('check bits are stored bits: one alone is corrected, one with a data bit is a DUE', () => {
    const checkBit = 32 + 3; // fp32 words: data bits 0..31, check bits 32..38
    const c = run(ecc, [word(59, 'seu', [checkBit], 0)]);
    expect(hit(c)).toEqual([false, false, false]);
    expect(c.engine.dueImages).toEqual([]);
    expect(run(ecc, [word(59, 'seu', [checkBit], 0), word(59, 'seu', [5], 0)]).engine.dueImages).toEqual([0, 1, 2]);
    expect(resolveFaults(ecc, [word(59, 'seu', [39], 0)]).ok).toBe(false);
    expect(resolveFaults(plain, [word(59, 'seu', [checkBit], 0)]).ok).toBe(false);
  });
  it('ifmap and ofmap words are protected too', () => {
    const at = (target: FaultRecord['target'], bits: number[]): FaultRecord => ({ target, kind: 'seu', bits, location: { kind: 'address', address: 7 }, window: { start: 0, end: P } });
    for (const target of ['ifmapSram', 'ofmapSram'] as const) {
      expect(hit(run(plain, [{ ...at(target, [30]), everyValue: true }]), 0).some(Boolean)).toBe(true);
      const single = run(ecc, [{ ...at(target, [30]), everyValue: true }]);
      expect(hit(single, 0)).toEqual([false, false, false]);
      expect(run(ecc, [{ ...at(target, [29, 30]), kind: 'mbu', everyValue: true }]).engine.dueImages).toEqual([0]);
    }
  });
});

describe('registerWords (what an inspector shows)', () => {
  it('the PE weight register holds f(w); ECC corrects a single flip before it; register faults act on f(w)', async () => {
    const { prepareLayer, registerWords, REGISTER_STAGE } = await import('../../../sim/engine/faultyCompute');
    const { wordCodec } = await import('../../../sim/memory/ecc');
    const { decode, encode } = await import('../../../sim/format/format');
    const { uniformFormats } = await import('../../../sim/format/accumulator');
    const conv = { ...(net.layers[0] as Extract<(typeof net.layers)[number], { kind: 'conv2d' }>), weightTransform: 'tanh' as const };
    const fmt = { kind: 'fp32' as const };
    const lc = prepareLayer(conv, planRun(net, resident).layers[0], uniformFormats(fmt), null, { w: wordCodec(32), x: null, out: null });
    const w = conv.weights[1 * 3 + 2];
    const clean = registerWords(lc, 1, 2, encode(fmt, 0.5), null);
    expect(decode(fmt, clean.weight)).toBe(Math.fround(Math.tanh(w)));
    const sramFlip = { k: 1, operand: 'w' as const, op: { kind: 'xor' as const, mask: 1 << 30 }, order: 0 };
    expect(registerWords(lc, 1, 2, encode(fmt, 0.5), [sramFlip]).weight).toBe(clean.weight); // corrected
    const regStuck = { k: 1, operand: 'w' as const, op: { kind: 'or' as const, mask: 1 << 30 }, order: REGISTER_STAGE + 1 };
    const hitReg = registerWords(lc, 1, 2, encode(fmt, 0.5), [regStuck]);
    expect(hitReg.weight).toBe((clean.weight | (1 << 30)) >>> 0);
    expect(Math.abs(decode(fmt, hitReg.weight))).toBeGreaterThan(1e30);
  });
});

describe('scenario processes end to end (runScenario -> runWithFaults)', () => {
  const scenarioRun = async (machine: object, s: ArraySpec) => {
    const { validateScenario, runScenario } = await import('../../../scenarios/index');
    const { timeline } = await import('../../../sim/engine/timeline');
    const { runWithFaults } = await import('../../../sim/engine/run');
    const { arrayOrderKernel } = await import('./faultyHelpers');
    const v = validateScenario(JSON.stringify({ name: 't', description: 't', version: 1, machine }), s);
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    const r = runScenario(v.value.file, s, timeline(net, s, 3), { seed: 5 });
    if (!r.ok) throw new Error(r.reason);
    const o = runWithFaults({ network: net, spec: s, images, faults: r.value.schedule, kernel: arrayOrderKernel, scrubs: r.value.scrubs, goldenOptions: { useConv2d: false } });
    if (!o.ok) throw new Error(o.reason);
    return { schedule: r.value.schedule, run: o.value };
  };
  it('a scrub after an SEU in a resident weight word: later inferences are golden', async () => {
    const machine = {
      id: 'm', initial: 'a',
      states: {
        a: { entry: [{ type: 'injectFault', params: { target: 'weightSram', kind: 'seu', location: { kind: 'address', address: 59 }, bits: [30] } }], on: { INFERENCE_END: 'b' } },
        b: { entry: [{ type: 'scrub', params: { target: 'weightSram' } }] },
      },
    };
    const { run } = await scenarioRun(machine, resident);
    expect(run.faulty.touchedImages).toEqual([0]);
    expect(run.faulty.layers[FC].corrupted).toBeGreaterThan(0);
  });
  it('a weight-SRAM rate process on reloaded weights reaches the dense layer through its own words', async () => {
    const machine = { id: 'm', initial: 'a', states: { a: { entry: [{ type: 'setRate', params: { target: 'weightSram', ber: 2e-3, model: 'count' } }] } } };
    const { schedule, run } = await scenarioRun(machine, reloaded);
    expect(schedule.every((f) => f.everyValue === true)).toBe(true);
    // faults on words 54..127 (dense weights only) touch terms of the dense layer
    const denseOnly = run.faulty.faults.map((f, i) => [f, run.faulty.faultTouches[i]] as const).filter(([f]) => f.address >= 54 && f.address < 108 && f.bits[0] < 32);
    expect(denseOnly.length).toBeGreaterThan(0);
    expect(denseOnly.every(([, t]) => t > 0)).toBe(true);
  });
});

describe('an SEU during an active stuck-at window of a stationary PE register', () => {
  for (const [df, target] of [['ws', 'pe.weight'], ['is', 'pe.input']] as const) {
    it(`does not undo the stuck-at for the MACs after the window (${df}: ${target})`, () => {
      const s: ArraySpec = { ...resident, dataflow: df };
      const fold0 = planRun(net, s).layers[0].start; // first fold of the conv layer, inference 0
      const R = s.rows;
      const pe = { kind: 'pe' as const, row: 3, col: 0 };
      const stuck: FaultRecord = { target, kind: 'stuckAt1', bits: [30], location: pe, window: { start: fold0 + R, end: fold0 + R + 12 } };
      const seu: FaultRecord = { target, kind: 'seu', bits: [30], location: pe, window: { start: fold0 + R + 6 } };
      const both = run(s, [stuck, seu]);
      const only = run(s, [stuck]);
      expect(hit(only, 0)[0]).toBe(true);
      expect(layerBits(both, 0, 0).engine).toEqual(layerBits(only, 0, 0).engine);
    });
  }
});
