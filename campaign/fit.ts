/**
 * FIT per structure from AVF (issue 14). FIT = failures per 10^9 device-hours.
 *
 *     FIT_SDC(S) = raw rate of S [FIT/bit] x bits(S) x AVF_SDC(S)      (DUE likewise)
 *
 * Raw rates are given per Mbit (1 Mbit = 2^20 bits) for SRAMs and per flip-flop (= per register
 * bit) or per Mbit for PE registers, or taken from a preset. Each structure's FIT interval is its
 * AVF interval scaled by rate x bits. The total's interval is the sum of per-structure bounds taken
 * at confidence 1 - (1 - c) / k for k structures (Bonferroni), so it covers the total with at least
 * the stated confidence even when some AVF is 0 (where normal approximations collapse).
 * Pure: no Node built-ins.
 */
import type { FaultTarget } from '../sim/faults/types';
import { proportionInterval, type Interval, type ProportionMethod } from './stats';
import type { AvfTally } from './avf';
import { fail, ok, type Result } from '../sim/result';

/** Bits in one Mbit (binary mega, as in FIT/Mbit datasheet figures). */
export const BITS_PER_MBIT = 1 << 20;

/** Raw soft-error rates of the modeled technology. */
export interface RawRates {
  /** SRAM cells, FIT per Mbit. */
  readonly sramFitPerMbit: number;
  /** PE register bits: FIT per flip-flop (one bit) — or give registerFitPerMbit instead. */
  readonly registerFitPerFlop?: number;
  /** PE register bits, FIT per Mbit (used when registerFitPerFlop is absent). */
  readonly registerFitPerMbit?: number;
  /** Where the numbers come from (shown in reports). */
  readonly source: string;
}

/** Documented presets. Replace them with the process's own measured SER for a safety case. */
export const FIT_PRESETS: Readonly<Record<string, RawRates>> = {
  /** IEC 61508-2 (2010) Annex F reference value for embedded memories: 700 to 1,200 FIT/Mbit;
   * the upper end is used, and register flip-flops are taken at the same per-bit rate (the
   * standard gives no separate flip-flop figure). */
  'iec61508': { sramFitPerMbit: 1200, registerFitPerMbit: 1200, source: 'IEC 61508-2 reference for embedded memories, upper end (1,200 FIT/Mbit); registers at the same per-bit rate' },
  /** The lower end of the same IEC 61508-2 range (700 FIT/Mbit), registers alike. */
  'iec61508-low': { sramFitPerMbit: 700, registerFitPerMbit: 700, source: 'IEC 61508-2 reference for embedded memories, lower end (700 FIT/Mbit); registers at the same per-bit rate' },
  /** 1 FIT/Mbit everywhere: the results read as "FIT per FIT/Mbit of raw rate" (scale by your rate). */
  'unit': { sramFitPerMbit: 1, registerFitPerMbit: 1, source: 'unit rate (1 FIT/Mbit): multiply by the technology\'s raw rate' },
};

/** Raw FIT per bit of a structure under `rates`. */
export function fitPerBit(target: FaultTarget, rates: RawRates): number {
  if (target === 'weightSram' || target === 'ifmapSram' || target === 'ofmapSram') return rates.sramFitPerMbit / BITS_PER_MBIT;
  if (rates.registerFitPerFlop !== undefined) return rates.registerFitPerFlop;
  return (rates.registerFitPerMbit ?? rates.sramFitPerMbit) / BITS_PER_MBIT;
}

/** Checks raw rates (finite, >= 0). */
export function checkRates(r: RawRates, where = 'rates'): Result<RawRates> {
  for (const k of ['sramFitPerMbit', 'registerFitPerFlop', 'registerFitPerMbit'] as const) {
    const v = r[k];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) return fail(`${where}.${k}: expected a finite number >= 0, found ${String(v)}`, `${where}.${k}`);
  }
  return ok(r);
}

/** One structure's input to the FIT computation. */
export interface FitInput {
  readonly target: FaultTarget;
  /** Bits of the structure (campaign/avf.ts structureSizes). */
  readonly bits: number;
  readonly tally: AvfTally;
}

/** FIT of one structure. */
export interface StructureFit {
  readonly target: FaultTarget;
  readonly bits: number;
  /** Raw FIT of the structure if every upset failed: rate x bits. */
  readonly rawFit: number;
  readonly avfSdc: Interval;
  readonly avfDue: Interval;
  readonly fitSdc: Interval;
  readonly fitDue: Interval;
}

/** FIT of every structure and the total. */
export interface FitReport {
  readonly rates: RawRates;
  readonly confidence: number;
  readonly structures: readonly StructureFit[];
  readonly total: { readonly rawFit: number; readonly fitSdc: Interval; readonly fitDue: Interval };
}

const scale = (i: Interval, c: number): Interval => ({ mean: i.mean * c, lo: i.lo * c, hi: i.hi * c });

/** FIT per structure and in total (see module doc for the intervals); AVF intervals by `method`. */
export function fitReport(inputs: readonly FitInput[], rates: RawRates, confidence = 0.95, method: ProportionMethod = 'wilson'): FitReport {
  const k = Math.max(1, inputs.length);
  const joint = 1 - (1 - confidence) / k;
  let raw = 0;
  const tot = { sdc: { mean: 0, lo: 0, hi: 0 }, due: { mean: 0, lo: 0, hi: 0 } };
  const structures = inputs.map((x): StructureFit => {
    const rawFit = fitPerBit(x.target, rates) * x.bits;
    raw += rawFit;
    const avfSdc = proportionInterval(x.tally.sdc, x.tally.sites, confidence, method);
    const avfDue = proportionInterval(x.tally.due, x.tally.sites, confidence, method);
    for (const [key, count] of [['sdc', x.tally.sdc], ['due', x.tally.due]] as const) {
      const j = proportionInterval(count, x.tally.sites, joint, method);
      tot[key].mean += rawFit * j.mean; tot[key].lo += rawFit * j.lo; tot[key].hi += rawFit * j.hi;
    }
    return { target: x.target, bits: x.bits, rawFit, avfSdc, avfDue, fitSdc: scale(avfSdc, rawFit), fitDue: scale(avfDue, rawFit) };
  });
  return { rates, confidence, structures, total: { rawFit: raw, fitSdc: tot.sdc, fitDue: tot.due } };
}
