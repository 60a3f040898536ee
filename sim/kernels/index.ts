/** Kernel backends (js, tfjs-wasm, gpu.js) and start-up selection of the fastest. */
export * from './types';
export * from './js';
export * from './tfjs-wasm';
export * from './gpujs';
export * from './select';
