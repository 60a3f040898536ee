/**
 * Static weight-SRAM corruption of a weightSram BER point (paper-style "weight-SRAM bit flips at
 * BER p", held for the whole run): every stored weight word of every conv/dense layer (layer
 * order, row-major K x N) and, for bounded activations, every stored bound word. The same for
 * every protection (common random numbers, pipeline/ber.ts): weight data bits from the shared
 * stream; bound words from the `bounds` stream; SEC-DED check bits (protection with ecc) from the
 * `check` stream. A word is read as the SEC-DED decoder returns it; a detected, uncorrectable word
 * is a DUE for every inference (all of them read every weight and bound) and reads its stored data.
 */
import { decode, encode, wordBits } from '../sim/format/format';
import { drawFlips } from '../sim/faults/campaign';
import { MAX_FAULTS_PER_RUN } from '../sim/faults/limits';
import { wordCodec, type WordCodec } from '../sim/memory/ecc';
import type { FaultKind } from '../sim/faults/types';
import type { Activation, Layer, Network } from '../sim/layers/types';
import type { NumericFormat } from '../sim/types';
import { budget, streamRng, type Rng } from './ber';
import type { DrawDefinition } from './types';
import type { WeightWordPatch } from '../sim/kernels/types';

/** Storage formats of layer `index`: weights in `weight`, bounds in `output`. */
export type LayerStorage = (index: number) => { readonly weight: NumericFormat; readonly output: NumericFormat };

/** Outcome of one static corruption. */
export interface Exposure {
  readonly network: Network;
  /** Bits drawn (faults injected): weight data, bounds, check bits. */
  readonly faults: number;
  /** Of which in bound words. */
  readonly boundFaults: number;
  /** Words SEC-DED corrected / detected (DUE) / decoded to wrong data. */
  readonly corrected: number;
  readonly detected: number;
  readonly silent: number;
}

interface Counts { faults: number; corrected: number; detected: number; silent: number }

/** Applies one fault kind to bit `bit` of an unsigned word. */
function hit(w: number, bit: number, kind: FaultKind, width: number): number {
  const m = (2 ** bit) >>> 0;
  if (kind === 'stuckAt0') return (w & ~m) >>> 0;
  if (kind === 'stuckAt1') return (w | m) >>> 0;
  let v = (w ^ m) >>> 0;
  if (kind === 'mbu' && bit + 1 < width) v = (v ^ ((2 ** (bit + 1)) >>> 0)) >>> 0;
  return v;
}

/** Groups sorted flat bit indices by word: word -> bits. */
function byWord(flips: readonly number[], width: number, into: Map<number, number[]>): void {
  for (const b of flips) {
    const w = Math.floor(b / width);
    let l = into.get(w);
    if (!l) into.set(w, (l = []));
    l.push(b % width);
  }
}

/** The words of `values` (stored in `format`) a draw hits, with the values read back; null when nothing was hit. */
function corruptWords(values: Float32Array, format: NumericFormat, codec: WordCodec | null, data: Rng, check: Rng | null,
  ber: number, def: DrawDefinition, kind: FaultKind, where: string, c: Counts): WordPatch | null {
  const k = wordBits(format);
  budget(values.length * k, ber, def, where);
  const dataHits = new Map<number, number[]>();
  byWord(drawFlips(data, values.length * k, ber, def), k, dataHits);
  const checkHits = new Map<number, number[]>();
  const r = codec ? codec.code.r + 1 : 0;
  if (codec && check) byWord(drawFlips(check, values.length * r, ber, def), r, checkHits);
  for (const l of dataHits.values()) c.faults += l.length;
  for (const l of checkHits.values()) c.faults += l.length;
  if (c.faults > MAX_FAULTS_PER_RUN) throw new RangeError(`BER ${ber} draws more than ${MAX_FAULTS_PER_RUN} faults in one run`);
  if (dataHits.size === 0 && checkHits.size === 0) return null;
  const hitWords = [...new Set([...dataHits.keys(), ...checkHits.keys()])];
  const words = Int32Array.from(hitWords);
  const out = new Float32Array(words.length);
  for (let h = 0; h < words.length; h++) {
    const word = words[h]!;
    const stored = encode(format, values[word]!) >>> 0;
    let d = stored;
    for (const b of dataHits.get(word) ?? []) d = hit(d, b, kind, k);
    if (!codec) { out[h] = decode(format, d); continue; }
    let ch = codec.check(stored);
    for (const b of checkHits.get(word) ?? []) ch = hit(ch, b, kind, r);
    const dec = codec.decode(d, ch);
    if (dec.outcome === 1) c.corrected++;
    if (dec.outcome === 2) c.detected++;
    else if (dec.data !== stored) c.silent++;
    out[h] = decode(format, dec.data >>> 0);
  }
  return { words, values: out };
}

