/**
 * Issue 17, items 7-11: the attacks on campaign runs and their output folders, reproduced.
 * 7 a valid file asking for 268M flips; 8 merge --out over another run; 9 truncated manifest;
 * 10 two writers on one folder; 11 hand-edited results lines and campaign.json.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { loadCampaignFile } from '../../campaign/load';
import { parseCampaign } from '../../campaign/schema';
import { runCampaign, type RunOptions } from '../../campaign/run';
import { mergeRuns } from '../../campaign/merge';
import { fakeRunner } from '../../campaign/fake';
import { readResults } from '../../campaign/results';
import { acquireFolderLock, LOCK_FILE } from '../../campaign/lock';
import { berRecords } from '../../pipeline/ber';
import { parseArraySpec, SRAM_KIB_MAX } from '../../sim/array/spec';
import { MAX_FAULTS_PER_RUN } from '../../sim/faults/limits';
import { berDoc, planOf, tmp, writeCampaign } from '../campaign/helpers';

const BIN = join(process.cwd(), 'bin/faultline.mjs');
const reasonOf = (r: { ok: boolean; reason?: string }): string => (r.ok ? '' : String(r.reason));
const setup = planOf(berDoc({ trialsPerPoint: 3 }));
const base = (outDir: string, over: Partial<RunOptions> = {}): RunOptions =>
  ({ plan: setup.plan, hash: setup.hash, runnerName: 'fake', outDir, runner: fakeRunner(), concurrency: 2, ...over });
const snapshot = (d: string): Record<string, string> =>
  Object.fromEntries(readdirSync(d).sort().map((f) => [f, readFileSync(join(d, f), 'utf8')]));

describe('item 7: fault budget checked before the flip list is built; one SRAM limit', () => {
  const bomb = (ber: number, def = 'per-bit') => berDoc({
    array: { rows: 16, cols: 16, dataflow: 'ws', sram: { weightKiB: 64, ifmapKiB: SRAM_KIB_MAX, ofmapKiB: 64, banks: 1 } },
    faults: { kind: 'ber', targets: ['ifmapSram'], ber: [1e-6, ber], definition: def },
  });

  it('ifmapKiB 65536 with an ifmap-SRAM BER of 0.5 or 1 is refused at load, naming the BER and the cap', () => {
    for (const [ber, def] of [[0.5, 'per-bit'], [1, 'per-bit'], [0.5, 'count']] as const) {
      const before = process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed;
      const r = loadCampaignFile(writeCampaign(tmp('fl-sec-'), bomb(ber, def)));
      expect(reasonOf(r)).toMatch(new RegExp(`\\$\\.faults\\.ber\\[1\\] on ifmapSram \\(fp32\\): BER ${ber} \\(${def}\\) over 536870912 bits draws about \\d+ faults per trial; expected at most ${MAX_FAULTS_PER_RUN}`));
      expect(process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed - before).toBeLessThan(64 * 2 ** 20);
    }
    // the small BER of the same file is within budget
    expect(loadCampaignFile(writeCampaign(tmp('fl-sec-'), bomb(1e-4))).ok).toBe(true);
  });

  it('the CLI exits 2 with the reason instead of a V8 fatal error (was exit 133/134)', () => {
    const dir = tmp('fl-sec-');
    const r = spawnSync(process.execPath, [BIN, 'campaign', writeCampaign(dir, bomb(0.5)), '--out', join(dir, 'out'), '--runner', 'fake'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/BER 0\.5 \(per-bit\) over 536870912 bits draws about 268435456 faults per trial/);
  }, 70_000);

  it('the schema refuses SRAM sizes the engine refuses (same SRAM_KIB_MAX), and accepts what it accepts', () => {
    const at = (kib: number) => parseCampaign(berDoc({ array: { rows: 8, cols: 8, dataflow: 'ws', sram: { weightKiB: kib, ifmapKiB: 64, ofmapKiB: 64, banks: 1 } } }));
    expect(at(SRAM_KIB_MAX).ok).toBe(true);
    expect(parseArraySpec({ rows: 8, cols: 8, dataflow: 'ws', sram: { weightKiB: SRAM_KIB_MAX } }).ok).toBe(true);
    expect(reasonOf(at(SRAM_KIB_MAX + 1))).toMatch(/\$\.array\.sram\.weightKiB: .*65536/);
    expect(parseArraySpec({ rows: 8, cols: 8, dataflow: 'ws', sram: { weightKiB: SRAM_KIB_MAX + 1 } }).ok).toBe(false);
  });

  it('weight-SRAM BER points are budgeted over the model weights (VGG-16 at 0.5 refused at load)', () => {
    const r = loadCampaignFile(writeCampaign(tmp('fl-sec-'), berDoc({ models: ['vgg16'], protections: ['relu'], faults: { kind: 'ber', targets: ['weightSram'], ber: [0.5], definition: 'count' } })));
    expect(reasonOf(r)).toMatch(/\$\.faults\.ber\[0\] on weightSram of vgg16 \(fp32\): BER 0\.5 \(count\) over \d+ bits draws about \d+ faults/);
  });

  it('the trial draw itself refuses before allocating (engine-side guard)', () => {
    const spec = parseArraySpec({ rows: 16, cols: 16, dataflow: 'ws', sram: { ifmapKiB: SRAM_KIB_MAX } });
    if (!spec.ok) throw new Error(spec.reason);
    const before = process.memoryUsage().heapUsed;
    const t0 = Date.now();
    expect(() => berRecords(spec.value, 'ifmapSram', 1, 'per-bit', 'seu', 1000, 1)).toThrow(/draws about 536870912 faults per trial; expected at most/);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 2 ** 20);
  });
});

describe('item 8: merge --out never overwrites', () => {
  it("refuses another campaign's finished folder (left byte-identical), a non-empty folder and an input folder", async () => {
    const shard = tmp();
    await runCampaign(base(shard));
    const victimPlan = planOf(berDoc({ seed: 77, trialsPerPoint: 2 }));
    const victim = tmp();
    await runCampaign({ ...base(victim), plan: victimPlan.plan, hash: victimPlan.hash });
    const before = snapshot(victim);
    expect(() => mergeRuns([shard], victim)).toThrow(/--out .* already holds a campaign run; merge writes only into a new or empty folder, nothing was changed/);
    expect(snapshot(victim)).toEqual(before);
    const other = tmp();
    writeFileSync(join(other, 'notes.txt'), 'mine');
    expect(() => mergeRuns([shard], other)).toThrow(/is not empty \(notes\.txt\)/);
    expect(() => mergeRuns([shard], shard)).toThrow(/is also input folder/);
    // a new folder, or an empty one, is fine
    const fresh = join(tmp(), 'merged');
    expect(mergeRuns([shard], fresh).missing).toBe(0);
    expect(mergeRuns([shard], tmp()).missing).toBe(0);
  });

  it('the CLI exits 1 and leaves the folder as it was', async () => {
    const dir = tmp();
    const file = writeCampaign(dir, berDoc({ trialsPerPoint: 2 }));
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    for (const o of [a, b]) expect(spawnSync(process.execPath, [BIN, 'campaign', file, '--out', o, '--runner', 'fake', '--workers', '1'], { encoding: 'utf8' }).status).toBe(0);
    const before = snapshot(b);
    const m = spawnSync(process.execPath, [BIN, 'merge', a, '--out', b], { encoding: 'utf8' });
    expect(m.status).toBe(1);
    expect(m.stderr).toContain('already holds a campaign run');
    expect(snapshot(b)).toEqual(before);
  }, 90_000);
});

describe('item 9: files replaced atomically; every error names the file', () => {
  it('an empty or truncated manifest fails --resume naming manifest.json (not a bare "Unexpected end of JSON input")', async () => {
    for (const damaged of ['', '{"version":1,"campaignHash":"ab', '{"version":2}']) {
      const out = tmp();
      await runCampaign(base(out));
      writeFileSync(join(out, 'manifest.json'), damaged);
      const err = await runCampaign(base(out, { resume: true })).then(() => null, (e: Error) => e.message);
      expect(err).toContain(join(out, 'manifest.json'));
      expect(err).toMatch(/empty|damaged or truncated|expected a Faultline campaign manifest/);
      expect(err).toContain('delete it to resume');
    }
  });

  it('no temp files are left and the summaries are complete after a run', async () => {
    const out = tmp();
    await runCampaign(base(out));
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp') || f === LOCK_FILE)).toEqual([]);
    for (const f of ['manifest.json', 'campaign.json', 'summary.json', 'run.json']) expect(() => JSON.parse(readFileSync(join(out, f), 'utf8'))).not.toThrow();
  });
});

describe('item 10: one writer per output folder', () => {
  it('a second --resume on a folder in use is refused naming pid, host and start time; the first completes alone', async () => {
    const out = tmp();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const slow: RunOptions['runner'] = async (t, s) => { await gate; return fakeRunner()(t, s); };
    const first = runCampaign(base(out, { runner: slow, lockCommand: 'first run' }));
    await new Promise((r) => setTimeout(r, 50));
    const ran: number[] = [];
    const counting: RunOptions['runner'] = (t, s) => { ran.push(t.index); return fakeRunner()(t, s); };
    const err = await runCampaign(base(out, { resume: true, runner: counting })).then(() => null, (e: Error) => e.message);
    expect(err).toMatch(new RegExp(`is in use by pid ${process.pid} on host ${hostname()} since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(first run\\)`));
    expect(ran).toEqual([]);
    release();
    const o = await first;
    expect(o.ran).toBe(setup.plan.totalTrials);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    const recs = readResults(join(out, 'results.jsonl'), setup.hash);
    expect(recs.ok && recs.value.records.length).toBe(setup.plan.totalTrials);
  });

  it('two CLI --resume processes on one folder: one runs the trials, the other is refused (no trial run twice)', async () => {
    const dir = tmp();
    const file = writeCampaign(dir, berDoc({ trialsPerPoint: 6 }));
    const out = join(dir, 'out');
    const args = [BIN, 'campaign', file, '--out', out, '--runner', 'fake', '--workers', '1', '--fake-busy-ms', '120', '--resume', '--no-progress'];
    const go = () => new Promise<{ code: number | null; err: string }>((res) => {
      const p = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      p.on('exit', (code) => res({ code, err }));
    });
    const [a, b] = await Promise.all([go(), go()]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 1]);
    const loser = a.code === 1 ? a : b;
    expect(loser.err).toMatch(/is in use by pid \d+ on host .* since/);
    const l = loadCampaignFile(file);
    if (!l.ok) throw new Error(l.reason);
    const recs = readResults(join(out, 'results.jsonl'), l.value.hash);
    const idx = recs.ok ? recs.value.records.map((r) => r.i) : [];
    expect(idx.length).toBe(l.value.plan.totalTrials);
    expect(new Set(idx).size).toBe(idx.length);
  }, 120_000);

  it('a stale lock (dead pid on this host) is taken over; another host\'s lock is refused naming it', async () => {
    const out = tmp();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: deadPid, host: hostname(), started: '2026-01-01T00:00:00.000Z', command: 'killed run', token: 'x' }));
    const o = await runCampaign(base(out));
    expect(o.status).toBe('complete');
    const out2 = tmp();
    writeFileSync(join(out2, LOCK_FILE), JSON.stringify({ pid: 1, host: 'node-17.cluster', started: '2026-01-01T00:00:00.000Z', command: 'faultline campaign x', token: 'y' }));
    const l = acquireFolderLock(out2, 'test');
    expect(reasonOf(l)).toMatch(/in use by pid 1 on host node-17\.cluster since 2026-01-01T00:00:00\.000Z \(faultline campaign x\).*delete .*faultline\.lock/);
    // an unreadable (half-written) lock file is stale too
    writeFileSync(join(out2, LOCK_FILE), '');
    const l2 = acquireFolderLock(out2, 'test');
    expect(l2.ok).toBe(true);
    if (l2.ok) l2.value.release();
    expect(existsSync(join(out2, LOCK_FILE))).toBe(false);
    // a FIFO in place of the lock file does not hang the reader: it is no lock
    const out3 = tmp();
    spawnSync('mkfifo', [join(out3, LOCK_FILE)]);
    const t0 = Date.now();
    const l3 = acquireFolderLock(out3, 'test');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(l3.ok).toBe(true);
    if (l3.ok) l3.value.release();
  });
});

describe('item 11: tampering and mixed campaigns are detected', () => {
  const edit = (line: string): string => line.replace(/"faultyCorrect":(\d+)/, (_m, n: string) => `"faultyCorrect":${Number(n) === 0 ? 1 : Number(n) - 1}`);

  it('a hand-edited results line that still parses is refused on --resume and by merge, with file and line', async () => {
    const out = tmp();
    await runCampaign(base(out));
    const f = join(out, 'results.jsonl');
    const lines = readFileSync(f, 'utf8').split('\n');
    const edited = edit(lines[4]!);
    expect(edited).not.toBe(lines[4]);
    expect(() => JSON.parse(edited)).not.toThrow();
    lines[4] = edited;
    writeFileSync(f, lines.join('\n'));
    await expect(runCampaign(base(out, { resume: true }))).rejects.toThrow(`${f}:5: trial record refused: integrity digest does not match the line`);
    expect(() => mergeRuns([out], tmp())).toThrow(`${f}:5: trial record refused`);
    // the last line too: a finished edited line is not mistaken for a crash artefact
    const last = lines.length - 2;
    const restored = tmp();
    await runCampaign(base(restored));
    const rl = readFileSync(join(restored, 'results.jsonl'), 'utf8').split('\n');
    rl[last] = edit(rl[last]!);
    writeFileSync(join(restored, 'results.jsonl'), rl.join('\n'));
    await expect(runCampaign(base(restored, { resume: true }))).rejects.toThrow(/trial record refused/);
  });

  it('a line copied from another campaign, or an old line without a digest, is refused', async () => {
    const out = tmp();
    await runCampaign(base(out, { shard: { index: 0, count: 2 } }));
    const otherPlan = planOf(berDoc({ trialsPerPoint: 3, description: 'same trials, other campaign' }));
    const other = tmp();
    await runCampaign({ ...base(other), plan: otherPlan.plan, hash: otherPlan.hash, shard: { index: 1, count: 2 } });
    const f = join(out, 'results.jsonl');
    const foreign = readFileSync(join(other, 'results.jsonl'), 'utf8').split('\n')[0]!;
    writeFileSync(f, readFileSync(f, 'utf8') + foreign + '\n');
    const ownLines = readFileSync(f, 'utf8').trim().split('\n').length;
    await expect(runCampaign(base(out, { resume: true, shard: { index: 0, count: 2 } }))).rejects.toThrow(`${f}:${ownLines}: trial record refused`);
    const undigested = tmp();
    await runCampaign(base(undigested));
    const g = join(undigested, 'results.jsonl');
    writeFileSync(g, readFileSync(g, 'utf8').replace(/,"d":"[0-9a-f]{32}"\}\n/, '}\n'));
    await expect(runCampaign(base(undigested, { resume: true }))).rejects.toThrow(/:1: trial record refused: no integrity digest/);
  });

  it("merge refuses a campaign.json that does not match its manifest's hash (edited, or swapped in)", async () => {
    const [a, b] = [tmp(), tmp()];
    await runCampaign(base(a, { shard: { index: 0, count: 2 } }));
    await runCampaign(base(b, { shard: { index: 1, count: 2 } }));
    const cj = join(b, 'campaign.json');
    const doc = JSON.parse(readFileSync(cj, 'utf8')) as { testSet: { count: number } };
    doc.testSet.count = 5;
    writeFileSync(cj, JSON.stringify(doc, null, 2));
    expect(() => mergeRuns([a, b], tmp())).toThrow(`${cj}: does not match the campaign hash in ${join(b, 'manifest.json')}`);
    // swapping the first folder's campaign.json (the one the summary is computed from) is caught too
    writeFileSync(join(a, 'campaign.json'), JSON.stringify(doc, null, 2));
    expect(() => mergeRuns([a, b], tmp())).toThrow(/campaign\.json: does not match the campaign hash/);
  });

  it('scenario campaigns: the manifest keeps the scenario digests, so merge re-derives the hash', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 's'));
    const sc = readFileSync(new URL('../../scenarios/examples/single-seu-weight.json', import.meta.url), 'utf8');
    writeFileSync(join(dir, 's', 'a.json'), sc);
    const file = writeCampaign(dir, berDoc({ protections: ['relu'], faults: { kind: 'scenarios', files: ['s/a.json'] }, trialsPerPoint: 2 }));
    const l = loadCampaignFile(file);
    if (!l.ok) throw new Error(l.reason);
    const out = tmp();
    await runCampaign({ ...base(out), plan: l.value.plan, hash: l.value.hash });
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { scenarioDigests?: Record<string, string> };
    expect(Object.keys(m.scenarioDigests ?? {})).toEqual(['s/a.json']);
    expect(mergeRuns([out], tmp()).missing).toBe(0);
    m.scenarioDigests!['s/a.json'] = '0'.repeat(64);
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(m));
    expect(() => mergeRuns([out], tmp())).toThrow(/does not match the campaign hash/);
  });
});
