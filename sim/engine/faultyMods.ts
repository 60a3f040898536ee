/**
 * From resolved faults to per-(image, layer, output) modifications: for every fault, the
 * inferences and array layers whose time span it can reach, then the GEMM terms it touches there
 * (sim/dataflow/schedule*.ts), as Mods grouped by output and sorted by (k, order).
 */
import type { ConcreteFault } from '../faults/ops';
import { isSram, isStuck } from '../faults/ops';
import { elementsAt, type MemoryLayout } from '../memory/layout';
import { registerTouches, type Touch } from '../dataflow/schedule';
import { sramTouches } from '../dataflow/scheduleSram';
import type { ConvGeom } from '../dataflow/scheduleGeom';
import type { RunPlan } from './faultyPlan';
import type { Mod } from './faultyCompute';
import { endRegisterReads, isStationaryTarget } from './faultyReadEnd';
import { LayerMods } from './faultyLayerMods';
import { psumRangeTouches } from './faultyPsumTouches';

export { LayerMods, type ColumnSegment, type ColumnPlan } from './faultyLayerMods';

/** Mods of a run, built one image at a time (memory stays bounded by one image's mods). */
export interface RunMods {
  /** Images some fault may reach (sorted); `modsFor` may still find nothing for some. */
  readonly candidates: readonly number[];
  /** Mods of one image: layer index -> LayerMods (null when no fault touches the image). Adds the
   * image's touched-term counts to `touches`. */
  modsFor(image: number): Map<number, LayerMods> | null;
  /** Per concrete fault (same order as the input): GEMM terms / output words touched so far. */
  readonly touches: number[];
}

const STAGE = 2 ** 45;

/** The touches of a range in an inference it does not reach. */
const NO_TOUCH: Part = { touches: [], mods: [], slopes: null, count: 0 };

/** Composition order of a fault's op on a term accessed at `cycle`: SRAM faults before register
 * faults; then by the last cycle the fault acted on the value: a flip at its start cycle, a stuck-at
 * at the last cycle of its window up to the access (it forces again after every flip during its
 * window, and wins over a flip of the same cycle). */
export function orderOf(f: Pick<ConcreteFault, 'target' | 'kind' | 'start' | 'end'>, cycle: number): number {
  const stage = isSram(f.target) ? 0 : STAGE;
  if (f.kind === 'stuckAt0' || f.kind === 'stuckAt1') return stage + Math.min(f.end - 1, cycle) + 0.5;
  return stage + f.start;
}

/** Cycle at which a stuck-at last acts on the value of a touch, for orderOf: the touch's cycle,
 * except for the own word of a stationary register (ws weight, is input), which the MACs of a
 * ranged touch read at cycle, cycle + 1, ... : there the stuck-at forces it up to the last read
 * (so it wins over a flip earlier in its window for every later MAC). */
function orderCycle(run: RunPlan['layers'][number], layerAbs: number, f: ConcreteFault, t: Touch): number {
  const count = t.count ?? 1;
  const df = run.df;
  if (count === 1 || !df || (f.kind !== 'stuckAt0' && f.kind !== 'stuckAt1')) return t.cycle;
  if (!isStationaryTarget(run, f)) return t.cycle;
  const rel = (t.cycle - layerAbs) % df.foldCycles;
  return rel >= df.geometry.R ? t.cycle + count - 1 : t.cycle; // before R: a word passing through (one cycle)
}

/** Whether a mod's order puts it in the register stage (after the SRAM read). */
export function isRegisterOrder(order: number): boolean {
  return order >= STAGE;
}

/** Touches of one fault in one (inference, layer) whose layer starts at absolute `layerAbs`.
 * `psumRanges`: a ws / is psum fault without a duration gives one ranged touch per fold
 * (faultyPsumTouches.ts) instead of one touch per output pixel. */
export function touchesIn(plan: RunPlan, layer: number, geom: ConvGeom, layout: MemoryLayout, layerAbs: number, f: ConcreteFault, out: Touch[] = [], psumRanges = false): Touch[] {
  const run = plan.layers[layer];
  const df = run.df;
  if (!df) return out;
  if (isSram(f.target)) return sramTouches(run, geom, layout, layerAbs, f, out);
  const L = df.foldCycles;
  const lo = Math.max(0, Math.floor((f.start - layerAbs) / L));
  const hi = Math.min(df.folds - 1, f.end === Infinity ? df.folds - 1 : Math.floor((f.end - 1 - layerAbs) / L));
  for (let fi = lo; fi <= hi; fi++) {
    const from = out.length;
    const foldAbs = layerAbs + run.folds[fi].startCycle;
    if (psumRanges && usesPsumRanges(run, f)) psumRangeTouches(run, run.folds[fi], foldAbs, f, out);
    else registerTouches(run, run.folds[fi], foldAbs, f, out);
    if (f.readEnd !== undefined) endRegisterReads(run, foldAbs, f, out, from); // a flip with a duration
  }
  return out;
}

