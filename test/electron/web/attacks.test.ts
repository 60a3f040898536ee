/**
 * Issue 17 attacks on the web shell over raw TCP and Node clients (the browser ones are in
 * second-origin.test.ts): hostile request targets on HTTP and on the WebSocket upgrade, two Host
 * headers, symlinks and FIFOs inside the renderer folder, security headers on refusals, the token
 * as a WebSocket subprotocol, and the cap on requests in flight per connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { z } from 'zod';
import { MAX_CONNECTIONS, MAX_IN_FLIGHT, startWebShell, type WebShell } from '../../../electron/web/server';
import { createConnection } from '../../../electron/services/dispatch';
import { NoParams } from '../../../ipc/contract';
import type { ServerMessage } from '../../../ipc/wire';

const dir = mkdtempSync(join(tmpdir(), 'faultline-attack-'));
const outside = mkdtempSync(join(tmpdir(), 'faultline-outside-'));
const SECRET = 'secret-outside-the-renderer';
let shell: WebShell;
/** Release function of every `test.hold` call in progress (they wait until released). */
const holds: (() => void)[] = [];

beforeAll(async () => {
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  mkdirSync(join(dir, 'assets'));
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'assets', 'link.txt'));
  symlinkSync(outside, join(dir, 'linkdir'));
  execFileSync('mkfifo', [join(dir, 'assets', 'fifo.js')]);
  const TEST = {
    'test.hold': { request: NoParams, response: z.literal('done'), cancellable: true, pushes: [], summary: 'waits until released' },
  };
  shell = await startWebShell({
    rendererDir: dir,
    scenariosDir: dir,
    appVersion: '0',
    connect: (send) =>
      createConnection(TEST, { 'test.hold': () => new Promise<'done'>((ok) => holds.push(() => ok('done'))) }, send),
  });
});
afterAll(() => shell.close());

/** Sends raw bytes to the shell and resolves with everything it answers before closing (or 3 s). */
function raw(text: string): Promise<string> {
  return new Promise((ok) => {
    const s = connect(shell.port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => (got += d.toString()));
    s.on('error', () => ok(got));
    s.on('close', () => ok(got));
    s.write(text);
    setTimeout(() => {
      s.destroy();
      ok(got);
    }, 3000).unref();
  });
}

const host = () => `Host: 127.0.0.1:${shell.port}\r\n`;
const upgrade = (target: string, extra = '') =>
  `GET ${target} HTTP/1.1\r\n${host()}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n` +
  `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: ${shell.origin}\r\n${extra}\r\n`;

/** The shell still answers an authenticated request: it is alive. */
async function alive(): Promise<void> {
  const ws = new WebSocket(shell.wsUrl, { origin: shell.origin });
  await new Promise<void>((ok, ko) => {
    ws.on('open', () => ok());
    ws.on('error', ko);
  });
  ws.close();
}

