/**
 * Faulty inference of a statically corrupted copy of a network (weight-SRAM BER points), computed
 * incrementally from the golden run, with the same bits as a full `runGolden` of the copy:
 * - layers before the first changed one are the golden layers (same objects);
 * - the first changed conv2d/dense layer recomputes only its output channels whose weights (or
 *   per-channel bound) changed, on the golden inputs; every other channel's column of the GEMM has
 *   the same operands, so the same sum (every kernel sums each output in the PE's k order, the
 *   premise of kernel-independent results: test/sim/kernels/bitIdentical.test.ts);
 * - every later layer whose inputs are all golden (bit for bit) and whose definition is unchanged
 *   is golden: a change masked on the way (relu, max pooling) stops the rerun;
 * - the other layers run through `runGolden` one at a time (`reuse` of the layers before).
 * The equality with a full inference is tested in test/pipeline/rerun.test.ts on every kernel.
 */
import { runGolden, type GoldenLayer, type GoldenOptions, type GoldenRun } from '../sim/engine/golden';
import { arrayLayerForward } from '../sim/engine/golden-gemm';
import { predictions } from '../sim/engine/tensors';
import type { GemmKernel } from '../sim/kernels/types';
import type { Activation, Conv2dLayer, DenseLayer, Layer, Network } from '../sim/layers/types';
import { uniformFormats } from '../sim/format/accumulator';
import type { ArraySpec, NumericFormat } from '../sim/types';
import { fail, ok, type Result } from '../sim/result';

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

/** Output channels (ascending) of array layer `f` (a corrupted copy of `g`) whose column of the
 * GEMM or per-channel bound differs; null when the layer cannot be split by channel. */
export function changedChannels(g: Conv2dLayer | DenseLayer, f: Conv2dLayer | DenseLayer): number[] | null {
  const N = f.kind === 'conv2d' ? f.outC : f.outF;
  if (g.kind !== f.kind || (g.kind === 'conv2d' ? g.outC : g.outF) !== N || g.weights.length !== f.weights.length) return null;
  if ((g.weightTransform ?? 'none') !== (f.weightTransform ?? 'none') || g.bias !== f.bias) return null;
  // only the fields a static corruption changes may differ (weights, bound); anything else: whole layer
  for (const k of Object.keys(f) as (keyof typeof f)[]) if (k !== 'weights' && k !== 'activation' && f[k] !== g[k]) return null;
  const mark = new Uint8Array(N);
  if (g.weights !== f.weights) {
    const a = new Int32Array(g.weights.buffer, g.weights.byteOffset, g.weights.length);
    const b = new Int32Array(f.weights.buffer, f.weights.byteOffset, f.weights.length);
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) mark[i % N] = 1;
  }
  const ga = g.activation, fa = f.activation;
  if (ga !== fa) {
    if (ga.kind !== fa.kind || (fa.kind !== 'clip' && fa.kind !== 'clipZero')) return null;
    const gb = (ga as { bound: number | Float32Array }).bound, fb = fa.bound;
    if (typeof gb === 'number' || typeof fb === 'number') {
      if (gb !== fb) return null; // one bound for the layer: every channel
    } else {
      if (gb.length !== N || fb.length !== N) return null; // per-element bounds: whole layer
      for (let j = 0; j < N; j++) if (!Object.is(gb[j], fb[j])) mark[j] = 1;
    }
  }
  const out: number[] = [];
  for (let j = 0; j < N; j++) if (mark[j]) out.push(j);
  return out;
}

/** The layer restricted to output channels `cols` (weights K x cols, bias and per-channel bound gathered). */
function subLayer(f: Conv2dLayer | DenseLayer, cols: readonly number[]): Conv2dLayer | DenseLayer {
  const N = f.kind === 'conv2d' ? f.outC : f.outF;
  const S = cols.length;
  const K = f.weights.length / N;
  const w = new Float32Array(K * S);
  for (let k = 0; k < K; k++) for (let s = 0; s < S; s++) w[k * S + s] = f.weights[k * N + cols[s]!]!;
  const bias = f.bias ? Float32Array.from(cols, (j) => f.bias![j]!) : null;
  let activation: Activation = f.activation;
  if ((activation.kind === 'clip' || activation.kind === 'clipZero') && typeof activation.bound !== 'number') {
    const b = activation.bound;
    activation = { kind: activation.kind, bound: Float32Array.from(cols, (j) => b[j]!) };
  }
  return f.kind === 'conv2d' ? { ...f, outC: S, weights: w, bias, activation } : { ...f, outF: S, weights: w, bias, activation };
}

