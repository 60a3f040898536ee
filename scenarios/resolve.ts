/**
 * Resolution of a finished scenario run into concrete FaultRecords: random locations are drawn
 * (declaration order) from one seeded pure-rand stream (xoroshiro128plus(seed), `uniformInt`; an
 * injectFault with `count` N draws its N distinct locations there in turn, redrawing repeats), and rate processes are expanded into bit
 * flips epoch by epoch from a second, independent stream (a jump of the first), so adding a rate
 * never changes where random faults land.
 *
 * Rate process semantics (docs/README-scenarios.md): an epoch starts when the process starts and at
 * every INFERENCE_START while it runs; each epoch draws a fresh corruption of the target's stored
 * bits (per-bit: each bit flips independently with probability ber; count: exactly
 * floor(bits * ber) distinct bits, uniform). An epoch's flips hit every value the word or register
 * holds during the epoch (`everyValue` seu records: reloaded weights are hit in every layer, resident
 * ones only while the epoch lasts); the epoch ends at the next epoch, a scrub of that SRAM, or the
 * process's end. With ECC the stored bits include the check bits.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { ArraySpec } from '../sim/types';
import type { FaultLocation, FaultRecord, FaultTarget } from '../sim/faults/types';
import { fail, ok, type Result } from '../sim/result';
import { drawFlips } from '../sim/faults/campaign';
import { MAX_RUN_FAULTS } from '../sim/faults/resolve';
import { isSramTarget, targetBits, targetUnits, targetWordBits } from './geometry';
import type { DeclaredFault, RateProcess, ScenarioContext, ScrubRecord } from './types';

type Rng = ReturnType<typeof xoroshiro128plus>;

/** Most flips a whole run's rate processes may produce (the run's fault limit, sim MAX_RUN_FAULTS). */
export const MAX_RUN_FLIPS = MAX_RUN_FAULTS;

/** Draws a location for a random fault so its cluster fits in the target. */
function drawLocation(rng: Rng, spec: ArraySpec, f: DeclaredFault): FaultLocation {
  if (isSramTarget(f.target)) {
    const span = f.cluster?.cols ?? 1;
    return { kind: 'address', address: uniformInt(rng, 0, targetUnits(spec, f.target) - span) };
  }
  const row = uniformInt(rng, 0, spec.rows - (f.cluster?.rows ?? 1));
  const col = uniformInt(rng, 0, spec.cols - (f.cluster?.cols ?? 1));
  return { kind: 'pe', row, col };
}

/** `count` distinct locations for a count injection: draws as drawLocation does (SRAM: address;
 * PE: row, then col) and redraws a location already taken, so count 1 would equal drawLocation. */
function drawDistinct(rng: Rng, spec: ArraySpec, f: DeclaredFault, count: number): FaultLocation[] {
  const units = targetUnits(spec, f.target);
  if (count > units) throw new RangeError(`${count} faults at distinct units of a ${units}-unit ${f.target}`); // refused by validation
  const taken = new Set<number>();
  const out: FaultLocation[] = [];
  while (out.length < count) {
    const loc = drawLocation(rng, spec, f);
    const key = loc.kind === 'address' ? loc.address : loc.kind === 'pe' ? loc.row * spec.cols + loc.col : 0;
    if (taken.has(key)) continue;
    taken.add(key);
    out.push(loc);
  }
  return out;
}

/** Location of the unit (word or PE register) with linear index `unit`. */
function unitLocation(spec: ArraySpec, target: FaultTarget, unit: number): FaultLocation {
  return isSramTarget(target) ? { kind: 'address', address: unit } : { kind: 'pe', row: Math.floor(unit / spec.cols), col: unit % spec.cols };
}

/** Epoch start cycles of a rate process: its start, then each inference start inside it. */
function epochStarts(r: RateProcess, inferenceStarts: readonly number[]): number[] {
  return [r.start, ...inferenceStarts.filter((c) => c > r.start && (r.end === undefined || c < r.end))];
}

