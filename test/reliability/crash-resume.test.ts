/**
 * Issue 8, crash safety: the `faultline campaign` process is killed with SIGKILL at seeded random points
 * several times and resumed each time; torn (partially written) last lines are planted between some
 * kills, as a writer killed in the middle of a `write` would leave them. The finished run must hold every
 * trial exactly once and give a summary.json byte-identical to an uninterrupted run, and every torn line
 * must be reported and discarded on resume.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCampaignFile } from '../../campaign/load';
import { runCampaign } from '../../campaign/run';
import { fakeRunner } from '../../campaign/fake';
import { berDoc, tmp, writeCampaign } from '../campaign/helpers';
import { rng } from '../sim/layers/fixtures';

const BIN = join(process.cwd(), 'bin/faultline.mjs');

const lineCount = (f: string): number => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').length - 1 : 0);

/** Runs the CLI; when `killAt` is set, SIGKILLs it once results.jsonl has at least that many lines. */
function runCli(args: string[], results: string, killAt: number | null): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const timer = killAt === null ? null : setInterval(() => {
      if (lineCount(results) >= killAt) { p.kill('SIGKILL'); clearInterval(timer!); }
    }, 5);
    p.on('exit', (code, signal) => { if (timer) clearInterval(timer); resolve({ code, signal, out }); });
  });
}

describe('campaign crash safety (issue 8)', () => {
  it('five seeded SIGKILLs plus torn lines, then resume: every trial exactly once, same summary bytes', async () => {
    const dir = tmp('fl-crash-');
    const file = writeCampaign(dir, berDoc({ trialsPerPoint: 12 }));
    const loaded = loadCampaignFile(file);
    if (!loaded.ok) throw new Error(loaded.reason);
    const total = loaded.value.plan.totalTrials;
    expect(total).toBe(72);

    const refDir = tmp('fl-crash-ref-');
    await runCampaign({ plan: loaded.value.plan, hash: loaded.value.hash, outDir: refDir, runner: fakeRunner(), runnerName: 'fake', concurrency: 1 });
    const reference = readFileSync(join(refDir, 'summary.json'), 'utf8');

    const out = join(dir, 'out');
    const results = join(out, 'results.jsonl');
    const args = ['campaign', file, '--out', out, '--runner', 'fake', '--fake-busy-ms', '15', '--workers', '2'];
    const next = rng(0xc0ffee);
    // kill thresholds: strictly increasing line counts spread over the run, seeded
    const kills = Array.from({ length: 5 }, () => 4 + Math.floor(next() * 60)).sort((a, b) => a - b).map((k, i) => k + i);
    const log: string[] = [];
    let torn = 0;
    let tornPending = false;
    let discarded = 0;
    for (const [i, at] of kills.entries()) {
      const r = await runCli(i === 0 ? args : [...args, '--resume'], results, at);
      if (tornPending && /discarded a partially written last line/.test(r.out)) discarded++;
      tornPending = false;
      log.push(`kill ${i + 1} at >= ${at} lines: ${r.signal ?? `exit ${r.code}`}, ${lineCount(results)} lines on disk`);
      if (r.signal !== 'SIGKILL') break; // the run finished before the threshold: nothing left to kill
      if (i % 2 === 1) {
        // a writer killed mid-write leaves the head of a record and no newline
        const last = readFileSync(results, 'utf8').trimEnd().split('\n').pop()!;
        appendFileSync(results, last.slice(0, 1 + Math.floor(next() * (last.length - 2))));
        torn++;
        tornPending = true;
      }
    }
    const done = await runCli([...args, '--resume'], results, null);
    if (tornPending && /discarded a partially written last line/.test(done.out)) discarded++;
    console.log([...log, `final resume: exit ${done.code}`].join('\n'));
    expect(done.code).toBe(0);
    expect(log.filter((l) => l.includes('SIGKILL')).length).toBeGreaterThanOrEqual(3);
    expect(torn).toBeGreaterThanOrEqual(1);
    expect(discarded).toBe(torn); // every torn line was detected and reported on the next resume

    const lines = readFileSync(results, 'utf8').split('\n');
    expect(lines.pop()).toBe(''); // ends with a newline: no torn line left behind
    const idx = lines.map((l) => (JSON.parse(l) as { i: number }).i).sort((a, b) => a - b);
    expect(idx).toEqual(Array.from({ length: total }, (_, i) => i)); // none lost, none duplicated
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe(reference);
  }, 240_000);

  it('resume reports and discards a torn last line', async () => {
    const dir = tmp('fl-torn-');
    const file = writeCampaign(dir, berDoc({ trialsPerPoint: 2 }));
    const out = join(dir, 'out');
    const results = join(out, 'results.jsonl');
    const args = ['campaign', file, '--out', out, '--runner', 'fake', '--workers', '1'];
    const first = await runCli(args, results, 5);
    expect(first.signal).toBe('SIGKILL');
    appendFileSync(results, '{"v":1,"i":3,"point":"lenet5|re');
    const r = await runCli([...args, '--resume'], results, null);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/discarded a partially written last line .*results\.jsonl \(\d+ bytes\)/);
    const idx = readFileSync(results, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { i: number }).i).sort((a, b) => a - b);
    expect(idx).toEqual(Array.from({ length: 12 }, (_, i) => i));
  }, 120_000);
});
