/**
 * Per-layer pieces of the faulty engine: propagation statistics and counters, bit-exact
 * comparison, the per-chunk change log, and the array-order recompute of a set of outputs of one
 * array layer for one image (the per-output path; sim/engine/faultyStep.ts batches).
 */
import { applyOutMods, computeAcc, computeAccPair, finishSoftmax, finishValue, inputOperands, preActivation, productsUnchanged, type LayerCompute, type Mod } from './faultyCompute';
import type { LayerMods } from './faultyMods';
import { macPairs, type MacPairs } from '../wasm/macPairs';
import { softmaxAccs } from './faultySoftmax';

/** Propagation statistics of one layer over the whole run. */
export interface LayerFaultStats {
  readonly layer: number;
  readonly name: string;
  /** Output values (all images) that differ from golden. */
  corrupted: number;
  /** Output values in the run (images x layer size). */
  readonly total: number;
  /** Largest |faulty - golden| (Infinity / NaN when a value became non-finite). */
  maxAbsDelta: number;
  /** ||faulty - golden||2 / ||golden||2 over the images a fault touched (0 if none). */
  relL2: number;
  /** Outputs recomputed in array order. */
  recomputed: number;
  /** Touched by a fault but the array-order sum is unchanged (e.g. a flipped weight met a 0 input). */
  maskedInArray: number;
  /** Sum changed but the stored output is equal (ReLU of a negative value, a clip bound, rounding). */
  maskedByActivation: number;
  /** Recomputed because inputs changed (no direct fault), yet unchanged (vector layers: pooling etc.). */
  maskedDownstream: number;
  /** What masks in this layer: the activation of an array layer ('relu', 'clip', ...) or the kind
   * of a vector-unit layer ('maxpool', 'add', ...); labels the masked counts above. */
  readonly masker: string;
}

/** Counters of one layer while the engine runs (see LayerFaultStats). A class, so that every run's
 * counters share one hidden class and the hot code reading them stays optimized. */
export class LayerCounts {
  corrupted = 0;
  recomputed = 0;
  maskedInArray = 0;
  maskedByActivation = 0;
  maskedDownstream = 0;
  /** Index of the layer in the network. */
  constructor(readonly layer: number) {}
}

const f32 = new Float32Array(2);
const u32 = new Uint32Array(f32.buffer);
/** Bit-exact equality of two values as fp32 (NaN payloads included). */
export function sameBits(a: number, b: number): boolean {
  f32[0] = a;
  f32[1] = b;
  return u32[0] === u32[1];
}

/** Per-image state while a chunk of images goes through the layers. */
export interface ImageState {
  readonly img: number;
  /** Mods per array layer (a LayerMods may be shared by images that see the same faults). */
  readonly mods: Map<number, LayerMods>;
  /** Faulty output per layer (null: golden). */
  readonly faulty: (Float32Array | null)[];
  /** Changed output indices per layer, ascending (null: none). */
  readonly changed: (Int32Array | null)[];
}

/** Changed outputs of one layer for the active images of a chunk: (image slot q, index, faulty
 * value) triples in typed arrays (no per-image lists), with a count per slot. */
export class Changes {
  q = new Int32Array(256);
  idx = new Int32Array(256);
  val = new Float32Array(256);
  size = 0;
  /** Changes per image slot. */
  readonly counts: Int32Array;
  /** Per image slot: 1 when an ECC read detected an uncorrectable error (a DUE of the image). */
  readonly due: Uint8Array;
  constructor(slots: number) {
    this.counts = new Int32Array(slots);
    this.due = new Uint8Array(slots);
  }

  /** Records that output `idx` of image slot `q` takes the faulty value `v`. */
  push(q: number, idx: number, v: number): void {
    if (this.size === this.q.length) {
      const grow = <T extends Int32Array | Float32Array>(a: T, b: T): T => (b.set(a), b);
      this.q = grow(this.q, new Int32Array(2 * this.size));
      this.idx = grow(this.idx, new Int32Array(2 * this.size));
      this.val = grow(this.val, new Float32Array(2 * this.size));
    }
    this.q[this.size] = q;
    this.idx[this.size] = idx;
    this.val[this.size++] = v;
    this.counts[q]++;
  }
}

/** Recomputes the outputs in `todo` of one array layer for image slot `q`; records changes in
 * `log`. `useWasm`: a softmax pixel's chains in WebAssembly where its mods allow (faultySoftmax.ts). */
