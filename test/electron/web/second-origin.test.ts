/**
 * Issue 17, web shell items 1 and 2, reproduced in Chromium (playwright-core, Debian chromium): a page
 * on another local origin opens `new WebSocket('ws://127.0.0.1:PORT//[')` (and `/ws` without the
 * token) against the real shell CLI running as its own process, which must survive and keep serving;
 * and after the shell's page was opened with its token, another server on 127.0.0.1 receives no
 * cookie (the token travels in the URL fragment, sessionStorage and a WebSocket subprotocol).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env['FAULTLINE_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-gpu', '--headless'];
const root = fileURLToPath(new URL('../../..', import.meta.url));

/** A stand-in renderer: takes the token from the fragment like renderer/src/bridge.ts and calls app.version. */
const PROBE = `
const KEY = 'faultline.token';
const hash = new URLSearchParams(location.hash.slice(1));
if (hash.has('token')) { sessionStorage.setItem(KEY, hash.get('token')); history.replaceState(null, '', location.pathname); }
const token = sessionStorage.getItem(KEY) || '';
const ws = new WebSocket('ws://' + location.host + '/ws', ['faultline.v1', 'faultline.token.' + token]);
ws.onopen = () => ws.send(JSON.stringify({ type: 'invoke', id: '1', channel: 'app.version', payload: {} }));
ws.onmessage = (e) => { const m = JSON.parse(e.data); document.title = m.reply.ok ? 'ok:' + m.reply.value.shell : 'error'; };
ws.onclose = () => { if (!document.title.startsWith('ok')) document.title = 'refused'; };
`;

/** The other origin's page: the attack, reporting each socket's fate in the title. */
const attackPage = (port: number) => `<!doctype html><title>running</title><script>
const fates = [];
const report = () => { if (fates.length === 3) document.title = 'done:' + fates.join(','); };
for (const target of ['ws://127.0.0.1:${port}//[', 'ws://127.0.0.1:${port}/ws', 'ws://127.0.0.1:${port}/ws?token=x']) {
  try {
    const ws = new WebSocket(target);
    ws.onopen = () => { fates.push('open'); report(); };
    ws.onerror = () => { fates.push('error'); report(); };
  } catch (e) { fates.push('throw'); report(); }
}
</script>`;

let shell: ChildProcess;
let shellUrl = '';
let shellPort = 0;
let evil: Server;
let evilPort = 0;
const evilCookies: (string | undefined)[] = [];
let browser: Browser;
const have = existsSync(CHROMIUM);

beforeAll(async () => {
  if (!have) return;
  const dir = mkdtempSync(join(tmpdir(), 'faultline-origin-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>loading</title><script src="/probe.js"></script>');
  writeFileSync(join(dir, 'probe.js'), PROBE);
  shell = spawn(process.execPath, ['--import', 'tsx', 'electron/web/cli.ts', '--no-open', '--renderer', dir], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  shellUrl = await new Promise<string>((ok, ko) => {
    let out = '';
    shell.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Open: (\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    shell.on('exit', (code) => ko(new Error(`shell exited (${code}) before printing its URL: ${out}`)));
  });
  shellPort = Number(new URL(shellUrl).port);
  evil = createServer((req, res) => {
    evilCookies.push(req.headers.cookie);
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(attackPage(shellPort));
  });
  await new Promise<void>((ok) => evil.listen(0, '127.0.0.1', ok));
  evilPort = (evil.address() as { port: number }).port;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  evil?.close();
  shell?.kill('SIGTERM');
});

describe.skipIf(!have)(`web shell against a second origin in Chromium (${CHROMIUM})`, () => {
  it('opens the app from the printed URL: token in the fragment, then gone from the address bar; a reload still works', async () => {
    expect(shellUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    const page = await browser.newPage();
    await page.goto(shellUrl);
    await expect.poll(() => page.title(), { timeout: 20_000 }).toBe('ok:web');
    expect(page.url()).not.toContain('token');
    await page.reload();
    await expect.poll(() => page.title(), { timeout: 20_000 }).toBe('ok:web');
    const cookies = await page.context().cookies(`http://127.0.0.1:${shellPort}`);
    expect(cookies).toEqual([]);
    await page.close();
  });

  it('gives another local server no cookie after the app was opened in the same browser', async () => {
    const ctx = await browser.newContext();
    const app = await ctx.newPage();
    await app.goto(shellUrl);
    await expect.poll(() => app.title(), { timeout: 20_000 }).toBe('ok:web');
    const other = await ctx.newPage();
    await other.goto(`http://127.0.0.1:${evilPort}/`);
    expect(evilCookies.length).toBeGreaterThan(0);
    expect(evilCookies.every((c) => c === undefined)).toBe(true);
    await ctx.close();
  });

  it("survives `new WebSocket('ws://127.0.0.1:PORT//[')` and token-less sockets from another origin, and keeps serving", async () => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${evilPort}/`);
    await expect.poll(() => page.title(), { timeout: 20_000 }).toMatch(/^done:/);
    expect((await page.title()).split(':')[1]!.split(',')).toEqual(['error', 'error', 'error']);
    await new Promise((r) => setTimeout(r, 500));
    expect(shell.exitCode).toBeNull();
    expect(shell.signalCode).toBeNull();
    const again = await browser.newPage();
    await again.goto(shellUrl);
    await expect.poll(() => again.title(), { timeout: 20_000 }).toBe('ok:web');
    await page.close();
    await again.close();
  });
});
