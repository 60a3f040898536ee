/**
 * Up-front memory estimate of an engine run (golden + faulty) and the cap check that refuses a run
 * before it allocates (issue 8: resource limits; issue 15: made to cover what a real run holds).
 * Counted, per part (MemoryEstimate.parts):
 * - tensors: the input batch, every layer's golden output for the whole batch (GoldenLayer.output),
 *   converted input copies when the format is not fp32, pre-activations of softmax layers; for a
 *   faulty run also the faulty tensors of touched images and the packed differences (index, golden
 *   and faulty value: 12 bytes per changed output), all images and outputs in the worst case;
 * - weights: the network's weight arrays (fp32: the golden run's stored and effective weights are
 *   those arrays; other formats keep a stored and an effective copy besides), plus one scratch
 *   copy for a weight-SRAM BER run (`berScratch`: the rerun patches corrupted words into it);
 * - kernel: the tfjs-wasm kernel's WebAssembly heap, which never shrinks: its start-up heap and
 *   growth slack (KERNEL_HEAP_BASE), every weight array resident plus XNNPACK's packed copy
 *   (2 x weights, at most WEIGHT_CACHE_BYTES resident) and 4 x the largest layer's input + output
 *   per image (the call's buffers; the heap grows past them); 0 for the js and gpujs kernels;
 * - engine: the faulty engine's per-term structures (fault touches, mods, per-output mod lists;
 *   ENGINE_BYTES_PER_TOUCH each) for `registerFaults` PE-register faults that each touch every
 *   output of a column in every fold (a stuck register: M x ceil(K / rows) x ceil(N / cols) terms
 *   per array layer and image), when the array is given;
 * - transient: the largest im2col operand of one layer (the js kernel's conv).
 * `bytes` (what the cap limits) is their sum; `processBytes` adds RUNTIME_BYTES, the Node.js
 * process with the app's modules and the tfjs-wasm backend loaded, for comparison with a measured
 * peak resident set (bench (c2): ResNet-50 x1, psum stuck-at + 10 SEUs). Pure: callers read the cap
 * from options or the FAULTLINE_MEMORY_CAP_MB environment variable and pass it in.
 */
import type { Network, Shape3 } from '../layers/types';
import type { NumericFormat } from '../types';
import { inferShapes, shapeSize } from '../layers/shapes';
import { fail, ok, type Result } from '../result';

/** Bytes per stored value (the engine keeps float32 tensors for every format). */
const F32 = 4;
const MIB = 2 ** 20;
/** Node.js with the app's modules and the tfjs-wasm backend initialised, before a network is
 * loaded (measured: 178-185 MiB resident under tsx, bench (c2) child). Not part of `bytes`. */
export const RUNTIME_BYTES = 180 * MIB;
/** tfjs-wasm heap at start (16 MiB) plus the growth slack seen beyond the buffers counted
 * (ResNet-18 / ResNet-50 faulty runs: 29 and 52 MiB). */
export const KERNEL_HEAP_BASE = 48 * MIB;
/** Resident weight bytes the tfjs-wasm kernel keeps at most (sim/kernels/tfjs-wasm.ts WEIGHT_CACHE_BYTES). */
const KERNEL_WEIGHT_CAP = 512 * MIB;
/** JavaScript heap per fault-touched GEMM term of a register fault (Touch and Mod objects, the
 * per-output maps and mod lists): ResNet-18 / ResNet-50 psum stuck-at runs grew the heap by
 * 41 / 80 MiB for about 165 k / 330 k touched terms. */
export const ENGINE_BYTES_PER_TOUCH = 260;
/** Default cap of one run (MiB) when neither an option nor FAULTLINE_MEMORY_CAP_MB sets one. */
export const DEFAULT_MEMORY_CAP_MB = 4096;
/** Environment variable holding the cap in MiB. */
export const MEMORY_CAP_ENV = 'FAULTLINE_MEMORY_CAP_MB';

/** One layer's share of the estimate (bytes). */
export interface LayerMemory {
  readonly index: number;
  readonly name: string;
  /** Golden output for the whole batch (plus, when `faulty`, the faulty copy and the packed
   * differences: 5 x the output), bytes. */
  readonly tensors: number;
  /** Stored + effective weights, bytes (array layers; 0 otherwise). */
  readonly weights: number;
  /** im2col operand of the whole batch while the layer runs, bytes (transient). */
  readonly transient: number;
}

/** The parts of an estimate (bytes; see the module doc). */
export interface MemoryParts {
  readonly tensors: number;
  readonly weights: number;
  readonly kernel: number;
  readonly engine: number;
  readonly transient: number;
}

/** The estimate of a run (bytes). */
export interface MemoryEstimate {
  /** Images in the batch. */
  readonly images: number;
  /** Total estimate of the run: the sum of `parts`, bytes (what the cap limits). */
  readonly bytes: number;
  /** `bytes` plus the runtime (RUNTIME_BYTES): the expected peak resident set of the process. */
  readonly processBytes: number;
  readonly parts: MemoryParts;
  readonly batch: number;
  readonly layers: readonly LayerMemory[];
}

/** What is run: a faulty run keeps faulty tensors too (default true); a non-fp32 format keeps
 * converted inputs and weight copies; `kernel` (default 'tfjs-wasm', the run pipeline's default)
 * adds its WebAssembly heap; `array` and `registerFaults` (default 0) size the faulty engine's
 * structures for PE-register faults. */
