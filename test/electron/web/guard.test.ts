/** The web shell's last-resort guard: an exception or rejection that escapes every handler is logged and the process keeps running. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const script = `
import { installLastResortGuard } from './electron/web/guard.ts';
installLastResortGuard((l) => console.log(l.split('\\n')[0]));
setTimeout(() => { throw new Error('escaped from a handler'); }, 10);
setTimeout(() => { void Promise.reject(new Error('rejected late')); }, 20);
setTimeout(() => console.log('still serving'), 100);
`;

describe('installLastResortGuard', () => {
  it('logs an escaped exception and rejection and keeps the process alive', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/uncaught exception \(kept running\).*escaped from a handler/);
    expect(r.stdout).toMatch(/unhandled rejection \(kept running\).*rejected late/);
    expect(r.stdout).toContain('still serving');
  });

  it('control: without the guard the same exception ends the process', () => {
    const bare = script.replace(/^installLastResortGuard.*$/m, '');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', bare], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).not.toBe(0);
    expect(r.stdout).not.toContain('still serving');
  });
});
