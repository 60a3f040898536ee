/**
 * Fault exposure of a protected model's stored parameters: static bit errors in the weight SRAM
 * words AND in the stored activation bounds (bounds live in memory too and can be hit), with an
 * optional SEC-DED code per word (ecc.ts) whose check bits are exposed as well.
 * BER definitions as in docs/README-campaigns.md: "per-bit" flips each stored bit independently
 * with probability p; "count" flips floor(bits x p) distinct bits (per layer, per bound tensor).
 * "rrelu" is the fault model of the FitAct/ProAct authors' code (RReLU toolbox,
 * rrelu/pytorchfi/weight_error_models.py:459-482): every parameter tensor (weights, then biases,
 * then per-element / per-channel bound tensors) is stored as 32-bit Q15.16 words and gets
 * floor(numel x 32 x p) faults at positions and bits drawn uniformly WITH replacement (a repeat
 * flips back); layer-wise (scalar) bounds are never hit (their shape is registered as [0],
 * rrelu/pytorchfi/core.py:129-130). The format argument and ECC do not apply to it.
 * Pure and seeded: the same arguments give the same corrupted copy; the input is never mutated.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { decode, encode, wordBits } from '../../sim/format/format';
import type { FaultKind } from '../../sim/faults/types';
import type { Activation, Layer, Network } from '../../sim/layers/types';
import type { NumericFormat } from '../../sim/types';
import { decodeWord, encodeWord, secDed, type SecDed } from './ecc';
import { drawFlips } from '../../sim/faults/campaign';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { decodeQ1516, encodeQ1516 } from '../../sim/format/q1516';

/** How a BER becomes faults in stored parameters (see the file comment). */
export type StoredBerDefinition = 'per-bit' | 'count' | 'rrelu';

/** RReLU's fault count of one tensor: floor(numel x bits x BER) (weight_error_models.py:473, Python int()). */
export function rreluFaultCount(numel: number, ber: number, bits = 32): number {
  return Math.floor(numel * bits * ber);
}

/** RReLU model on one tensor: Q15.16 words, rreluFaultCount faults drawn with replacement; returns the copy or the input. */
function corruptRrelu(values: Float32Array, rng: Rng, ber: number, kind: FaultKind, c: Counters): Float32Array {
  const n = rreluFaultCount(values.length, ber);
  if (n === 0) return values;
  const out = Float32Array.from(values);
  for (let f = 0; f < n; f++) {
    const i = uniformInt(rng, 0, values.length - 1);
    const bit = uniformInt(rng, 0, 31);
    out[i] = decodeQ1516(applyKind(bit, kind, 32, encodeQ1516(out[i]!)) >>> 0);
  }
  c.faults += n;
  return out;
}

type Rng = ReturnType<typeof xoroshiro128plus>;

/** Options of `corruptStored`. */
export interface ExposureOptions {
  /** Protect every stored word with SEC-DED (check bits exposed too). */
  readonly ecc?: boolean;
  /** What a detected-uncorrectable (double-error) word reads as: 0 (default) or the corrupted data. */
  readonly onDetected?: 'zero' | 'keep';
  /** Also expose the activation bounds (default true). */
  readonly bounds?: boolean;
  /** Per-layer storage format (e.g. per-layer int8 Qm.n): weights in `weight`, bounds in `output`; default `format`. */
  readonly layerFormat?: (index: number) => { readonly weight: NumericFormat; readonly output: NumericFormat } | undefined;
}

/** Counts of one corruption. */
export interface ExposureStats {
  /** Bits drawn (faults injected), weights + bounds, data + check bits. */
  readonly faults: number;
  /** Faults that landed in bound words. */
  readonly boundFaults: number;
  /** ECC: words corrected / detected (double errors) / decoded clean but wrong (>= 3 errors). */
  readonly corrected: number;
  readonly detected: number;
  readonly silent: number;
}

/** A seeded generator with its first outputs discarded (xoroshiro128+ starts poorly mixed for small seeds). */
export function seededRng(seed: number): Rng {
  const rng = xoroshiro128plus(seed | 0);
  for (let i = 0; i < 8; i++) uniformFloat64(rng);
  return rng;
}

function applyKind(bit: number, kind: FaultKind, width: number, w: number): number {
  const m = 2 ** bit;
  const set = Math.floor(w / m) % 2 === 1;
  if (kind === 'stuckAt0') return set ? w - m : w;
  if (kind === 'stuckAt1') return set ? w : w + m;
  let v = set ? w - m : w + m;
  if (kind === 'mbu' && bit + 1 < width) { const m2 = 2 ** (bit + 1); v = Math.floor(v / m2) % 2 === 1 ? v - m2 : v + m2; }
  return v;
}

interface Counters { faults: number; corrected: number; detected: number; silent: number }

