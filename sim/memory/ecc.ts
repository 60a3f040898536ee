/**
 * SEC-DED (single error correct, double error detect) extended Hamming code per SRAM word:
 * k data bits, r check bits with 2^r >= k + r + 1, plus one overall parity bit, n = k + r + 1
 * ((39,32) for fp32 words, (22,16) for fp16, (13,8) for int8). Codeword bit 0 is the overall
 * parity; bits 1..k+r are Hamming positions, check bits at powers of two, data bits at the other
 * positions in increasing order. Faults hit the whole codeword: check bits are stored bits too.
 *
 * Word-level form used by the cycle model: a stored word is (data, check), `data` the k-bit word
 * as the format encodes it (fault bits 0..k-1) and `check` an (r+1)-bit number: bit j < r is the
 * Hamming check bit at codeword position 2^j, bit r the overall parity (fault bits k..k+r).
 */
import type { ArraySpec, EccSpec } from '../types';
import { wordBits } from '../format/format';
import { sramWords, type SramName } from './layout';

/** A SEC-DED code for one word width. */
export interface SecDed {
  /** Data bits per word. */
  readonly k: number;
  /** Hamming check bits (without the overall parity). */
  readonly r: number;
  /** Codeword bits n = k + r + 1. */
  readonly n: number;
  /** Codeword position of data bit i (i = 0 is the word's LSB). */
  readonly dataPos: readonly number[];
}

/** How a decoded word ended. */
export type EccOutcome = 'clean' | 'corrected' | 'detected' | 'miscorrected-or-silent';

/** Builds the SEC-DED code for `k` data bits (1..64). */
export function secDed(k: number): SecDed {
  if (!Number.isInteger(k) || k < 1 || k > 64) throw new RangeError(`k: expected 1..64 data bits, found ${k}`);
  let r = 1;
  while (2 ** r < k + r + 1) r++;
  const dataPos: number[] = [];
  for (let p = 1; dataPos.length < k; p++) if ((p & (p - 1)) !== 0) dataPos.push(p);
  return { k, r, n: k + r + 1, dataPos };
}

/** Encodes a k-bit data word (unsigned, k <= 32) into codeword bits (array of 0/1, length n). */
export function encodeWord(code: SecDed, word: number): Uint8Array {
  const c = new Uint8Array(code.n);
  let syn = 0;
  code.dataPos.forEach((p, i) => {
    const b = Math.floor(word / 2 ** i) % 2;
    c[p] = b;
    if (b) syn ^= p;
  });
  for (let j = 0; j < code.r; j++) c[2 ** j] = (syn >> j) & 1;
  let par = 0;
  for (let p = 1; p < code.n; p++) par ^= c[p]!;
  c[0] = par;
  return c;
}

/** Decodes codeword bits: corrects one flipped bit, detects two. Returns the data word and outcome. */
export function decodeWord(code: SecDed, c: Uint8Array): { word: number; outcome: 'clean' | 'corrected' | 'detected' } {
  let syn = 0;
  let par = 0;
  for (let p = 0; p < code.n; p++) {
    if (!c[p]) continue;
    par ^= 1;
    if (p > 0) syn ^= p;
  }
  const bits = Uint8Array.from(c);
  let outcome: 'clean' | 'corrected' | 'detected' = 'clean';
  if (par === 1) {
    if (syn >= code.n) outcome = 'detected';
    else { bits[syn] ^= 1; outcome = 'corrected'; } // syn = 0: the overall parity bit itself
  } else if (syn !== 0) outcome = 'detected';
  let word = 0;
  code.dataPos.forEach((p, i) => { if (bits[p]) word += 2 ** i; });
  return { word, outcome };
}

/** Storage overhead of SEC-DED over `words` words of `k` bits: check bits and bytes (rounded up). */
export function eccOverhead(k: number, words: number): { checkBits: number; bytes: number; ratio: number } {
  const code = secDed(k);
  const checkBits = (code.r + 1) * words;
  return { checkBits, bytes: Math.ceil(checkBits / 8), ratio: (code.r + 1) / k };
}

