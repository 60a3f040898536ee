/**
 * The web shell in-process on a free port: the page and assets are served without a token and
 * without cookies; the WebSocket refuses a missing or wrong token, a wrong Host and a wrong Origin; the
 * right token serves the real services, also through the renderer's own WebSocket bridge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import WebSocket from 'ws';
import { startWebShell, tokenMatches, type WebShell } from '../../electron/web/server';
import { createWsBridge, type SocketLike } from '../../ipc/ws-client';
import { listModels } from '../../models/registry';
import type { ServerMessage } from '../../ipc/wire';

let shell: WebShell;
const dir = mkdtempSync(join(tmpdir(), 'faultline-shell-'));

beforeAll(async () => {
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  shell = await startWebShell({ rendererDir: dir, scenariosDir: join(dir, 'none'), appVersion: '1.2.3' });
});
afterAll(() => shell.close());

/** Raw GET with full control over headers (fetch would rewrite Host). */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((ok, ko) => {
    const req = request({ host: '127.0.0.1', port: shell.port, path, method, headers: { host: `127.0.0.1:${shell.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', ko);
    req.end();
  });
}

/** Opens a WebSocket; resolves 'open' or the refusal status. */
function tryWs(url: string, origin: string | undefined): Promise<{ ws: WebSocket | null; status: number | 'open' }> {
  return new Promise((ok) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.on('open', () => ok({ ws, status: 'open' }));
    ws.on('unexpected-response', (_req, res) => ok({ ws: null, status: res.statusCode ?? 0 }));
    ws.on('error', () => ok({ ws: null, status: 0 }));
  });
}

const wsBase = () => `ws://127.0.0.1:${shell.port}/ws`;

describe('web shell HTTP', () => {
  it('listens on 127.0.0.1 with a fresh 32-byte token per launch', async () => {
    expect(shell.origin).toBe(`http://127.0.0.1:${shell.port}`);
    expect(shell.port).toBeGreaterThan(0);
    expect(shell.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const other = await startWebShell({ rendererDir: dir, scenariosDir: dir, appVersion: '0' });
    expect(other.token).not.toBe(shell.token);
    expect(other.port).not.toBe(shell.port);
    await other.close();
  });

  it('serves the renderer without the token and without setting any cookie (the files hold no secret)', async () => {
    for (const path of ['/', '/?token=wrong', '/assets/app.js', `/?token=${shell.token}`]) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.body).not.toContain(shell.token);
    }
  });

  it('sends the CSP and the security headers with the page', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>t</title>');
    expect(res.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${shell.port}`);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('prints a page URL with the token in the fragment (never sent to the server)', () => {
    expect(shell.url).toBe(`${shell.origin}/#token=${shell.token}`);
  });

  it('refuses a foreign Host header (DNS rebinding), other methods and paths outside the renderer', async () => {
    expect((await get(`/?token=${shell.token}`, { host: `evil.example:${shell.port}` })).status).toBe(403);
    expect((await get(`/?token=${shell.token}`, {}, 'POST')).status).toBe(405);
    const escape = await get(`/..%2f..%2fetc%2fpasswd?token=${shell.token}`);
    expect([403, 404]).toContain(escape.status);
    expect(escape.body).not.toContain('root:');
    expect((await get(`/missing.js?token=${shell.token}`)).status).toBe(404);
  });
});

describe('web shell WebSocket', () => {
  it('refuses a missing token, a wrong token, a wrong Origin and a missing Origin', async () => {
    expect((await tryWs(wsBase(), shell.origin)).status).toBe(403);
    expect((await tryWs(`${wsBase()}?token=nope`, shell.origin)).status).toBe(403);
    expect((await tryWs(shell.wsUrl, 'http://evil.example')).status).toBe(403);
    expect((await tryWs(shell.wsUrl, `http://localhost:${shell.port}`)).status).toBe(403);
    expect((await tryWs(shell.wsUrl, undefined)).status).toBe(403);
    expect((await tryWs(`ws://127.0.0.1:${shell.port}/other?token=${shell.token}`, shell.origin)).status).toBe(403);
  });

  it('answers catalog.models with the right token and Origin, and rejects bad messages with typed errors', async () => {
    const { ws, status } = await tryWs(shell.wsUrl, shell.origin);
    expect(status).toBe('open');
    const replies: ServerMessage[] = [];
    const next = () => new Promise<ServerMessage>((ok) => ws!.once('message', (d) => ok(JSON.parse(String(d)) as ServerMessage)));
    let p = next();
    ws!.send(JSON.stringify({ type: 'invoke', id: 'a', channel: 'catalog.models', payload: {} }));
    replies.push(await p);
    expect(replies[0]).toEqual({ type: 'reply', id: 'a', reply: { ok: true, value: listModels().map((m) => ({ ...m })) } });
    p = next();
    ws!.send('{not json');
    expect(await p).toMatchObject({ type: 'reply', reply: { ok: false, error: { code: 'bad-request' } } });
    p = next();
    ws!.send(JSON.stringify({ type: 'invoke', id: 'b', channel: 'catalog.models', payload: 'x' }));
    expect(await p).toMatchObject({ type: 'reply', id: 'b', reply: { ok: false, error: { code: 'bad-request' } } });
    ws!.close();
  });

  it('serves the renderer bridge client (ws-bridge) end to end', async () => {
    const bridge = createWsBridge(shell.wsUrl, (u) => new WebSocket(u, { origin: shell.origin }) as unknown as SocketLike);
    const [version, scenarios, unknown] = await Promise.all([
      bridge.invoke('app.version', {}),
      bridge.invoke('catalog.scenarios', {}),
      bridge.invoke('no.such' as 'app.version', {}),
    ]);
    expect(version).toMatchObject({ ok: true, value: { app: '1.2.3', shell: 'web', electron: null } });
    expect(scenarios).toEqual({ ok: true, value: [] });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });

  it('resolves pending bridge calls with an error when the socket is refused', async () => {
    const bridge = createWsBridge(`${wsBase()}?token=bad`, (u) => new WebSocket(u, { origin: shell.origin }) as unknown as SocketLike);
    await expect(bridge.invoke('app.version', {})).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

describe('tokenMatches', () => {
  it('is exact', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    for (const t of ['ab', 'abcd', 'abd', '', null, undefined]) expect(tokenMatches(t, 'abc')).toBe(false);
  });
});
