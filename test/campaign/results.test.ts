import { describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readResults, recordLine, ResultsWriter, truncateResults, type TrialRecord } from '../../campaign/results';
import { fakeTrial } from '../../campaign/fake';
import { trialAt } from '../../campaign/plan';
import { berDoc, planOf, tmp } from './helpers';

const H = planOf(berDoc()).hash;

function rec(i: number): TrialRecord {
  const { plan } = planOf(berDoc());
  const t = trialAt(plan, i);
  return { v: 1, i, point: t.point.key, trial: t.trial, seed: t.seed, r: fakeTrial(t) };
}

describe('results.jsonl', () => {
  it('round-trips records, non-finite numbers included', () => {
    const r0 = rec(0);
    const withInf: TrialRecord = { ...r0, r: { ...r0.r, layers: [{ name: 'x', corruptedShare: 1, maxAbsDelta: Infinity, relL2: NaN }] } };
    const f = join(tmp(), 'results.jsonl');
    const w = new ResultsWriter(f, H, 2);
    w.append(withInf);
    w.append(rec(1));
    w.close();
    const r = readResults(f, H);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.records).toEqual([withInf, rec(1)]);
    expect(r.value.records[0]!.r.layers[0]!.maxAbsDelta).toBe(Infinity);
    expect(r.value.partialLine).toBeNull();
    expect(r.value.validBytes).toBe(readFileSync(f).length);
  });

  it('detects a partially written last line and truncation removes it', () => {
    const f = join(tmp(), 'results.jsonl');
    const full = recordLine(rec(0), H) + recordLine(rec(1), H);
    const cut = recordLine(rec(2), H).slice(0, 37);
    writeFileSync(f, full + cut);
    const r = readResults(f, H);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.records.map((x) => x.i)).toEqual([0, 1]);
    expect(r.value.partialLine).toBe(cut);
    truncateResults(f, r.value.validBytes);
    expect(readFileSync(f, 'utf8')).toBe(full);
  });

  it('treats a complete JSON last line without newline as partial (the write did not finish)', () => {
    const f = join(tmp(), 'results.jsonl');
    writeFileSync(f, recordLine(rec(0), H) + recordLine(rec(1), H).trimEnd());
    const r = readResults(f, H);
    expect(r.ok && r.value.records.length).toBe(1);
    expect(r.ok && r.value.partialLine).toBeTruthy();
  });

  it('refuses a damaged line in the middle of the file', () => {
    const f = join(tmp(), 'results.jsonl');
    writeFileSync(f, recordLine(rec(0), H));
    appendFileSync(f, '{"v":1,"i":garbage}\n');
    appendFileSync(f, recordLine(rec(2), H));
    const r = readResults(f, H);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('results.jsonl:2: damaged results line');
  });
});
