/**
 * The declared run of the one run pipeline (DESIGN.md section 1): network + protection + numeric
 * format + array + fault source + kernel + images in, golden and faulty results out. The CLI, the
 * GUI worker and campaign trials build a `RunDeclaration`, call `runPipeline`, and translate the
 * `PipelineOutcome`; failures come back as Result values whose `path` names the declaration field.
 */
import type { Dataflow, ArraySpec, NumericFormat, SramSpec } from '../sim/types';
import type { FaultKind, FaultRecord, FaultTarget } from '../sim/faults/types';
import type { ConcreteFault } from '../sim/faults/ops';
import type { KernelBackendName } from '../sim/kernels/types';
import type { Network } from '../sim/layers/types';
import type { GoldenRun } from '../sim/engine/golden';
import type { FaultyRun } from '../sim/engine/faulty';
import type { RunPlan } from '../sim/engine/faultyPlan';
import type { ScenarioRun } from '../scenarios/types';
import type { ProtectionSpec } from '../models/protections/spec';
import type { OverheadReport } from '../models/protections/overhead';

/** How a BER becomes faults: "per-bit" flips every stored bit with probability p; "count" flips
 * floor(bits x p) distinct bits; "rrelu" is the RReLU authors' model (weightSram only: Q15.16 words,
 * floor(numel x 32 x p) faults per tensor with replacement, biases and array bounds exposed;
 * models/protections/exposure.ts corruptRreluModel). */
export type BerDefinition = 'per-bit' | 'count' | 'rrelu';

/** The definitions drawn bit by bit over stored words (pipeline/ber.ts, pipeline/exposure.ts). */
export type DrawDefinition = 'per-bit' | 'count';

/** Array of a run (validated again by sim/array/spec.ts). */
export interface ArrayDeclaration {
  /** PE rows, 1..256. */
  readonly rows: number;
  /** PE columns, 1..256. */
  readonly cols: number;
  readonly dataflow: Dataflow;
  /** SRAM sizes in KiB per buffer; undefined = the engine's default. */
  readonly sram?: SramSpec;
}

/** Where a run's faults come from. */
export type FaultSource =
  /** No faults: golden only (the faulty result equals golden). */
  | { readonly kind: 'none' }
  /** A scenario machine, from its JSON text (GUI) or a file path (CLI, campaigns); `seed` overrides the file's. */
  | { readonly kind: 'scenario'; readonly text?: string; readonly path?: string; readonly file?: string; readonly seed?: number }
  /** A declared fault set (e.g. one AVF site); random locations drawn with `seed`. */
  | { readonly kind: 'faults'; readonly records: readonly FaultRecord[]; readonly seed: number }
  /** A random BER point on one structure, drawn with `seed` (see pipeline/ber.ts). */
  | { readonly kind: 'ber'; readonly target: FaultTarget; readonly ber: number; readonly definition: BerDefinition; readonly faultKind: FaultKind; readonly seed: number };

/** Everything one run needs. */
export interface RunDeclaration {
  /** Model id (models/registry.ts). */
  readonly model: string;
  /** Protection id, e.g. "relu", "fitact", "proact+saf", "ecc" (default "relu"). */
  readonly protection?: string;
  /** Numeric format of the array. */
  readonly format: NumericFormat;
  readonly array: ArrayDeclaration;
  readonly faults: FaultSource;
  /** GEMM backend (default: FAULTLINE_KERNEL, else pipeline/kernels.ts DEFAULT_KERNEL). A speed choice only. */
  readonly kernel?: KernelBackendName;
  /** Input images: the dataset's test split from `start` (MNIST models), else seeded noise;
   * `data`: a dataset path (IDX / CIFAR-10 / PNG folder, models/io/datasets.ts loadDataPath) to take them from instead. */
  readonly images: { readonly start: number; readonly count: number; readonly data?: string };
  /** Memory cap of the run, MiB (default FAULTLINE_MEMORY_CAP_MB, else 4096). */
  readonly memoryCapMb?: number;
}

/** Per-layer propagation of one run (averaged over its images). */
export interface LayerDelta {
  readonly name: string;
  /** Output values that differ from golden, over all images. */
  readonly corrupted: number;
  /** Output values of the layer over all images. */
  readonly total: number;
  /** Largest |faulty - golden| (may be Infinity / NaN). */
  readonly maxAbsDelta: number;
  /** ||faulty - golden|| / ||golden|| over the layer. */
  readonly relL2: number;
}

/** Faulty side of a run. */
export interface FaultyOutcome {
  /** The faulty engine's run (scenario, fault set, BER on buffers and registers); null for the
   * static weight-SRAM corruption of a weightSram BER point. */
  readonly engine: FaultyRun | null;
  /** Faulty last-layer outputs, n x classes. */
  readonly output: Float32Array;
  /** Faulty top-1 per image. */
  readonly predictions: Int32Array;
  readonly layers: readonly LayerDelta[];
  /** Per image: last layer whose output differs from golden, -1 when none. */
  readonly lastDiff: Int32Array;
  /** Per image: 1 when an ECC-detected uncorrectable error was read (a DUE). */
  readonly due: Uint8Array;
  /** Faulty output of layer `layer` for `image` (a copy). */
  output1(layer: number, image: number): Float32Array;
}

/** What a run produced. */
export interface PipelineOutcome {
  readonly model: string;
  /** True when trained weights were loaded; false = seeded random weights. */
  readonly trained: boolean;
  readonly protection: ProtectionSpec;
  readonly network: Network;
  readonly spec: ArraySpec;
  readonly plan: RunPlan;
  readonly kernel: KernelBackendName;
  readonly batch: Float32Array;
  /** Dataset labels of the images, or null for noise inputs. */
  readonly labels: Uint8Array | null;
  readonly golden: GoldenRun;
  readonly faulty: FaultyOutcome;
  /** Faults injected (drawn bits for static corruption, concrete faults otherwise). */
  readonly faultCount: number;
  readonly faultsByTarget: Partial<Record<FaultTarget, number>>;
  /** Concrete faults given to the engine (empty for static corruption). */
  readonly concrete: readonly ConcreteFault[];
  /** The scenario machine's run, for scenario sources. */
  readonly scenario: ScenarioRun | null;
  /** Overhead of the protection vs the unprotected model (null for "relu"). */
  readonly overhead: OverheadReport | null;
}
