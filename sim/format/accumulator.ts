/**
 * MAC semantics per numeric format (sim/types.ts NumericFormat), used by the faulty engine to
 * recompute an output in array order: acc = add(acc, mul(w, x)), then the bias, then toOutput.
 * - fp32: operands fp32; product and sum rounded to fp32 (Math.fround) after each operation.
 * - fp16: operands fp16 values; product exact in fp32 (11-bit x 11-bit significands), accumulation
 *   in fp32 (Math.fround); the output is rounded to fp16 when stored (after the activation).
 * - int8: operands are integer codes (value * 2^n); product has nW + nX fraction bits; the int32
 *   accumulator saturates on every add; toOutput requantizes to the output Qm.n (half-even, saturated).
 * The accumulator (partial-sum register) is a 32-bit word for every format: fp32 bits or int32
 * two's complement; encodeAcc/decodeAcc convert so psum bit flips can be applied.
 */
import type { NumericFormat } from '../types';
import { bitsToFloat32, float32ToBits } from './fp32';
import { addInt32Sat, quantizeToInt32Code, requantizeInt32ToInt8, roundHalfEven } from './fixed';

/** Formats of a layer's operands: weights (weight SRAM), inputs (ifmap SRAM), outputs (ofmap SRAM).
 * All three share a kind; for int8 they may carry different Qm.n (per-layer scales). */
export interface OperandFormats {
  readonly weight: NumericFormat;
  readonly input: NumericFormat;
  readonly output: NumericFormat;
}

/** The MAC / accumulator of one layer. Values in the "accumulator domain" are fp32 numbers
 * (fp32/fp16) or int32 integers with nW + nX fraction bits (int8). */
export interface Accumulator {
  /** Width of the partial-sum register, bits (always 32). */
  readonly accBits: 32;
  /** Fraction bits of the int8 accumulator (nW + nX); 0 for floating formats. */
  readonly accFracBits: number;
  /** Initial partial sum (0). */
  readonly zero: number;
  /** MAC-domain operand of a stored weight value (real, already in the weight format). */
  weightOperand(value: number): number;
  /** MAC-domain operand of a stored input value (real, already in the input format). */
  inputOperand(value: number): number;
  /** Product of two MAC-domain operands, in the accumulator domain. */
  mul(w: number, x: number): number;
  /** Accumulator addition (fp32 rounding or int32 saturation). */
  add(acc: number, p: number): number;
  /** add(acc, mul(w, x)). */
  mac(acc: number, w: number, x: number): number;
  /** Accumulator-domain value of a real bias (fp32 rounding, or int32 code with accFracBits). */
  biasOperand(bias: number): number;
  /** 32-bit unsigned register word holding an accumulator value. */
  encodeAcc(acc: number): number;
  /** Accumulator value held by a 32-bit register word. */
  decodeAcc(word: number): number;
  /** Real value of an accumulator value (no rounding to the output format). */
  accToReal(acc: number): number;
  /** Real pre-activation output: fp32/fp16 the fp32 sum; int8 requantized to the output Qm.n. */
  toOutput(acc: number): number;
}

/** Uniform operand formats: weights, inputs and outputs all in `format`. */
export function uniformFormats(format: NumericFormat): OperandFormats {
  return { weight: format, input: format, output: format };
}

const fround = Math.fround;

function floatAccumulator(): Accumulator {
  return {
    accBits: 32,
    accFracBits: 0,
    zero: 0,
    weightOperand: (v) => fround(v),
    inputOperand: (v) => fround(v),
    mul: (w, x) => fround(w * x),
    add: (a, p) => fround(a + p),
    mac: (a, w, x) => fround(a + fround(w * x)),
    biasOperand: (b) => fround(b),
    encodeAcc: (a) => float32ToBits(a),
    decodeAcc: (word) => bitsToFloat32(word),
    accToReal: (a) => a,
    toOutput: (a) => a,
  };
}

function intAccumulator(nW: number, nX: number, nOut: number): Accumulator {
  const accFrac = nW + nX;
  const sW = 2 ** nW;
  const sX = 2 ** nX;
  const sAcc = 2 ** -accFrac;
  const sOut = 2 ** -nOut;
  return {
    accBits: 32,
    accFracBits: accFrac,
    zero: 0,
    weightOperand: (v) => roundHalfEven(v * sW),
    inputOperand: (v) => roundHalfEven(v * sX),
    mul: (w, x) => w * x,
    add: addInt32Sat,
    mac: (a, w, x) => addInt32Sat(a, w * x),
    biasOperand: (b) => quantizeToInt32Code(b, accFrac),
    encodeAcc: (a) => a >>> 0,
    decodeAcc: (word) => word | 0,
    accToReal: (a) => a * sAcc,
    toOutput: (a) => requantizeInt32ToInt8(a, accFrac, nOut) * sOut,
  };
}

/** Builds the accumulator of a layer whose operands are in `formats` (or one uniform format). */
export function makeAccumulator(formats: NumericFormat | OperandFormats): Accumulator {
  const f: OperandFormats = 'kind' in formats ? uniformFormats(formats) : formats;
  if (f.weight.kind !== f.input.kind || f.weight.kind !== f.output.kind) {
    throw new RangeError(`formats: weight, input and output must share a kind, found ${f.weight.kind}/${f.input.kind}/${f.output.kind}`);
  }
  if (f.weight.kind === 'int8' && f.input.kind === 'int8' && f.output.kind === 'int8') {
    return intAccumulator(f.weight.fracBits, f.input.fracBits, f.output.fracBits);
  }
  return floatAccumulator();
}
