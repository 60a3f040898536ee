/**
 * Architectural vulnerability factor (AVF) per structure, residency aware (issue 14).
 *
 * AVF_SDC(S) = share of the (bit, cycle) pairs of structure S over the run whose single upset ends
 * in an SDC (AVF_DUE likewise for DUE). Estimator: simple random sampling of sites — a trial draws
 * one unit (SRAM word or PE) and one bit uniformly over the structure's bits, and one cycle
 * uniformly over the run's cycles [0, C), injects one SEU there (sim/faults record, resolved and
 * run by the faulty engine), and classifies the run (campaign/outcomes.ts, worst image). The
 * engine's interval rule (sim/faults/ops.ts) makes this residency aware: a flip in a word that is
 * overwritten before it is read, or never read again, or that lies outside what the network uses,
 * changes nothing and counts as masked. The estimate is k / n with a Wilson score (or, on request,
 * Clopper–Pearson) interval; sampling
 * is with replacement from N = bits x C sites (N is far larger than n, so this equals the paper's
 * without-replacement sampling up to the finite-population correction).
 *
 * Structure sizes (bits counted for FIT): SRAMs — the words the network actually occupies
 * (weights: all layers' K x N when resident, else the largest layer, at most the capacity; ifmap /
 * ofmap: the largest layer operand, at most the capacity) x the stored word width (sim/faults
 * resolve.ts targetBits: the format's width plus the SEC-DED check bits when `spec.ecc` covers that
 * SRAM, so upsets of check bits are sampled too); PE registers — R x C registers of the format's
 * width (psum: 32 bits).
 * Pure: no Node built-ins.
 */
import type { ArraySpec } from '../sim/types';
import type { Network } from '../sim/layers/types';
import type { FaultRecord, FaultTarget } from '../sim/faults/types';
import { planRun } from '../sim/engine/faultyPlan';
import { memoryLayout } from '../sim/memory/layout';
import { makeRng, randInt, targetBits } from '../sim/faults/resolve';
import { proportionInterval, type Interval, type ProportionMethod } from './stats';
import type { OutcomeClass } from './outcomes';

/** Every structure an AVF study covers, in report order. */
export const AVF_STRUCTURES: readonly FaultTarget[] = ['weightSram', 'ifmapSram', 'ofmapSram', 'pe.weight', 'pe.input', 'pe.psum'];

/** Size of one structure as the network uses it. */
export interface StructureSize {
  readonly target: FaultTarget;
  /** SRAM words, or PEs (one register of this kind per PE). */
  readonly units: number;
  /** Bits per word / register. */
  readonly bitsPerUnit: number;
  /** units x bitsPerUnit. */
  readonly bits: number;
  /** Capacity in units (SRAM words of the whole buffer; PEs for registers). */
  readonly capacity: number;
}

/** Sizes of every structure for a network on an array (see module doc). */
export function structureSizes(spec: ArraySpec, network: Network): Record<FaultTarget, StructureSize> {
  const plan = planRun(network, spec);
  const layout = memoryLayout(spec, network, plan);
  let weights = 0, maxW = 0, maxI = 0, maxO = 0;
  for (const m of layout.layers) {
    if (!m) continue;
    weights += m.weightWords;
    maxW = Math.max(maxW, m.weightWords); maxI = Math.max(maxI, m.ifmapWords); maxO = Math.max(maxO, m.ofmapWords);
  }
  const cap = layout.capacity;
  const size = (target: FaultTarget, units: number, capacity: number): StructureSize => {
    const b = targetBits(spec, target);
    return { target, units, bitsPerUnit: b, bits: units * b, capacity };
  };
  const pes = spec.rows * spec.cols;
  return {
    weightSram: size('weightSram', Math.min(cap.weightSram, layout.weightsResident ? weights : maxW), cap.weightSram),
    ifmapSram: size('ifmapSram', Math.min(cap.ifmapSram, maxI), cap.ifmapSram),
    ofmapSram: size('ofmapSram', Math.min(cap.ofmapSram, maxO), cap.ofmapSram),
    'pe.weight': size('pe.weight', pes, pes),
    'pe.input': size('pe.input', pes, pes),
    'pe.psum': size('pe.psum', pes, pes),
  };
}

/** The sites a study samples: units [firstUnit, firstUnit + units) x bits x cycles [0, cycles). */
export interface AvfDomain {
  readonly target: FaultTarget;
  /** First unit (SRAM address, or PE index row * cols + col). */
  readonly firstUnit: number;
  readonly units: number;
  readonly bitsPerUnit: number;
  /** Cycles of the run (all inferences), the time axis of the sites. */
  readonly cycles: number;
}

