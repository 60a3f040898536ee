/**
 * Issue 8: property-based fuzzing of every text file the product reads — scenario JSON, campaign JSON,
 * SCALE-Sim topology CSV and .cfg, campaign results lines — with FUZZ_RUNS (10,000) mutated and random
 * inputs each. Every input must end in a value or an error with a reason (see fuzz-helpers.ts).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateScenario } from '../../scenarios/validate';
import { DEFAULT_ARRAY_SPEC } from '../../sim/array/spec';
import { parseCampaignText } from '../../campaign/schema';
import { parseTopology } from '../../sim/topology/csv';
import { parseScaleSimConfig } from '../../sim/topology/cfg';
import { parseRecordLine, recordLine } from '../../campaign/results';
import { describeStats, fuzzParser, textInput } from './fuzz-helpers';

const root = new URL('../../', import.meta.url).pathname;
const filesIn = (dir: string, ext: string): string[] =>
  readdirSync(join(root, dir)).filter((f) => f.endsWith(ext)).map((f) => readFileSync(join(root, dir, f), 'utf8'));
const T = 120_000;

describe('fuzz: text parsers (issue 8)', () => {
  it('scenario files (structure, machine semantics and array checks)', () => {
    const seeds = filesIn('scenarios/examples', '.json');
    expect(seeds.length).toBeGreaterThanOrEqual(8);
    const s = fuzzParser(textInput(seeds), (t) => validateScenario(t, DEFAULT_ARRAY_SPEC, { file: 'fuzz.json' }));
    console.log(describeStats('scenario', s));
    expect(s.ok).toBeGreaterThan(0); // the mutations keep some files valid: the seeds really are parsed
  }, T);

  it('campaign files', () => {
    const seeds = filesIn('campaigns', '.json');
    const s = fuzzParser(textInput(seeds), (t) => parseCampaignText(t, 'fuzz.json'));
    console.log(describeStats('campaign', s));
    expect(s.ok).toBeGreaterThan(0);
  }, T);

  it('SCALE-Sim topology CSV', () => {
    const seeds = filesIn('topologies', '.csv').filter((t) => t.length < 20_000);
    const s = fuzzParser(textInput(seeds), (t) => parseTopology(t));
    console.log(describeStats('topology.csv', s));
    expect(s.ok).toBeGreaterThan(0);
  }, T);

  it('SCALE-Sim .cfg', () => {
    const dir = 'test/sim/cycles/fixtures/scalesim';
    const seeds = readdirSync(join(root, dir)).filter((d) => !d.includes('.')).map((d) => readFileSync(join(root, dir, d, 'config.cfg'), 'utf8'));
    const s = fuzzParser(textInput(seeds), (t) => parseScaleSimConfig(t));
    console.log(describeStats('config.cfg', s));
    expect(s.ok).toBeGreaterThan(0);
  }, T);

  it('campaign results.jsonl lines (read on --resume and merge)', () => {
    const rec = { v: 1 as const, i: 7, point: 'lenet5|relu|fp32|ber:weightSram:seu:per-bit:0.00001', trial: 3, seed: 123456, r: { images: 10, correct: 9, sdc: 1, criticalSdc: 0, goldenCorrect: 10, faults: 2, layers: [{ corrupted: 0.5, maxAbs: Infinity, relL2: 0.1 }] } };
    const H = 'ab'.repeat(32);
    const seeds = [recordLine(rec as never, H).trimEnd(), recordLine({ ...rec, i: 0, r: { images: 1 } } as never, H).trimEnd()];
    const s = fuzzParser(textInput(seeds), (t) => parseRecordLine(t, H));
    console.log(describeStats('results line', s));
    expect(s.ok).toBeGreaterThan(0);
  }, T);
});
