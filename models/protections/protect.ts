/**
 * Applies a protection combination to a trained network, running each part's calibration or
 * training step in a fixed order: saturated weights (the caller's SAF network, trained with the
 * transform in the loop by models/quant/train-saf.ts), then the activation protection (profiled on
 * the resulting network), ECC last (it only changes how stored words are decoded). int8 training
 * (`qat`, `saq`) is not a step here: models/quant/train-saq.ts trains both files with the same start
 * and batches, and train-saf.ts --format int8 the SAF one; `quantRefusal` names the command. Pure
 * apart from tfjs compute; data comes from the caller.
 */
import type { Network } from '../../sim/layers/types';
import { type Dataset, head } from '../data/dataset';
import { boundSummary, rangerBounds, withBounds } from './bounds';
import { DEFAULT_FITACT, DEFAULT_PROACT, fitact, proact, type FitActOptions, type ProActOptions } from './boundTrain';
import { clipact, DEFAULT_CLIPACT, type ClipActOptions } from './clipact';
import { accuracyOf, logitsOf } from './data';
import { profileActivations, unbounded } from './profile';
import { trainSafCommand, type ProtectionSpec } from './spec';
import { TfNetwork } from './tfForward';

/** Hyper-parameters of every step (defaults sized for MNIST nets on a few hundred images). */
export interface ProtectOptions {
  readonly fitact?: FitActOptions;
  readonly proact?: ProActOptions;
  /**
   * The trained SAF network (the saved `<model>+saf[-fn]` file of models/quant/train-saf.ts) that a
   * combination with `saf` starts from instead of the unprotected network; required when the spec has `saf`.
   */
  readonly safNet?: Network;
  readonly clipact?: ClipActOptions;
  /** Called with each log line as it is made (long trainings). */
  readonly onLog?: (line: string) => void;
}

/** A protected network with the log of its calibration. */
export interface ProtectResult {
  readonly net: Network;
  readonly spec: ProtectionSpec;
  /** Human-readable calibration log lines. */
  readonly log: readonly string[];
  /** Validation accuracy (0..1, fp32, tf forward) before and after. */
  readonly accuracyBefore: number;
  readonly accuracyAfter: number;
}

function acc(net: Network, ds: Dataset): number {
  const t = new TfNetwork(net);
  try { return accuracyOf(logitsOf(t, ds), ds.labels); } finally { t.dispose(); }
}

/** Runs the protection's steps on `net` with calibration set `calib` and validation set `val`. */
export function protectNetwork(net: Network, spec: ProtectionSpec, calib: Dataset, val: Dataset, o: ProtectOptions = {}): ProtectResult {
  const log: string[] = [];
  let cur = unbounded(net);
  const before = acc(cur, val);
  log.push(`baseline validation accuracy ${(before * 100).toFixed(2)}% on ${val.n} images`);
  const refused = quantRefusal(spec);
  if (refused) throw new Error(refused);
  if (spec.saf) {
    cur = safStart(spec, o.safNet);
    log.push(`saf(${spec.saf}): starts from the trained SAF network (transform in the loop, models/quant/train-saf.ts), validation ${(acc(cur, val) * 100).toFixed(2)}%`);
  }
  if (spec.activation !== 'relu') {
    const profile = profileActivations(cur, calib);
    log.push(`profile on ${calib.n} images: ${profile.map((p) => `${p.name} max ${p.max.toFixed(3)}`).join(', ')}`);
    switch (spec.activation) {
      case 'ranger':
        cur = withBounds(cur, rangerBounds(profile), 'clip');
        break;
      case 'clipact': {
        const r = clipact(cur, profile, head(calib, Math.min(calib.n, 300)), o.clipact ?? DEFAULT_CLIPACT);
        cur = r.net;
        for (const s of r.steps) log.push(`clipact ${s.layer}: threshold ${s.threshold.toFixed(3)} (x${s.ratio} of max), AUC ${s.auc.toFixed(4)}`);
        break;
      }
      case 'fitact': {
        const fo = o.fitact ?? DEFAULT_FITACT;
        const r = fitact(cur, profile, calib, val, { ...fo, onEpoch: (l) => { log.push(l); o.onLog?.(l); } });
        cur = r.net;
        log.push(`fitact: per-element zeroing bounds, weights frozen, Adam lr ${fo.lr} cosine, reg ${fo.reg}, ${r.epochs.length} of at most ${fo.maxEpochs} epochs over ${calib.n} images; start ${(r.start * 100).toFixed(2)}%, unbounded ${(r.baseline * 100).toFixed(2)}%`);
        break;
      }
      case 'proact': {
        const po = o.proact ?? DEFAULT_PROACT;
        const r = proact(cur, profile, calib, val, { ...po, onEpoch: (l) => { log.push(l); o.onLog?.(l); } });
        cur = r.net;
        log.push(`proact: ${r.steps.length} epochs over ${calib.n} images (at most ${po.epochsPerDecay} per decay value); start ${(r.start * 100).toFixed(2)}%, unbounded ${(r.baseline * 100).toFixed(2)}%`);
        log.push(`bounds: ${boundSummary(cur, profile)}`);
        break;
      }
    }
  }
  if (spec.ecc) log.push('ecc: SEC-DED per stored word (applied to the fault model)');
  const after = acc(cur, val);
  log.push(`protected validation accuracy ${(after * 100).toFixed(2)}%`);
  return { net: cur, spec, log, accuracyBefore: before, accuracyAfter: after };
}

