/**
 * Faulty inference of a statically corrupted copy of a network (weight-SRAM BER points), computed
 * incrementally from the golden run, with the same bits as a full `runGolden` of the copy:
 * - layers before the first changed one are the golden layers (same objects);
 * - the first changed conv2d/dense layer recomputes only its output channels whose weights (or
 *   per-channel bound) changed, on the golden inputs; every other channel's column of the GEMM has
 *   the same operands, so the same sum (every kernel sums each output in the PE's k order, the
 *   premise of kernel-independent results: test/sim/kernels/bitIdentical.test.ts);
 * - a later changed layer with few changed channels (splitPays: where packing new weights would
 *   cost more than the extra channels) runs with its golden weights (kept resident and packed by
 *   the kernel: no upload or repacking of the whole layer), and only the changed channels are
 *   computed apart with the corrupted weights;
 * - every later layer whose inputs are all golden (bit for bit) and whose definition is unchanged
 *   is golden: a change masked on the way (relu, max pooling) stops the rerun;
 * - the other layers run through `goldenStep`, the per-layer step of `runGolden` (same code, same
 *   bits; no prefix network, no shape inference, no top-1 of intermediate tensors). A layer of a
 *   static corruption run whole gets its corrupted weights in a scratch copy of its golden weights
 *   kept per process (patched, run, restored: no copy of the weight set per trial; the kernel is
 *   told the array is transient, so it neither memoizes nor keeps it resident).
 * The equality with a full inference is tested in test/pipeline/rerun.test.ts on every kernel.
 */
import { goldenStep, type GoldenLayer, type GoldenOptions, type GoldenRun } from '../sim/engine/golden';
import { arrayLayerForward } from '../sim/engine/golden-gemm';
import { predictions } from '../sim/engine/tensors';
import type { GemmKernel } from '../sim/kernels/types';
import type { Activation, Conv2dLayer, DenseLayer, Layer, Network } from '../sim/layers/types';
import { uniformFormats } from '../sim/format/accumulator';
import type { ArraySpec, NumericFormat } from '../sim/types';
import { fail, ok, type Result } from '../sim/result';
import { changedLayer, writePatch, type ExposurePatches, type LayerChange, type WordPatch } from './exposure';

/** True when two Float32Arrays hold the same bits (same object: true without reading). */
export function sameBitsArray(a: Float32Array, b: Float32Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  const x = new Int32Array(a.buffer, a.byteOffset, a.length);
  const y = new Int32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function sameFormat(a: NumericFormat, b: NumericFormat): boolean {
  return a.kind === b.kind && (a.kind !== 'int8' || (b.kind === 'int8' && a.fracBits === b.fracBits && a.intBits === b.intBits));
}

const channelsOf = (l: Conv2dLayer | DenseLayer): number => (l.kind === 'conv2d' ? l.outC : l.outF);

/** Marks the channels whose bound differs between activations `ga` (golden) and `fa`; false when
 * the change cannot be split by channel (another kind, one bound for the layer, per-element bounds). */
function markBounds(ga: Activation, fa: Activation, N: number, mark: Uint8Array): boolean {
  // per-element bounds (one per output value of an image) cannot be gathered by channel
  if ((fa.kind === 'clip' || fa.kind === 'clipZero') && typeof fa.bound !== 'number' && fa.bound.length !== N) return false;
  if (ga === fa) return true;
  if (ga.kind !== fa.kind || (fa.kind !== 'clip' && fa.kind !== 'clipZero')) return false;
  const gb = (ga as { bound: number | Float32Array }).bound, fb = fa.bound;
  if (typeof gb === 'number' || typeof fb === 'number') return gb === fb; // one bound for the layer: every channel
  if (gb.length !== N || fb.length !== N) return false; // per-element bounds: whole layer
  for (let j = 0; j < N; j++) if (!Object.is(gb[j], fb[j])) mark[j] = 1;
  return true;
}

const marked = (mark: Uint8Array): number[] => {
  const out: number[] = [];
  for (let j = 0; j < mark.length; j++) if (mark[j]) out.push(j);
  return out;
};

/** Output channels (ascending) of array layer `f` (a corrupted copy of `g`) whose column of the
 * GEMM or per-channel bound differs; null when the layer cannot be split by channel. */
export function changedChannels(g: Conv2dLayer | DenseLayer, f: Conv2dLayer | DenseLayer): number[] | null {
  const N = channelsOf(f);
  if (g.kind !== f.kind || channelsOf(g) !== N || g.weights.length !== f.weights.length) return null;
  // only the fields a static corruption changes may differ (weights, bound); anything else: whole layer
  for (const k of Object.keys(f) as (keyof typeof f)[]) if (k !== 'weights' && k !== 'activation' && f[k] !== g[k]) return null;
  const mark = new Uint8Array(N);
  if (g.weights !== f.weights) {
    const a = new Int32Array(g.weights.buffer, g.weights.byteOffset, g.weights.length);
    const b = new Int32Array(f.weights.buffer, f.weights.byteOffset, f.weights.length);
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) mark[i % N] = 1;
  }
  return markBounds(g.activation, f.activation, N, mark) ? marked(mark) : null;
}

