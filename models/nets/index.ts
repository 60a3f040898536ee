/**
 * Architecture builders by registry id. Builders are cheap (no weights); call `materialize`
 * (or models/io `loadModel`) to get a Network with weights.
 */
import type { Arch } from './arch';
import { alexnetArch, resnet18Arch, resnet50Arch, vgg16Arch } from './imagenet';
import { lenet5Arch, vggMnistArch } from './mnistNets';

/** Builder per model id. */
export const ARCHITECTURES: Readonly<Record<string, () => Arch>> = {
  lenet5: lenet5Arch,
  vgg_mnist: vggMnistArch,
  lenet5_fashion: lenet5Arch,
  vgg_fashion: vggMnistArch,
  alexnet: alexnetArch,
  vgg16: vgg16Arch,
  resnet18: resnet18Arch,
  resnet50: resnet50Arch,
};

/** Returns the architecture for `id` or undefined when unknown. */
export function getArch(id: string): Arch | undefined {
  // own keys only: 'constructor' or 'toString' are not models
  return Object.hasOwn(ARCHITECTURES, id) ? ARCHITECTURES[id]!() : undefined;
}