/**
 * The network a `saf` combination starts from: `safNet` checked against the spec (fp32 SAF, the
 * spec's transform on every conv/dense layer, no bounds yet). Throws naming the command that trains it.
 */
export function safStart(spec: ProtectionSpec, safNet: Network | undefined): Network {
  const fmt = spec.safFormat ?? 'fp32';
  const train = trainSafCommand(spec);
  if (spec.activation === 'relu' && !spec.saq && !spec.qat && !spec.ecc) {
    throw new Error(`protection ${spec.id}: SAF alone is trained with the transform in the loop by \`${train}\`, not by npm run protect`);
  }
  if (fmt !== 'fp32') throw new Error(`protection ${spec.id}: combinations are built on the fp32 SAF network only (the bound and QAT training run in fp32); found safFormat ${fmt}`);
  if (!safNet) throw new Error(`protection ${spec.id}: expected the trained SAF network (safNet) from \`${train}\``);
  for (const l of safNet.layers) {
    if ((l.kind === 'conv2d' || l.kind === 'dense') && l.weightTransform !== spec.saf) {
      throw new Error(`protection ${spec.id}: safNet layer ${l.name} has weightTransform ${l.weightTransform ?? 'none'}, expected ${spec.saf}`);
    }
  }
  return unbounded(safNet);
}

/**
 * Why `npm run protect` does not build `spec` when it has an int8 training part (`qat`, `saq`), with
 * the command that does (null when it has none): the committed int8 files are trained by
 * models/quant/train-saq.ts (qat and saq together: same start, seed and batches, sharpness
 * measured) and, for SAF, by train-saf.ts --format int8; one code path per file.
 */
export function quantRefusal(spec: ProtectionSpec): string | null {
  if (!spec.saq && !spec.qat) return null;
  if (spec.saf) {
    return `protection ${spec.id}: an int8 SAF network is trained with the transform and the quantization in the loop by \`${trainSafCommand(spec, '<model>', 'int8')}\` (protection saf-int8), not by npm run protect`;
  }
  const part = spec.saq ? 'saq' : 'qat';
  const alone = spec.activation === 'relu' && !spec.ecc;
  return `protection ${spec.id}: ${part} is trained by \`npx tsx models/quant/train-saq.ts --model <model>\` (writes <model>+qat and <model>+saq)` +
    (alone ? ', not by npm run protect' : `; npm run protect does not combine it with ${spec.activation !== 'relu' ? spec.activation : 'ecc'} (bounds and ECC go on fp32 networks)`);
}
