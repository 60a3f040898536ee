/**
 * Arrays promised never to change again (the engine's per-layer weights): a kernel may keep a copy
 * of such an array resident between calls (tfjs-wasm keeps weight tensors in the wasm heap, keyed
 * by the array's identity). Any other array is uploaded afresh on every call.
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
