/**
 * Catalogue of the networks Faultline ships. Pure data: no file I/O here; loading weights lives in
 * models/io. Extend the list when a model lands; the GUI and CLI list exactly these.
 */

/** Summary of one shipped model, shown in the GUI and `faultline models`. */
export interface ModelInfo {
  /** Stable id used on the CLI and in campaign files, e.g. "lenet5". */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  /** Dataset it was trained on, or "none" for architecture-only models. */
  readonly dataset: 'mnist' | 'cifar10' | 'imagenet' | 'none';
  /** True when committed trained weights exist; false = seeded random weights (cycle/propagation studies). */
  readonly trained: boolean;
  /** One sentence for the GUI. */
  readonly description: string;
}

/** All shipped models, default first. */
export const MODELS: readonly ModelInfo[] = [
  { id: 'lenet5', name: 'LeNet-5', dataset: 'mnist', trained: true, description: 'LeNet-5 (2 conv + 3 dense, 61.7k params) trained on 28x28 MNIST digits.' },
];

/** Lists the shipped models, default first. */
export function listModels(): readonly ModelInfo[] {
  return MODELS;
}