/** Corrupts a copy of `values` stored in `format` (optionally ECC-coded); returns the copy or the input when untouched. */
function corruptArray(values: Float32Array, format: NumericFormat, code: SecDed | null, rng: Rng, ber: number, def: 'per-bit' | 'count',
  kind: FaultKind, onDetected: 'zero' | 'keep', c: Counters): Float32Array {
  const k = wordBits(format);
  const width = code ? code.n : k;
  const flips = drawFlips(rng, values.length * width, ber, def);
  if (flips.length === 0) return values;
  c.faults += flips.length;
  const out = Float32Array.from(values);
  for (let s = 0; s < flips.length;) {
    const word = Math.floor(flips[s]! / width);
    let e = s;
    while (e < flips.length && Math.floor(flips[e]! / width) === word) e++;
    const data = encode(format, out[word]!) >>> 0;
    if (!code) {
      let w = data;
      for (let j = s; j < e; j++) w = applyKind(flips[j]! % width, kind, width, w);
      out[word] = decode(format, w >>> 0);
    } else {
      const cw = encodeWord(code, data);
      for (let j = s; j < e; j++) {
        const b = flips[j]! % width;
        const nb = applyKind(0, kind, 1, cw[b]!); // single-bit view of the codeword bit
        cw[b] = nb & 1;
        if (kind === 'mbu' && b + 1 < width) cw[b + 1] ^= 1;
      }
      const d = decodeWord(code, cw);
      if (d.outcome === 'corrected') c.corrected++;
      if (d.outcome === 'detected') c.detected++;
      if (d.outcome !== 'detected' && d.word !== data) c.silent++;
      out[word] = d.outcome === 'detected' && onDetected === 'zero' ? 0 : decode(format, d.word >>> 0);
    }
    s = e;
  }
  return out;
}

/**
 * Static corruption of the stored parameters of `net` in `format`: weights of every conv/dense
 * layer (layer order, row-major K x N) then, when `opts.bounds` (default), every clip/clipZero
 * bound (a layer-wise bound is one word). Returns the corrupted copy and counts.
 */
export function corruptStored(net: Network, format: NumericFormat, ber: number, def: StoredBerDefinition, kind: FaultKind, seed: number,
  opts: ExposureOptions = {}): { network: Network; stats: ExposureStats } {
  if (def === 'rrelu') return corruptRreluModel(net, ber, kind, seed, opts.bounds ?? true);
  const rng = seededRng(seed);
  const code = opts.ecc ? secDed(wordBits(format)) : null; // per-layer formats share the word width of `format`
  const onDet = opts.onDetected ?? 'zero';
  const c: Counters = { faults: 0, corrected: 0, detected: 0, silent: 0 };
  let layers: Layer[] = net.layers.map((l, i) => {
    if (l.kind !== 'conv2d' && l.kind !== 'dense') return l;
    const w = corruptArray(l.weights, opts.layerFormat?.(i)?.weight ?? format, code, rng, ber, def, kind, onDet, c);
    return w === l.weights ? l : { ...l, weights: w };
  });
  const weightFaults = c.faults;
  if (opts.bounds ?? true) {
    layers = layers.map((l, i) => {
      if (!('activation' in l) || (l.activation.kind !== 'clip' && l.activation.kind !== 'clipZero')) return l;
      const b = l.activation.bound;
      const arr = typeof b === 'number' ? Float32Array.of(b) : b;
      const nb = corruptArray(arr, opts.layerFormat?.(i)?.output ?? format, code, rng, ber, def, kind, onDet, c);
      if (nb === arr) return l;
      const activation: Activation = { kind: l.activation.kind, bound: typeof b === 'number' ? nb[0]! : nb };
      return { ...l, activation } as Layer;
    });
  }
  return { network: { ...net, layers }, stats: { ...c, boundFaults: c.faults - weightFaults } };
}

/**
 * The RReLU fault model on a network's stored parameters (see the file comment): weights of every
 * conv/dense layer, then their biases, then (with `bounds`) every array bound; scalar bounds are
 * not exposed. A word is quantized to Q15.16 only when a fault hits it (untouched parameters keep
 * their fp32 value; the Q15.16 rounding of a hit word is below 2^-16).
 */
export function corruptRreluModel(net: Network, ber: number, kind: FaultKind, seed: number, bounds = true): { network: Network; stats: ExposureStats } {
  const rng = seededRng(seed);
  const c: Counters = { faults: 0, corrected: 0, detected: 0, silent: 0 };
  let layers: Layer[] = net.layers.map((l) => {
    if (l.kind !== 'conv2d' && l.kind !== 'dense') return l;
    const w = corruptRrelu(l.weights, rng, ber, kind, c);
    return w === l.weights ? l : { ...l, weights: w };
  });
  layers = layers.map((l) => {
    if ((l.kind !== 'conv2d' && l.kind !== 'dense') || !l.bias) return l;
    const b = corruptRrelu(l.bias, rng, ber, kind, c);
    return b === l.bias ? l : { ...l, bias: b };
  });
  const paramFaults = c.faults;
  if (bounds) {
    layers = layers.map((l) => {
      if (!('activation' in l) || (l.activation.kind !== 'clip' && l.activation.kind !== 'clipZero') || typeof l.activation.bound === 'number') return l;
      const nb = corruptRrelu(l.activation.bound, rng, ber, kind, c);
      if (nb === l.activation.bound) return l;
      return { ...l, activation: { kind: l.activation.kind, bound: nb } } as Layer;
    });
  }
  return { network: { ...net, layers }, stats: { ...c, boundFaults: c.faults - paramFaults } };
}
