/**
 * Array-order recompute of single GEMM outputs with fault modifications (the faulty engine's inner
 * loop). Output (m, n) = finish(acc), acc = sum over k = 0..K-1 ascending of mac(w[k][n], in[m][k])
 * with the layer's accumulator (sim/format/accumulator.ts): this is the order in which the psum of
 * (m, n) moves through the array in every dataflow (row folds accumulate in fold order).
 * finish = toOutput(add(acc, bias)), then the activation, then rounding to the format.
 * Modifications apply bit operations to the stored weight word, the input word, the psum register
 * word after step k (k = -1: the initial zero) or the stored output word ('out').
 * A weight or input word goes SRAM -> (SEC-DED decode, when that SRAM has ECC) -> (weights: the
 * saturating transform unit, so the PE weight register holds f(w)) -> PE register: SRAM-stage mods
 * act on the stored word, register-stage mods on the register word (sim/engine/faultyMods.ts order).
 */
import type { NumericFormat } from '../types';
import type { OperandFormats } from '../format/accumulator';
import type { Conv2dLayer, DenseLayer, Layer } from '../layers/types';
import { activateValue, softmaxInto } from '../layers/activations';
import { makeAccumulator, type Accumulator } from '../format/accumulator';
import { decode, encode, quantize } from '../format/format';
import { applyOp, type WordOp } from '../faults/ops';
import { inputTermWord, NO_ECC, sramStage, weightOperandOfWord, weightTerm, wordOf, type LayerEcc } from './faultyWords';

export { REGISTER_STAGE, NO_ECC, registerWordOf, registerWords, weightOperandOfWord, weightTerm, inputTermWord, wordOf, sramStage, type LayerEcc } from './faultyWords';
import type { TouchOperand } from '../dataflow/schedule';
import { convGeom, type ConvGeom } from '../dataflow/scheduleGeom';
import { inputsRead } from '../layers/receptive';
import type { LayerRun } from './faultyPlan';

/** One modification of one GEMM term of one output. `order` sorts several mods of the same term. */
export interface Mod {
  /** Term index (w/x), accumulation step after which (acc; -1 = initial zero), -1 (out). */
  readonly k: number;
  readonly operand: TouchOperand;
  readonly op: WordOp;
  /** Composition order: SRAM faults before register faults (order >= REGISTER_STAGE), then by the
   * last cycle the fault acted (sim/engine/faultyMods.ts orderOf). */
  readonly order: number;
  /** Operation on the SEC-DED check bits of the stored word (ECC-protected SRAM), if any. */
  readonly check?: WordOp;
}

/** Precomputed data of one array layer. */
export interface LayerCompute {
  readonly layer: Conv2dLayer | DenseLayer;
  readonly geom: ConvGeom;
  readonly acc: Accumulator;
  /** Operand formats (weights, inputs, outputs) of the layer. */
  readonly formats: OperandFormats;
  /** MAC-domain weight operands (after the weight transform) per output column n (K entries, each
   * output's weights contiguous), built on first use by colOf: only the columns a direct fault
   * touches are ever needed. */
  readonly cols: (Float64Array | undefined)[];
  /** Accumulator-domain biases, or null. */
  readonly biasOp: Float64Array | null;
  /** Cache of im2col index rows per m. */
  readonly rows: Map<number, Int32Array>;
  /** The golden run's effective weights (K x N: the weight format, transform applied), from which
   * columns are read without re-encoding every weight; null: derived from the raw weights. */
  readonly effective: Float32Array | null;
  /** ECC of the SRAMs the layer uses. */
  readonly ecc: LayerEcc;
  /** Reads whose SEC-DED decode detected an uncorrectable error since the caller last reset it
   * (a DUE of the image being computed). */
  dueHits: number;
}

/** Whether a layer runs on the array. */
export function isArrayKind(l: Layer): l is Conv2dLayer | DenseLayer {
  return l.kind === 'conv2d' || l.kind === 'dense';
}

/** Prepares an array layer for recomputes under its operand formats (weights, operands, biases);
 * `effective`: the golden run's effective weights of the layer (GoldenLayer.weights), if known. */
