/**
 * Fuzz test of every parser (issues 8 and 17): scenario, campaign, topology CSV and .cfg, results lines
 * and files, manifest.json, TensorFlow.js model.json and shard, weights .json/.bin, IDX (plain and
 * gzip), CIFAR-10 and PNG, each with FUZZ_RUNS mutated and random inputs (1,000 in `npm test`; the long
 * run is `npm run fuzz`). Every input must end in a value or an error with a reason, in time, without
 * keeping much memory (fuzz-helpers.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { describeStats, fuzzParser } from './fuzz-helpers';
import { fuzzScratch, fuzzTargets } from './fuzz-targets';

const scratch = fuzzScratch();
afterAll(() => scratch.cleanup());

describe('fuzz: every parser', () => {
  for (const t of fuzzTargets(scratch.dir)) {
    it(t.name, () => {
      const s = fuzzParser(t.input, t.parse);
      console.log(describeStats(t.name, s));
      expect(s.ok).toBeGreaterThan(0); // the mutations keep some inputs valid: the seeds really are parsed
    }, 180_000);
  }
});
