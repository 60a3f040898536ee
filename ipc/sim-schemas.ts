/**
 * Request/response schemas of the simulation channels (`sim.cycles`, `sim.run`, `sim.inspect`,
 * `data.images`). Kept apart from contract.ts so that file stays readable; CHANNELS imports these.
 * No Node imports: the renderer imports this file.
 */
import { z } from 'zod';

/** Model id as registered in models/registry.ts. */
const modelId = z.string().min(1).max(130).regex(/^(?:[a-z0-9][a-z0-9_-]{0,63}|imported:[A-Za-z0-9_+-][A-Za-z0-9_.+-]{0,114}\.onnx)$/,
  'a model id (lowercase letters, digits, - and _) or imported:<file name>.onnx (an ONNX file of the imported-models folder)');

/** Protection id: parts (relu, ranger, clipact, fitact, proact, saf, ...) joined with +. */
const protectionId = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9+-]*$/, 'a protection id such as "relu" or "proact+saf"');

/** The accelerator a request runs on. Sizes are PEs, SRAMs KiB. */
export const ArrayInput = z.strictObject({
  /** PE rows, 1..256. */
  rows: z.number().int().min(1).max(256),
  /** PE columns, 1..256. */
  cols: z.number().int().min(1).max(256),
  dataflow: z.enum(['ws', 'os', 'is']).default('ws'),
  /** Numeric format: fp32 | fp16 | int8 (Q`intBits`.`fracBits`). */
  format: z.enum(['fp32', 'fp16', 'int8']).default('fp32'),
  /** Weight / ifmap / ofmap SRAM size each, KiB. */
  sramKiB: z.number().int().min(1).max(65536).default(64),
});

/** Request of `sim.cycles`. */
export const CyclesRequest = z.strictObject({ model: modelId, array: ArrayInput });

/** One layer of a `sim.cycles` reply (array layers have a GEMM and folds; vector layers do not). */
export const CycleLayer = z.strictObject({
  index: z.number().int(),
  name: z.string(),
  unit: z.enum(['array', 'vector']),
  /** Output shape h x w x c. */
  outShape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  /** GEMM M, K, N (array layers), else null. */
  gemm: z.tuple([z.number().int(), z.number().int(), z.number().int()]).nullable(),
  /** Sr, Sc, T of the dataflow mapping (array layers), else null. */
  mapping: z.tuple([z.number().int(), z.number().int(), z.number().int()]).nullable(),
  /** Row folds and column folds (0 for vector layers). */
  rowFolds: z.number().int(),
  colFolds: z.number().int(),
  /** Cycles per fold. */
  foldCycles: z.number().int(),
  /** Start cycle within one inference and length, cycles. */
  start: z.number().int(),
  cycles: z.number().int(),
  /** MACs of the layer (one image). */
  macs: z.number(),
  /** SCALE-Sim mapping efficiency and compute utilization, 0..1. */
  mappingEfficiency: z.number(),
  computeUtilization: z.number(),
});

/** Response of `sim.cycles`. */
export const CyclesResponse = z.strictObject({
  rows: z.number().int(),
  cols: z.number().int(),
  dataflow: z.enum(['ws', 'os', 'is']),
  /** Cycles of one inference. */
  inferenceCycles: z.number().int(),
  layers: z.array(CycleLayer),
});

/** Where a scenario comes from: its JSON text (from the designer or a file). */
export const ScenarioSource = z.strictObject({
  /** The scenario JSON text (≤ 1 MiB). */
  text: z.string().max(1 << 20),
  /** Name shown in messages (file name). */
  file: z.string().max(200).default('scenario.json'),
});

/** Request of `sim.run`: a model + scenario + array, golden vs faulty. */
export const RunRequest = z.strictObject({
  model: modelId,
  scenario: ScenarioSource,
  array: ArrayInput,
  /** Inferences (images) in the run, 1..16. */
  images: z.number().int().min(1).max(16).default(1),
  /** Index of the first test-set image. */
  firstImage: z.number().int().min(0).max(100_000).default(0),
  /** Image (0-based within the run) whose feature maps are returned. */
  viewImage: z.number().int().min(0).max(15).default(0),
  /** Seed override of the scenario's random draws. */
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  /** Protection id (models/protections/spec.ts), e.g. "ranger", "proact+saf", "ecc"; default "relu" (none). */
  protection: protectionId.default('relu'),
  /** GEMM backend (a speed choice: every backend gives the same results); default: the fastest (tfjs-wasm). */
  kernel: z.enum(['js', 'tfjs-wasm', 'gpujs']).optional(),
});

/** A [cycle, state] point of the scenario's state trace. */
export const TracePointSchema = z.strictObject({ cycle: z.number(), state: z.string() });

/** One concrete fault of a run (location, bits, window [start, end) in cycles; end null = forever). */
export const RunFault = z.strictObject({
  target: z.enum(['weightSram', 'ifmapSram', 'ofmapSram', 'pe.weight', 'pe.input', 'pe.psum']),
  kind: z.enum(['seu', 'stuckAt0', 'stuckAt1', 'mbu']),
  /** SRAM word address, or -1. */
  address: z.number().int(),
  /** PE row/col, or -1. */
  row: z.number().int(),
  col: z.number().int(),
  bits: z.array(z.number().int()),
  start: z.number(),
  end: z.number().nullable(),
  /** GEMM terms / output words it touched. */
  touches: z.number(),
});

