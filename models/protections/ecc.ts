/**
 * SEC-DED per SRAM word: the one implementation lives in the cycle model (sim/memory/ecc.ts);
 * re-exported here for the protection code that sizes and reports it.
 */
export { secDed, encodeWord, decodeWord, eccOverhead, wordCodec, type SecDed, type EccOutcome, type WordCodec } from '../../sim/memory/ecc';
