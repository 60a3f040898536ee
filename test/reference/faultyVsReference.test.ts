/** Property test: for random fault sets (every target, kind, window, cluster), the fast faulty
 * engine equals the cycle-by-cycle reference on every layer of every image, bit for bit. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FaultRecord, FaultTarget } from '../../sim/faults/types';
import { planRun } from '../../sim/engine/faultyPlan';
import { runBoth, layerBits, bitsOf, seeded, spec, tinyNet, denseNet, convNet, arrayOrderKernel, residualNet } from '../sim/engine/faultyHelpers';
import type { FaultyOptions } from '../../sim/engine/faulty';
import type { ArraySpec } from '../../sim/types';
import type { Network } from '../../sim/layers/types';
import { resolveFaults, targetBits } from '../../sim/faults/resolve';
import { runFaulty } from '../../sim/engine/faulty';

const TARGETS: FaultTarget[] = ['weightSram', 'ifmapSram', 'ofmapSram', 'pe.weight', 'pe.input', 'pe.psum'];

/** Stored bits of a word of `target`: the format (or 32 for psum), plus ECC check bits. */
function widthOf(s: ArraySpec, t: FaultTarget): number {
  return targetBits(s, t);
}

/** Random fault records over every target, kind, bit position (sign / MSB and ECC check bits
 * included), window (SEU durations, everyValue flips), cluster. With `few`, SRAM addresses are drawn
 * from 8 words so that faults meet in one word (ECC double errors). */
function faultArb(s: ArraySpec, total: number, words: Record<'weightSram' | 'ifmapSram' | 'ofmapSram', number>, few: boolean): fc.Arbitrary<FaultRecord> {
  return fc.record({
    target: fc.constantFrom(...TARGETS),
    kind: fc.constantFrom('seu', 'stuckAt0', 'stuckAt1', 'mbu') as fc.Arbitrary<FaultRecord['kind']>,
    start: fc.integer({ min: 0, max: total - 1 }),
    len: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(0)),
    row: fc.integer({ min: 0, max: s.rows - 1 }),
    col: fc.integer({ min: 0, max: s.cols - 1 }),
    addr: fc.integer({ min: 0, max: 95 }),
    bit: fc.nat(),
    cluster: fc.boolean(),
    every: fc.boolean(),
  }).map((r) => {
    const sram = r.target.endsWith('Sram');
    const width = widthOf(s, r.target);
    const transient = r.kind === 'seu' || r.kind === 'mbu';
    // few: register faults meet too (2x2 PEs, the top 3 bits), so flips land inside stuck-at windows
    const bit = few && !sram ? width - 3 + (r.bit % 2) : r.bit;
    const b0 = r.kind === 'mbu' ? bit % (width - 1) : bit % width;
    const bits = r.kind === 'mbu' ? [b0, b0 + 1] : [b0];
    const row = few && !sram ? r.row % 2 : r.row;
    const col = few && !sram ? r.col % 2 : r.col;
    const cluster = r.cluster ? (sram ? { rows: 1, cols: 2 } : { rows: Math.min(2, s.rows - row), cols: Math.min(2, s.cols - col) }) : undefined;
    const every = transient && r.every && r.len > 0;
    const span = few ? 8 : words[r.target as 'weightSram'] - 1;
    return {
      target: r.target,
      kind: r.kind,
      bits,
      window: { start: r.start, end: r.len === 0 ? undefined : r.start + r.len },
      location: sram ? { kind: 'address', address: r.addr % Math.min(span, words[r.target as 'weightSram'] - 1) } : { kind: 'pe', row, col },
      ...(cluster ? { cluster } : {}),
      ...(every ? { everyValue: true } : {}),
    } as FaultRecord;
  });
}

interface FuzzOptions extends FaultyOptions {
  /** Draw scrubs of the SRAMs too. */
  readonly scrubs?: boolean;
  /** SRAM addresses among 8 words (faults meet in one word). */
  readonly few?: boolean;
  /** Require at least one DUE among the runs (ECC double errors happen). */
  readonly due?: boolean;
}