describe('hostile request targets never stop the shell', () => {
  it('refuses upgrades to //[, http://[, * and absolute URLs with 403 and keeps serving', async () => {
    for (const target of ['//[', 'http://[', `http://127.0.0.1:${shell.port}/ws`, '*', '/ws/../[', '//ws']) {
      const reply = await raw(upgrade(target));
      expect(reply, target).toMatch(/^HTTP\/1\.1 403 /);
      await alive();
    }
  });

  it('refuses the same targets on plain HTTP with 400 and the security headers', async () => {
    for (const target of ['//[', 'http://[', '*']) {
      const reply = await raw(`GET ${target} HTTP/1.1\r\n${host()}Connection: close\r\n\r\n`);
      expect(reply, target).toMatch(/^HTTP\/1\.1 400 /);
      expect(reply).toMatch(/x-content-type-options: nosniff/i);
    }
    expect(await raw('GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    await alive();
  });

  it('refuses two Host headers, on HTTP and on the upgrade, even when the first is right', async () => {
    const two = `${host()}Host: evil.example\r\n`;
    const http = await raw(`GET / HTTP/1.1\r\n${two}Connection: close\r\n\r\n`);
    expect(http).toMatch(/^HTTP\/1\.1 (400|403) /);
    const ws = await raw(upgrade(`/ws?token=${shell.token}`).replace(host(), two));
    expect(ws).toMatch(/^HTTP\/1\.1 (400|403) /);
    await alive();
  });
});

describe('static files', () => {
  const get = async (path: string) => {
    const res = await fetch(`${shell.origin}${path}`);
    return { status: res.status, headers: res.headers, body: await res.text() };
  };

  it('does not follow symlinks inside the renderer folder (file or folder)', async () => {
    for (const path of ['/assets/link.txt', '/linkdir/secret.txt']) {
      const res = await get(path);
      expect(res.status, path).toBe(403);
      expect(res.body).not.toContain(SECRET);
    }
  });

  it('answers a FIFO with 404 at once instead of blocking', async () => {
    const t0 = Date.now();
    expect((await get('/assets/fifo.js')).status).toBe(404);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('sends the security headers with 403, 404 and 405 replies too', async () => {
    const refusals = [await get('/assets/link.txt'), await get('/missing.js'), await fetch(`${shell.origin}/`, { method: 'POST' })];
    expect(refusals.map((r) => r.status)).toEqual([403, 404, 405]);
    for (const r of refusals) {
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    }
  });
});

describe('WebSocket token and load', () => {
  const open = (protocols: string[], url = `ws://127.0.0.1:${shell.port}/ws`) =>
    new Promise<WebSocket | number>((ok) => {
      const ws = new WebSocket(url, protocols, { origin: shell.origin });
      ws.on('open', () => ok(ws));
      ws.on('unexpected-response', (_q, res) => ok(res.statusCode ?? 0));
      ws.on('error', () => ok(0));
    });

  it('accepts the token as a subprotocol (echoing only faultline.v1) and refuses a wrong one', async () => {
    const ws = await open([...shell.wsProtocols]);
    expect(ws).toBeInstanceOf(WebSocket);
    expect((ws as WebSocket).protocol).toBe('faultline.v1');
    (ws as WebSocket).close();
    expect(await open(['faultline.v1', 'faultline.token.wrong'])).toBe(403);
    expect(await open(['faultline.v1'])).toBe(403);
    expect(await open([`faultline.token.${shell.token}`])).toBe(403);
  });

  it(`caps requests in flight per connection at ${MAX_IN_FLIGHT}: the excess gets a clear busy error`, async () => {
    const ws = (await open([...shell.wsProtocols])) as WebSocket;
    const replies: ServerMessage[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(String(d)) as ServerMessage));
    const extra = 5;
    for (let i = 0; i < MAX_IN_FLIGHT + extra; i++) ws.send(JSON.stringify({ type: 'invoke', id: `r${i}`, channel: 'test.hold', payload: {} }));
    await expect.poll(() => replies.length).toBe(extra);
    for (const r of replies) {
      expect(r).toMatchObject({ type: 'reply', reply: { ok: false, error: { code: 'busy', message: expect.stringContaining(`${MAX_IN_FLIGHT} requests in flight`) } } });
    }
    expect(holds).toHaveLength(MAX_IN_FLIGHT);
    // Once replies go out, the connection accepts requests again.
    holds.splice(0).forEach((release) => release());
    await expect.poll(() => replies.length).toBe(MAX_IN_FLIGHT + extra);
    ws.send(JSON.stringify({ type: 'invoke', id: 'after', channel: 'test.hold', payload: {} }));
    await expect.poll(() => holds.length).toBe(1);
    holds.splice(0).forEach((release) => release());
    await expect.poll(() => replies.some((r) => r.type === 'reply' && r.id === 'after' && r.reply.ok)).toBe(true);
    ws.close();
  });

  it(`refuses more than ${MAX_CONNECTIONS} connections at once with 503, and accepts again once one closes`, async () => {
    const open1 = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => open([...shell.wsProtocols])));
    expect(open1.every((w) => w instanceof WebSocket)).toBe(true);
    expect(await open([...shell.wsProtocols])).toBe(503);
    const first = open1[0] as WebSocket;
    await new Promise<void>((ok) => {
      first.once('close', () => ok());
      first.close();
    });
    await expect.poll(async () => {
      const w = await open([...shell.wsProtocols]);
      if (w instanceof WebSocket) w.close();
      return w instanceof WebSocket;
    }).toBe(true);
    for (const w of open1.slice(1)) (w as WebSocket).close();
  });
});