export interface EstimateOptions {
  readonly faulty?: boolean;
  readonly format?: NumericFormat;
  readonly kernel?: string;
  readonly array?: { readonly rows: number; readonly cols: number };
  readonly registerFaults?: number;
  /** A weight-SRAM BER run: the incremental rerun keeps one scratch copy of the network's weights
   * per process (pipeline/rerun.ts), counted under `weights`. */
  readonly berScratch?: boolean;
}

/** Estimates the memory of running `network` on `images` images (bytes; see the module doc for what is counted). */
export function estimateRunMemory(network: Network, images: number, options: EstimateOptions = {}): Result<MemoryEstimate> {
  const faulty = options.faulty ?? true;
  if (!Number.isInteger(images) || images < 1) return fail(`images: expected an integer >= 1, found ${images}`, 'images');
  const shapes = inferShapes(network);
  if (!shapes.ok) return shapes;
  const fp32 = (options.format?.kind ?? 'fp32') === 'fp32';
  const tfjs = (options.kernel ?? 'tfjs-wasm') === 'tfjs-wasm';
  const regFaults = faulty && options.array ? Math.max(0, options.registerFaults ?? 0) : 0;
  let weightBytes = 0;
  let largestIO = 0;
  let touches = 0;
  const layers: LayerMemory[] = network.layers.map((layer, i) => {
    const ls = shapes.value.layers[i]!;
    const out = shapeSize(ls.output) * images * F32;
    // golden output; faulty: the faulty tensor and the packed differences (12 bytes per value)
    let tensors = out * (faulty ? 5 : 1);
    let weights = 0;
    let transient = 0;
    largestIO = Math.max(largestIO, shapeSize(ls.output) + ls.inputs.reduce((s, x) => s + shapeSize(x), 0));
    if (layer.kind === 'conv2d' || layer.kind === 'dense') {
      weightBytes += layer.weights.length * F32;
      weights = (fp32 ? 1 : 3) * layer.weights.length * F32;
      const inS: Shape3 = ls.inputs[0]!;
      const K = layer.kind === 'conv2d' ? layer.kh * layer.kw * layer.inC : shapeSize(inS);
      const M = layer.kind === 'conv2d' ? ls.output.h * ls.output.w : 1;
      const N = layer.kind === 'conv2d' ? layer.outC : layer.outF;
      transient = images * M * K * F32;
      if (layer.activation.kind === 'softmax') tensors += out;
      if (regFaults > 0) touches += regFaults * images * M * Math.ceil(K / options.array!.rows) * Math.ceil(N / options.array!.cols);
    }
    if (!fp32) tensors += ls.inputs.reduce((s, x) => s + shapeSize(x) * images * F32, 0);
    return { index: i, name: layer.name, tensors, weights, transient };
  });
  const batch = shapeSize(network.input) * images * F32;
  const parts: MemoryParts = {
    tensors: batch + layers.reduce((s, l) => s + l.tensors, 0),
    weights: layers.reduce((s, l) => s + l.weights, 0) + (faulty && options.berScratch ? weightBytes : 0),
    kernel: tfjs ? KERNEL_HEAP_BASE + 2 * Math.min(weightBytes, KERNEL_WEIGHT_CAP) + 4 * largestIO * images * F32 : 0,
    engine: touches * ENGINE_BYTES_PER_TOUCH,
    transient: layers.reduce((m, l) => Math.max(m, l.transient), 0),
  };
  const bytes = parts.tensors + parts.weights + parts.kernel + parts.engine + parts.transient;
  return ok({ images, bytes, processBytes: bytes + RUNTIME_BYTES, parts, batch, layers });
}

/** Bytes as MiB with one decimal, for messages. */
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * Parses a cap in MiB from an option or environment value (undefined or '' = DEFAULT_MEMORY_CAP_MB);
 * `source` names it in the error.
 */
export function parseMemoryCapMb(value: string | number | undefined, source = MEMORY_CAP_ENV): Result<number> {
  if (value === undefined || value === '') return ok(DEFAULT_MEMORY_CAP_MB);
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n <= 0) return fail(`${source}: expected a memory cap in MiB > 0, found "${value}"`, source);
  return ok(n);
}

/**
 * Refuses a run whose estimate exceeds `capMb` MiB, before anything is allocated. The reason carries
 * the estimate, the cap, the largest layers and how to raise the cap.
 */
export function checkMemoryCap(network: Network, images: number, capMb: number, options: EstimateOptions = {}): Result<MemoryEstimate> {
  const est = estimateRunMemory(network, images, options);
  if (!est.ok) return est;
  const cap = capMb * 2 ** 20;
  if (est.value.bytes <= cap) return est;
  const top = [...est.value.layers].sort((a, b) => b.tensors + b.weights - (a.tensors + a.weights)).slice(0, 3)
    .map((l) => `${l.name} ${mib(l.tensors + l.weights)}`).join(', ');
  // the estimate is affine in the images: fixed parts (weights, kernel heap base) + per image
  const one = estimateRunMemory(network, 1, options);
  const two = estimateRunMemory(network, 2, options);
  const perImage = one.ok && two.ok ? two.value.bytes - one.value.bytes : est.value.bytes / images;
  const fixed = one.ok ? one.value.bytes - perImage : 0;
  const fits = Math.max(0, Math.floor((cap - fixed) / perImage));
  return fail(
    `memory: this run needs about ${mib(est.value.bytes)} (${images} image(s); largest layers: ${top}), over the cap of ${mib(cap)}; ` +
      `run at most ${fits} image(s) or raise the cap (--memory-cap-mb or ${MEMORY_CAP_ENV})`,
    'memory',
  );
}