/** Number of (bit, cycle) sites of a domain (the population N). */
export function domainSites(d: AvfDomain): number {
  return d.units * d.bitsPerUnit * d.cycles;
}

/** The whole used structure over a run of `cycles` cycles. */
export function domainOf(size: StructureSize, cycles: number): AvfDomain {
  return { target: size.target, firstUnit: 0, units: size.units, bitsPerUnit: size.bitsPerUnit, cycles };
}

/** One sampled site. */
export interface Site {
  /** SRAM address or PE index (row * cols + col). */
  readonly unit: number;
  /** Bit position, 0 = LSB. */
  readonly bit: number;
  /** Cycle of the upset, from the run start. */
  readonly cycle: number;
}

/** Draws one site uniformly from a domain; a pure function of the seed. */
export function drawSite(d: AvfDomain, seed: number): Site {
  if (d.units < 1 || d.bitsPerUnit < 1 || d.cycles < 1) throw new RangeError(`AVF domain of ${d.target}: expected units, bits and cycles >= 1, found ${d.units}, ${d.bitsPerUnit}, ${d.cycles}`);
  const rng = makeRng(seed);
  const unit = d.firstUnit + randInt(rng, 0, d.units - 1);
  const bit = randInt(rng, 0, d.bitsPerUnit - 1);
  const cycle = randInt(rng, 0, d.cycles - 1);
  return { unit, bit, cycle };
}

/** The single-SEU fault record of a site (SRAM: address; registers: PE row, col). */
export function siteRecord(spec: ArraySpec, target: FaultTarget, s: Site): FaultRecord {
  const sram = target === 'weightSram' || target === 'ifmapSram' || target === 'ofmapSram';
  return {
    target, kind: 'seu', bits: [s.bit], window: { start: s.cycle },
    location: sram ? { kind: 'address', address: s.unit } : { kind: 'pe', row: Math.floor(s.unit / spec.cols), col: s.unit % spec.cols },
  };
}

/** Site outcomes of a study (each site classified by its run's worst image). */
export interface AvfTally {
  readonly sites: number;
  readonly masked: number;
  readonly tolerable: number;
  readonly sdc: number;
  readonly due: number;
}

/** An empty tally. */
export const NO_SITES: AvfTally = { sites: 0, masked: 0, tolerable: 0, sdc: 0, due: 0 };

/** Adds one site outcome to a tally. */
export function tallySite(t: AvfTally, cls: OutcomeClass): AvfTally {
  return { ...t, sites: t.sites + 1, [cls]: t[cls] + 1 };
}

/** AVF estimates of one structure. */
export interface AvfEstimate {
  readonly sites: number;
  /** Share of sites ending in SDC, with its interval. */
  readonly sdc: Interval;
  /** Share of sites ending in DUE, with its interval. */
  readonly due: Interval;
}

/** AVF (SDC and DUE) with intervals at `confidence` (default 0.95) by `method` (default Wilson). */
export function avfEstimate(t: AvfTally, confidence = 0.95, method: ProportionMethod = 'wilson'): AvfEstimate {
  return { sites: t.sites, sdc: proportionInterval(t.sdc, t.sites, confidence, method), due: proportionInterval(t.due, t.sites, confidence, method) };
}

/** Classifies one site (runs the engine with its record); supplied by the caller. */
export type SiteRunner = (record: FaultRecord, site: Site) => OutcomeClass | Promise<OutcomeClass>;

/** Runs `trials` sites drawn with seeds `seedOf(i)` through `run`, in order; returns the tally. */
export async function estimateAvf(spec: ArraySpec, d: AvfDomain, trials: number, seedOf: (i: number) => number, run: SiteRunner): Promise<AvfTally> {
  let t = NO_SITES;
  for (let i = 0; i < trials; i++) {
    const s = drawSite(d, seedOf(i));
    t = tallySite(t, await run(siteRecord(spec, d.target, s), s));
  }
  return t;
}

/** The fault of one AVF trial: a site drawn with `seed` over the used structure x the run's
 * cycles (`images` inferences), as a FaultRecord for the faulty engine. */
export function avfTrial(spec: ArraySpec, network: Network, target: FaultTarget, images: number, seed: number): { record: FaultRecord; site: Site; domain: AvfDomain } {
  const size = structureSizes(spec, network)[target];
  const domain = domainOf(size, planRun(network, spec).inferenceCycles * images);
  const site = drawSite(domain, seed);
  return { record: siteRecord(spec, target, site), site, domain };
}