/** Words of one stored tensor that a static corruption changed: `values[i]` is read at word
 * `words[i]` (the type kernels take in conv2dPatched). */
export type WordPatch = WeightWordPatch;

/** Writes `p` into `target` in place, by bit pattern: a value read into a JS number may lose a
 * NaN's payload, and every path (patched copy, scratch copy, packed kernel copy) must hold the same bits. */
export function writePatch(target: Float32Array, p: WordPatch): void {
  const tb = new Int32Array(target.buffer, target.byteOffset, target.length);
  const pv = new Int32Array(p.values.buffer, p.values.byteOffset, p.values.length);
  for (let i = 0; i < p.words.length; i++) tb[p.words[i]!] = pv[i]!;
}

/** A copy of `values` with `p` applied. */
export function applyPatch(values: Float32Array, p: WordPatch): Float32Array {
  const out = values.slice();
  writePatch(out, p);
  return out;
}

/** What a static corruption changed in one layer: weight words, and/or the activation (bounds). */
export interface LayerChange {
  readonly weights: WordPatch | null;
  readonly activation: Activation | null;
}

/** A static corruption as changes to `base` (no tensor copied): exposeWeightSram without the network. */
export interface ExposurePatches extends Omit<Exposure, 'network'> {
  readonly base: Network;
  /** Per layer of `base`: its change, null when untouched. */
  readonly changes: readonly (LayerChange | null)[];
}

/** Layer `l` with `ch` applied (a new object; `l` itself when `ch` is null). */
export function changedLayer(l: Layer, ch: LayerChange | null): Layer {
  if (!ch) return l;
  let out = l;
  if (ch.weights && (l.kind === 'conv2d' || l.kind === 'dense')) out = { ...l, weights: applyPatch(l.weights, ch.weights) };
  if (ch.activation) out = { ...out, activation: ch.activation } as Layer;
  return out;
}

/**
 * Static corruption of `net`'s stored parameters at BER `ber` with `seed`, as changes (see the
 * module doc; exposeWeightSram applies them). `ecc`: every word carries SEC-DED check bits (codec per
 * word width). `storage` gives per-layer formats. The input network is never mutated.
 */
export function exposeWeightSramPatches(net: Network, storage: LayerStorage, ber: number, def: DrawDefinition, kind: FaultKind, seed: number,
  opts: { readonly ecc: boolean; readonly bounds?: boolean }): ExposurePatches {
  const data = streamRng(seed, 'data');
  const check = opts.ecc ? streamRng(seed, 'check') : null;
  const c: Counts = { faults: 0, corrected: 0, detected: 0, silent: 0 };
  const codecOf = (f: NumericFormat): WordCodec | null => (opts.ecc ? wordCodec(wordBits(f)) : null);
  const weights = net.layers.map((l, i): WordPatch | null => {
    if (l.kind !== 'conv2d' && l.kind !== 'dense') return null;
    const f = storage(i).weight;
    return corruptWords(l.weights, f, codecOf(f), data, check, ber, def, kind, `weightSram of layer ${l.name}`, c);
  });
  const weightFaults = c.faults;
  const acts: (Activation | null)[] = net.layers.map(() => null);
  if (opts.bounds ?? true) {
    const bounds = streamRng(seed, 'bounds');
    net.layers.forEach((l, i) => {
      if (!('activation' in l) || (l.activation.kind !== 'clip' && l.activation.kind !== 'clipZero')) return;
      const b = l.activation.bound;
      const arr = typeof b === 'number' ? Float32Array.of(b) : b;
      const f = storage(i).output;
      const p = corruptWords(arr, f, codecOf(f), bounds, check, ber, def, kind, `bounds of layer ${l.name}`, c);
      if (!p) return;
      const nb = applyPatch(arr, p);
      acts[i] = { kind: l.activation.kind, bound: typeof b === 'number' ? nb[0]! : nb };
    });
  }
  const changes = net.layers.map((_, i): LayerChange | null => (weights[i] || acts[i] ? { weights: weights[i]!, activation: acts[i]! } : null));
  return { base: net, changes, faults: c.faults, boundFaults: c.faults - weightFaults, corrected: c.corrected, detected: c.detected, silent: c.silent };
}

/**
 * Static corruption of `net`'s stored parameters at BER `ber` with `seed` (see the module doc):
 * exposeWeightSramPatches applied to a copy of the network (changed tensors copied).
 */
export function exposeWeightSram(net: Network, storage: LayerStorage, ber: number, def: DrawDefinition, kind: FaultKind, seed: number,
  opts: { readonly ecc: boolean; readonly bounds?: boolean }): Exposure {
  const { base, changes, ...counts } = exposeWeightSramPatches(net, storage, ber, def, kind, seed, opts);
  return { network: { ...base, layers: base.layers.map((l, i) => changedLayer(l, changes[i]!)) }, ...counts };
}