function fuzz(name: string, net: Network, s: ArraySpec, inSize: number, runs: number, opts: FuzzOptions = {}): void {
  it(name, () => {
    const nImages = 2;
    const total = planRun(net, s).inferenceCycles * nImages;
    const images = seeded(nImages * inSize, 21);
    const w = (kib: number): number => Math.min(96, Math.floor((kib * 8192) / (s.format.kind === 'fp32' ? 32 : s.format.kind === 'fp16' ? 16 : 8)));
    // addresses drawn among the first 96 words (the small layers' footprint) of each SRAM
    const words = { weightSram: w(s.sram.weightKiB), ifmapSram: w(s.sram.ifmapKiB), ofmapSram: w(s.sram.ofmapKiB) };
    const scrubArb = opts.scrubs
      ? fc.array(fc.record({ target: fc.constantFrom('weightSram', 'ifmapSram', 'ofmapSram') as fc.Arbitrary<'weightSram'>, cycle: fc.integer({ min: 0, max: total - 1 }) }), { maxLength: 2 })
      : fc.constant([]);
    let differing = 0;
    let dues = 0;
    fc.assert(
      fc.property(fc.array(faultArb(s, total, words, opts.few === true), { minLength: 1, maxLength: 3 }), scrubArb, (records, scrubs) => {
        const c = runBoth(net, s, images, records, 1, opts, scrubs);
        if (c.engine.layers.some((l) => l.corrupted > 0)) differing++;
        dues += c.engine.dueImages.length;
        expect(Array.from(c.engine.due)).toEqual(Array.from(c.referenceDue));
        for (let L = 0; L < net.layers.length; L++) {
          for (let img = 0; img < nImages; img++) {
            const b = layerBits(c, L, img);
            expect(b.engine).toEqual(b.reference);
          }
        }
      }),
      { numRuns: runs, seed: 7 },
    );
    // the property is not vacuous: a good share of random fault sets corrupt something
    expect(differing).toBeGreaterThan(runs / (s.ecc ? 10 : 5));
    if (opts.due) expect(dues).toBeGreaterThan(0);
  });
}

// Tiled sizes are chosen so that no fold reads two elements sharing an address (see
// docs/README-faults.md, "Tiling"): the reference stores real words and needs that.
describe('faulty engine == cycle reference on random faults', () => {
  for (const df of ['ws', 'os', 'is'] as const) {
    fuzz(`tiny conv net, 4x3 array, fp32, resident weights (${df})`, tinyNet(2, 'linear'), spec(4, 3, df, { kind: 'fp32' }, 4), 72, 40);
    fuzz(`tiny conv net, 3x5 array, fp16, relu, weights reloaded per layer (${df})`, tinyNet(3), spec(3, 5, df, { kind: 'fp16' }, 0.25), 72, 30);
    fuzz(`tiny conv net, 3x5 array, fp32, downstream layers on the kernel path (${df})`, tinyNet(5), spec(3, 5, df, { kind: 'fp32' }, 0.5), 72, 20, { kernel: arrayOrderKernel, kernelShare: 0, kernelMinMacs: 0 });
    fuzz(`residual net (conv, conv, add, dense), 3x3 array, fp32 (${df})`, residualNet(), spec(3, 3, df, { kind: 'fp32' }, 2), 32, 15);
    const saf = tinyNet(6, 'linear');
    fuzz(`tiny conv net with tanh-saturated weights (saf), 4x3 array, fp16 (${df})`, { ...saf, layers: saf.layers.map((l) => (l.kind === 'conv2d' || l.kind === 'dense' ? { ...l, weightTransform: 'tanh' as const } : l)) }, spec(4, 3, df, { kind: 'fp16' }, 1), 72, 10);
    fuzz(`tiny conv net, 4x3 array, int8 Q7.0 (integer codes, no fraction bits) (${df})`, tinyNet(4, 'linear'), spec(4, 3, df, { kind: 'int8', intBits: 7, fracBits: 0 }, 1), 72, 10);
    const safNet = (t: 'tanh' | 'arctan' | 'softsign'): Network => ({ ...saf, layers: saf.layers.map((l) => (l.kind === 'conv2d' || l.kind === 'dense' ? { ...l, weightTransform: t } : l)) });
    fuzz(`saf (arctan) on the read path, 4x3 array, fp32, resident weights, scrubs (${df})`, safNet('arctan'), spec(4, 3, df, { kind: 'fp32' }, 4), 72, 15, { scrubs: true });
    fuzz(`faults meeting in a word or a PE register (stuck-ats and flips composed), 4x3 array, fp32, resident weights (${df})`, tinyNet(2, 'linear'), spec(4, 3, df, { kind: 'fp32' }, 4), 72, 30, { few: true });
    fuzz(`ECC on every SRAM, 4x3 array, fp32, resident weights, faults meeting in a word, scrubs (${df})`, tinyNet(2, 'linear'), { ...spec(4, 3, df, { kind: 'fp32' }, 4), ecc: { weightSram: true, ifmapSram: true, ofmapSram: true } }, 72, 30, { few: true, scrubs: true, due: true });
    fuzz(`ECC on every SRAM, 3x5 array, fp16, softsign saf, weights reloaded (${df})`, { ...safNet('softsign'), layers: safNet('softsign').layers }, { ...spec(3, 5, df, { kind: 'fp16' }, 0.25), ecc: { weightSram: true, ifmapSram: true, ofmapSram: true } }, 72, 20, { few: true });
    const tiled: ArraySpec = { ...spec(3, 2, df, { kind: 'int8', intBits: 2, fracBits: 5 }), sram: { weightKiB: 30 / 1024, ifmapKiB: (df === 'os' ? 12 : 6) / 1024, ofmapKiB: 4 / 1024, banks: 2 } };
    fuzz(`dense 9->7, 3x2 array, int8 Q2.5, tiled SRAMs (${df})`, denseNet(9, 7), tiled, 9, 30);
    fuzz(`dense 9->7, 3x2 array, int8 Q2.5, tiled SRAMs with ECC, scrubs (${df})`, denseNet(9, 7), { ...tiled, ecc: { weightSram: true, ifmapSram: true, ofmapSram: true } }, 9, 30, { few: true, scrubs: true });
  }
});

