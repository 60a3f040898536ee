/**
 * Shared set-up of the tfjs-wasm kernel tests: one kernel per test file (or describe block),
 * created before its tests and disposed after.
 */
import { afterAll, beforeAll } from 'vitest';
import { createKernel } from '../../../sim/kernels/select';
import type { GemmKernel } from '../../../sim/kernels/types';
import { tfjsWasmDir } from '../../../pipeline/kernels';

/** Registers beforeAll / afterAll hooks that create and dispose a tfjs-wasm kernel; returns a getter of it (valid inside tests). */
export function useTfjsWasmKernel(): () => GemmKernel {
  let k: GemmKernel | null = null;
  beforeAll(async () => {
    const t = await createKernel('tfjs-wasm', { wasmDir: tfjsWasmDir() });
    if (!t.ok) throw new Error(t.reason);
    k = t.value;
  });
  afterAll(() => k?.dispose());
  return () => {
    if (!k) throw new Error('tfjs-wasm kernel: used outside a test');
    return k;
  };
}
