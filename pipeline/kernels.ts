/**
 * Kernel set-up for every shell (Node side): where tfjs-backend-wasm keeps its .wasm files, the
 * default GEMM backend, and one function that turns a backend name into a ready kernel (cached per
 * process, so a campaign worker or the GUI worker builds it once). The backend is a speed choice
 * only: every backend computes the PE's MAC in array order and gives the same bits
 * (test/sim/kernels/bitIdentical.test.ts).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { GemmKernel, KernelBackendName } from '../sim/kernels/types';
import { fail, ok, type Result } from '../sim/result';

/** Backend names a user may ask for. */
export const KERNEL_NAMES: readonly KernelBackendName[] = ['js', 'tfjs-wasm', 'gpujs'];

/** Default backend of `faultline run`, campaigns and the GUI: the fastest measured here
 * (bench/ section kernels; tfjs-wasm's XNNPACK GEMM and convolution). */
export const DEFAULT_KERNEL: KernelBackendName = 'tfjs-wasm';

/** Environment override of the default backend (an option or campaign field wins over it). */
export const KERNEL_ENV = 'FAULTLINE_KERNEL';

/** Absolute directory (ending in the path separator) of the tfjs-backend-wasm .wasm binaries. */
export function tfjsWasmDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'dist') + path.sep;
}

/** Parses a backend name; `field` names the option or file field in the failure. */
export function parseKernelName(text: string, field = 'kernel'): Result<KernelBackendName> {
  if ((KERNEL_NAMES as readonly string[]).includes(text)) return ok(text as KernelBackendName);
  return fail(`${field}: expected one of ${KERNEL_NAMES.join(' | ')}, found "${text}"`, field);
}

/** The backend to use: the explicit choice, else FAULTLINE_KERNEL (also FAULTLINE_CAMPAIGN_KERNEL, older name), else DEFAULT_KERNEL. */
export function resolveKernelName(explicit: string | undefined, field = 'kernel'): Result<KernelBackendName> {
  if (explicit !== undefined) return parseKernelName(explicit, field);
  const env = process.env[KERNEL_ENV] || process.env.FAULTLINE_CAMPAIGN_KERNEL;
  if (env) return parseKernelName(env, process.env[KERNEL_ENV] ? KERNEL_ENV : 'FAULTLINE_CAMPAIGN_KERNEL');
  return ok(DEFAULT_KERNEL);
}

const kernels = new Map<KernelBackendName, Promise<Result<GemmKernel>>>();

/** A ready kernel of backend `name` (tfjs-wasm gets its wasm directory; gpujs runs in webasm mode),
 * built once per process. */
export function kernelFor(name: KernelBackendName): Promise<Result<GemmKernel>> {
  let k = kernels.get(name);
  if (!k) {
    // imported on first use: tfjs and gpu.js are heavy, and `faultline campaign` only parses names here
    k = import('../sim/kernels/select').then(({ createKernel }) => createKernel(name, { wasmDir: tfjsWasmDir(), gpuMode: 'webasm' }));
    kernels.set(name, k);
  }
  return k;
}