/** One layer of a run: stats plus the view image's golden and faulty outputs. */
export const RunLayer = z.strictObject({
  index: z.number().int(),
  name: z.string(),
  kind: z.string(),
  unit: z.enum(['array', 'vector']),
  /** Output shape h x w x c (NHWC, one image). */
  shape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  /** Start cycle within one inference and length, cycles. */
  start: z.number().int(),
  cycles: z.number().int(),
  folds: z.number().int(),
  corrupted: z.number().int(),
  total: z.number().int(),
  /** Largest |faulty - golden|; null when non-finite. */
  maxAbsDelta: z.number().nullable(),
  relL2: z.number().nullable(),
  maskedInArray: z.number().int(),
  maskedByActivation: z.number().int(),
  maskedDownstream: z.number().int(),
  /** The view image's golden / faulty output (h*w*c values, NHWC); non-finite values as null. */
  golden: z.array(z.number().nullable()),
  faulty: z.array(z.number().nullable()),
});

/** Response of `sim.run`. */
export const RunResponse = z.strictObject({
  /** Key to pass to `sim.inspect` (the worker keeps the last runs). */
  runId: z.string(),
  model: z.string(),
  /** Canonical id of the protection the run used ("relu" = none). */
  protection: z.string(),
  trained: z.boolean(),
  rows: z.number().int(),
  cols: z.number().int(),
  dataflow: z.enum(['ws', 'os', 'is']),
  format: z.string(),
  images: z.number().int(),
  viewImage: z.number().int(),
  inferenceCycles: z.number().int(),
  totalCycles: z.number().int(),
  seed: z.number(),
  trace: z.array(TracePointSchema),
  faults: z.array(RunFault),
  /** Concrete faults before truncation (faults lists at most 2,000). */
  faultCount: z.number().int(),
  /** Words of each SRAM (capacity). */
  sramWords: z.strictObject({ weightSram: z.number().int(), ifmapSram: z.number().int(), ofmapSram: z.number().int() }),
  layers: z.array(RunLayer),
  /** The network input of the view image (h*w*c). */
  input: z.array(z.number()),
  inputShape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  goldenPredictions: z.array(z.number().int()),
  faultyPredictions: z.array(z.number().int()),
  labels: z.array(z.number().int()).nullable(),
  touchedImages: z.array(z.number().int()),
  elapsedMs: z.number(),
  /** GEMM backend the run used. */
  kernel: z.enum(['js', 'tfjs-wasm', 'gpujs']).optional(),
  /** Images with a detected, uncorrectable ECC error (DUE), 0-based within the run. */
  dueImages: z.array(z.number().int()).optional(),
});

/** Request of `sim.inspect`: a PE or SRAM word of a finished run at a cycle. */
export const InspectRequest = z.strictObject({
  runId: z.string().min(1).max(128),
  /** Absolute cycle from the run start. */
  cycle: z.number().int().min(0),
  target: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('pe'), row: z.number().int().min(0).max(255), col: z.number().int().min(0).max(255) }),
    z.strictObject({ kind: z.literal('word'), sram: z.enum(['weightSram', 'ifmapSram', 'ofmapSram']), address: z.number().int().min(0) }),
  ]),
});

/** Response of `sim.inspect`. */
export const InspectResponse = z.strictObject({
  title: z.string(),
  /** Where the cycle falls (inference/layer/fold), or a note when idle. */
  where: z.string(),
  /** Values held: label, golden and faulty value (null = not modeled here), and a note. */
  values: z.array(z.strictObject({
    label: z.string(), golden: z.number().nullable(), faulty: z.number().nullable(), note: z.string(),
    /** Register rows: bit positions (0 = LSB) where the faulty register word differs from the golden one. */
    diffBits: z.array(z.number().int().min(0).max(31)).optional(),
  })),
  /** Faults on this PE / word over the run, with their windows (cycles). */
  history: z.array(z.strictObject({ start: z.number(), end: z.number().nullable(), text: z.string(), activeNow: z.boolean() })),
});

/** Request of `catalog.protections`: the protections `sim.run` can apply to a model. */
export const ProtectionsRequest = z.strictObject({ model: modelId });

/** Response of `catalog.protections`: `relu` first, then each protection with committed weights for the model. */
export const ProtectionsResponse = z.array(z.strictObject({
  /** Canonical protection id, e.g. "proact+saf". */
  id: z.string(),
  /** What it does (the catalogue sentences of its parts). */
  description: z.string(),
}));

/** Request of `data.images`: test-set images for a model's dataset. */
export const ImagesRequest = z.strictObject({
  model: modelId,
  offset: z.number().int().min(0).max(100_000).default(0),
  count: z.number().int().min(1).max(32).default(12),
});

/** Response of `data.images`. */
export const ImagesResponse = z.strictObject({
  dataset: z.string(),
  /** Test-set size. */
  total: z.number().int(),
  shape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  images: z.array(z.strictObject({ index: z.number().int(), label: z.number().int(), pixels: z.array(z.number()) })),
});