/** Activation `a` restricted to channels `cols` (per-channel bounds gathered). */
function subActivation(a: Activation, cols: readonly number[]): Activation {
  if ((a.kind === 'clip' || a.kind === 'clipZero') && typeof a.bound !== 'number') {
    const b = a.bound;
    return { kind: a.kind, bound: Float32Array.from(cols, (j) => b[j]!) };
  }
  return a;
}

/** Weights K x N gathered to K x cols, then `patch` (words of the K x N matrix) applied to the gathered columns. */
function gatherColumns(weights: Float32Array, N: number, cols: readonly number[], patch: WordPatch | null): Float32Array {
  const S = cols.length;
  const K = weights.length / N;
  const w = new Float32Array(K * S);
  for (let k = 0; k < K; k++) for (let s = 0; s < S; s++) w[k * S + s] = weights[k * N + cols[s]!]!;
  if (patch) {
    const at = new Int32Array(N).fill(-1);
    cols.forEach((c, s) => { at[c] = s; });
    // bit patterns, not numbers: a NaN read into a JS number may lose its payload
    const wb = new Int32Array(w.buffer), pv = new Int32Array(patch.values.buffer, patch.values.byteOffset, patch.values.length);
    for (let i = 0; i < patch.words.length; i++) {
      const word = patch.words[i]!;
      const s = at[word % N]!;
      if (s >= 0) wb[Math.floor(word / N) * S + s] = pv[i]!;
    }
  }
  return w;
}

/** Array layer `f` restricted to output channels `cols` (weights from `weights` + `patch`, bias and bounds gathered). */
function subLayer(f: Conv2dLayer | DenseLayer, cols: readonly number[], weights: Float32Array = f.weights, patch: WordPatch | null = null): Conv2dLayer | DenseLayer {
  const w = gatherColumns(weights, channelsOf(f), cols, patch);
  const bias = f.bias ? Float32Array.from(cols, (j) => f.bias![j]!) : null;
  const activation = subActivation(f.activation, cols);
  const S = cols.length;
  return f.kind === 'conv2d' ? { ...f, outC: S, weights: w, bias, activation } : { ...f, outF: S, weights: w, bias, activation };
}

/** Runs layer `layer` as layer i of the rerun (`transient`: its weights are a scratch array) on `kernel` (default: the run's). */
type Step = (layer: Layer, transient: boolean, kernel?: GemmKernel) => GoldenLayer;

/** A changed layer of the faulty network as the rerun sees it. */
interface ChangedLayer {
  /** The faulty layer (built on first call). */
  layer(): Layer;
  /** The whole faulty layer through `step` (`kernel`: the run's). */
  whole(step: Step, kernel: GemmKernel): GoldenLayer;
  /** Array layers: the changed output channels, or null when the layer cannot be split. */
  cols(): number[] | null;
  /** Array layers: the faulty layer restricted to channels `cols`. */
  sub(cols: readonly number[]): Conv2dLayer | DenseLayer;
}

