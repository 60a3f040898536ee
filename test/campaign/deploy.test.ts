import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berDoc, tmp, writeCampaign } from './helpers';

// The manifests call `npx faultline ...`; a shim `npx` on PATH runs this checkout's CLI with the
// fake runner, so the shard arithmetic of the real scripts is exercised without a cluster.
function shimDir(): string {
  const d = tmp('fl-shim-');
  const bin = join(process.cwd(), 'bin/faultline.mjs');
  writeFileSync(join(d, 'npx'), `#!/bin/sh\nshift\nexec "${process.execPath}" "${bin}" "$@" --runner fake\n`);
  chmodSync(join(d, 'npx'), 0o755);
  return d;
}

/** The folded `args` command of the Indexed Job's container, as the shell will see it. */
function k8sCommand(yaml: string): string {
  const m = /args:\s*\n\s*- >-\n((?:\s{14}.*\n)+)/.exec(yaml);
  if (!m) throw new Error('no folded args block in the Job manifest');
  return m[1]!.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
}

describe('cluster manifests', () => {
  const dir = tmp();
  const file = writeCampaign(dir, berDoc({ trialsPerPoint: 3 }));
  const env = { ...process.env, PATH: `${shimDir()}:${process.env.PATH}` };

  it('the Slurm array script runs shard SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT, and merge completes', () => {
    const out = join(dir, 'slurm');
    for (const id of [0, 1]) {
      const r = spawnSync('bash', ['deploy/slurm-array.sbatch', file, out], {
        encoding: 'utf8', env: { ...env, SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_COUNT: '2', SLURM_CPUS_PER_TASK: '1' },
      });
      expect(r.status, r.stderr).toBe(0);
      const m = JSON.parse(readFileSync(join(out, `shard-${id}`, 'manifest.json'), 'utf8')) as { shard: unknown };
      expect(m.shard).toEqual({ index: id, count: 2 });
    }
    const merged = spawnSync(process.execPath, ['bin/faultline.mjs', 'merge', join(out, 'shard-0'), join(out, 'shard-1'), '--out', join(out, 'merged')], { encoding: 'utf8' });
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.stdout).toContain('18 trials');
  }, 60_000);

  it('the Indexed Job command runs shard JOB_COMPLETION_INDEX of SHARDS with completions == SHARDS', () => {
    const yaml = readFileSync('deploy/k8s-indexed-job.yaml', 'utf8');
    const completions = Number(/completions:\s*(\d+)/.exec(yaml)![1]);
    const shards = Number(/name: SHARDS\s*\n\s*value: "(\d+)"/.exec(yaml)![1]);
    expect(shards).toBe(completions);
    const cmd = k8sCommand(yaml).replace('/results/', `${dir}/k8s/`);
    const r = spawnSync('/bin/sh', ['-c', cmd], { encoding: 'utf8', env: { ...env, JOB_COMPLETION_INDEX: '3', SHARDS: '4', CAMPAIGN: file } });
    expect(r.status, r.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'k8s', 'shard-3', 'manifest.json'), 'utf8')) as { shard: unknown };
    expect(m.shard).toEqual({ index: 3, count: 4 });
  }, 60_000);
});