/** Layer `i` of `faulty` (a corrupted copy of golden's network) recomputed on channels `cols` only;
 * null when it cannot be (softmax, another input format, a grouped layer). */
function channelRerun(golden: GoldenRun, faulty: Network, i: number, cols: readonly number[], spec: Pick<ArraySpec, 'format'>,
  kernel: GemmKernel, options: GoldenOptions): GoldenLayer | null {
  const gl = golden.layers[i]!;
  const f = faulty.layers[i] as Conv2dLayer | DenseLayer;
  if (f.activation.kind === 'softmax' || gl.inputs.length !== 1 || gl.preActivation !== null) return null;
  const formats = options.layerFormats?.(f, i) ?? uniformFormats(spec.format);
  if (!sameFormat(formats.input, gl.formats.input) || !sameFormat(formats.output, gl.formats.output) || !sameFormat(formats.weight, gl.formats.weight)) return null;
  const N = f.kind === 'conv2d' ? f.outC : f.outF;
  // one channel: add an unchanged neighbour (kernels may take a slower path for a single output channel)
  if (cols.length === 1 && N > 1) cols = cols[0] === 0 ? [0, 1] : [cols[0]! - 1, cols[0]!];
  const S = cols.length;
  const output = gl.output.slice();
  let exact = true;
  if (S > 0) {
    const path = golden.layerPath ?? { useConv2d: options.useConv2d ?? true, keepPreActivation: options.keepPreActivation ?? false };
    const r = arrayLayerForward(subLayer(f, cols), gl.inputs[0]!, golden.n, gl.inShapes[0]!, formats, kernel, path.useConv2d, path.keepPreActivation);
    if (r.preActivation !== null) return null;
    const sub = r.output;
    for (let row = 0, s = 0; s < sub.length; row += N) for (let c = 0; c < S; c++) output[row + cols[c]!] = sub[s++]!;
    exact = r.exactOnKernel;
  }
  // stored/effective weights of the whole corrupted layer are not rebuilt (null: not kept)
  return { ...gl, output, storedWeights: null, weights: null, exactOnKernel: gl.exactOnKernel && exact, ms: 0 };
}

/**
 * The faulty GoldenRun of `faulty` (a statically corrupted copy of `golden.network`: same layer
 * objects where nothing changed) on golden's batch, incrementally (see the module doc). `options`
 * are the golden run's options.
 */
export function rerunCorrupted(golden: GoldenRun, faulty: Network, spec: Pick<ArraySpec, 'format'>, kernel: GemmKernel,
  options: GoldenOptions = {}): Result<GoldenRun> {
  const gnet = golden.network;
  const L = faulty.layers.length;
  if (L !== gnet.layers.length) return fail(`faulty network: expected ${gnet.layers.length} layers, found ${L}`, 'network');
  const layers: GoldenLayer[] = [];
  for (let i = 0; i < L; i++) {
    const gl = golden.layers[i]!;
    const fl = faulty.layers[i]!;
    // inputs golden = the producers' golden output arrays themselves
    const inputsGolden = gl.inputIndices.every((j) => j < 0 || layers[j]!.output === golden.layers[j]!.output);
    if (inputsGolden && fl === gnet.layers[i]) { layers.push(gl); continue; }
    let out: GoldenLayer | null = null;
    if (inputsGolden && (fl.kind === 'conv2d' || fl.kind === 'dense')) {
      const cols = changedChannels(gnet.layers[i] as Conv2dLayer | DenseLayer, fl);
      if (cols) out = channelRerun(golden, faulty, i, cols, spec, kernel, options);
    }
    if (!out) {
      const prefix: Layer[] = faulty.layers.slice(0, i + 1);
      const partial = { ...golden, network: { ...faulty, layers: prefix }, layers } as GoldenRun;
      const r = runGolden(partial.network, golden.input, spec, kernel, { ...options, reuse: { run: partial, upTo: i } });
      if (!r.ok) return r;
      out = r.value.layers[i]!;
    }
    // bit-identical to golden: the change was masked here, later layers see golden inputs
    layers.push(!sameBitsArray(out.output, gl.output) ? out : fl === gnet.layers[i] ? gl : { ...out, output: gl.output });
  }
  const last = layers[L - 1]!;
  const goldenLast = golden.layers[L - 1]!;
  const output = last.output;
  const classes = output.length / golden.n;
  return ok({
    ...golden, network: faulty, layers, output,
    predictions: output === goldenLast.output ? golden.predictions : predictions(output, golden.n, classes),
  });
}