/** Change of layer `g` into `f` (a corrupted copy; null when the same object). */
function changeOfLayer(g: Layer, f: Layer): ChangedLayer | null {
  if (f === g) return null;
  return {
    layer: () => f,
    whole: (step) => step(f, false),
    cols: () => ((g.kind === 'conv2d' || g.kind === 'dense') && (f.kind === 'conv2d' || f.kind === 'dense') ? changedChannels(g, f) : null),
    sub: (cols) => subLayer(f as Conv2dLayer | DenseLayer, cols),
  };
}

/** Per golden weight array: a scratch copy that whole-layer reruns patch, run and restore. */
const scratches = new WeakMap<Float32Array, Float32Array>();

/** `run` on `g`'s weights with patch `p` applied (as applyPatch) in the scratch copy, restored after (bits copied back). */
function withPatched<T>(weights: Float32Array, p: WordPatch, run: (w: Float32Array) => T): T {
  let w = scratches.get(weights);
  if (!w) scratches.set(weights, (w = weights.slice()));
  writePatch(w, p);
  try {
    return run(w);
  } finally {
    const wb = new Int32Array(w.buffer, w.byteOffset, w.length);
    const gb = new Int32Array(weights.buffer, weights.byteOffset, weights.length);
    for (let i = 0; i < p.words.length; i++) wb[p.words[i]!] = gb[p.words[i]!]!;
  }
}

/** `kernel` with its conv2d of the scratch array `scratch` (golden `weights` + `patch`) run as
 * conv2dPatched of the golden weights where the kernel has it (tfjs-wasm: the words patched in
 * XNNPACK's packed copy, no upload or re-packing), else as before. */
function patchedKernel(kernel: GemmKernel, scratch: Float32Array, weights: Float32Array, patch: WordPatch): GemmKernel {
  const conv = kernel.conv2d, patched = kernel.conv2dPatched;
  if (!conv || !patched) return kernel;
  return {
    ...kernel,
    conv2d: (input, n, g, w, epilogue) => (w === scratch ? patched.call(kernel, input, n, g, weights, patch, epilogue) : null) ?? conv.call(kernel, input, n, g, w, epilogue),
  };
}

/** Change of layer `g` by a static corruption's `ch` (weights never copied unless the whole layer runs). */
function changeOfPatch(g: Layer, ch: LayerChange | null): ChangedLayer | null {
  if (!ch) return null;
  let built: Layer | null = null;
  const f = (): Conv2dLayer | DenseLayer => ({ ...(g as Conv2dLayer | DenseLayer), ...(ch.activation ? { activation: ch.activation } : {}) });
  const p = ch.weights;
  return {
    layer: () => (built ??= changedLayer(g, ch)),
    whole: (step, kernel) => (p && (g.kind === 'conv2d' || g.kind === 'dense')
      ? withPatched(g.weights, p, (w) => step({ ...f(), weights: w }, true, patchedKernel(kernel, w, g.weights, p)))
      : step(built ??= changedLayer(g, ch), false)),
    cols: () => {
      if (g.kind !== 'conv2d' && g.kind !== 'dense') return null;
      const N = channelsOf(g);
      const mark = new Uint8Array(N);
      const p = ch.weights;
      if (p) {
        const gw = new Int32Array(g.weights.buffer, g.weights.byteOffset, g.weights.length);
        const pv = new Int32Array(p.values.buffer, p.values.byteOffset, p.values.length);
        for (let i = 0; i < p.words.length; i++) if (pv[i] !== gw[p.words[i]!]) mark[p.words[i]! % N] = 1;
      }
      return markBounds(g.activation, f().activation, N, mark) ? marked(mark) : null;
    },
    sub: (cols) => subLayer(f(), cols, (g as Conv2dLayer | DenseLayer).weights, ch.weights),
  };
}

