/** The one run pipeline (DESIGN.md section 1): declared run in, golden and faulty results out. */
export { runPipeline, specOfDeclaration } from './run';
export type { RunDeclaration, PipelineOutcome, FaultyOutcome, LayerDelta, FaultSource, ArrayDeclaration, BerDefinition, DrawDefinition } from './types';
export { DEFAULT_KERNEL, KERNEL_ENV, KERNEL_NAMES, kernelFor, parseKernelName, resolveKernelName, tfjsWasmDir } from './kernels';
export { inputBatch, datasetOf, mnistSplit } from './inputs';
export { runNetwork } from './network';
