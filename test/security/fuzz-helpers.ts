/**
 * Fuzz harness for issue 8: fast-check arbitraries that mutate valid seed files (byte flips, truncations,
 * duplicated slices, huge numbers, deep nesting, 32-bit header overwrites) or generate random input, and
 * `fuzzParser`, which runs a parser on each input and checks that it ends in a value or a clear error:
 * no thrown exception, no call slower than a time bound (hang), no call that grows the heap and array
 * buffers by more than a memory bound (unbounded allocation from a header-declared size).
 */
import fc from 'fast-check';
import { expect } from 'vitest';

/** Inputs per parser in `npm test` (bounded: 1,000); FAULTLINE_FUZZ_RUNS overrides; `npm run fuzz` runs 20,000 per parser. */
export const FUZZ_RUNS = Number(process.env.FAULTLINE_FUZZ_RUNS ?? 1_000);
/** Longest one parse may take before it counts as a hang (ms). */
export const MAX_CALL_MS = 1000;
/** Most memory one parse may leave allocated, heap plus array buffers (bytes). */
export const MAX_CALL_BYTES = 128 * 1024 * 1024;

/** Integers that break naive header arithmetic (sizes, counts, dimensions). */
const HUGE_U32 = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000, 0x01000000, 0];
/** Number literals that break naive numeric fields. */
const HUGE_TEXT = ['1e308', '-1e308', '-1', '0', '99999999999999999999', '4294967296', '2147483648', '1.5', '-0', '1e-400', 'NaN', 'Infinity', '65536'];

type Op<T> = (s: T) => T;

/** One random edit of a byte array. */
const byteOp: fc.Arbitrary<Op<Uint8Array>> = fc.oneof(
  fc.record({ at: fc.nat(), x: fc.integer({ min: 1, max: 255 }) }).map(({ at, x }) => (s: Uint8Array) => {
    if (s.length === 0) return s;
    const o = s.slice();
    o[at % o.length] ^= x;
    return o;
  }),
  fc.nat().map((at) => (s: Uint8Array) => s.slice(0, s.length === 0 ? 0 : at % (s.length + 1))),
  fc.record({ a: fc.nat(), len: fc.nat({ max: 64 }), to: fc.nat(), times: fc.integer({ min: 1, max: 8 }) }).map(({ a, len, to, times }) => (s: Uint8Array) => {
    const from = s.length ? a % s.length : 0;
    const piece = s.slice(from, from + len);
    const at = s.length ? to % (s.length + 1) : 0;
    const parts = [s.slice(0, at), ...Array.from({ length: times }, () => piece), s.slice(at)];
    const o = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let k = 0;
    for (const p of parts) { o.set(p, k); k += p.length; }
    return o;
  }),
  fc.record({ at: fc.nat(), v: fc.constantFrom(...HUGE_U32), big: fc.boolean() }).map(({ at, v, big }) => (s: Uint8Array) => {
    if (s.length < 4) return s;
    const o = s.slice();
    new DataView(o.buffer).setUint32(at % (o.length - 3), v, !big);
    return o;
  }),
  fc.record({ at: fc.nat(), extra: fc.uint8Array({ maxLength: 32 }) }).map(({ at, extra }) => (s: Uint8Array) => {
    const i = s.length ? at % (s.length + 1) : 0;
    const o = new Uint8Array(s.length + extra.length);
    o.set(s.slice(0, i)); o.set(extra, i); o.set(s.slice(i), i + extra.length);
    return o;
  }),
);

/** One random edit of a text file. */
const textOp: fc.Arbitrary<Op<string>> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ at: fc.nat(), ch: fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }) }).map(({ at, ch }) => (s: string) => {
    const i = s.length ? at % s.length : 0;
    return s.slice(0, i) + ch + s.slice(i + 1);
  }) },
  { weight: 2, arbitrary: fc.nat().map((at) => (s: string) => s.slice(0, s.length ? at % (s.length + 1) : 0)) },
  { weight: 2, arbitrary: fc.record({ a: fc.nat(), len: fc.nat({ max: 200 }), to: fc.nat(), times: fc.integer({ min: 1, max: 6 }) }).map(({ a, len, to, times }) => (s: string) => {
    const from = s.length ? a % s.length : 0;
    const at = s.length ? to % (s.length + 1) : 0;
    return s.slice(0, at) + s.slice(from, from + len).repeat(times) + s.slice(at);
  }) },
  { weight: 4, arbitrary: fc.record({ k: fc.nat(), v: fc.constantFrom(...HUGE_TEXT) }).map(({ k, v }) => (s: string) => {
    const nums = [...s.matchAll(/-?\d+(\.\d+)?(e-?\d+)?/g)];
    if (nums.length === 0) return s;
    const m = nums[k % nums.length]!;
    return s.slice(0, m.index) + v + s.slice(m.index! + m[0].length);
  }) },
  { weight: 1, arbitrary: fc.record({ at: fc.nat(), depth: fc.constantFrom(8, 70, 1000, 20_000), open: fc.constantFrom('[', '{"a":', '[{"x":') }).map(({ at, depth, open }) => (s: string) => {
    const i = s.length ? at % (s.length + 1) : 0;
    return s.slice(0, i) + open.repeat(depth) + s.slice(i);
  }) },
  { weight: 1, arbitrary: fc.record({ at: fc.nat(), q: fc.constantFrom('"__proto__"', '"constructor"', 'null', '[]', '{}', '""', 'true', '"\\u0000"') }).map(({ at, q }) => (s: string) => {
    const vals = [...s.matchAll(/"[^"\n]*"|\d+/g)];
    if (vals.length === 0) return q;
    const m = vals[at % vals.length]!;
    return s.slice(0, m.index) + q + s.slice(m.index! + m[0].length);
  }) },
);

