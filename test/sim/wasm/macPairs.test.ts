/**
 * sim/wasm/macPairs: the committed binary is what macPairs.wat compiles to, and the WebAssembly
 * chains equal the JavaScript ones (a plain Math.fround reference and sim/engine/faultyBatch.ts
 * pairs4 / pairsInputs4) bit for bit, with memory laid out as sim/engine/faultyGroup.ts wasmSlab
 * lays it out.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { macPairs, type MacPairs } from '../../../sim/wasm/macPairs';
import { WASM_BASE64 } from '../../../sim/wasm/macPairs.wasm';
import { faultyColumn, pairs4, pairsInputs4 } from '../../../sim/engine/faultyBatch';
import { prepareLayer, rowOf, type LayerCompute, type Mod } from '../../../sim/engine/faultyCompute';
import { planRun } from '../../../sim/engine/faultyPlan';
import { uniformFormats } from '../../../sim/format/accumulator';
import type { Conv2dLayer, DenseLayer, Network } from '../../../sim/layers/types';
import type { WordOp } from '../../../sim/faults/ops';
import { seeded, spec } from '../engine/faultyHelpers';

const ROOT = resolve(__dirname, '../../..');

// --- bit helpers ---------------------------------------------------------------------------

const cvF = new Float32Array(1);
const cvU = new Uint32Array(cvF.buffer);
/** fp32 bit pattern of a number (rounded to binary32). */
function bitsOf(v: number): number {
  cvF[0] = v;
  return cvU[0];
}
/** The binary32 value of a bit pattern. */
function fromBits(b: number): number {
  cvU[0] = b >>> 0;
  return cvF[0];
}
const isNaNBits = (b: number): boolean => (b & 0x7f800000) === 0x7f800000 && (b & 0x007fffff) !== 0;

// --- the WebAssembly side, laid out as wasmSlab does ----------------------------------------

/** One call of `pairs`: K terms, `row` input indices (-1 = padding), weights, the jobs' inputs. */
interface Call {
  readonly K: number;
  readonly inLen: number;
  readonly row: Int32Array;
  /** Clean and faulty weight operands (binary32 bit patterns, K each). */
  readonly w: Uint32Array;
  readonly wf: Uint32Array;
  readonly first: number;
  /** Initial partial sum (bits). */
  readonly zero: number;
  /** Golden inputs per job (bits, inLen each) and faulty ones (null: the golden ones). */
  readonly g: Uint32Array[];
  readonly x: Uint32Array[] | null;
}

/** Faulty and clean results (bits) per job. */
interface Results {
  readonly f: number[];
  readonly c: number[];
}

/**
 * Runs `call` in WebAssembly with wasmSlab's layout: the jobs' golden inputs, each followed by a
 * zero word that padding offsets point to, then (when they differ) the faulty inputs likewise, the
 * row of byte offsets, the clean and faulty weights, the (golden, faulty) address pairs and the
 * output blocks. Also checks that the call writes nothing but its output blocks (inputs and a
 * canary after the outputs unchanged) and that the padding of the last block repeats the last job.
 */
