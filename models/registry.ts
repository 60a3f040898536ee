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
  readonly dataset: 'mnist' | 'fashion-mnist' | 'cifar10' | 'imagenet' | 'none';
  /** True when committed trained weights exist; false = seeded random weights (cycle/propagation studies). */
  readonly trained: boolean;
  /** One sentence for the GUI. */
  readonly description: string;
}

/** All shipped models, default first. */
export const MODELS: readonly ModelInfo[] = [
  { id: 'lenet5', name: 'LeNet-5', dataset: 'mnist', trained: true, description: 'LeNet-5 (2 conv + 3 dense, 61.7k params) trained on 28x28 MNIST digits.' },
  { id: 'vgg_mnist', name: 'VGG-MNIST', dataset: 'mnist', trained: true, description: 'VGG-style CNN (6 conv + batch norm, 3 blocks of widths 12/24/48, 69.0k params) trained on 28x28 MNIST digits.' },
  { id: 'lenet5_fashion', name: 'LeNet-5 (Fashion-MNIST)', dataset: 'fashion-mnist', trained: true, description: 'LeNet-5 (2 conv + 3 dense, 61.7k params) trained on 28x28 Fashion-MNIST (60,000 train / 10,000 test images).' },
  { id: 'vgg_fashion', name: 'VGG (Fashion-MNIST)', dataset: 'fashion-mnist', trained: true, description: 'VGG-style CNN (6 conv + batch norm, widths 12/24/48, 69.0k params) trained on 28x28 Fashion-MNIST (60,000 train / 10,000 test images).' },
  { id: 'alexnet', name: 'AlexNet', dataset: 'none', trained: false, description: 'AlexNet (torchvision layout, 61.1M params, 224x224x3) with seeded random weights, for cycle and propagation studies.' },
  { id: 'vgg16', name: 'VGG-16', dataset: 'none', trained: false, description: 'VGG-16 (13 conv + 3 dense, 138.4M params, 224x224x3) with seeded random weights.' },
  { id: 'resnet18', name: 'ResNet-18', dataset: 'none', trained: false, description: 'ResNet-18 (basic residual blocks, 11.7M params, 224x224x3) with seeded random weights.' },
  { id: 'resnet50', name: 'ResNet-50', dataset: 'none', trained: false, description: 'ResNet-50 v1.5 (bottleneck blocks, 25.6M params = 102 MB fp32) with seeded random weights; generated on demand.' },
];

/** Lists the shipped models, default first. */
export function listModels(): readonly ModelInfo[] {
  return MODELS;
}
