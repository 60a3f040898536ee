/**
 * SEC-DED (single error correct, double error detect) extended Hamming code per SRAM word:
 * k data bits, r check bits with 2^r >= k + r + 1, plus one overall parity bit, n = k + r + 1
 * ((39,32) for fp32 words, (22,16) for fp16, (13,8) for int8). Codeword bit 0 is the overall
 * parity; bits 1..k+r are Hamming positions, check bits at powers of two, data bits at the other
 * positions in increasing order. Faults hit the whole codeword: check bits are stored bits too.
 */

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
