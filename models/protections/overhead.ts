/**
 * Overhead report of a protection on a modeled accelerator:
 * - extra parameters: stored bounds (a layer-wise bound is 1, an array bound one per channel, unit or element);
 * - extra bytes: bounds in the weight word format, plus SEC-DED check bits over every weight and
 *   bound word when `ecc` is on;
 * - extra cycles per inference (modeled, the array's compute cycles are unchanged):
 *   bounds are loaded into the activation unit once per layer, C values per cycle
 *   (ceil(bounds / C) cycles per bounded layer); a weight-read-path unit (SAF transform, ECC
 *   decoder) is pipelined and adds its depth (1 cycle) once per fold of every array layer;
 *   the comparison itself runs in the activation unit's existing pipeline (0 cycles);
 * - its own fault exposure: stored bits a fault can hit (weights + bounds (+ check bits)).
 */
import { wordBits, wordBytes } from '../../sim/format/format';
import type { Network } from '../../sim/layers/types';
import type { ArraySpec } from '../../sim/types';
import { planRun } from '../../sim/engine/faultyPlan';
import { boundCount, boundsOf } from './bounds';
import { secDed } from './ecc';
import type { ProtectionSpec } from './spec';

/** Overhead of one protected network vs the same network unprotected. */
export interface OverheadReport {
  readonly protection: string;
  /** Stored weights (conv/dense), values. */
  readonly weights: number;
  /** Extra stored parameters (bounds). */
  readonly extraParams: number;
  /** Extra stored bytes (bounds + ECC check bits). */
  readonly extraBytes: number;
  /** Extra accelerator cycles per inference (modeled, see file header). */
  readonly extraCycles: number;
  /** Compute cycles of one inference on the array (unchanged by the protection). */
  readonly baseCycles: number;
  /** Stored bits exposed to weight-memory faults without / with the protection. */
  readonly exposedBitsBase: number;
  readonly exposedBits: number;
  /** Of `exposedBits`, bits that hold bounds (the protection's own vulnerability). */
  readonly boundBits: number;
}

/** Computes the overhead report of `net` (already protected) under `spec`'s word format. */
export function overheadOf(net: Network, p: ProtectionSpec, spec: ArraySpec): OverheadReport {
  let weights = 0;
  for (const l of net.layers) if (l.kind === 'conv2d' || l.kind === 'dense') weights += l.weights.length;
  const bounds = boundCount(net);
  const k = wordBits(spec.format);
  const n = p.ecc ? secDed(k).n : k;
  const plan = planRun(net, spec);
  let cycles = 0;
  for (const b of boundsOf(net).values()) cycles += Math.ceil((typeof b === 'number' ? 1 : b.length) / spec.cols);
  const readPathUnit = p.saf !== null || p.ecc;
  if (readPathUnit) for (const l of plan.layers) if (l.unit === 'array') cycles += l.folds.length;
  const checkBits = p.ecc ? (weights + bounds) * (n - k) : 0;
  return {
    protection: p.id, weights, extraParams: bounds,
    extraBytes: bounds * wordBytes(spec.format) + Math.ceil(checkBits / 8),
    extraCycles: cycles, baseCycles: plan.inferenceCycles,
    exposedBitsBase: weights * k, exposedBits: (weights + bounds) * n, boundBits: bounds * n,
  };
}
