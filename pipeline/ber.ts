/**
 * BER draws of a run (pure, seeded), arranged for paired comparisons (common random numbers): the
 * data bits of the weights, activations and registers are drawn from one stream seeded by `seed`
 * alone, so at one (model, format, fault point, trial) every protection sees the same faults in the
 * same words and bits; what only a protection stores (SEC-DED check bits, activation bounds) is
 * drawn from streams of its own (seeds mixed from `seed`), which never shift the shared draws.
 * Definitions (docs/README-campaigns.md): "per-bit" flips each bit independently with probability
 * p; "count" flips floor(bits x p) distinct bits (per layer / bound tensor, and separately for the
 * data and the check bits).
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { wordBits } from '../sim/format/format';
import { targetWords } from '../sim/faults/resolve';
import { drawFlips } from '../sim/faults/campaign';
import { checkFaultBudget, MAX_FAULTS_PER_RUN } from '../sim/faults/limits';
import { checkBits } from '../sim/memory/ecc';
import { isSram } from '../sim/faults/ops';
import type { FaultKind, FaultRecord, FaultTarget } from '../sim/faults/types';
import type { ArraySpec } from '../sim/types';
import type { DrawDefinition } from './types';

/** A seeded pure-rand generator. */
export type Rng = ReturnType<typeof xoroshiro128plus>;

/** Which stream a draw comes from: the shared data stream, or a protection's own. */
export type Stream = 'data' | 'check' | 'bounds';

const STREAM_SALT: Record<Stream, number> = { data: 0, check: 0x9e3779b9, bounds: 0x85ebca6b };

/** The generator of one stream of a trial (data: xoroshiro128+(seed); the others from mixed seeds). */
export function streamRng(seed: number, stream: Stream): Rng {
  if (stream === 'data') return xoroshiro128plus(seed | 0);
  let h = Math.imul((seed ^ STREAM_SALT[stream]) >>> 0, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return xoroshiro128plus((h ^ (h >>> 16)) | 0);
}

/** Refuses a draw whose expected size exceeds the per-run budget (before the flip list is built). */
export function budget(bits: number, ber: number, def: DrawDefinition, where: string): void {
  const r = checkFaultBudget(bits, ber, def, where);
  if (!r.ok) throw new RangeError(r.reason);
}

/**
 * Random fault records for a BER point on an SRAM buffer or a PE register kind: one record per
 * drawn bit, at a uniformly drawn cycle in [0, runCycles). Data bits come from the shared stream;
 * when the SRAM is ECC-protected (spec.ecc), its check bits (bits k..k+r of each word) are drawn
 * from the `check` stream, so the data faults equal those of the same point without ECC.
 */
export function berRecords(spec: ArraySpec, target: Exclude<FaultTarget, 'weightSram'> | 'weightSram', ber: number, def: DrawDefinition,
  kind: FaultKind, runCycles: number, seed: number): FaultRecord[] {
  const sram = isSram(target);
  const k = target === 'pe.psum' ? 32 : wordBits(spec.format);
  const units = sram ? targetWords(spec, target as 'weightSram' | 'ifmapSram' | 'ofmapSram') : spec.rows * spec.cols;
  const out: FaultRecord[] = [];
  const draw = (rng: Rng, width: number, offset: number): void => {
    budget(units * width, ber, def, target);
    const flips = drawFlips(rng, units * width, ber, def);
    if (out.length + flips.length > MAX_FAULTS_PER_RUN) throw new RangeError(`BER ${ber} draws more than ${MAX_FAULTS_PER_RUN} faults in one run`);
    for (const b of flips) {
      const unit = Math.floor(b / width);
      const bit = b % width;
      const start = uniformInt(rng, 0, Math.max(0, runCycles - 1));
      const bits = kind === 'mbu' && bit + 1 < width ? [offset + bit, offset + bit + 1] : [offset + bit];
      out.push({
        target, kind, bits, window: { start },
        location: sram ? { kind: 'address', address: unit } : { kind: 'pe', row: Math.floor(unit / spec.cols), col: unit % spec.cols },
      });
    }
  };
  draw(streamRng(seed, 'data'), k, 0);
  const r = sram ? checkBits(spec, target as 'weightSram' | 'ifmapSram' | 'ofmapSram') : 0;
  if (r > 0) draw(streamRng(seed, 'check'), r, k);
  return out;
}
