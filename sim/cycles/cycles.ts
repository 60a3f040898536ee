/**
 * Cycle model per layer and per network (ideal memory, SCALE-Sim v2 compatible). Pure functions of
 * (GEMM shapes, array geometry); every number is a closed form of the layer plan
 * (see sim/dataflow/README.md for the formulas and their derivation).
 */
import type { Dataflow, GemmShape } from '../types';
import { getDataflow, planLayer } from '../dataflow/plan';
import type { LayerPlan, SramCounts } from '../dataflow/types';

/** The part of an ArraySpec the cycle model needs (an ArraySpec fits). */
export interface ArrayGeometry {
  /** PE rows R. */
  readonly rows: number;
  /** PE columns C. */
  readonly cols: number;
  readonly dataflow: Dataflow;
}

/** A named GEMM, e.g. one row of a topology file or one lowered layer of a network. */
export interface NamedGemm {
  readonly name: string;
  readonly gemm: GemmShape;
}

/** Cycle report of one layer on one array. */
export interface LayerCycles {
  readonly name: string;
  readonly plan: LayerPlan;
  /** First cycle of the layer within the network run (cycles; 0 for a lone layer). */
  readonly startCycle: number;
  /** Cycles the layer occupies the array: folds * foldCycles. */
  readonly durationCycles: number;
  /** SCALE-Sim's "Total Cycles": index of the last cycle counted from 0 = durationCycles - 1. */
  readonly totalCycles: number;
  /** Stall cycles; always 0 (ideal memory: every SRAM request is served in its cycle). */
  readonly stallCycles: number;
  /** Multiply-accumulates of the layer: M * K * N. */
  readonly macs: number;
  /** Mean over folds of used PEs / (R*C), 0..1 (SCALE-Sim "Mapping Efficiency %" / 100). */
  readonly mappingEfficiency: number;
  /** Mean over folds of used PE-cycles / (R*C*fold cycles), 0..1 (SCALE-Sim "Compute Util %" / 100). */
  readonly computeUtilization: number;
  /** macs / (totalCycles * R * C) (SCALE-Sim "Overall Util %" / 100). Because SCALE-Sim counts Total Cycles
   * from 0 (duration - 1), a layer of a few cycles can report more than 1; on the duration it is <= 1. */
  readonly overallUtilization: number;
  /** SRAM reads/writes per buffer (words), as SCALE-Sim counts them. */
  readonly sram: SramCounts;
}

/** Sums over the layers of a network run. */
export interface NetworkCycleTotals {
  /** Cycles of the whole run, layers back to back (sum of durationCycles). */
  readonly durationCycles: number;
  /** Sum of the layers' SCALE-Sim "Total Cycles" (what summing COMPUTE_REPORT.csv gives). */
  readonly totalCycles: number;
  /** Total folds. */
  readonly folds: number;
  /** Total MACs. */
  readonly macs: number;
  /** macs / (durationCycles * R * C), 0..1. */
  readonly utilization: number;
  /** Fold-weighted mean mapping efficiency, 0..1. */
  readonly mappingEfficiency: number;
  /** Summed SRAM reads/writes (words). */
  readonly sram: SramCounts;
}

/** Cycle report of a network: per layer (in run order) and totals. */
export interface NetworkCycles {
  readonly array: ArrayGeometry;
  readonly layers: readonly LayerCycles[];
  readonly totals: NetworkCycleTotals;
}

/**
 * Cycle report of one GEMM on the array, starting at `startCycle` (cycles) of a network run.
 * Throws RangeError for non-positive or non-integer dimensions.
 */
export function layerCycles(layer: NamedGemm, array: ArrayGeometry, startCycle = 0): LayerCycles {
  const plan = planLayer(layer.gemm, array.rows, array.cols, array.dataflow);
  const strategy = getDataflow(array.dataflow);
  const { Sr, Sc, T } = plan.mapping;
  const pes = array.rows * array.cols;
  // Sum over folds of rowsUsed * colsUsed = Sr * Sc (every spatial element sits in exactly one fold).
  const usedPeFolds = Sr * Sc;
  const utilCycles = strategy.utilDenominatorCycles(plan.geometry);
  const { M, K, N } = layer.gemm;
  const macs = M * K * N;
  const totalCycles = plan.durationCycles - 1;
  return {
    name: layer.name,
    plan,
    startCycle,
    durationCycles: plan.durationCycles,
    totalCycles,
    stallCycles: 0,
    macs,
    mappingEfficiency: usedPeFolds / (pes * plan.folds),
    computeUtilization: (usedPeFolds * T) / (pes * utilCycles * plan.folds),
    // A 1-cycle layer has totalCycles 0 (SCALE-Sim would divide by zero): use its duration.
    overallUtilization: macs / (Math.max(totalCycles, 1) * pes),
    sram: strategy.sramCounts(plan.mapping, plan.geometry, plan.rowFolds, plan.colFolds),
  };
}

/** Cycle report of layers run back to back on one array (layer l starts when l-1 ends). */
export function networkCycles(layers: readonly NamedGemm[], array: ArrayGeometry): NetworkCycles {
  const out: LayerCycles[] = [];
  let cycle = 0;
  let totalCycles = 0;
  let folds = 0;
  let macs = 0;
  let mapped = 0;
  let ifmapReads = 0;
  let filterReads = 0;
  let ofmapWrites = 0;
  for (const layer of layers) {
    const lc = layerCycles(layer, array, cycle);
    out.push(lc);
    cycle += lc.durationCycles;
    totalCycles += lc.totalCycles;
    folds += lc.plan.folds;
    macs += lc.macs;
    mapped += lc.mappingEfficiency * lc.plan.folds;
    ifmapReads += lc.sram.ifmapReads;
    filterReads += lc.sram.filterReads;
    ofmapWrites += lc.sram.ofmapWrites;
  }
  const pes = array.rows * array.cols;
  return {
    array: { rows: array.rows, cols: array.cols, dataflow: array.dataflow },
    layers: out,
    totals: {
      durationCycles: cycle,
      totalCycles,
      folds,
      macs,
      utilization: cycle === 0 ? 0 : macs / (cycle * pes),
      mappingEfficiency: folds === 0 ? 0 : mapped / folds,
      sram: { ifmapReads, filterReads, ofmapWrites },
    },
  };
}

/**
 * The layer running at network cycle `cycle` and the layer-relative cycle, or null past the end.
 * Binary search over the layers' start cycles (O(log layers)).
 */
export function layerAtCycle(net: NetworkCycles, cycle: number): { layer: number; localCycle: number } | null {
  if (!Number.isInteger(cycle) || cycle < 0 || cycle >= net.totals.durationCycles) return null;
  let lo = 0;
  let hi = net.layers.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (net.layers[mid].startCycle <= cycle) lo = mid;
    else hi = mid - 1;
  }
  return { layer: lo, localCycle: cycle - net.layers[lo].startCycle };
}