/** Per dataflow, the register that holds one value over several reads (the os psum while idle). */
const STATIONARY: Record<ArraySpec['dataflow'], FaultTarget> = { ws: 'pe.weight', is: 'pe.input', os: 'pe.psum' };

/** Register flips with a duration (sim/engine/faultyReadEnd.ts): engine == reference, and the
 * duration changes the result of at least `minShortened` sets (compared with the same flips
 * without an end), so the property is not vacuous. */
function durations(name: string, net: Network, s: ArraySpec, inSize: number, runs: number, minShortened: number): void {
  it(name, () => {
    const nImages = 2;
    const total = planRun(net, s).inferenceCycles * nImages;
    const images = seeded(nImages * inSize, 5);
    const arb = fc.record({
      // mostly the register that holds a value over several reads (ws weight, is input, os psum)
      target: fc.oneof({ arbitrary: fc.constant(STATIONARY[s.dataflow]), weight: 3 }, { arbitrary: fc.constantFrom<FaultTarget>('pe.weight', 'pe.input', 'pe.psum'), weight: 1 }),
      kind: fc.constantFrom('seu', 'mbu') as fc.Arbitrary<FaultRecord['kind']>,
      start: fc.integer({ min: 0, max: total - 1 }),
      len: fc.integer({ min: 1, max: 30 }),
      row: fc.integer({ min: 0, max: s.rows - 1 }),
      col: fc.integer({ min: 0, max: s.cols - 1 }),
      bit: fc.nat(),
    }).map((r): FaultRecord => {
      const width = widthOf(s, r.target);
      const b0 = r.kind === 'mbu' ? r.bit % (width - 1) : r.bit % width;
      return { target: r.target, kind: r.kind, bits: r.kind === 'mbu' ? [b0, b0 + 1] : [b0], location: { kind: 'pe', row: r.row, col: r.col }, window: { start: r.start, end: r.start + r.len } };
    });
    let shortened = 0;
    fc.assert(
      fc.property(fc.array(arb, { minLength: 1, maxLength: 3 }), (records) => {
        const c = runBoth(net, s, images, records, 1);
        const open = resolveFaults(s, records.map((r) => ({ ...r, window: { start: r.window.start } })), 1);
        if (!open.ok) throw new Error(open.reason);
        const forever = runFaulty(c.golden, s, open.value);
        let differs = false;
        for (let L = 0; L < net.layers.length; L++) {
          for (let img = 0; img < nImages; img++) {
            const b = layerBits(c, L, img);
            expect(b.engine).toEqual(b.reference);
            if (!differs) {
              const fb = bitsOf(forever.output(L, img));
              differs = b.engine.some((v, q) => v !== fb[q]);
            }
          }
        }
        if (differs) shortened++;
      }),
      { numRuns: runs, seed: 11 },
    );
    expect(shortened).toBeGreaterThanOrEqual(minShortened);
  });
}

describe('faulty engine == cycle reference on register flips with a duration', () => {
  for (const df of ['ws', 'os', 'is'] as const) {
    durations(`tiny conv net, 4x3 array, fp32 (${df})`, tinyNet(2, 'linear'), spec(4, 3, df, { kind: 'fp32' }, 4), 72, 40, df === 'os' ? 1 : 3); // os: only an idle psum
    durations(`conv 2x2 on 5x5x2 -> 3, 3x2 array, fp16 (${df})`, convNet(5, 5, 2, 3, 2), spec(3, 2, df, { kind: 'fp16' }, 1), 50, 40, df === 'os' ? 1 : 3);
  }
});
