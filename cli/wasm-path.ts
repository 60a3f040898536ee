/** Node-side helper: where @tensorflow/tfjs-backend-wasm keeps its .wasm files (sim/ cannot use Node APIs). */
import { createRequire } from 'node:module';
import path from 'node:path';

/** Absolute directory (ending in '/') of the tfjs-backend-wasm .wasm binaries, for `createTfjsWasmKernel`. */
export function tfjsWasmDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'dist') + path.sep;
}
