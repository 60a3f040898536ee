/**
 * The words of one GEMM term as the array sees them (faulty engine): a weight or input word goes
 * SRAM -> (SEC-DED decode, when that SRAM has ECC: sim/memory/ecc.ts) -> (weights: the saturating
 * transform unit, so the PE weight register holds f(w)) -> PE register. SRAM-stage mods act on the
 * stored word (and its check bits), register-stage mods (order >= REGISTER_STAGE) on the register
 * word. A detected uncorrectable read counts in LayerCompute.dueHits.
 */
import { transformWeight } from '../layers/weights';
import { decode, encode, quantize } from '../format/format';
import { applyOp } from '../faults/ops';
import type { WordCodec } from '../memory/ecc';
import type { TouchOperand } from '../dataflow/schedule';
import type { LayerCompute, Mod } from './faultyCompute';

/** Orders at or above this are register-stage mods (applied after the SRAM read). */
export const REGISTER_STAGE = 2 ** 45;

/** SEC-DED codecs of the SRAMs a layer reads (weights, inputs) and writes (outputs); null = no ECC. */
export interface LayerEcc {
  readonly w: WordCodec | null;
  readonly x: WordCodec | null;
  readonly out: WordCodec | null;
}

/** No ECC anywhere. */
export const NO_ECC: LayerEcc = { w: null, x: null, out: null };

/** MAC operand of a stored weight word (decode, weight transform, rounding to the format). */
export function weightOperandOfWord(lc: Pick<LayerCompute, 'layer' | 'acc' | 'formats'>, word: number): number {
  const f = lc.formats.weight;
  const v = decode(f, word);
  const t = lc.layer.weightTransform;
  return lc.acc.weightOperand(t === undefined || t === 'none' ? v : quantize(f, transformWeight(t, v)));
}

/** SRAM-stage mods of `operand` in mods[lo..hi) on a stored word, then the SEC-DED decode under
 * `codec` (a detected error counts in lc.dueHits; the data bits are used as read). */
export function sramStage(lc: Pick<LayerCompute, 'dueHits'>, word: number, mods: readonly Mod[], lo: number, hi: number, operand: TouchOperand, codec: WordCodec | null): number {
  let w = word;
  let chk = codec ? codec.check(word) : 0;
  let hit = false;
  for (let i = lo; i < hi; i++) {
    const md = mods[i];
    if (md.operand !== operand || md.order >= REGISTER_STAGE) continue;
    w = applyOp(w, md.op);
    if (codec && md.check) chk = applyOp(chk, md.check);
    hit = true;
  }
  if (!hit || !codec) return w;
  const d = codec.decode(w, chk);
  if (d.outcome === 2) lc.dueHits++;
  return d.data;
}

/** Register-stage mods of `operand` in mods[lo..hi) on a register word; -1 when there are none. */
function registerStage(word: number, mods: readonly Mod[], lo: number, hi: number, operand: TouchOperand): number {
  let w = -1;
  for (let i = lo; i < hi; i++) {
    const md = mods[i];
    if (md.operand !== operand || md.order < REGISTER_STAGE) continue;
    w = applyOp(w < 0 ? word : w, md.op);
  }
  return w;
}

/** PE weight register word of a stored weight word: the word itself, or through the saturating
 * transform unit (decode, f, rounding to the format, encode). */
export function registerWordOf(lc: Pick<LayerCompute, 'layer' | 'formats'>, word: number): number {
  const t = lc.layer.weightTransform;
  if (t === undefined || t === 'none') return word;
  const f = lc.formats.weight;
  return encode(f, quantize(f, transformWeight(t, decode(f, word))));
}

/** MAC-domain weight operand of term (k, n) with the 'w' mods in mods[lo..hi) (all at k): stored
 * word, SRAM-stage mods, ECC, transform unit, register-stage mods. */
export function weightTerm(lc: LayerCompute, k: number, n: number, mods: readonly Mod[], lo: number, hi: number): number {
  const stored = sramStage(lc, wordOf(lc, k, n), mods, lo, hi, 'w', lc.ecc.w);
  const reg = registerStage(registerWordOf(lc, stored), mods, lo, hi, 'w');
  return reg < 0 ? weightOperandOfWord(lc, stored) : lc.acc.weightOperand(decode(lc.formats.weight, reg));
}

/** PE register words of term (k, n) as the array holds them (for inspectors): the weight register
 * (stored word, SRAM-stage mods, ECC, transform unit, register-stage mods) and the input register
 * (clean input word `inputWord`, ifmap stage, ECC, register stage), with every mod of `mods` at k;
 * `clean` gives the same words without faults. */
export function registerWords(lc: LayerCompute, k: number, n: number, inputWord: number, mods: readonly Mod[] | null): { weight: number; input: number; clean: { weight: number; input: number } } {
  const at = (mods ?? []).filter((md) => md.k === k);
  const storedW = sramStage(lc, wordOf(lc, k, n), at, 0, at.length, 'w', lc.ecc.w);
  const regW = registerStage(registerWordOf(lc, storedW), at, 0, at.length, 'w');
  const weight = regW < 0 ? registerWordOf(lc, storedW) : regW;
  return { weight, input: inputTermWord(lc, inputWord, at, 0, at.length), clean: { weight: registerWordOf(lc, wordOf(lc, k, n)), input: inputWord } };
}

/** Input word of term k (clean word `word`) with the 'x' mods in mods[lo..hi): ifmap SRAM stage and
 * ECC, then the PE input register stage. */
export function inputTermWord(lc: LayerCompute, word: number, mods: readonly Mod[], lo: number, hi: number): number {
  const stored = sramStage(lc, word, mods, lo, hi, 'x', lc.ecc.x);
  const reg = registerStage(stored, mods, lo, hi, 'x');
  return reg < 0 ? stored : reg;
}

/** Stored weight word of term k of output column n (the raw weight encoded in the weight format). */
export function wordOf(lc: Pick<LayerCompute, 'layer' | 'geom' | 'formats'>, k: number, n: number): number {
  return encode(lc.formats.weight, lc.layer.weights[k * lc.geom.N + n]);
}