function runWasm(wp: MacPairs, call: Call, vector = false): Results {
  const { K, inLen } = call;
  const count = call.g.length;
  const same = call.x === null;
  wp.reset();
  const gAt = wp.stageRows(call.g, 0, count, inLen);
  const xAt = same ? gAt : wp.stageRows(call.x!, 0, count, inLen);
  const rowAt = wp.alloc(K);
  const wAt = wp.alloc(K);
  const wfAt = wp.alloc(K);
  const jobsAt = wp.alloc(2 * count);
  const outAt = wp.alloc(2 * ((count + 7) & ~7));
  const canaryAt = wp.alloc(4);
  const u32 = new Uint32Array(wp.f32.buffer);
  const i32 = wp.i32;
  // the staged rows: each input, bit for bit, then a zero word
  for (let i = 0; i < count; i++) {
    for (const [rows, at] of (same ? [[call.g, gAt]] : [[call.g, gAt], [call.x!, xAt]]) as [Uint32Array[], number][]) {
      const base = (at >> 2) + i * (inLen + 1);
      expect(Array.from(u32.subarray(base, base + inLen + 1))).toEqual([...rows[i], 0]);
    }
  }
  for (let k = 0; k < K; k++) i32[(rowAt >> 2) + k] = call.row[k] < 0 ? 4 * inLen : 4 * call.row[k];
  u32.set(call.w, wAt >> 2);
  u32.set(call.wf, wfAt >> 2);
  for (let j = 0; j < count; j++) {
    i32[(jobsAt >> 2) + 2 * j] = gAt + 4 * j * (inLen + 1);
    i32[(jobsAt >> 2) + 2 * j + 1] = xAt + 4 * j * (inLen + 1);
  }
  for (let i = 0; i < 4; i++) u32[(canaryAt >> 2) + i] = 0xdeadbeef;
  const inputsBefore = u32.slice(gAt >> 2, rowAt >> 2);
  if (vector) wp.pairsV(rowAt, K, wAt, wfAt, call.first, fromBits(call.zero), jobsAt, count, outAt, same);
  else wp.pairs(rowAt, K, wAt, wfAt, call.first, fromBits(call.zero), jobsAt, count, outAt);
  const after = new Uint32Array(wp.f32.buffer);
  expect(after.slice(gAt >> 2, rowAt >> 2)).toEqual(inputsBefore);
  expect(Array.from(after.subarray(canaryAt >> 2, (canaryAt >> 2) + 4))).toEqual([0xdeadbeef, 0xdeadbeef, 0xdeadbeef, 0xdeadbeef]);
  const f: number[] = [];
  const c: number[] = [];
  const out = outAt >> 2;
  const slot = (j: number): number => out + 8 * (j >> 2) + (j & 3);
  for (let j = 0; j < count; j++) {
    f.push(after[slot(j)]);
    c.push(after[slot(j) + 4]);
  }
  // the last block (vectors: blocks) is padded with the last job: its unused slots hold that job's results
  for (let j = count; j % (vector ? 8 : 4) !== 0; j++) {
    expect(after[slot(j)]).toBe(f[count - 1]);
    expect(after[slot(j) + 4]).toBe(c[count - 1]);
  }
  return { f, c };
}

/** The chains of macPairs.wat term by term with Math.fround (the specification). */
function reference(call: Call): Results {
  const fr = Math.fround;
  const val = (a: Uint32Array, k: number): number => (call.row[k] < 0 ? 0 : fromBits(a[call.row[k]]));
  const f: number[] = [];
  const c: number[] = [];
  for (let j = 0; j < call.g.length; j++) {
    const g = call.g[j];
    const x = call.x ? call.x[j] : g;
    let cc = fromBits(call.zero);
    for (let k = 0; k < call.first; k++) cc = fr(cc + fr(fromBits(call.w[k]) * val(g, k)));
    let ff = cc;
    for (let k = call.first; k < call.K; k++) {
      cc = fr(cc + fr(fromBits(call.w[k]) * val(g, k)));
      ff = fr(ff + fr(fromBits(call.wf[k]) * val(x, k)));
    }
    f.push(bitsOf(ff));
    c.push(bitsOf(cc));
  }
  return { f, c };
}

// --- generators ----------------------------------------------------------------------------

/** binary32 bit patterns: ordinary values mostly, and the special ones (signed zeros, smallest
 * subnormals, subnormals, values near the largest finite, infinities; NaNs with random payloads
 * and signs, quiet and signalling, when `nan`). */
function wordArb(nan: boolean): fc.Arbitrary<number> {
  const ordinary = fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }).map(bitsOf);
  const specials = fc.constantFrom(0, 0x80000000, 1, 0x80000001, 0x007fffff, 0x807fffff, 0x7f7fffff, 0xff7fffff, 0x7f000000, 0x7f800000, 0xff800000, 0x00800000);
  const any = fc.integer({ min: 0, max: 0xffffffff }).filter((b) => !isNaNBits(b));
  const nans = fc.record({ sign: fc.boolean(), payload: fc.integer({ min: 1, max: 0x7fffff }) }).map(({ sign, payload }) => ((sign ? 0x80000000 : 0) | 0x7f800000 | payload) >>> 0);
  const arms: { arbitrary: fc.Arbitrary<number>; weight: number }[] = [
    { arbitrary: ordinary, weight: 12 },
    { arbitrary: specials, weight: 3 },
    { arbitrary: any, weight: 2 },
  ];
  if (nan) arms.push({ arbitrary: nans, weight: 1 });
  return fc.oneof(...arms);
}

