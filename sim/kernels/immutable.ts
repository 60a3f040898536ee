/**
 * Arrays promised never to change again (the engine's per-layer weights): a kernel may keep a copy
 * of such an array resident between calls (tfjs-wasm keeps weight tensors in the wasm heap, keyed
 * by the array's identity). Any other array is uploaded afresh on every call.
 * Also: arrays known to hold no NaN and no -0 (relu outputs), so that kernels skip their scan.
 */
const frozen = new WeakSet<Float32Array>();

/** Marks `a` as never mutated from now on; returns it. */
export function markImmutable(a: Float32Array): Float32Array {
  frozen.add(a);
  return a;
}

/** True when `a` was marked with markImmutable. */
export function isImmutable(a: Float32Array): boolean {
  return frozen.has(a);
}

const signClean = new WeakSet<Float32Array>();

/** Marks `a` as holding no NaN and no -0 (e.g. just written by relu, which maps both to +0); returns it. */
export function markNoNanNoNegZero(a: Float32Array): Float32Array {
  signClean.add(a);
  return a;
}

/** True when `a` was marked with markNoNanNoNegZero (a kernel may then skip its NaN / -0 scan). */
export function isNoNanNoNegZero(a: Float32Array): boolean {
  return signClean.has(a);
}
