/**
 * Selects the tfjs backend for training/evaluation in Node: 'cpu' (pure JS) or 'wasm'
 * (@tensorflow/tfjs-backend-wasm). The wasm backend ships without Conv2DBackpropFilter; we register
 * a plain-JS one (wasmConvGrad.ts) so conv nets train on wasm too.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { registerWasmConvGrad } from './wasmConvGrad';

/** Activates `name` and returns the active backend's name. */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<string> {
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const req = createRequire(import.meta.url);
    const dir = join(dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
    wasm.setWasmPaths(dir);
    registerWasmConvGrad();
  }
  await tf.setBackend(name);
  await tf.ready();
  return tf.getBackend();
}