/** A random call: K 1..64, an input of 1..40 elements, an im2col-like row with padding, 1..17 jobs. */
function callArb(nan: boolean, differing: 'never' | 'always' | 'sometimes'): fc.Arbitrary<Call> {
  const word = wordArb(nan);
  return fc
    .record({ K: fc.integer({ min: 1, max: 64 }), inLen: fc.integer({ min: 1, max: 40 }), count: fc.integer({ min: 1, max: 17 }), differ: differing === 'sometimes' ? fc.boolean() : fc.constant(differing === 'always') })
    .chain(({ K, inLen, count, differ }) =>
      fc.record({
        K: fc.constant(K),
        inLen: fc.constant(inLen),
        row: fc.array(fc.oneof({ arbitrary: fc.integer({ min: 0, max: inLen - 1 }), weight: 4 }, { arbitrary: fc.constant(-1), weight: 1 }), { minLength: K, maxLength: K }).map((r) => Int32Array.from(r)),
        w: fc.array(word, { minLength: K, maxLength: K }).map((a) => Uint32Array.from(a)),
        wf: fc.array(word, { minLength: K, maxLength: K }).map((a) => Uint32Array.from(a)),
        // differing inputs: the engine passes first = 0; the chains are defined for any first
        first: differ ? fc.oneof(fc.constant(0), fc.integer({ min: 0, max: K })) : fc.integer({ min: 0, max: K }),
        zero: fc.oneof(fc.constant(0), fc.constant(0x80000000), word),
        g: fc.array(fc.array(word, { minLength: inLen, maxLength: inLen }).map((a) => Uint32Array.from(a)), { minLength: count, maxLength: count }),
        x: differ ? fc.array(fc.array(word, { minLength: inLen, maxLength: inLen }).map((a) => Uint32Array.from(a)), { minLength: count, maxLength: count }) : fc.constant(null),
      }),
    );
}

// --- tests ---------------------------------------------------------------------------------

