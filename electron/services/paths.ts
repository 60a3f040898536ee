/**
 * Locations of the app's files, derived from the running module. Both the sources
 * (electron/main, electron/web under tsx) and the bundles (out/main/*.js) sit two directories below
 * the repository root, so the same relative step works for both.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Repository (app) root, given `import.meta.url` of a module two levels below it. */
export function appRootFrom(moduleUrl: string): string {
  return fileURLToPath(new URL('../../', moduleUrl));
}

/** Directory of the shipped example scenarios under `root`. */
export function scenariosDirOf(root: string): string {
  return join(root, 'scenarios', 'examples');
}

/** Directory of the built renderer under `root`. */
export function rendererDirOf(root: string): string {
  return join(root, 'out', 'renderer');
}

/**
 * Directory of the committed model weights under `root` (models/weights; protected variants in
 * its `protected/` folder). Resolved from the app root, not from the module's own location: in the
 * built app the weights module is bundled into out/main, where `../weights` does not exist.
 */
export function weightsDirOf(root: string): string {
  return join(root, 'models', 'weights');
}
