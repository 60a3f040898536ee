/**
 * Issue 8: Electron hardening in CI. scripts/electronegativity.mjs (also the `electron-security` step of
 * `npm test`) must pass on electron/ with no HIGH finding, offline, and must fail on an insecure fixture
 * (so a pass means something).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';

interface Report { checks: number; issues: { id: string; severity: string }[]; errors: { tolerable: boolean }[] }

function scan(dir: string): { status: number | null; report: Report; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['scripts/electronegativity.mjs', '--dir', dir, '--json'], {
    encoding: 'utf8',
    timeout: 60_000,
    // No proxy, no network: the script must not depend on it.
    env: { ...process.env, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9' },
  });
  return { status: r.status, report: JSON.parse(r.stdout) as Report, ms: Date.now() - t0 };
}

describe('electronegativity over electron/', () => {
  it('runs its checks offline and finds nothing of high severity', () => {
    const { status, report, ms } = scan('electron');
    expect(report.checks).toBeGreaterThan(30);
    expect(report.issues.filter((i) => i.severity === 'HIGH')).toEqual([]);
    expect(report.errors.filter((e) => !e.tolerable)).toEqual([]);
    expect(status).toBe(0);
    expect(ms).toBeLessThan(30_000);
  }, 60_000);

  it('fails on a deliberately insecure main process (context isolation off)', () => {
    const { status, report } = scan('test/security/fixtures/insecure-electron');
    expect(report.issues.map((i) => i.id)).toContain('CONTEXT_ISOLATION_JS_CHECK');
    expect(status).toBe(1);
  }, 60_000);
});