export function prepareLayer(layer: Conv2dLayer | DenseLayer, run: LayerRun, formats: OperandFormats, effective: Float32Array | null = null, ecc: LayerEcc = NO_ECC): LayerCompute {
  const geom = convGeom(layer, run.inShape, run.outShape);
  const acc = makeAccumulator(formats);
  const biasOp = layer.bias ? Float64Array.from(layer.bias, (b) => acc.biasOperand(b)) : null;
  return { layer, geom, acc, formats, cols: new Array<Float64Array | undefined>(geom.N), biasOp, rows: new Map(), effective: effective && effective.length === geom.K * geom.N ? effective : null, ecc, dueHits: 0 };
}

/** MAC-domain weight operands of output column n, k = 0..K-1 (built once per layer and run). */
export function colOf(lc: LayerCompute, n: number): Float64Array {
  let c = lc.cols[n];
  if (!c) {
    c = new Float64Array(lc.geom.K);
    const eff = lc.effective;
    const N = lc.geom.N;
    // the golden effective weight is quantize(format, transform(stored)): its operand is the same
    if (eff) for (let k = 0; k < c.length; k++) c[k] = lc.acc.weightOperand(eff[k * N + n]);
    else for (let k = 0; k < c.length; k++) c[k] = weightOperandOfWord(lc, wordOf(lc, k, n));
    lc.cols[n] = c;
  }
  return c;
}

/** MAC-domain operands of an input tensor (values already in the format). */
export function inputOperands(lc: LayerCompute, x: Float32Array): Float64Array | Float32Array {
  // floating formats: the operand of an fp32 value is the value itself (fround is the identity)
  if (lc.formats.input.kind !== 'int8') return x;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = lc.acc.inputOperand(x[i]);
  return out;
}

/** im2col index row of output pixel m (input element per k, -1 = padding), cached. */
export function rowOf(lc: LayerCompute, m: number): Int32Array {
  let r = lc.rows.get(m);
  if (!r) {
    r = inputsRead(lc.geom, m);
    lc.rows.set(m, r);
  }
  return r;
}

/** Final accumulator of output (m, n) in array order, with `mods` sorted by (k, order) (or null).
 * `from` / `start` / `to`: accumulate terms [from, to) onto partial sum `start` (terms before
 * `from` and their mods are taken as already accumulated). */
export function computeAcc(lc: LayerCompute, x: Float32Array, xOp: Float64Array | Float32Array, m: number, n: number, mods: readonly Mod[] | null, from = 0, start: number = lc.acc.zero, to: number = lc.geom.K): number {
  const { acc } = lc;
  const wOp = colOf(lc, n);
  const row = rowOf(lc, m);
  let a = start;
  if (!mods || mods.length === 0) {
    if (lc.formats.weight.kind !== 'int8') {
      // floating formats: fround(acc + fround(w * x)), inlined (same arithmetic as acc.mac)
      const fr = Math.fround;
      for (let k = from; k < to; k++) {
        const idx = row[k];
        a = fr(a + fr(wOp[k] * (idx < 0 ? 0 : xOp[idx])));
      }
      return a;
    }
    for (let k = from; k < to; k++) {
      const idx = row[k];
      a = acc.mac(a, wOp[k], idx < 0 ? 0 : xOp[idx]);
    }
    return a;
  }
  let p = 0;
  while (p < mods.length && mods[p].k < from) {
    if (mods[p].k < 0 && from === 0 && mods[p].operand === 'acc') a = acc.decodeAcc(applyOp(acc.encodeAcc(a), mods[p].op));
    p++;
  }
  for (let k = from; k < to; k++) {
    // unmodified span up to the next modified term: the plain loop
    const next = p < mods.length ? Math.min(mods[p].k, to) : to;
    if (next > k) {
      a = computeAcc(lc, x, xOp, m, n, null, k, a, next);
      k = next;
      if (k >= to) break;
    }
    const idx = row[k];
    let w = wOp[k];
    let xv = idx < 0 ? 0 : xOp[idx];
    if (p < mods.length && mods[p].k === k) {
      let hasW = false;
      let hasX = false;
      const accOps: WordOp[] = [];
      const lo = p;
      for (; p < mods.length && mods[p].k === k; p++) {
        const md = mods[p];
        if (md.operand === 'w') hasW = true;
        else if (md.operand === 'x') hasX = true;
        else if (md.operand === 'acc') accOps.push(md.op);
      }
      if (hasW) w = weightTerm(lc, k, n, mods, lo, p);
      if (hasX) xv = acc.inputOperand(decode(lc.formats.input, inputTermWord(lc, encode(lc.formats.input, idx < 0 ? 0 : x[idx]), mods, lo, p)));
      a = acc.mac(a, w, xv);
      for (const op of accOps) a = acc.decodeAcc(applyOp(acc.encodeAcc(a), op));
    } else {
      a = acc.mac(a, w, xv);
    }
  }
  return a;
}