/** Expands the rate processes into SEU records. */
function expandRates(
  rng: Rng,
  spec: ArraySpec,
  rates: readonly RateProcess[],
  scrubs: readonly ScrubRecord[],
  inferenceStarts: readonly number[],
): Result<FaultRecord[]> {
  const out: FaultRecord[] = [];
  for (const r of rates) {
    const width = targetWordBits(spec, r.target);
    const total = targetBits(spec, r.target);
    const starts = epochStarts(r, inferenceStarts);
    for (let e = 0; e < starts.length; e++) {
      const a = starts[e];
      let end = e + 1 < starts.length ? starts[e + 1] : r.end;
      for (const s of scrubs) if (s.target === r.target && s.cycle >= a && (end === undefined || s.cycle < end)) end = s.cycle;
      if (end !== undefined && end <= a) continue;
      if (out.length + total * r.ber > MAX_RUN_FLIPS * 1.01 + 64) return fail(`rate processes: more than ${MAX_RUN_FLIPS} flips in the run; lower ber or run fewer inferences`, 'setRate.ber');
      const flips = drawFlips(rng, total, r.ber, r.model);
      if (out.length + flips.length > MAX_RUN_FLIPS) return fail(`rate processes: more than ${MAX_RUN_FLIPS} flips in the run; lower ber or run fewer inferences`, 'setRate.ber');
      flips.forEach((pos, j) => {
        out.push({
          id: `${r.id}.e${e}.${j}`,
          target: r.target,
          kind: 'seu',
          location: unitLocation(spec, r.target, Math.floor(pos / width)),
          bits: [pos % width],
          window: end === undefined ? { start: a } : { start: a, end },
          everyValue: true,
        });
      });
    }
  }
  return ok(out);
}

/** The concrete fault schedule of a finished run (see module doc). Faults with an empty window
 * (ended at their start cycle) are dropped. Ordered by window start, then declaration order. */
export function resolveSchedule(ctx: ScenarioContext, spec: ArraySpec, seed: number, inferenceStarts: readonly number[]): Result<FaultRecord[]> {
  const locRng = xoroshiro128plus(seed);
  const rateRng = xoroshiro128plus(seed);
  rateRng.jump();
  const declared = [...ctx.active, ...ctx.ended].sort((a, b) => a.seq - b.seq);
  let units = 0;
  for (const f of declared) units += (f.cluster?.rows ?? 1) * (f.cluster?.cols ?? 1) * (f.count ?? 1);
  if (units > MAX_RUN_FAULTS) return fail(`faults: expected at most ${MAX_RUN_FAULTS} faulty words / PEs in one run, found ${units}; inject fewer or run fewer inferences`, 'injectFault');
  const faults: FaultRecord[] = [];
  for (const f of declared) {
    const { seq: _seq, count, ...rest } = f;
    if (count !== undefined && count > 1) {
      // N faults at N distinct units, drawn from the same stream (validated: random, no cluster)
      const locations = drawDistinct(locRng, spec, f, count);
      if (f.window.end !== undefined && f.window.end <= f.window.start) continue;
      locations.forEach((location, k) => faults.push({ ...rest, id: `${f.id}.${k}`, location }));
      continue;
    }
    const location = f.location.kind === 'random' ? drawLocation(locRng, spec, f) : f.location;
    if (f.window.end !== undefined && f.window.end <= f.window.start) continue;
    faults.push({ ...rest, location });
  }
  const rates = [...ctx.endedRates, ...ctx.rates].sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
  const flips = expandRates(rateRng, spec, rates, ctx.scrubs, inferenceStarts);
  if (!flips.ok) return flips;
  const all = [...faults, ...flips.value];
  // Stable sort by start cycle keeps declaration order at equal starts.
  return ok(all.map((f, i) => [f, i] as const).sort((x, y) => x[0].window.start - y[0].window.start || x[1] - y[1]).map(([f]) => f));
}
