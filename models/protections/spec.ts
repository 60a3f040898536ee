/**
 * Protection ids as written in campaign files and on the CLI: one activation protection
 * (`relu` = none, `ranger`, `clipact`, `fitact`, `proact`) combined with `+` with optional weight or
 * memory protections (`saf` = tanh, `saf-arctan`, `saf-softsign`, `saq`, `ptq`, `ecc`), e.g. `proact+saf`,
 * `ranger+ecc`. Parsing is pure; the order of the parts does not matter (the canonical id sorts them).
 */
import type { WeightTransform } from '../../sim/layers/types';
import { fail, ok, type Result } from '../../sim/result';

/** Activation protections (mutually exclusive). */
export type ActivationProtection = 'relu' | 'ranger' | 'clipact' | 'fitact' | 'proact';

/** A parsed protection combination. */
export interface ProtectionSpec {
  /** Canonical id, e.g. "proact+saf". */
  readonly id: string;
  readonly activation: ActivationProtection;
  /** Saturated weight transform (saf), or null. */
  readonly saf: Exclude<WeightTransform, 'none'> | null;
  /** Numeric format the saf network was trained for (`saf-fp16`, `saf-int8`; plain `saf` = fp32).
   * Optional for older callers; absent = fp32. */
  readonly safFormat?: SafFormat;
  /** Sharpness-aware quantization-aware training for int8 (saq). */
  readonly saq: boolean;
  /** SEC-DED per weight-SRAM word (ecc). */
  readonly ecc: boolean;
  /** Plain quantization-aware training for int8 (`qat`; the SAQ baseline without SAM). */
  readonly qat: boolean;
  /** int8 points run with per-layer Qm.n from post-training quantization (`ptq`; implied by `saq`). */
  readonly ptq: boolean;
}

/** Numeric format a SAF network was trained in (the transform and this rounding in the loop). */
export type SafFormat = 'fp32' | 'fp16' | 'int8';

/** saf[-tanh|-arctan|-softsign][-fp32|-fp16|-int8] */
const SAF_PART = /^saf(?:-(tanh|arctan|softsign))?(?:-(fp32|fp16|int8))?$/;

const ACTS: readonly ActivationProtection[] = ['relu', 'ranger', 'clipact', 'fitact', 'proact'];
const SAF: Readonly<Record<string, Exclude<WeightTransform, 'none'>>> = { saf: 'tanh', 'saf-tanh': 'tanh', 'saf-arctan': 'arctan', 'saf-softsign': 'softsign' };

/** Every single part accepted in a protection id. */
export const PROTECTION_PARTS: readonly string[] = [...ACTS, ...Object.keys(SAF), 'saf-fp16', 'saf-int8', 'saq', 'qat', 'ptq', 'ecc'];

/** Parses "proact+saf" etc.; fails naming the unknown or conflicting part. */
export function parseProtection(id: string): Result<ProtectionSpec> {
  const parts = id.split('+').map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length === 0) return fail(`protection: expected e.g. "relu" or "proact+saf", found "${id}"`, 'protection');
  let activation: ActivationProtection | null = null;
  let saf: ProtectionSpec['saf'] = null;
  let safFormat: SafFormat = 'fp32';
  let saq = false;
  let ecc = false;
  let ptq = false;
  let qat = false;
  for (const p of parts) {
    if ((ACTS as readonly string[]).includes(p)) {
      if (activation !== null && activation !== p) return fail(`protection "${id}": two activation protections (${activation}, ${p}); expected at most one of ${ACTS.join(', ')}`, 'protection');
      activation = p as ActivationProtection;
    } else if (SAF_PART.test(p)) {
      if (saf !== null) return fail(`protection "${id}": more than one saturated weight transform`, 'protection');
      const m = SAF_PART.exec(p)!;
      saf = (m[1] ?? 'tanh') as Exclude<WeightTransform, 'none'>;
      safFormat = (m[2] ?? 'fp32') as SafFormat;
    } else if (p === 'saq') saq = true;
    else if (p === 'ecc') ecc = true;
    else if (p === 'ptq') ptq = true;
    else if (p === 'qat') qat = true;
    else return fail(`protection "${id}": unknown part "${p}"; expected one of ${PROTECTION_PARTS.join(', ')} joined with +`, 'protection');
  }
  const act = activation ?? 'relu';
  if (qat && saq) return fail(`protection "${id}": qat and saq are alternatives (saq = qat with SAM); expected one`, 'protection');
  const ptqPart = ptq && !saq && !qat;
  const canon = [act !== 'relu' || (!saf && !saq && !qat && !ecc && !ptqPart) ? act : null, saf ? `saf${saf === 'tanh' ? '' : `-${saf}`}${safFormat === 'fp32' ? '' : `-${safFormat}`}` : null, saq ? 'saq' : null, qat ? 'qat' : null, ptqPart ? 'ptq' : null, ecc ? 'ecc' : null]
    .filter((x): x is string => x !== null).join('+');
  return ok({ id: canon, activation: act, saf, safFormat, saq, qat, ecc, ptq: ptq || saq || qat || safFormat === 'int8' });
}