const tmpDirs: string[] = [];
afterAll(() => tmpDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('macPairs.wasm.ts is the compiled macPairs.wat', () => {
  // scripts/build-wasm.mjs runs its command line on import (rewrites or checks, then
  // process.exit), so it is run as a process rather than imported
  it('build-wasm --check accepts the committed binary', () => {
    const r = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('compiling macPairs.wat afresh reproduces the committed module byte for byte; a stale one fails --check', () => {
    // a copy of the script and the .wat in a scratch tree (the script compiles ../sim/wasm/*.wat
    // relative to itself), so the working tree is never rewritten
    const dir = mkdtempSync(join(tmpdir(), 'faultline-wasm-'));
    tmpDirs.push(dir);
    mkdirSync(join(dir, 'scripts'));
    mkdirSync(join(dir, 'sim', 'wasm'), { recursive: true });
    copyFileSync(join(ROOT, 'scripts', 'build-wasm.mjs'), join(dir, 'scripts', 'build-wasm.mjs'));
    copyFileSync(join(ROOT, 'sim', 'wasm', 'macPairs.wat'), join(dir, 'sim', 'wasm', 'macPairs.wat'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const committed = readFileSync(join(ROOT, 'sim', 'wasm', 'macPairs.wasm.ts'), 'utf8');
    const target = join(dir, 'sim', 'wasm', 'macPairs.wasm.ts');
    // stale: one base64 character changed
    const at = committed.indexOf("'", committed.indexOf('WASM_BASE64')) + 10;
    writeFileSync(target, committed.slice(0, at) + (committed[at] === 'A' ? 'B' : 'A') + committed.slice(at + 1));
    const stale = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { cwd: dir, encoding: 'utf8' });
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(/stale/);
    const build = spawnSync(process.execPath, ['scripts/build-wasm.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(build.status).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(committed);
    // and that text is what sim/wasm/macPairs.ts loads
    expect(committed).toContain(WASM_BASE64.slice(0, 100));
    expect(WASM_BASE64.startsWith('AGFzbQ')).toBe(true); // "\0asm"
  });
});

describe('macPairs chains == Math.fround reference', () => {
  const wp = macPairs();
  it('WebAssembly is available in Node', () => {
    expect(wp).not.toBeNull();
  });

  it('bit for bit on random chains without NaN operands (signed zeros, subnormals, overflow to infinity, default NaNs)', () => {
    fc.assert(
      fc.property(callArb(false, 'sometimes'), (call) => {
        expect(runWasm(wp!, call)).toEqual(reference(call));
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('bit for bit when every job reads differing faulty inputs (first = 0 as the engine passes, and any first)', () => {
    fc.assert(
      fc.property(callArb(false, 'always'), (call) => {
        expect(runWasm(wp!, call)).toEqual(reference(call));
      }),
      { numRuns: 150, seed: 12 },
    );
  });

  it('4-lane vectors (pairsV): bit for bit on random chains, same and differing faulty inputs', () => {
    fc.assert(
      fc.property(callArb(false, 'sometimes'), (call) => {
        expect(runWasm(wp!, call, true)).toEqual(reference(call));
      }),
      { numRuns: 200, seed: 14 },
    );
    fc.assert(
      fc.property(callArb(false, 'always'), (call) => {
        expect(runWasm(wp!, call, true)).toEqual(reference(call));
      }),
      { numRuns: 100, seed: 15 },
    );
  });

  it('with NaN operands of random payloads: non-NaN results bit for bit, NaN results NaN in both', () => {
    // Where two NaNs of different payloads meet (NaN partial sum + NaN product), which payload
    // survives is not fixed by IEEE 754 nor by JavaScript / WebAssembly: V8's JavaScript and its
    // WebAssembly keep different operands' payloads there, so NaN-ness is compared, not payloads.
    let nanResults = 0;
    fc.assert(
      fc.property(callArb(true, 'sometimes'), fc.boolean(), (call, vector) => {
        const got = runWasm(wp!, call, vector);
        const want = reference(call);
        for (const key of ['f', 'c'] as const) {
          for (let j = 0; j < call.g.length; j++) {
            const a = got[key][j];
            const b = want[key][j];
            if (isNaNBits(b)) {
              nanResults++;
              expect(isNaNBits(a)).toBe(true);
            } else expect(a).toBe(b);
          }
        }
      }),
      { numRuns: 300, seed: 13 },
    );
    expect(nanResults).toBeGreaterThan(0);
  });
});

// --- against the engine's JavaScript chains (faultyBatch.ts) on real layers ------------------

const P1 = { top: 1, bottom: 1, left: 1, right: 1 };
const denseLayer: DenseLayer = { kind: 'dense', name: 'fc', inF: 19, outF: 5, weights: seeded(19 * 5, 3), bias: seeded(5, 4, 0.1), activation: { kind: 'relu' } };
const convLayer: Conv2dLayer = { kind: 'conv2d', name: 'conv', kh: 3, kw: 3, inC: 2, outC: 3, strideH: 1, strideW: 2, padding: P1, weights: seeded(3 * 3 * 2 * 3, 5), bias: null, activation: { kind: 'linear' } };

function compute(layer: DenseLayer | Conv2dLayer, input: Network['input']): LayerCompute {
  const net: Network = { name: layer.kind, input, layers: [layer] };
  const plan = planRun(net, spec(4, 4, 'ws'));
  return prepareLayer(layer, plan.layers[0], uniformFormats({ kind: 'fp32' }));
}

const LAYERS: { name: string; lc: () => LayerCompute }[] = [
  { name: 'dense 19 -> 5', lc: () => compute(denseLayer, { h: 1, w: 1, c: 19 }) },
  { name: 'conv 3x3 pad 1 stride (1, 2), 5x6x2 -> 3', lc: () => compute(convLayer, { h: 5, w: 6, c: 2 }) },
];

const opArb: fc.Arbitrary<WordOp> = fc.record({ kind: fc.constantFrom('xor', 'and', 'or'), mask: fc.integer({ min: 0, max: 0xffffffff }) }).map(({ kind, mask }) => ({ kind, mask: (kind === 'and' ? ~mask : mask) >>> 0 }) as WordOp);

describe('macPairs == faultyBatch pairs4 / pairsInputs4 on prepared layers', () => {
  const wp = macPairs()!;
  for (const { name, lc: make } of LAYERS) {
    it(`${name}: same and differing faulty inputs, 1..9 images`, () => {
      const lc = make();
      const { M, N, K } = lc.geom;
      const inLen = lc.layer.kind === 'dense' ? K : lc.geom.inH * lc.geom.inW * lc.geom.inC;
      const word = wordArb(false);
      let padded = 0;
      let modified = 0;
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: M - 1 }), fc.integer({ min: 0, max: N - 1 }), fc.integer({ min: 1, max: 9 }), fc.boolean(),
          fc.array(fc.record({ k: fc.integer({ min: 0, max: K - 1 }), op: opArb }), { minLength: 1, maxLength: 3 }),
          fc.array(fc.array(word, { minLength: inLen, maxLength: inLen }).map((a) => Uint32Array.from(a)), { minLength: 18, maxLength: 18 }),
          (m, n, count, differ, raw, words) => {
            const mods: Mod[] = raw.map((r, i) => ({ k: r.k, operand: 'w' as const, op: r.op, order: i })).sort((a, b) => a.k - b.k || a.order - b.order);
            const col = faultyColumn(lc, n, mods);
            if (col.first < K) modified++;
            const xs = words.map((w) => new Float32Array(w.buffer));
            const xg = xs.slice(0, count);
            const xf = differ ? xs.slice(9, 9 + count) : xg;
            const row = lc.layer.kind === 'dense' ? Int32Array.from({ length: K }, (_, k) => k) : rowOf(lc, m);
            if (row.some((i) => i < 0)) padded++;
            // JavaScript: blocks of four images, the last block repeating the last image (jsSlab)
            const acc8 = new Float64Array(8);
            const js: Results = { f: [], c: [] };
            const last = count - 1;
            for (let b = 0; b <= last; b += 4) {
              const i = [b, Math.min(b + 1, last), Math.min(b + 2, last), Math.min(b + 3, last)];
              if (!differ) pairs4(lc, row, n, col, xg[i[0]], xg[i[1]], xg[i[2]], xg[i[3]], acc8);
              else pairsInputs4(lc, row, n, col, xg[i[0]], xg[i[1]], xg[i[2]], xg[i[3]], xf[i[0]], xf[i[1]], xf[i[2]], xf[i[3]], acc8);
              for (let j = 0; j < 4 && b + j <= last; j++) {
                js.f.push(bitsOf(acc8[j]));
                js.c.push(bitsOf(acc8[4 + j]));
              }
            }
            // WebAssembly: the operands as wasmSlab passes them (first = 0 with differing inputs)
            const call: Call = {
              K, inLen, row,
              w: new Uint32Array(Float32Array.from(lc.cols[n]!).buffer),
              wf: new Uint32Array(Float32Array.from(col.wF).buffer),
              first: differ ? 0 : col.first,
              zero: bitsOf(lc.acc.zero),
              g: xg.map((x) => new Uint32Array(x.buffer)),
              x: differ ? xf.map((x) => new Uint32Array(x.buffer)) : null,
            };
            const hasNaN = [call.w, call.wf, ...call.g, ...(call.x ?? [])].some((a) => a.some(isNaNBits));
            const got = runWasm(wp, call);
            if (!hasNaN) expect(got).toEqual(js);
            else {
              // a faulty weight word may decode to a NaN: payloads are not compared (see above)
              for (const key of ['f', 'c'] as const) got[key].forEach((b, j) => (isNaNBits(js[key][j]) ? expect(isNaNBits(b)).toBe(true) : expect(b).toBe(js[key][j])));
            }
          },
        ),
        { numRuns: 200, seed: 21 },
      );
      expect(modified).toBeGreaterThan(100);
      if (lc.layer.kind === 'conv2d') expect(padded).toBeGreaterThan(20);
    });
  }
});
