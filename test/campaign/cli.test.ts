import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCampaignFile } from '../../campaign/load';
import { runCampaign } from '../../campaign/run';
import { fakeRunner } from '../../campaign/fake';
import { readResults } from '../../campaign/results';
import { berDoc, tmp, writeCampaign } from './helpers';

const BIN = join(process.cwd(), 'bin/faultline.mjs');

/** Campaign hash of a campaign file (results lines carry digests under it). */
function hashOf(f: string): string {
  const l = loadCampaignFile(f);
  if (!l.ok) throw new Error(l.reason);
  return l.value.hash;
}

/** Starts the CLI; kills it with `signal` once `lines` results lines exist; resolves with exit code and stderr. */
function runUntil(args: string[], out: string, lines: number, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setInterval(() => {
      const f = join(out, 'results.jsonl');
      if (existsSync(f) && readFileSync(f, 'utf8').split('\n').length > lines) { p.kill(signal); clearInterval(timer); }
    }, 50);
    p.on('exit', (code) => { clearInterval(timer); resolve({ code, stderr }); });
  });
}

describe('faultline campaign / merge CLI', () => {
  const dir = tmp();
  const file = writeCampaign(dir, berDoc({ trialsPerPoint: 12 }));

  async function reference(): Promise<string> {
    const l = loadCampaignFile(file);
    if (!l.ok) throw new Error(l.reason);
    const out = tmp();
    await runCampaign({ plan: l.value.plan, hash: l.value.hash, outDir: out, runner: fakeRunner(), runnerName: 'fake', concurrency: 1 });
    return readFileSync(join(out, 'summary.json'), 'utf8');
  }

  it('Ctrl-C stops cleanly with a resume hint; SIGKILL loses only in-flight trials; resume completes to the same summary', async () => {
    const ref = await reference();
    const out = join(dir, 'out');
    const args = ['campaign', file, '--out', out, '--runner', 'fake', '--workers', '2', '--fake-busy-ms', '15'];
    const r1 = await runUntil(args, out, 10, 'SIGINT');
    expect(r1.code).toBe(130);
    expect(r1.stderr).toContain('stopping: no new trials');
    expect(r1.stderr).toMatch(/resume with: faultline campaign .* --out .* --resume/);
    const after1 = readResults(join(out, 'results.jsonl'), hashOf(file));
    expect(after1.ok && after1.value.partialLine).toBeNull();
    const n1 = after1.ok ? after1.value.records.length : -1;
    expect(n1).toBeGreaterThanOrEqual(10);
    expect(n1).toBeLessThan(72);

    const r2 = await runUntil([...args, '--resume'], out, n1 + 10, 'SIGKILL');
    expect(r2.code).toBeNull();
    expect(r2.stderr).toContain(`resuming: ${n1} of 72 trials already done`);

    const r3 = spawnSync(process.execPath, [BIN, 'campaign', file, '--out', out, '--runner', 'fake', '--workers', '2', '--resume'], { encoding: 'utf8' });
    expect(r3.status).toBe(0);
    const recs = readResults(join(out, 'results.jsonl'), hashOf(file));
    const idx = recs.ok ? recs.value.records.map((x) => x.i) : [];
    expect(idx.length).toBe(72);
    expect(new Set(idx).size).toBe(72);
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe(ref);
  }, 120_000);

  it('shards run by the CLI merge into the single-run summary; bad input exits 2 with the reason', async () => {
    const ref = await reference();
    const outs = [0, 1, 2].map((s) => join(dir, `shard-${s}`));
    for (const [s, o] of outs.entries()) {
      const r = spawnSync(process.execPath, [BIN, 'campaign', file, '--out', o, '--runner', 'fake', '--workers', '1', '--shard', `${s}/3`], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    const merged = join(dir, 'merged');
    const m = spawnSync(process.execPath, [BIN, 'merge', ...outs, '--out', merged], { encoding: 'utf8' });
    expect(m.status, m.stderr).toBe(0);
    expect(m.stdout).toContain('merged 3 folders: 72 trials');
    expect(readFileSync(join(merged, 'summary.json'), 'utf8')).toBe(ref);
    const bad = writeCampaign(dir, berDoc({ trialsPerPoint: 0 }), 'bad.json');
    const b = spawnSync(process.execPath, [BIN, 'campaign', bad, '--out', join(dir, 'bad'), '--runner', 'fake'], { encoding: 'utf8' });
    expect(b.status).toBe(2);
    expect(b.stderr).toContain('bad.json: $.trialsPerPoint: Too small');
  }, 120_000);
});
