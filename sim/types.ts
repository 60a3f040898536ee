/**
 * Core shared types of the accelerator model. Every module in sim/ speaks these.
 * Units are in the names or the TSDoc: cycles, KiB, bits, PE indices.
 */

/** Dataflow of the systolic array (SCALE-Sim naming): weight, output or input stationary. */
export type Dataflow = 'ws' | 'os' | 'is';

/**
 * Numeric format of stored words and PE operands.
 * - fp32: IEEE-754 binary32, accumulate in fp32 (Math.fround after each MAC).
 * - fp16: IEEE-754 binary16 storage (round to nearest even), products and accumulation in fp32.
 * - int8: signed two's-complement fixed point Qm.n with 1 sign bit, m integer bits and n fraction
 *   bits (1 + m + n = 8); products accumulate in an int32 accumulator (2n fraction bits) that
 *   saturates at the int32 range; the result is requantized to Qm.n with saturation.
 */
export type NumericFormat =
  | { readonly kind: 'fp32' }
  | { readonly kind: 'fp16' }
  | { readonly kind: 'int8'; readonly intBits: number; readonly fracBits: number };

/** On-chip SRAM sizes in KiB (SCALE-Sim: IfmapSramSzkB, FilterSramSzkB, OfmapSramSzkB). */
export interface SramSpec {
  /** Weight (filter) buffer size, KiB. */
  readonly weightKiB: number;
  /** Input feature map buffer size, KiB. */
  readonly ifmapKiB: number;
  /** Output feature map buffer size, KiB. */
  readonly ofmapKiB: number;
  /** Number of banks each buffer is split into (word-interleaved). */
  readonly banks: number;
}

/** SRAMs protected by SEC-DED ECC (sim/memory/ecc.ts): each word is stored with its check bits,
 * single-bit errors are corrected on read, double-bit errors are detected (a DUE of the inference). */
export interface EccSpec {
  readonly weightSram?: boolean;
  readonly ifmapSram?: boolean;
  readonly ofmapSram?: boolean;
}

/** A complete, validated accelerator description. Build it with `parseArraySpec` (sim/array/spec.ts). */
export interface ArraySpec {
  /** PE rows R, 1..256. */
  readonly rows: number;
  /** PE columns C, 1..256. */
  readonly cols: number;
  readonly dataflow: Dataflow;
  readonly sram: SramSpec;
  readonly format: NumericFormat;
  /** SEC-DED ECC per SRAM (absent: no ECC anywhere). */
  readonly ecc?: EccSpec;
}

/**
 * A layer lowered to a GEMM: out[M][N] = sum_k in[M][K] * w[K][N].
 * M = output pixels (Ho*Wo, per image), K = Kh*Kw*Cin, N = filters (output channels).
 * SCALE-Sim operand mapping per dataflow (Sr rows, Sc cols, T temporal):
 *   ws: Sr=K, Sc=N, T=M;  os: Sr=M, Sc=N, T=K;  is: Sr=K, Sc=M, T=N.
 */
export interface GemmShape {
  /** Output pixels per image (rows of the im2col matrix). */
  readonly M: number;
  /** Reduction length Kh*Kw*Cin. */
  readonly K: number;
  /** Output channels / filters. */
  readonly N: number;
}