function mutated<T>(seeds: readonly T[], op: fc.Arbitrary<Op<T>>): fc.Arbitrary<T> {
  return fc.record({ seed: fc.constantFrom(...seeds), ops: fc.array(op, { minLength: 1, maxLength: 4 }) })
    .map(({ seed, ops }) => ops.reduce((s, f) => f(s), seed));
}

/** Mostly mutated seeds, some random bytes (including bytes that start like a seed). */
export function bytesInput(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 8, arbitrary: mutated(seeds, byteOp) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4096 }) },
    { weight: 1, arbitrary: fc.record({ s: fc.constantFrom(...seeds), n: fc.nat({ max: 64 }), tail: fc.uint8Array({ maxLength: 256 }) }).map(({ s, n, tail }) => {
      const o = new Uint8Array(Math.min(n, s.length) + tail.length);
      o.set(s.slice(0, n)); o.set(tail, Math.min(n, s.length));
      return o;
    }) },
  );
}

/** Mostly mutated seed texts, some random strings and random JSON documents. */
export function textInput(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: mutated(seeds, textOp) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 2000 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)) },
  );
}

/** What a fuzz run measured, for the report. */
export interface FuzzStats { runs: number; ok: number; failed: number; maxMs: number; maxBytes: number; totalMs: number }

/**
 * Runs `parse` on FUZZ_RUNS inputs from `input`: every call must return `{ ok: true }` or
 * `{ ok: false, reason: non-empty string }` (or whatever `check` accepts), within MAX_CALL_MS and
 * MAX_CALL_BYTES. Returns the stats; throws (with fast-check's counterexample) otherwise.
 */
export function fuzzParser<T>(input: fc.Arbitrary<T>, parse: (x: T) => unknown, seed = 0x8a11): FuzzStats {
  const st: FuzzStats = { runs: 0, ok: 0, failed: 0, maxMs: 0, maxBytes: 0, totalMs: 0 };
  const mem = () => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
  fc.assert(fc.property(input, (x) => {
    const m0 = mem();
    const t0 = performance.now();
    let r: unknown;
    try {
      r = parse(x);
    } catch (e) {
      throw new Error(`parser threw instead of returning an error: ${(e as Error)?.stack ?? String(e)}`);
    }
    const ms = performance.now() - t0;
    const bytes = mem() - m0;
    st.runs++; st.totalMs += ms;
    st.maxMs = Math.max(st.maxMs, ms);
    st.maxBytes = Math.max(st.maxBytes, bytes);
    if (ms > MAX_CALL_MS) throw new Error(`parse took ${ms.toFixed(0)} ms (> ${MAX_CALL_MS} ms)`);
    if (bytes > MAX_CALL_BYTES) throw new Error(`parse kept ${(bytes / 2 ** 20).toFixed(0)} MiB (> ${MAX_CALL_BYTES / 2 ** 20} MiB)`);
    const res = r as { ok?: unknown; reason?: unknown };
    if (res?.ok === true) st.ok++;
    else if (res?.ok === false && typeof res.reason === 'string' && res.reason.length > 0) st.failed++;
    else throw new Error(`parser returned neither a value nor a clear error: ${JSON.stringify(r)?.slice(0, 200)}`);
  }), { numRuns: FUZZ_RUNS, seed, endOnFailure: true });
  expect(st.runs).toBe(FUZZ_RUNS);
  return st;
}

/** One line per parser for the test log (runs, accepted, rejected, slowest call, largest allocation). */
export function describeStats(name: string, s: FuzzStats): string {
  return `${name}: ${s.runs} inputs, ${s.ok} accepted, ${s.failed} rejected with a reason; slowest ${s.maxMs.toFixed(1)} ms, total ${(s.totalMs / 1000).toFixed(2)} s, max kept ${(s.maxBytes / 2 ** 20).toFixed(1)} MiB`;
}
