/**
 * Random fault campaigns, seeded and reproducible (pure-rand xoroshiro128+):
 * - bit error rate per stored bit, two definitions:
 *   'perBit': every bit flips independently with probability p (Bernoulli per bit, drawn by
 *             geometric skips, so the number of faults is Binomial(bits, p));
 *   'count':  exactly floor(bits x p) faults at distinct, uniformly drawn bit positions (RReLU-style);
 * - or a fixed number of faults at distinct uniform positions.
 * Bits counted: an SRAM target = every bit of the buffer (words x word width); a PE register target =
 * R x C registers x width (psum 32 bits). Each drawn bit becomes one FaultRecord at that word / PE
 * and bit, of the given kind, active from a cycle drawn uniformly in [0, cycles) (or a fixed start).
 * Static weight corruption (`corruptWeights`) flips the stored model weights once for a whole trial
 * (paper-style "fp32 weight-SRAM bit flips at BER p"): every inference sees the corrupted weights.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { ArraySpec, NumericFormat } from '../types';
import type { Layer, Network } from '../layers/types';
import { decode, encode, wordBits } from '../format/format';
import type { FaultKind, FaultRecord, FaultTarget } from './types';
import { MAX_RUN_FAULTS, makeRng, randInt, targetBits, targetWords, type Rng } from './resolve';
import { checkFaultBudget } from './limits';
import { applyOp, opOf } from './ops';

/** How many faults to draw: a BER under one of the two definitions, or a fixed count. */
export type FaultCount =
  | { readonly kind: 'ber'; readonly ber: number; readonly definition: 'perBit' | 'count' }
  | { readonly kind: 'fixed'; readonly count: number };

/** Why a draw of `how` over `total` bits is too large for one run (its expected count, or its
 * fixed count, exceeds MAX_RUN_FAULTS: sim/faults/limits.ts), or null when it fits. Check before
 * drawing: nothing is allocated here. */
export function drawTooLarge(total: number, how: FaultCount): string | null {
  if (how.kind === 'fixed') return how.count <= MAX_RUN_FAULTS ? null : `expected at most ${MAX_RUN_FAULTS} faults in one draw, found ${how.count}`;
  const r = checkFaultBudget(total, how.ber, how.definition === 'count' ? 'count' : 'per-bit', 'draw');
  return r.ok ? null : r.reason;
}

/** Sorted distinct bit positions in [0, total) drawn per `how`. Throws a RangeError (before
 * allocating) when drawTooLarge refuses the draw: callers check drawTooLarge first. */
