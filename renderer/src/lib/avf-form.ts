/**
 * Inline checks of the AVF study form (issue 14) and the `campaign.avf` request built from it. The
 * form only checks and forwards: the study itself (sites, AVF, FIT = rate x bits x AVF) is built by
 * campaign/avf-study.ts, the code `faultline avf` uses. Each check returns '' when the text is
 * valid, else a message naming the field and its range, like the array-size fields of the run
 * settings ("Rows: expected 1 to 256 PEs, found 999").
 */

/** A number field of the form: label, range, and whether the bounds themselves are allowed. */
export interface FieldSpec {
  /** Name shown in the message (what the field's label says). */
  readonly label: string;
  readonly lo: number;
  readonly hi: number;
  /** Whole numbers only. */
  readonly integer?: boolean;
  /** lo itself is not allowed (e.g. a prior AVF of 0). */
  readonly openLo?: boolean;
  readonly openHi?: boolean;
  /** An empty field is allowed (the option is then not sent). */
  readonly optional?: boolean;
  /** Unit after the range in the message ("PEs", "FIT/Mbit"). */
  readonly unit?: string;
}

/** The form's number fields. Raw-rate bounds equal the campaign schema's `fit` block (campaign/avf-schema.ts). */
export const AVF_FIELDS = {
  rows: { label: 'Rows', lo: 1, hi: 256, integer: true, unit: 'PEs' },
  cols: { label: 'Cols', lo: 1, hi: 256, integer: true, unit: 'PEs' },
  trials: { label: 'Sites per structure', lo: 1, hi: 10_000, integer: true },
  images: { label: 'Images per run', lo: 1, hi: 10_000, integer: true },
  /** Raw SRAM soft-error rate, FIT per Mbit (2^20 bits). */
  sramFit: { label: 'SRAM rate', lo: 0, hi: 1e9, unit: 'FIT/Mbit' },
  /** Raw PE register rate, FIT per flip-flop (one register bit). */
  regFitFlop: { label: 'PE register rate', lo: 0, hi: 1e6, unit: 'FIT/flip-flop', optional: true },
  /** Raw PE register rate, FIT per Mbit. */
  regFitMbit: { label: 'PE register rate', lo: 0, hi: 1e9, unit: 'FIT/Mbit', optional: true },
  /** A-priori AVF for sizing a relative margin (0 < p < 1); empty = plan the cap and stop early. */
  prior: { label: 'Prior AVF', lo: 0, hi: 1, openLo: true, openHi: true, optional: true },
} as const satisfies Record<string, FieldSpec>;

/** Key of one of the form's number fields. */
export type AvfField = keyof typeof AVF_FIELDS;

const fmt = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 6 });

/** '' when `text` is a valid value of `f`, else "<label>: expected … , found …". */
export function fieldError(f: FieldSpec, text: string): string {
  const t = text.trim();
  const range = `${f.openLo ? 'above ' : ''}${fmt(f.lo)} ${f.openHi ? 'and below' : 'to'} ${fmt(f.hi)}${f.unit ? ` ${f.unit}` : ''}`;
  const kindRange = `${f.integer ? 'an integer' : 'a number'} ${f.openLo ? '' : 'from '}${range}`;
  if (t === '') return f.optional ? '' : `${f.label}: required, ${kindRange}`;
  const n = Number(t);
  if (!Number.isFinite(n) || (f.integer && !Number.isInteger(n))) return `${f.label}: expected ${kindRange}, found "${t}"`;
  const low = f.openLo ? n <= f.lo : n < f.lo;
  const high = f.openHi ? n >= f.hi : n > f.hi;
  if (low || high) return `${f.label}: expected ${range}, found ${t}`;
  return '';
}

/** The form as typed (texts of the number fields; `preset` = a FIT preset name or 'custom'). */
export interface AvfFormText {
  readonly rows: string;
  readonly cols: string;
  readonly sizing: 'trials' | 'margin';
  readonly trials: string;
  /** "0.02" (absolute) or "20%" (relative to the AVF). */
  readonly margin: string;
  readonly prior: string;
  readonly images: string;
  readonly preset: string;
  readonly sramFit: string;
  /** Unit of the register rate: per flip-flop or per Mbit. */
  readonly regUnit: 'flop' | 'mbit';
  readonly regFit: string;
}

/** Whether a margin text is relative to the AVF ("20%"). */
export const isRelative = (margin: string): boolean => margin.trim().endsWith('%');

/** '' when the margin is valid: an absolute 0 < e <= 0.5, or a relative 0% < r <= 50%. */
export function marginError(text: string): string {
  const t = text.trim();
  if (!/^\d*\.?\d+%?$/.test(t)) return `Margin: expected a number such as 0.02, or a percentage such as 20%, found "${t}"`;
  const v = isRelative(t) ? Number(t.slice(0, -1)) / 100 : Number(t);
  return v > 0 && v <= 0.5 ? '' : `Margin: expected above 0 and at most ${isRelative(t) ? '50%' : '0.5'}, found ${t}`;
}

/** Every field error of the form, in the order the fields are shown (only the fields in use are checked). */
export function avfFormErrors(f: AvfFormText): string[] {
  const errs = [fieldError(AVF_FIELDS.rows, f.rows), fieldError(AVF_FIELDS.cols, f.cols)];
  if (f.sizing === 'trials') errs.push(fieldError(AVF_FIELDS.trials, f.trials));
  else {
    errs.push(marginError(f.margin));
    if (isRelative(f.margin)) errs.push(fieldError(AVF_FIELDS.prior, f.prior));
  }
  errs.push(fieldError(AVF_FIELDS.images, f.images));
  if (f.preset === 'custom') {
    errs.push(fieldError(AVF_FIELDS.sramFit, f.sramFit));
    errs.push(fieldError(f.regUnit === 'flop' ? AVF_FIELDS.regFitFlop : AVF_FIELDS.regFitMbit, f.regFit));
  }
  return errs.filter(Boolean);
}

/** The raw-rate part of a `campaign.avf` request: a preset, or custom rates (an empty register
 * rate leaves registers at the SRAM's per-bit rate, as `faultline avf --sram-fit` alone does). */
export function ratesOf(f: AvfFormText): { fitPreset: string } | { sramFit: number; regFitFlop?: number; regFitMbit?: number } {
  if (f.preset !== 'custom') return { fitPreset: f.preset };
  const reg = f.regFit.trim();
  return { sramFit: Number(f.sramFit.trim()), ...(reg === '' ? {} : f.regUnit === 'flop' ? { regFitFlop: Number(reg) } : { regFitMbit: Number(reg) }) };
}

/** The sizing part: a trial count, or a margin (with the interval method and, for a relative margin, an optional prior). */
export function sizingOf(f: AvfFormText, interval: 'wilson' | 'cp'): { trials: number } | { margin: string; interval: 'wilson' | 'cp'; prior?: number } {
  if (f.sizing === 'trials') return { trials: Number(f.trials) };
  const prior = f.prior.trim();
  return { margin: f.margin.trim(), interval, ...(isRelative(f.margin) && prior !== '' ? { prior: Number(prior) } : {}) };
}