export function recomputeArray(lc: LayerCompute, xG: Float32Array, xF: Float32Array, todo: ArrayLike<number>, lm: LayerMods | null, log: Changes, q: number, st: LayerCounts, useWasm = true): void {
  lc.dueHits = 0;
  recomputeOutputs(lc, xG, xF, todo, lm, log, q, st, useWasm ? macPairs() : null);
  if (lc.dueHits > 0) log.due[q] = 1;
}

function recomputeOutputs(lc: LayerCompute, xG: Float32Array, xF: Float32Array, todo: ArrayLike<number>, lm: LayerMods | null, log: Changes, q: number, st: LayerCounts, wp: MacPairs | null): void {
  const N = lc.geom.N;
  const opG = inputOperands(lc, xG);
  const opF = xF === xG ? opG : inputOperands(lc, xF);
  const softmax = lc.layer.activation.kind === 'softmax';
  if (softmax) {
    const pixels = new Set<number>();
    for (let t = 0; t < todo.length; t++) pixels.add(Math.floor(todo[t] / N));
    const preF = new Float32Array(N);
    const preC = new Float32Array(N);
    const vF = new Float32Array(N);
    const vC = new Float32Array(N);
    const accF = new Float64Array(N);
    const accC = new Float64Array(N);
    for (const m of pixels) {
      if (wp && softmaxAccs(wp, lc, xG, xF, m, lm, accF, accC)) {
        for (let nn = 0; nn < N; nn++) {
          preF[nn] = preActivation(lc, accF[nn], nn);
          preC[nn] = preActivation(lc, accC[nn], nn);
        }
      } else {
        for (let nn = 0; nn < N; nn++) {
          const mods = lm?.get(m * N + nn) ?? null;
          preF[nn] = preActivation(lc, computeAcc(lc, xF, opF, m, nn, mods), nn);
          preC[nn] = preActivation(lc, computeAcc(lc, xG, opG, m, nn, null), nn);
        }
      }
      finishSoftmax(lc, preF, vF, 0);
      finishSoftmax(lc, preC, vC, 0);
      for (let nn = 0; nn < N; nn++) {
        st.recomputed++;
        const f = applyOutMods(lc, vF[nn], lm?.get(m * N + nn) ?? null);
        if (!sameBits(f, vC[nn])) log.push(q, m * N + nn, f);
        else if (lm?.has(m * N + nn)) st.maskedByActivation++;
        else st.maskedDownstream++;
      }
    }
    return;
  }
  for (let t = 0; t < todo.length; t++) {
    const idx = todo[t];
    const m = Math.floor(idx / N);
    const nn = idx - m * N;
    const mods = lm?.get(idx) ?? null;
    st.recomputed++;
    // a fault whose modified products all equal the clean ones (e.g. a flipped weight times a zero
    // input) leaves the whole accumulation unchanged: masked in the array, nothing to recompute
    if (mods && xF === xG && productsUnchanged(lc, xF, opF, m, nn, mods)) {
      st.maskedInArray++;
      continue;
    }
    const [aF, aC] = mods && xF === xG ? computeAccPair(lc, xF, opF, m, nn, mods) : [computeAcc(lc, xF, opF, m, nn, mods), computeAcc(lc, xG, opG, m, nn, null)];
    const vF = applyOutMods(lc, finishValue(lc, preActivation(lc, aF, nn), idx), mods);
    const vC = finishValue(lc, preActivation(lc, aC, nn), idx);
    if (!sameBits(vF, vC)) log.push(q, idx, vF);
    else if (!mods) st.maskedDownstream++;
    else if (Object.is(aF, aC)) st.maskedInArray++;
    else st.maskedByActivation++;
  }
}

/** Masking rule for one direct output from its faulty and clean accumulators (array order): the
 * faulty value (out mods applied; an ECC DUE flags the image) is logged when its bits differ from the
 * clean one, else counted as masked in the array (same sum) or by the activation. */
export function settleDirect(lc: LayerCompute, aF: number, aC: number, nn: number, mods: readonly Mod[], idx: number, q: number, log: Changes, st: LayerCounts): void {
  lc.dueHits = 0;
  const vF = applyOutMods(lc, finishValue(lc, preActivation(lc, aF, nn), idx), mods);
  if (lc.dueHits > 0) log.due[q] = 1;
  const vC = finishValue(lc, preActivation(lc, aC, nn), idx);
  if (!sameBits(vF, vC)) log.push(q, idx, vF);
  else if (Object.is(aF, aC)) st.maskedInArray++;
  else st.maskedByActivation++;
}