/**
 * Layer `i` of `faulty` (a corrupted copy of golden's network) from `base`, the same layer computed
 * with its golden weights on the same inputs (golden's own layer when its inputs are golden):
 * channels `cols` recomputed with the corrupted weights and written over `base`'s output (a copy when
 * `copy`). Null when it cannot be (softmax, pre-activations kept, several inputs, other formats).
 */
function channelRerun(golden: GoldenRun, base: GoldenLayer, ch: ChangedLayer, i: number, cols: readonly number[],
  spec: Pick<ArraySpec, 'format'>, kernel: GemmKernel, options: GoldenOptions, copy: boolean): GoldenLayer | null {
  const f = golden.network.layers[i] as Conv2dLayer | DenseLayer; // same kind, shape and activation kind as the faulty one
  if (f.activation.kind === 'softmax' || base.inputs.length !== 1 || base.preActivation !== null) return null;
  // (the faulty layer is built only when a layerFormats function may look at it)
  const formats = (options.layerFormats ? options.layerFormats(ch.layer(), i) : undefined) ?? uniformFormats(spec.format);
  if (!sameFormat(formats.input, base.formats.input) || !sameFormat(formats.output, base.formats.output) || !sameFormat(formats.weight, base.formats.weight)) return null;
  const N = f.kind === 'conv2d' ? f.outC : f.outF;
  // one channel: add an unchanged neighbour (kernels may take a slower path for a single output channel)
  if (cols.length === 1 && N > 1) cols = cols[0] === 0 ? [0, 1] : [cols[0]! - 1, cols[0]!];
  const S = cols.length;
  const output = copy ? base.output.slice() : base.output;
  let exact = true;
  if (S > 0) {
    const path = golden.layerPath ?? { useConv2d: options.useConv2d ?? true, keepPreActivation: options.keepPreActivation ?? false };
    const r = arrayLayerForward(ch.sub(cols), base.inputs[0]!, golden.n, base.inShapes[0]!, formats, kernel, path.useConv2d, path.keepPreActivation);
    if (r.preActivation !== null) return null;
    const sub = r.output;
    for (let row = 0, s = 0; s < sub.length; row += N) for (let c = 0; c < S; c++) output[row + cols[c]!] = sub[s++]!;
    exact = r.exactOnKernel;
  }
  // stored/effective weights of the whole corrupted layer are not rebuilt (null: not kept)
  return { ...base, output, storedWeights: null, weights: null, exactOnKernel: base.exactOnKernel && exact, ms: 0 };
}

/** `layer` run as layer i (runGolden's step, golden's shapes: a corruption keeps them), inputs from
 * `layers` (the rerun's layers 0..i-1). */
function stepLayer(golden: GoldenRun, layers: readonly GoldenLayer[], i: number, layer: Layer, spec: Pick<ArraySpec, 'format'>,
  kernel: GemmKernel, options: GoldenOptions, transient = false): GoldenLayer {
  const formats = options.layerFormats?.(layer, i) ?? uniformFormats(spec.format);
  const path = golden.layerPath ?? { useConv2d: options.useConv2d ?? true, keepPreActivation: options.keepPreActivation ?? false };
  return goldenStep(layer, i, golden.shapes.layers[i]!, layers, golden.input, golden.n, formats, kernel,
    { ...path, ...(options.now ? { now: options.now } : {}), transientWeights: transient });
}

/** Largest share of a layer's channels recomputed apart (above it the layer is rerun whole). */
export const SPLIT_SHARE = 0.5;

/** Cost of uploading and packing a weight, in multiply-adds of one GEMM row (rough, tfjs-wasm). */
const PACK_MACS = 32;

/** Whether running a layer on its golden (resident, packed) weights plus `S` of its `N` channels
 * apart is cheaper than running it whole on new weights: (S/N)(M + c) < c for M GEMM rows. */
function splitPays(S: number, N: number, rows: number): boolean {
  return S <= SPLIT_SHARE * N && S * (rows + PACK_MACS) < PACK_MACS * N;
}