/** Faulty and clean accumulators of output (m, n) on the same input (no upstream change): the
 * terms before the first modified step are shared (computed once), then both continue. */
export function computeAccPair(lc: LayerCompute, x: Float32Array, xOp: Float64Array | Float32Array, m: number, n: number, mods: readonly Mod[]): [number, number] {
  let first = lc.geom.K;
  for (const md of mods) {
    if (md.operand === 'out') continue;
    first = Math.min(first, md.k);
  }
  if (first <= 0) return [computeAcc(lc, x, xOp, m, n, mods), computeAcc(lc, x, xOp, m, n, null)];
  const shared = computeAcc(lc, x, xOp, m, n, null, 0, lc.acc.zero, first);
  return [computeAcc(lc, x, xOp, m, n, mods, first, shared), computeAcc(lc, x, xOp, m, n, null, first, shared)];
}

/** Pre-activation real output of an accumulator value for channel n (bias, requantization). */
export function preActivation(lc: LayerCompute, a: number, n: number): number {
  const withBias = lc.biasOp ? lc.acc.add(a, lc.biasOp[n]) : a;
  return lc.acc.toOutput(withBias);
}

/** Activation + rounding to the format of one pre-activation value (not softmax); `idx` = m*N + n,
 * the output's element index inside one image (per-element bounds; per-channel read idx % N). */
export function finishValue(lc: LayerCompute, pre: number, idx: number): number {
  return quantize(lc.formats.output, activateValue(lc.layer.activation, pre, idx));
}

/** Applies 'out' mods (stored output word faults, ofmap SRAM; ECC decoded when it has ECC) to a
 * final output value. */
export function applyOutMods(lc: Pick<LayerCompute, 'formats' | 'ecc' | 'dueHits'>, v: number, mods: readonly Mod[] | null): number {
  if (!mods) return v;
  let any = false;
  for (const md of mods) if (md.operand === 'out') any = true;
  if (!any) return v;
  const format: NumericFormat = lc.formats.output;
  return decode(format, sramStage(lc, encode(format, v), mods, 0, mods.length, 'out', lc.ecc.out));
}

/** Softmax + rounding over one pixel's N pre-activation values (in place into `out` at `base`). */
export function finishSoftmax(lc: LayerCompute, pre: Float32Array, out: Float32Array, base: number): void {
  softmaxInto(pre, 0, pre.length, out.subarray(base, base + pre.length));
  for (let j = 0; j < pre.length; j++) out[base + j] = quantize(lc.formats.output, out[base + j]);
}

/** Whether every modified term of output (m, n) keeps its clean product: mods only on weight /
 * input words, and at each modified k the product of the modified operands is the same number
 * (same sign of zero, not NaN) as the clean one. Then the faulty accumulation is the clean one,
 * step for step (array-order result unchanged without recomputing it). */
export function productsUnchanged(lc: LayerCompute, x: Float32Array, xOp: Float64Array | Float32Array, m: number, n: number, mods: readonly Mod[]): boolean {
  const { acc, geom } = lc;
  const row = rowOf(lc, m);
  for (let p = 0; p < mods.length; ) {
    const k = mods[p].k;
    if (k < 0 || k >= geom.K) return false;
    const idx = row[k];
    const w = colOf(lc, n)[k];
    const xv = idx < 0 ? 0 : xOp[idx];
    let hasW = false;
    let hasX = false;
    const lo = p;
    for (; p < mods.length && mods[p].k === k; p++) {
      const md = mods[p];
      if (md.operand === 'w') hasW = true;
      else if (md.operand === 'x') hasX = true;
      else return false;
    }
    const wF = hasW ? weightTerm(lc, k, n, mods, lo, p) : w;
    const xF = hasX ? acc.inputOperand(decode(lc.formats.input, inputTermWord(lc, encode(lc.formats.input, idx < 0 ? 0 : x[idx]), mods, lo, p))) : xv;
    const pF = acc.mul(wF, xF);
    const pC = acc.mul(w, xv);
    if (Number.isNaN(pF) || !Object.is(pF, pC)) return false;
  }
  return true;
}
