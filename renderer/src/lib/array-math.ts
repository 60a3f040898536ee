/**
 * Pure helpers for the accelerator view: where a cycle falls, which PEs a fold maps, per-PE
 * activity over a layer, and colour maps. Mirrors sim/dataflow's fold order (column-fold major:
 * fold f has rowFold = f mod rowFolds, colFold = floor(f / rowFolds)).
 */
import type { z } from 'zod';
import type { CycleLayer } from '../../../ipc/sim-schemas';

/** One layer of a `sim.cycles` reply. */
export type CycleLayerT = z.output<typeof CycleLayer>;

/** Where an absolute cycle falls: inference, layer index (array layers only) and fold. */
export interface CyclePlace {
  readonly inference: number;
  /** Cycle within the inference. */
  readonly local: number;
  /** Index of the array layer running, or -1 when none. */
  readonly layer: number;
  /** Fold index in execution order, or -1. */
  readonly fold: number;
}

/** Locates `cycle` (absolute) given the layers of one inference of `inferenceCycles` cycles. */
export function placeOf(layers: readonly CycleLayerT[], inferenceCycles: number, cycle: number): CyclePlace {
  const inference = inferenceCycles > 0 ? Math.floor(cycle / inferenceCycles) : 0;
  const local = cycle - inference * inferenceCycles;
  for (const l of layers) {
    if (l.unit !== 'array' || local < l.start || local >= l.start + l.cycles) continue;
    return { inference, local, layer: l.index, fold: l.foldCycles > 0 ? Math.floor((local - l.start) / l.foldCycles) : 0 };
  }
  return { inference, local, layer: -1, fold: -1 };
}

/** PE rows and columns holding data in fold `f` of layer `l` (R x C array). */
export function foldUse(l: CycleLayerT, f: number, R: number, C: number): { rows: number; cols: number; rowStart: number; colStart: number } {
  if (!l.mapping || l.rowFolds === 0) return { rows: 0, cols: 0, rowStart: 0, colStart: 0 };
  const colFold = Math.floor(f / l.rowFolds);
  const rowFold = f - colFold * l.rowFolds;
  const rowStart = rowFold * R;
  const colStart = colFold * C;
  return { rows: Math.max(0, Math.min(R, l.mapping[0] - rowStart)), cols: Math.max(0, Math.min(C, l.mapping[1] - colStart)), rowStart, colStart };
}

/** Per-PE activity of a layer: share of its folds in which PE (i, j) holds data, 0..1, row-major R*C. */
export function layerActivity(l: CycleLayerT, R: number, C: number): Float32Array {
  const out = new Float32Array(R * C);
  if (!l.mapping || l.rowFolds === 0) return out;
  const rowShare = new Float32Array(R);
  const colShare = new Float32Array(C);
  for (let rf = 0; rf < l.rowFolds; rf++) {
    const used = Math.min(R, l.mapping[0] - rf * R);
    for (let i = 0; i < used; i++) rowShare[i] += 1 / l.rowFolds;
  }
  for (let cf = 0; cf < l.colFolds; cf++) {
    const used = Math.min(C, l.mapping[1] - cf * C);
    for (let j = 0; j < used; j++) colShare[j] += 1 / l.colFolds;
  }
  for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) out[i * C + j] = rowShare[i] * colShare[j];
  return out;
}

/** Blue ramp for 0..1 activity: an "rgb(...)" string. */
export function activityColor(a: number): string {
  const t = Math.max(0, Math.min(1, a));
  return `rgb(${Math.round(28 + 40 * t)},${Math.round(36 + 110 * t)},${Math.round(52 + 170 * t)})`;
}

/** Diverging/heat colour for |delta| or values normalised to 0..1: black -> orange -> yellow. */
export function heatRgb(t: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, t));
  if (x < 0.5) return [Math.round(510 * x), Math.round(120 * x), 20];
  return [255, Math.round(60 + 390 * (x - 0.5)), Math.round(20 + 200 * (x - 0.5))];
}

/** Grey ramp for feature maps: value v scaled by `max` to 0..255. */
export function grey(v: number, max: number): number {
  return max > 0 ? Math.round(255 * Math.max(0, Math.min(1, v / max))) : 0;
}

/** Formats a number compactly for labels (exponent form for very large/small). */
export function fmtNum(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'non-finite';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e4 || a < 1e-3 ? x.toExponential(2) : x.toFixed(a >= 100 ? 1 : 4);
}

/** Colour of a fault target in timelines and grids. */
export const TARGET_COLORS: Readonly<Record<string, string>> = {
  weightSram: '#e0a030', ifmapSram: '#40b0e0', ofmapSram: '#7a8cff', 'pe.weight': '#ff5c5c', 'pe.input': '#ff8a3d', 'pe.psum': '#e04fd0',
};