/** The faulty side of an incremental rerun: per layer outputs, last layer output, top-1 per image. */
export type FaultyLayers = Pick<GoldenRun, 'n' | 'layers' | 'output' | 'predictions'>;

function rerun(golden: GoldenRun, changes: readonly (ChangedLayer | null)[], spec: Pick<ArraySpec, 'format'>, kernel: GemmKernel,
  options: GoldenOptions): Result<FaultyLayers> {
  const gnet = golden.network;
  const L = gnet.layers.length;
  if (changes.length !== L) return fail(`faulty network: expected ${L} layers, found ${changes.length}`, 'network');
  const layers: GoldenLayer[] = [];
  for (let i = 0; i < L; i++) {
    const gl = golden.layers[i]!;
    const ch = changes[i]!;
    // inputs golden = the producers' golden output arrays themselves
    const inputsGolden = gl.inputIndices.every((j) => j < 0 || layers[j]!.output === golden.layers[j]!.output);
    if (inputsGolden && !ch) { layers.push(gl); continue; }
    let out: GoldenLayer | null = null;
    const g = gnet.layers[i]!;
    if (ch && (g.kind === 'conv2d' || g.kind === 'dense')) {
      const cols = ch.cols();
      if (cols && inputsGolden) out = channelRerun(golden, gl, ch, i, cols, spec, kernel, options, true);
      else if (cols && splitPays(Math.max(2, cols.length), channelsOf(g), golden.n * (gl.gemm ? gl.gemm.M : 1))) {
        // changed inputs, few changed channels: the golden weights (resident in the kernel, packed)
        // on the new inputs, then the changed channels apart
        const base = stepLayer(golden, layers, i, g, spec, kernel, options);
        out = channelRerun(golden, base, ch, i, cols, spec, kernel, options, false);
      }
    }
    out ??= ch ? ch.whole((l, transient, k) => stepLayer(golden, layers, i, l, spec, k ?? kernel, options, transient), kernel) : stepLayer(golden, layers, i, g, spec, kernel, options);
    // bit-identical to golden: the change was masked here, later layers see golden inputs
    layers.push(!sameBitsArray(out.output, gl.output) ? out : !ch ? gl : { ...out, output: gl.output });
  }
  const last = layers[L - 1]!;
  const goldenLast = golden.layers[L - 1]!;
  const output = last.output;
  return ok({
    n: golden.n, layers, output,
    predictions: output === goldenLast.output ? golden.predictions : predictions(output, golden.n, output.length / golden.n),
  });
}

/**
 * The faulty layers of `faulty` (a corrupted copy of `golden.network`: same layer objects where
 * nothing changed) on golden's batch, incrementally (see the module doc). `options` are the golden
 * run's options.
 */
export function rerunCorrupted(golden: GoldenRun, faulty: Network, spec: Pick<ArraySpec, 'format'>, kernel: GemmKernel,
  options: GoldenOptions = {}): Result<FaultyLayers> {
  const gl = golden.network.layers;
  if (faulty.layers.length !== gl.length) return fail(`faulty network: expected ${gl.length} layers, found ${faulty.layers.length}`, 'network');
  return rerun(golden, faulty.layers.map((f, i) => changeOfLayer(gl[i]!, f)), spec, kernel, options);
}

/** rerunCorrupted of a static corruption given as changes (pipeline/exposure.ts exposeWeightSramPatches,
 * of `golden.network`): a changed weight tensor is copied only when its whole layer runs. */
export function rerunPatched(golden: GoldenRun, e: Pick<ExposurePatches, 'base' | 'changes'>, spec: Pick<ArraySpec, 'format'>, kernel: GemmKernel,
  options: GoldenOptions = {}): Result<FaultyLayers> {
  if (e.base !== golden.network) return fail('faulty network: the changes are not of the golden run\'s network', 'network');
  return rerun(golden, e.base.layers.map((l, i) => changeOfPatch(l, e.changes[i] ?? null)), spec, kernel, options);
}