export function drawBitPositions(rng: Rng, total: number, how: FaultCount): number[] {
  const big = drawTooLarge(total, how);
  if (big !== null) throw new RangeError(big);
  if (how.kind === 'ber' && how.definition === 'perBit') {
    const p = how.ber;
    if (!(p > 0) || total <= 0) return [];
    if (p >= 1) return Array.from({ length: total }, (_, i) => i);
    const out: number[] = [];
    const logq = Math.log1p(-p);
    for (let pos = Math.floor(Math.log1p(-uniformFloat64(rng)) / logq); pos < total; pos += 1 + Math.floor(Math.log1p(-uniformFloat64(rng)) / logq)) out.push(pos);
    return out;
  }
  const k = Math.max(0, Math.min(total, how.kind === 'fixed' ? how.count : Math.floor(total * how.ber)));
  const chosen = new Set<number>();
  // Floyd's algorithm: k distinct values of 0..total-1
  for (let j = total - k; j < total; j++) {
    const t = randInt(rng, 0, j);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** drawBitPositions for a BER under the names campaign and scenario files use ('per-bit',
 * 'count'): the bit indices (0..total-1, ascending) one draw flips. */
export function drawFlips(rng: Rng, total: number, ber: number, model: 'per-bit' | 'count'): number[] {
  return drawBitPositions(rng, total, { kind: 'ber', ber, definition: model === 'count' ? 'count' : 'perBit' });
}

/** Options of a random campaign on one target. */
export interface CampaignOptions {
  readonly target: FaultTarget;
  readonly how: FaultCount;
  /** Fault kind of every drawn fault (default seu). */
  readonly kind?: FaultKind;
  /** Run length, cycles: start cycles are drawn uniformly in [0, cycles) unless `start` is given. */
  readonly cycles: number;
  readonly start?: number;
  /** For stuck-at kinds: window length in cycles (default: forever). */
  readonly duration?: number;
  readonly seed: number;
}

/** Draws the FaultRecords of a random campaign on one target of the array. */
export function randomFaults(spec: ArraySpec, o: CampaignOptions): FaultRecord[] {
  const rng = makeRng(o.seed);
  const width = targetBits(spec, o.target);
  const sram = o.target === 'weightSram' || o.target === 'ifmapSram' || o.target === 'ofmapSram';
  const units = sram ? targetWords(spec, o.target as 'weightSram') : spec.rows * spec.cols;
  const kind = o.kind ?? 'seu';
  return drawBitPositions(rng, units * width, o.how).map((pos) => {
    const unit = Math.floor(pos / width);
    const bit = pos - unit * width;
    const start = o.start ?? randInt(rng, 0, Math.max(0, o.cycles - 1));
    const end = kind === 'stuckAt0' || kind === 'stuckAt1' ? (o.duration === undefined ? undefined : start + o.duration) : undefined;
    return {
      target: o.target, kind,
      location: sram ? { kind: 'address', address: unit } : { kind: 'pe', row: Math.floor(unit / spec.cols), col: unit % spec.cols },
      bits: kind === 'mbu' ? (bit + 1 < width ? [bit, bit + 1] : [bit - 1, bit]) : [bit],
      window: end === undefined ? { start } : { start, end },
    } satisfies FaultRecord;
  });
}

/** One corrupted stored weight bit: layer index, weight element (k*N + n) and bit. */
export interface WeightFlip {
  readonly layer: number;
  readonly element: number;
  readonly bit: number;
}

/** A network whose stored weights were corrupted once (the input network is not mutated). */
export interface CorruptedWeights {
  readonly network: Network;
  readonly flips: readonly WeightFlip[];
}

const hasWeights = (l: Layer): l is Extract<Layer, { weights: Float32Array }> => l.kind === 'conv2d' || l.kind === 'dense';

/**
 * Static weight-memory corruption: draws bits over all stored weight bits of the model (array
 * layers, K x N words x format width, layer after layer; with `perLayer` the count / BER applies to
 * each layer separately) and returns a copy whose weights are decode(op(encode(w))).
 */
export function corruptWeights(network: Network, format: NumericFormat, how: FaultCount, seed: number, kind: FaultKind = 'seu', perLayer = false): CorruptedWeights {
  const rng = makeRng(seed);
  const width = wordBits(format);
  const flips: WeightFlip[] = [];
  const sizes = network.layers.map((l) => (hasWeights(l) ? l.weights.length * width : 0));
  if (perLayer) {
    sizes.forEach((bits, layer) => {
      for (const pos of drawBitPositions(rng, bits, how)) flips.push({ layer, element: Math.floor(pos / width), bit: pos % width });
    });
  } else {
    const offsets: number[] = [];
    let total = 0;
    for (const s of sizes) {
      offsets.push(total);
      total += s;
    }
    let layer = 0;
    for (const pos of drawBitPositions(rng, total, how)) {
      while (pos >= offsets[layer] + sizes[layer]) layer++;
      const local = pos - offsets[layer];
      flips.push({ layer, element: Math.floor(local / width), bit: local % width });
    }
  }
  const copies = new Map<number, Float32Array>();
  for (const f of flips) {
    const l = network.layers[f.layer] as Extract<Layer, { weights: Float32Array }>;
    let w = copies.get(f.layer);
    if (!w) copies.set(f.layer, (w = l.weights.slice()));
    const mask = kind === 'mbu' && f.bit + 1 < width ? (3 << f.bit) >>> 0 : (1 << f.bit) >>> 0;
    w[f.element] = decode(format, applyOp(encode(format, w[f.element]), opOf(kind, mask)));
  }
  const layers = network.layers.map((l, i) => (copies.has(i) ? { ...l, weights: copies.get(i)! } as Layer : l));
  return { network: { ...network, layers }, flips };
}

/** Options of a spatially correlated burst around a centre PE / word. */
export interface BurstOptions {
  readonly target: FaultTarget;
  /** Centre (PE row/col, or an SRAM address as `col` with row 0); drawn uniformly when absent. */
  readonly center?: { readonly row: number; readonly col: number };
  /** Chebyshev radius in PEs (or words), >= 0. */
  readonly radius: number;
  /** Probability that the centre is hit; a unit at distance d is hit with p * decay^d. */
  readonly p: number;
  /** Decay per unit of distance, 0..1 (default 0.5). */
  readonly decay?: number;
  readonly kind?: FaultKind;
  /** Bits flipped / forced in every hit unit (default [width - 1 - 1], a high bit). */
  readonly bits?: readonly number[];
  /** Cycle at which the burst strikes (window start). */
  readonly start: number;
  readonly seed: number;
}

/**
 * A spatially correlated pattern: the units (PEs, or SRAM words for SRAM targets) around a centre
 * are hit with a probability decaying with the distance, all at the same cycle (one particle
 * strike). Returns one FaultRecord per hit unit; the centre is always considered first.
 */
export function spatialBurst(spec: ArraySpec, o: BurstOptions): FaultRecord[] {
  const rng = makeRng(o.seed);
  const sram = o.target === 'weightSram' || o.target === 'ifmapSram' || o.target === 'ofmapSram';
  const rows = sram ? 1 : spec.rows;
  const cols = sram ? targetWords(spec, o.target as 'weightSram') : spec.cols;
  const c = o.center ?? { row: randInt(rng, 0, rows - 1), col: randInt(rng, 0, cols - 1) };
  const width = targetBits(spec, o.target);
  const bits = o.bits ?? [Math.max(0, width - 2)];
  const decay = o.decay ?? 0.5;
  const out: FaultRecord[] = [];
  const r = sram ? 0 : o.radius;
  for (let i = Math.max(0, c.row - r); i <= Math.min(rows - 1, c.row + r); i++) {
    for (let j = Math.max(0, c.col - o.radius); j <= Math.min(cols - 1, c.col + o.radius); j++) {
      const d = Math.max(Math.abs(i - c.row), Math.abs(j - c.col));
      if (uniformFloat64(rng) >= o.p * decay ** d) continue;
      out.push({
        target: o.target, kind: o.kind ?? 'seu', bits: [...bits], window: { start: o.start },
        location: sram ? { kind: 'address', address: j } : { kind: 'pe', row: i, col: j },
      });
    }
  }
  return out;
}
