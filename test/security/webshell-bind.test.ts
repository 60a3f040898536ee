/**
 * Issue 8, the local web shell: it is reachable only on 127.0.0.1 and only with the launch token and its
 * own Origin. Proofs: the listening socket's address is 127.0.0.1; a TCP connect to the same port through
 * any other local address — 127.0.0.2 (loopback, but not the bound address) and every non-loopback
 * interface address of this machine — is refused; the CLI has no way to choose another host (an unknown
 * --host option is an error); a wrong token and a wrong Origin are refused with 403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import WebSocket from 'ws';
import { startWebShell, type WebShell } from '../../electron/web/server';

const dir = mkdtempSync(join(tmpdir(), 'faultline-bind-'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
let shell: WebShell;
beforeAll(async () => { shell = await startWebShell({ rendererDir: dir, scenariosDir: dir, appVersion: '0.0.0' }); });
afterAll(() => shell.close());

/** TCP connect result: 'open' or the error code. */
function tcp(host: string, port: number): Promise<string> {
  return new Promise((ok) => {
    const s = connect({ host, port, timeout: 2000 });
    s.once('connect', () => { s.destroy(); ok('open'); });
    s.once('timeout', () => { s.destroy(); ok('timeout'); });
    s.once('error', (e: NodeJS.ErrnoException) => ok(e.code ?? 'error'));
  });
}

function wsStatus(url: string, origin?: string): Promise<number | 'open'> {
  return new Promise((ok) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.on('open', () => { ws.close(); ok('open'); });
    ws.on('unexpected-response', (_q, res) => ok(res.statusCode ?? 0));
    ws.on('error', () => ok(0));
  });
}

describe('web shell exposure (issue 8)', () => {
  it('listens on 127.0.0.1 only: other local addresses, loopback or not, are refused', async () => {
    expect(shell.origin).toBe(`http://127.0.0.1:${shell.port}`);
    expect(await tcp('127.0.0.1', shell.port)).toBe('open');
    expect(await tcp('127.0.0.2', shell.port)).toBe('ECONNREFUSED');
    // every non-loopback address of this machine (IPv6 link-local ones need their interface as scope)
    const others = Object.entries(networkInterfaces()).flatMap(([name, list]) =>
      (list ?? []).filter((a) => !a.internal).map((a) => (a.family === 'IPv6' && a.scopeid ? `${a.address}%${name}` : a.address)));
    console.log(`non-loopback addresses tried: ${others.join(', ') || '(none on this machine)'}`);
    for (const addr of others) expect(await tcp(addr, shell.port), addr).toBe('ECONNREFUSED');
    if (others.length === 0) expect(await tcp('::1', shell.port)).not.toBe('open'); // IPv6 loopback is another address too
  });

  it('control: the same probe does reach a server bound to all interfaces (so a refusal above means something)', async () => {
    const srv = createServer((s) => s.destroy());
    await new Promise<void>((ok) => srv.listen(0, '0.0.0.0', ok));
    const port = (srv.address() as AddressInfo).port;
    const v4 = Object.values(networkInterfaces()).flat().filter((a) => a && !a.internal && a.family === 'IPv4').map((a) => a!.address);
    try {
      expect(await tcp('127.0.0.2', port)).toBe('open');
      for (const addr of v4) expect(await tcp(addr, port), addr).toBe('open');
    } finally {
      srv.close();
    }
  });

  it('the shell CLI offers no host choice: --host 0.0.0.0 is refused before anything listens', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'electron/web/cli.ts', '--host', '0.0.0.0', '--no-open'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Unknown option '--host'/);
  }, 60_000);

  it('refuses a wrong token, a missing token and a foreign Origin (403); accepts the launch token with its Origin', async () => {
    const base = `ws://127.0.0.1:${shell.port}/ws`;
    expect(await wsStatus(`${base}?token=${'A'.repeat(43)}`, shell.origin)).toBe(403);
    expect(await wsStatus(base, shell.origin)).toBe(403);
    expect(await wsStatus(shell.wsUrl, 'http://evil.example')).toBe(403);
    expect(await wsStatus(shell.wsUrl, `http://localhost:${shell.port}`)).toBe(403);
    expect(await wsStatus(shell.wsUrl)).toBe(403);
    expect(await wsStatus(shell.wsUrl, shell.origin)).toBe('open');
    // The page itself holds no secret (served without the token, no cookie): only the services need it.
    const page = await fetch(`${shell.origin}/?token=wrong`);
    expect(page.headers.get('set-cookie')).toBeNull();
    expect(await page.text()).not.toContain(shell.token);
  });
});
