/**
 * Array spec validation: turns untrusted input (JSON, CLI flags, a SCALE-Sim .cfg) into a complete
 * readonly ArraySpec, or a Failure naming the field and the allowed range.
 */
import type { ArraySpec, Dataflow, NumericFormat, SramSpec } from '../types';
import { fail, ok, type Result } from '../result';
import { checkFormat } from '../format/format';

/** Smallest and largest PE count per array dimension (PEs). */
export const ARRAY_DIM_MIN = 1;
/** Largest PE count per array dimension (PEs). */
export const ARRAY_DIM_MAX = 256;
/** Largest SRAM buffer size accepted, KiB (64 MiB). */
export const SRAM_KIB_MAX = 65536;
/** Largest number of banks per buffer. */
export const BANKS_MAX = 1024;

/** Default SRAM sizes (KiB): SCALE-Sim's example config (configs/scale.cfg) uses 64 KiB each. */
export const DEFAULT_SRAM: SramSpec = { weightKiB: 64, ifmapKiB: 64, ofmapKiB: 64, banks: 1 };

/** Default accelerator: 16 x 16 PEs, weight stationary, 64 KiB buffers, fp32. */
export const DEFAULT_ARRAY_SPEC: ArraySpec = {
  rows: 16,
  cols: 16,
  dataflow: 'ws',
  sram: DEFAULT_SRAM,
  format: { kind: 'fp32' },
};

const DATAFLOWS: readonly Dataflow[] = ['ws', 'os', 'is'];

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'an array' : 'an object';
  return String(v);
}

function intIn(v: unknown, lo: number, hi: number, path: string): Result<number> {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    return fail(`${path}: expected an integer in ${lo}..${hi}, found ${show(v)}`, path);
  }
  return ok(v);
}

function kib(v: unknown, path: string): Result<number> {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > SRAM_KIB_MAX) {
    return fail(`${path}: expected a size in KiB > 0 and <= ${SRAM_KIB_MAX}, found ${show(v)}`, path);
  }
  return ok(v);
}

/** Parses a dataflow name (case-insensitive 'ws' | 'os' | 'is'). */
export function parseDataflow(v: unknown, path = 'dataflow'): Result<Dataflow> {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : v;
  if (typeof s === 'string' && (DATAFLOWS as readonly string[]).includes(s)) return ok(s as Dataflow);
  return fail(`${path}: expected 'ws' | 'os' | 'is', found ${show(v)}`, path);
}

/**
 * Parses a numeric format given as a string ("fp32", "fp16", "int8" = Q3.4, "int8 Q3.4", "Q1.6")
 * or as a NumericFormat object. For int8, 1 + m + n must be 8.
 */
export function parseNumericFormat(v: unknown, path = 'format'): Result<NumericFormat> {
  if (typeof v !== 'string') return checkFormat(v, path);
  const s = v.trim().toLowerCase();
  if (s === 'fp32' || s === 'fp16') return ok({ kind: s });
  if (s === 'int8') return ok({ kind: 'int8', intBits: 3, fracBits: 4 });
  const m = /^(?:int8\s*)?q(\d+)\.(\d+)$/.exec(s);
  if (m === null) {
    return fail(`${path}: expected 'fp32' | 'fp16' | 'int8' | 'int8 Qm.n' (1+m+n = 8), found ${show(v)}`, path);
  }
  return checkFormat({ kind: 'int8', intBits: Number(m[1]), fracBits: Number(m[2]) }, path);
}

/** Parses "RxC" (e.g. "32x32", "16X8") into PE rows and columns, each in 1..256. */
export function parseArraySize(text: string, path = 'array'): Result<{ rows: number; cols: number }> {
  const m = /^\s*(\d{1,6})\s*[xX×]\s*(\d{1,6})\s*$/.exec(text);
  if (m === null) return fail(`${path}: expected RxC with integers in 1..256 (e.g. 32x32), found ${show(text)}`, path);
  const rows = intIn(Number(m[1]), ARRAY_DIM_MIN, ARRAY_DIM_MAX, `${path}.rows`);
  if (!rows.ok) return rows;
  const cols = intIn(Number(m[2]), ARRAY_DIM_MIN, ARRAY_DIM_MAX, `${path}.cols`);
  if (!cols.ok) return cols;
  return ok({ rows: rows.value, cols: cols.value });
}

function parseSram(v: unknown): Result<SramSpec> {
  if (v === undefined) return ok(DEFAULT_SRAM);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(`sram: expected an object, found ${show(v)}`, 'sram');
  const o = v as Record<string, unknown>;
  const weightKiB = kib(o.weightKiB ?? DEFAULT_SRAM.weightKiB, 'sram.weightKiB');
  if (!weightKiB.ok) return weightKiB;
  const ifmapKiB = kib(o.ifmapKiB ?? DEFAULT_SRAM.ifmapKiB, 'sram.ifmapKiB');
  if (!ifmapKiB.ok) return ifmapKiB;
  const ofmapKiB = kib(o.ofmapKiB ?? DEFAULT_SRAM.ofmapKiB, 'sram.ofmapKiB');
  if (!ofmapKiB.ok) return ofmapKiB;
  const banks = intIn(o.banks ?? DEFAULT_SRAM.banks, 1, BANKS_MAX, 'sram.banks');
  if (!banks.ok) return banks;
  return ok({ weightKiB: weightKiB.value, ifmapKiB: ifmapKiB.value, ofmapKiB: ofmapKiB.value, banks: banks.value });
}

/**
 * Validates an untrusted array description. Missing fields take the defaults of
 * DEFAULT_ARRAY_SPEC; `format` may be a string (see parseNumericFormat) or a NumericFormat.
 * The failure names the field and its allowed range.
 */
export function parseArraySpec(input: unknown): Result<ArraySpec> {
  if (input === undefined || input === null) return ok(DEFAULT_ARRAY_SPEC);
  if (typeof input !== 'object' || Array.isArray(input)) return fail(`array spec: expected an object, found ${show(input)}`);
  const o = input as Record<string, unknown>;
  const rows = intIn(o.rows ?? DEFAULT_ARRAY_SPEC.rows, ARRAY_DIM_MIN, ARRAY_DIM_MAX, 'rows');
  if (!rows.ok) return rows;
  const cols = intIn(o.cols ?? DEFAULT_ARRAY_SPEC.cols, ARRAY_DIM_MIN, ARRAY_DIM_MAX, 'cols');
  if (!cols.ok) return cols;
  const dataflow = parseDataflow(o.dataflow ?? DEFAULT_ARRAY_SPEC.dataflow);
  if (!dataflow.ok) return dataflow;
  const sram = parseSram(o.sram);
  if (!sram.ok) return sram;
  const format = parseNumericFormat(o.format ?? DEFAULT_ARRAY_SPEC.format);
  if (!format.ok) return format;
  return ok({ rows: rows.value, cols: cols.value, dataflow: dataflow.value, sram: sram.value, format: format.value });
}
