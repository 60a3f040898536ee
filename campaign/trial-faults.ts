/**
 * Fault draws of one engine trial (pure, seeded): static weight-memory corruption for weight-SRAM
 * BER points, and random FaultRecords for BER points on the other structures.
 *
 * BER definitions (see docs/README-campaigns.md): "per-bit" flips each bit independently with
 * probability p; "count" flips floor(bits x p) distinct bits. Bits counted:
 * - weightSram: every stored weight bit of the model (conv/dense layers, K x N words x word width),
 *   drawn layer by layer ("count": floor(layer bits x p) per layer, as RReLU does), corrupted
 *   before the run and held for the whole run (static memory corruption);
 * - ifmapSram / ofmapSram: every bit of the buffer (words x width), pe.*: every register bit
 *   (R x C x width; psum 32 bits). Each drawn bit becomes one fault at a uniformly drawn cycle of
 *   the run (seu: flips once; stuck-at: holds from that cycle on; mbu: that bit and the next).
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { decode, encode, wordBits } from '../sim/format/format';
import { targetBits, targetWords } from '../sim/faults/resolve';
import type { FaultKind, FaultRecord, FaultTarget } from '../sim/faults/types';
import type { Conv2dLayer, DenseLayer, Layer, Network } from '../sim/layers/types';
import type { ArraySpec } from '../sim/types';
import { drawFlips } from '../sim/faults/campaign';
import { checkFaultBudget, MAX_FAULTS_PER_RUN } from '../sim/faults/limits';
import type { BerDefinition } from './types';

/** Most faults one trial may draw (a guard against BERs that would exhaust memory): sim/faults/limits.ts. */
export const MAX_TRIAL_FAULTS = MAX_FAULTS_PER_RUN;

/** Throws before a draw whose expected size exceeds the budget (the flip list would not fit in memory). */
function budget(bits: number, ber: number, def: BerDefinition, where: string): void {
  const r = checkFaultBudget(bits, ber, def, where);
  if (!r.ok) throw new RangeError(r.reason);
}

type Rng = ReturnType<typeof xoroshiro128plus>;
const isArray = (l: Layer): l is Conv2dLayer | DenseLayer => l.kind === 'conv2d' || l.kind === 'dense';

/** Flips (or forces) one bit of a value stored in `spec.format`; returns the value read back. */
function hit(spec: ArraySpec, value: number, bit: number, kind: FaultKind): number {
  const width = wordBits(spec.format);
  let w = encode(spec.format, value) >>> 0;
  const m = (1 << bit) >>> 0;
  if (kind === 'stuckAt0') w = (w & ~m) >>> 0;
  else if (kind === 'stuckAt1') w = (w | m) >>> 0;
  else {
    w = (w ^ m) >>> 0;
    if (kind === 'mbu' && bit + 1 < width) w = (w ^ ((1 << (bit + 1)) >>> 0)) >>> 0;
  }
  return decode(spec.format, w);
}

/** Result of corrupting a network's weight memory. */
export interface WeightCorruption {
  readonly network: Network;
  /** Faults (drawn bits) injected. */
  readonly faults: number;
}

/**
 * Static weight-memory corruption: draws bits over all stored weights (layer order, row-major
 * K x N) with `seed` and returns a network copy whose weights hold the corrupted values. The
 * original network is not touched.
 */
export function corruptWeights(net: Network, spec: ArraySpec, ber: number, def: BerDefinition, kind: FaultKind, seed: number): WeightCorruption {
  const rng: Rng = xoroshiro128plus(seed | 0);
  const width = wordBits(spec.format);
  let faults = 0;
  const layers = net.layers.map((l) => {
    if (!isArray(l)) return l;
    budget(l.weights.length * width, ber, def, `weightSram of layer ${l.name}`);
    const flips = drawFlips(rng, l.weights.length * width, ber, def);
    faults += flips.length;
    if (faults > MAX_TRIAL_FAULTS) throw new RangeError(`BER ${ber} draws more than ${MAX_TRIAL_FAULTS} faults in one trial`);
    if (flips.length === 0) return l;
    const w = Float32Array.from(l.weights);
    for (const b of flips) {
      const k = Math.floor(b / width);
      w[k] = hit(spec, w[k]!, b % width, kind);
    }
    return { ...l, weights: w };
  });
  return { network: { ...net, layers }, faults };
}

/**
 * Random fault records for a BER point on an SRAM buffer or a PE register kind: one record per
 * drawn bit, at a uniformly drawn cycle in [0, runCycles).
 */
export function berRecords(spec: ArraySpec, target: Exclude<FaultTarget, 'weightSram'>, ber: number, def: BerDefinition,
  kind: FaultKind, runCycles: number, seed: number): FaultRecord[] {
  const rng: Rng = xoroshiro128plus(seed | 0);
  const width = targetBits(spec, target);
  const sram = target === 'ifmapSram' || target === 'ofmapSram';
  const units = sram ? targetWords(spec, target) : spec.rows * spec.cols;
  budget(units * width, ber, def, target);
  const flips = drawFlips(rng, units * width, ber, def);
  if (flips.length > MAX_TRIAL_FAULTS) throw new RangeError(`BER ${ber} draws more than ${MAX_TRIAL_FAULTS} faults in one trial`);
  return flips.map((b) => {
    const unit = Math.floor(b / width);
    const bit = b % width;
    const start = uniformInt(rng, 0, Math.max(0, runCycles - 1));
    const bits = kind === 'mbu' && bit + 1 < width ? [bit, bit + 1] : [bit];
    return {
      target, kind, bits, window: { start },
      location: sram ? { kind: 'address', address: unit } : { kind: 'pe', row: Math.floor(unit / spec.cols), col: unit % spec.cols },
    } satisfies FaultRecord;
  });
}