/** Whether psum fault `f` in `run` gets ranged touches: a ws / is psum register fault without a
 * duration (its touches in a fold are one per pixel at consecutive cycles). */
export function usesPsumRanges(run: RunPlan['layers'][number], f: ConcreteFault): boolean {
  return f.target === 'pe.psum' && f.readEnd === undefined && run.df !== undefined && run.df !== null && run.df.dataflow !== 'os';
}

/** Inference range [lo, hi] whose layer `layer` a fault may reach (conservative; touches filter exactly). */
export function inferenceRange(plan: RunPlan, layer: number, layout: MemoryLayout, f: ConcreteFault, nImages: number): [number, number] {
  const P = plan.inferenceCycles;
  const run = plan.layers[layer];
  const span = run.cycles + 1; // +1: ofmap words are read at the layer's end cycle
  const lo = Math.max(0, Math.floor((f.start - run.start - span) / P));
  // no read of the layer at or after readEnd sees the fault
  const readHi = f.readEnd === undefined ? nImages - 1 : Math.min(nImages - 1, Math.floor((f.readEnd - 1 - run.start) / P));
  if (f.target === 'weightSram' && layout.weightsResident) return [lo, readHi];
  const hi = f.end === Infinity ? nImages - 1 : Math.min(nImages - 1, Math.floor((f.end - 1 - run.start) / P) + 1);
  return [lo, Math.min(hi, readHi)];
}

/** One fault's reach in one array layer: the inferences [lo, hi] it may touch. */
interface Range {
  readonly f: number;
  readonly layer: number;
  readonly lo: number;
  readonly hi: number;
}

/** Touches of one range in one inference, as mods (count = terms touched); slopes[q]: growth of
 * mod q's composition order along its range (null: all 0). */
interface Part {
  readonly touches: Touch[];
  readonly mods: Mod[];
  readonly slopes: Int8Array | null;
  readonly count: number;
}

/**
 * Per-image mods of a run (the state behind RunMods.modsFor; a class so that its hot method keeps
 * its optimized code between runs).
 * Steady state: once a fault's window has ended before the layer starts (f.end <= layer start),
 * what it touches there no longer depends on the inference: every value written after the window
 * touches nothing, and a word written before it and still held (resident weights) is read the same
 * way in every later inference; the composition order is then start-based (no stuck-at is active at
 * the access). Such touches are computed once per range; images whose layer mods come only from
 * steady ranges share one LayerMods (its keys and per-output mods computed once), and images all of
 * whose mods are steady share the whole per-layer map.
 */
class ModsState {
  private readonly steady: (Part | null)[];
  private readonly partOf: (Part | null)[];
  private readonly sharedLayer = new Map<string, LayerMods>();
  private readonly sharedImage = new Map<string | number, Map<number, LayerMods>>();
  /** Whether the last part() was the steady one (returned apart: no object per call). */
  private lastSteady = false;
  private readonly hit: number[] = [];
  private readonly buf: Touch[] = [];

  constructor(
    private readonly plan: RunPlan, private readonly geoms: readonly (ConvGeom | null)[], private readonly layout: MemoryLayout,
    private readonly faults: readonly ConcreteFault[], private readonly ranges: readonly Range[], private readonly touches: number[],
    private readonly psumRanges: boolean,
  ) {
    this.steady = ranges.map(() => null);
    this.partOf = ranges.map(() => null);
  }

  /** Touches of range `ri` in inference `img` (cached in the steady state); sets lastSteady. */
  private part(ri: number, img: number): Part {
    const r = this.ranges[ri];
    const f = this.faults[r.f];
    const layerAbs = img * this.plan.inferenceCycles + this.plan.layers[r.layer].start;
    const isSteady = f.end <= layerAbs && f.readEnd === undefined;
    let part = isSteady ? this.steady[ri] : null;
    if (!part) {
      const buf = this.buf;
      buf.length = 0;
      touchesIn(this.plan, r.layer, this.geoms[r.layer]!, this.layout, layerAbs, f, buf, this.psumRanges);
      this.lastSteady = isSteady;
      if (buf.length === 0 && !isSteady) return NO_TOUCH; // e.g. an SEU that has not happened yet
      const touched = buf.slice();
      // a ranged psum touch of a stuck-at: each pixel's own cycle, one apart, sets its order
      const slopes = f.target === 'pe.psum' && isStuck(f.kind) && touched.some((t) => (t.count ?? 1) > 1) ? Int8Array.from(touched, (t) => +((t.count ?? 1) > 1)) : null;
      part = {
        touches: touched,
        mods: touched.map((t) => ({ k: t.k, operand: t.operand, op: f.op, order: orderOf(f, orderCycle(this.plan.layers[r.layer], layerAbs, f, t)), check: f.check })),
        slopes,
        count: touched.reduce((a, t) => a + (t.count ?? 1), 0),
      };
      if (isSteady) this.steady[ri] = part;
    }
    this.lastSteady = isSteady;
    return part;
  }