/** True when the protection needs a calibration/training step that is too slow to run inside a campaign worker. */
export function needsOfflineStep(p: ProtectionSpec): boolean {
  return p.activation === 'clipact' || p.activation === 'fitact' || p.activation === 'proact' || p.saf !== null || p.saq || p.qat;
}

/** The command that trains `spec`'s SAF network with the transform in the loop, in `format`
 * (default: the spec's), for `model` (default the placeholder `<model>`). */
export function trainSafCommand(spec: Pick<ProtectionSpec, 'saf' | 'safFormat'>, model = '<model>', format: SafFormat = spec.safFormat ?? 'fp32'): string {
  return `npx tsx models/quant/train-saf.ts --model ${model}${spec.saf === 'tanh' ? '' : ` --fn ${spec.saf}`} --format ${format}`;
}

/** One entry of the protection catalogue shown by the GUI / CLI. */
export interface ProtectionInfo {
  /** Part id as written in protection ids. */
  readonly id: string;
  /** One sentence. */
  readonly description: string;
  /** Needs `npm run protect` before campaigns can run it. */
  readonly offline: boolean;
}

/** Every protection part with a description (combine parts with "+"). */
export const PROTECTION_CATALOGUE: readonly ProtectionInfo[] = [
  { id: 'relu', offline: false, description: 'No protection (plain ReLU).' },
  { id: 'ranger', offline: false, description: 'Ranger: per-layer activation bound = max seen on profiling data, values saturate at it.' },
  { id: 'clipact', offline: true, description: 'Clip-Act: per-layer threshold from a fault-injection search (accuracy-vs-BER area), values above it set to 0.' },
  { id: 'fitact', offline: true, description: 'FitAct: neuron-wise bounds (conv: per output element h*w*c, dense: per unit) post-trained with weights frozen.' },
  { id: 'proact', offline: true, description: 'ProAct: layer-wise bounds, neuron-wise in the last layer, trained progressively last to first with distillation.' },
  { id: 'saf', offline: true, description: 'Saturated weights: raw weights stored, tanh applied when read (saf-arctan, saf-softsign: other functions); trained with the transform in the loop (fp32).' },
  { id: 'saf-fp16', offline: true, description: 'Saturated weights (tanh) trained with the transform and fp16 rounding of raw weights, weights and outputs in the loop.' },
  { id: 'saf-int8', offline: true, description: 'Saturated weights (tanh) trained with the transform and int8 fake quantization in the loop; raw weights stored in a Qm.n chosen for the raw values (per-layer formats).' },
  { id: 'ptq', offline: false, description: 'int8 with per-layer Qm.n from post-training quantization (int8 points only).' },
  { id: 'qat', offline: true, description: 'int8 quantization-aware training, then per-layer Qm.n.' },
  { id: 'saq', offline: true, description: 'SAQ: sharpness-aware minimisation during int8 quantization-aware training.' },
  { id: 'ecc', offline: false, description: 'SEC-DED per weight-SRAM word: corrects 1 flipped bit, detects 2; costs r+1 check bits per word.' },
];
