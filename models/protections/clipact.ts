/**
 * Clip-Act: per-layer thresholds, activations above the threshold set to 0 (`clipZero`), found by
 * fault-injection search: coordinate search over layers (first to last) among candidate ratios of
 * the profiled max, maximising the area under the accuracy-vs-BER curve (trapezoid rule over
 * log10 BER, normalised to 0..1) measured with fp32 weight-memory bit flips on a calibration set.
 * Common random numbers: every candidate sees the same fault draws (seeds depend on BER and trial).
 */
import type { Network } from '../../sim/layers/types';
import { FP32 } from '../../sim/format/format';
import type { Dataset } from '../data/dataset';
import { type Bound, withBounds } from './bounds';
import { accuracyOf, logitsOf } from './data';
import { corruptStored } from './exposure';
import { type LayerProfile, unbounded } from './profile';
import { TfNetwork } from './tfForward';

/** Search settings. */
export interface ClipActOptions {
  /** BERs of the accuracy curve (per-bit, fp32 weight SRAM SEUs). */
  readonly bers: readonly number[];
  /** Fault draws per BER per candidate. */
  readonly trials: number;
  /** Candidate thresholds as ratios of the profiled layer max. */
  readonly ratios: readonly number[];
  readonly seed: number;
}

/** Defaults: 3 BERs x 3 trials, 5 candidates per layer. */
export const DEFAULT_CLIPACT: ClipActOptions = { bers: [1e-5, 1e-4, 1e-3], trials: 3, ratios: [0.5, 0.75, 1, 1.25, 1.5], seed: 5 };

/** Normalised area under the accuracy-vs-log10(BER) curve (equals mean accuracy for 1 BER). */
export function aucOf(bers: readonly number[], acc: readonly number[]): number {
  if (bers.length === 1) return acc[0]!;
  const x = bers.map((b) => Math.log10(b));
  let a = 0;
  for (let i = 1; i < x.length; i++) a += ((acc[i]! + acc[i - 1]!) / 2) * (x[i]! - x[i - 1]!);
  return a / (x[x.length - 1]! - x[0]!);
}

/** AUC of `net` under weight-memory faults on `ds` (the protection's bounds are not exposed during the search). */
export function faultAuc(net: Network, ds: Dataset, o: ClipActOptions): number {
  const acc = o.bers.map((ber, bi) => {
    let s = 0;
    for (let t = 0; t < o.trials; t++) {
      const { network } = corruptStored(net, FP32, ber, 'per-bit', 'seu', o.seed * 1_000_003 + bi * 1009 + t, { bounds: false });
      const tfn = new TfNetwork(network);
      s += accuracyOf(logitsOf(tfn, ds), ds.labels);
      tfn.dispose();
    }
    return s / o.trials;
  });
  return aucOf(o.bers, acc);
}

/** One search step's log. */
export interface ClipActStep { readonly layer: string; readonly ratio: number; readonly threshold: number; readonly auc: number }

/** Runs the Clip-Act search; returns the protected network and the chosen threshold per layer. */
export function clipact(net: Network, profile: readonly LayerProfile[], ds: Dataset, o: ClipActOptions = DEFAULT_CLIPACT): { net: Network; steps: ClipActStep[] } {
  const base = unbounded(net);
  const bounds = new Map<number, Bound>(profile.map((p) => [p.index, p.max]));
  const steps: ClipActStep[] = [];
  for (const p of profile) {
    let best = { ratio: 1, auc: -1 };
    for (const r of o.ratios) {
      const trial = new Map(bounds);
      trial.set(p.index, p.max * r);
      const auc = faultAuc(withBounds(base, trial, 'clipZero'), ds, o);
      if (auc > best.auc + 1e-9) best = { ratio: r, auc };
    }
    bounds.set(p.index, p.max * best.ratio);
    steps.push({ layer: p.name, ratio: best.ratio, threshold: p.max * best.ratio, auc: best.auc });
  }
  return { net: withBounds(base, bounds, 'clipZero'), steps };
}
