/** Node-side helper kept for older imports: the tfjs wasm directory now lives in pipeline/kernels.ts. */
export { tfjsWasmDir } from '../pipeline/kernels';
