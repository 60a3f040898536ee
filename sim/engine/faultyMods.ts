/**
 * From resolved faults to per-(image, layer, output) modifications: for every fault, the
 * inferences and array layers whose time span it can reach, then the GEMM terms it touches there
 * (sim/dataflow/schedule*.ts), as Mods grouped by output and sorted by (k, order).
 */
import type { ConcreteFault } from '../faults/ops';
import { isSram } from '../faults/ops';
import type { MemoryLayout } from '../memory/layout';
import { registerTouches, type Touch } from '../dataflow/schedule';
import { sramTouches } from '../dataflow/scheduleSram';
import type { ConvGeom } from '../dataflow/scheduleGeom';
import type { RunPlan } from './faultyPlan';
import type { Mod } from './faultyCompute';

/** Mods of one (image, layer): output index (m*N + n) -> mods sorted by (k, order). */
export type LayerMods = Map<number, Mod[]>;

/** All mods of a run: image -> layer index -> LayerMods; plus the number of terms each fault touched. */
export interface RunMods {
  readonly byImage: Map<number, Map<number, LayerMods>>;
  /** Per concrete fault (same order as the input): GEMM terms / output words touched. */
  readonly touches: number[];
}

const STAGE = 2 ** 45;

/** Composition order of a fault's op on a term accessed at `cycle`: SRAM faults before register
 * faults; by start cycle; a stuck-at still active at the access goes last (it wins). */
function orderOf(f: ConcreteFault, cycle: number): number {
  const stage = isSram(f.target) ? 0 : STAGE;
  const stuckActive = (f.kind === 'stuckAt0' || f.kind === 'stuckAt1') && f.end > cycle;
  return stage + (stuckActive ? cycle + 0.5 : f.start);
}

/** Touches of one fault in one (inference, layer) whose layer starts at absolute `layerAbs`. */
export function touchesIn(plan: RunPlan, layer: number, geom: ConvGeom, layout: MemoryLayout, layerAbs: number, f: ConcreteFault, out: Touch[] = []): Touch[] {
  const run = plan.layers[layer];
  const df = run.df;
  if (!df) return out;
  if (isSram(f.target)) return sramTouches(run, geom, layout, layerAbs, f, out);
  const L = df.foldCycles;
  const lo = Math.max(0, Math.floor((f.start - layerAbs) / L));
  const hi = Math.min(df.folds - 1, f.end === Infinity ? df.folds - 1 : Math.floor((f.end - 1 - layerAbs) / L));
  for (let fi = lo; fi <= hi; fi++) registerTouches(run, run.folds[fi], layerAbs + run.folds[fi].startCycle, f, out);
  return out;
}

/** Inference range [lo, hi] whose layer `layer` a fault may reach (conservative; touches filter exactly). */
export function inferenceRange(plan: RunPlan, layer: number, layout: MemoryLayout, f: ConcreteFault, nImages: number): [number, number] {
  const P = plan.inferenceCycles;
  const run = plan.layers[layer];
  const span = run.cycles + 1; // +1: ofmap words are read at the layer's end cycle
  const lo = Math.max(0, Math.floor((f.start - run.start - span) / P));
  if (f.target === 'weightSram' && layout.weightsResident) return [lo, nImages - 1];
  const hi = f.end === Infinity ? nImages - 1 : Math.min(nImages - 1, Math.floor((f.end - 1 - run.start) / P) + 1);
  return [lo, hi];
}

/** Collects the mods of every fault over a run of `nImages` inferences. */
export function collectMods(plan: RunPlan, geoms: readonly (ConvGeom | null)[], layout: MemoryLayout, faults: readonly ConcreteFault[], nImages: number): RunMods {
  const byImage = new Map<number, Map<number, LayerMods>>();
  const touches = faults.map(() => 0);
  const P = plan.inferenceCycles;
  const buf: Touch[] = [];
  faults.forEach((f, fi) => {
    for (const run of plan.layers) {
      const g = geoms[run.index];
      if (!run.df || !g) continue;
      const [lo, hi] = inferenceRange(plan, run.index, layout, f, nImages);
      for (let img = lo; img <= hi; img++) {
        buf.length = 0;
        touchesIn(plan, run.index, g, layout, img * P + run.start, f, buf);
        if (buf.length === 0) continue;
        touches[fi] += buf.length;
        let layers = byImage.get(img);
        if (!layers) byImage.set(img, (layers = new Map()));
        let mods = layers.get(run.index);
        if (!mods) layers.set(run.index, (mods = new Map()));
        for (const t of buf) {
          const key = t.m * g.N + t.n;
          let list = mods.get(key);
          if (!list) mods.set(key, (list = []));
          list.push({ k: t.k, operand: t.operand, op: f.op, order: orderOf(f, t.cycle) });
        }
      }
    }
  });
  for (const layers of byImage.values()) {
    for (const mods of layers.values()) for (const list of mods.values()) list.sort((a, b) => a.k - b.k || a.order - b.order);
  }
  return { byImage, touches };
}