  /** Mods of image `img` per array layer, or null when no fault touches it. */
  modsFor(img: number): Map<number, LayerMods> | null {
    const hit = this.hit;
    hit.length = 0;
    let live = false;
    // key of the steady ranges hit: a bit mask while there are at most 30 ranges, else a string
    const small = this.ranges.length <= 30;
    let mask = 0;
    let text = '';
    for (let ri = 0; ri < this.ranges.length; ri++) {
      const r = this.ranges[ri];
      if (img < r.lo || img > r.hi) continue;
      const part = this.part(ri, img);
      if (part.touches.length === 0) continue;
      this.touches[r.f] += part.count;
      this.partOf[ri] = part;
      hit.push(ri);
      if (!this.lastSteady) live = true;
      else if (small) mask |= 1 << ri;
      else text += `${ri},`;
    }
    const key: string | number = small ? mask : text;
    if (hit.length === 0) return null;
    if (!live) {
      const known = this.sharedImage.get(key);
      if (known) return known;
    }
    // per layer, in range order (the order mods of one term compose in when their order ties)
    const byLayer = new Map<number, number[]>();
    for (const ri of hit) {
      const L = this.ranges[ri].layer;
      const list = byLayer.get(L);
      if (list) list.push(ri);
      else byLayer.set(L, [ri]);
    }
    const layers = new Map<number, LayerMods>();
    for (const [L, list] of byLayer) {
      const isLive = list.some((ri) => this.partOf[ri] !== this.steady[ri]);
      const lkey = `${L}:${list.join(',')}`;
      let lm = isLive ? undefined : this.sharedLayer.get(lkey);
      if (!lm) {
        lm = new LayerMods(this.geoms[L]!.N, this.geoms[L]!.M);
        for (const ri of list) {
          const part = this.partOf[ri]!;
          for (let q = 0; q < part.touches.length; q++) lm.add(part.touches[q], part.mods[q], part.slopes ? part.slopes[q] : 0);
        }
        if (!isLive) this.sharedLayer.set(lkey, lm);
      }
      layers.set(L, lm);
    }
    if (!live) this.sharedImage.set(key, layers);
    return layers;
  }
}

/** Prepares the per-image mods of every fault over a run of `nImages` inferences (faults with
 * skip[i] = 1 are left out: e.g. single-bit errors an SRAM's ECC always corrects). */
export function collectMods(plan: RunPlan, geoms: readonly (ConvGeom | null)[], layout: MemoryLayout, faults: readonly ConcreteFault[], nImages: number, skip?: Uint8Array): RunMods {
  const touches = faults.map(() => 0);
  // per fault and array layer: the inference range it may reach
  const ranges: Range[] = [];
  const cand = new Uint8Array(nImages);
  faults.forEach((f, fi) => {
    if (skip && skip[fi]) return;
    for (const run of plan.layers) {
      if (!run.df || !geoms[run.index]) continue;
      // an SRAM word that holds nothing of this layer never feeds it
      if (isSram(f.target) && elementsAt(layout, f.target, run.index, f.address).length === 0) continue;
      const [lo, hi] = inferenceRange(plan, run.index, layout, f, nImages);
      if (lo > hi) continue;
      ranges.push({ f: fi, layer: run.index, lo, hi });
      cand.fill(1, lo, hi + 1);
    }
  });
  const candidates: number[] = [];
  for (let i = 0; i < nImages; i++) if (cand[i]) candidates.push(i);
  // ranged psum touches keep the composition order of equal orders only while every psum fault
  // takes them (a psum flip with a duration keeps per-pixel touches: then none does)
  const psumRanges = !faults.some((f, fi) => !(skip && skip[fi]) && f.target === 'pe.psum' && f.readEnd !== undefined);
  const state = new ModsState(plan, geoms, layout, faults, ranges, touches, psumRanges);
  return { candidates, modsFor: (img) => state.modsFor(img), touches };
}