/** A word-level SEC-DED codec for k <= 32 data bits (byte tables of Hamming syndromes). */
export interface WordCodec {
  readonly code: SecDed;
  /** Check word (r + 1 bits) of a data word. */
  check(data: number): number;
  /** Decodes a stored (data, check) pair: the data word after correction and the outcome
   * (0 clean, 1 corrected, 2 detected: uncorrectable). */
  decode(data: number, check: number): { data: number; outcome: 0 | 1 | 2 };
}

const codecs = new Map<number, WordCodec>();

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** The word codec for `k` data bits (1..32), built once per width. */
export function wordCodec(k: number): WordCodec {
  let c = codecs.get(k);
  if (c) return c;
  const code = secDed(k);
  if (k > 32) throw new RangeError(`k: expected at most 32 data bits, found ${k}`);
  const bytes = Math.ceil(k / 8);
  // syndrome contribution of each byte value at each byte index
  const tables = Array.from({ length: bytes }, (_, b) => {
    const t = new Int32Array(256);
    for (let v = 0; v < 256; v++) {
      let s = 0;
      for (let i = 0; i < 8; i++) if ((v >> i) & 1 && b * 8 + i < k) s ^= code.dataPos[b * 8 + i];
      t[v] = s;
    }
    return t;
  });
  const dataMask = k === 32 ? 0xffffffff : (1 << k) - 1;
  const rMask = (1 << code.r) - 1;
  // data bit index of each codeword position (-1: a check bit)
  const bitAt = new Int32Array(code.n).fill(-1);
  code.dataPos.forEach((p, i) => (bitAt[p] = i));
  const syndrome = (data: number): number => {
    let s = 0;
    for (let b = 0; b < bytes; b++) s ^= tables[b][(data >>> (8 * b)) & 0xff];
    return s;
  };
  c = {
    code,
    check(data) {
      const d = (data & dataMask) >>> 0;
      const h = syndrome(d);
      const par = (popcount(d) + popcount(h)) & 1;
      return h | (par << code.r);
    },
    decode(data, check) {
      const d = (data & dataMask) >>> 0;
      const syn = syndrome(d) ^ (check & rMask);
      const par = (popcount(d) + popcount(check & ((rMask << 1) | 1))) & 1;
      if (par === 0) return syn === 0 ? { data: d, outcome: 0 } : { data: d, outcome: 2 };
      if (syn >= code.n) return { data: d, outcome: 2 };
      const i = syn === 0 ? -1 : bitAt[syn];
      return { data: i < 0 ? d : (d ^ (1 << i)) >>> 0, outcome: 1 };
    },
  };
  codecs.set(k, c);
  return c;
}

/** Whether an SRAM of the array is ECC-protected. */
export function hasEcc(spec: Pick<ArraySpec, 'ecc'>, sram: SramName): boolean {
  const e: EccSpec | undefined = spec.ecc;
  return e !== undefined && e[sram] === true;
}

/** Check bits per word (r + 1) of an SRAM under the array's format, 0 without ECC. */
export function checkBits(spec: Pick<ArraySpec, 'ecc' | 'format'>, sram: SramName): number {
  return hasEcc(spec, sram) ? secDed(wordBits(spec.format)).r + 1 : 0;
}

/** Storage overhead of the array's ECC per SRAM: check bits per word, total check bits, bytes, and
 * the ratio to the data bits (0 for an unprotected SRAM). */
export function sramEccOverhead(spec: ArraySpec): Record<SramName, { perWord: number; checkBits: number; bytes: number; ratio: number }> {
  const k = wordBits(spec.format);
  const one = (sram: SramName, kib: number): { perWord: number; checkBits: number; bytes: number; ratio: number } => {
    if (!hasEcc(spec, sram)) return { perWord: 0, checkBits: 0, bytes: 0, ratio: 0 };
    const o = eccOverhead(k, sramWords(kib, k));
    return { perWord: secDed(k).r + 1, ...o };
  };
  return { weightSram: one('weightSram', spec.sram.weightKiB), ifmapSram: one('ifmapSram', spec.sram.ifmapKiB), ofmapSram: one('ofmapSram', spec.sram.ofmapKiB) };
}
