/**
 * Issue 8, IPC: every channel of ipc/contract.ts gets garbage — wrong types, extra keys, deep nesting,
 * oversized payloads, random JSON (fast-check) — through the dispatcher (the real services, as Electron
 * main and the web shell use them) and through the web shell's WebSocket; unknown channels and malformed
 * envelopes too. Every reply must be a typed error ({ ok: false, error: { code, message } }) naming the
 * channel, and the services must keep answering afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CHANNELS } from '../../ipc/contract';
import { MAX_PAYLOAD_BYTES, type Reply, type ServerMessage } from '../../ipc/wire';
import { connectServices, closeSimWorkers } from '../../electron/services';
import { MAX_ID_LENGTH } from '../../electron/services/dispatch';
import { startWebShell, type WebShell } from '../../electron/web/server';

const dir = mkdtempSync(join(tmpdir(), 'faultline-ipc-garbage-'));
const scenariosDir = join(process.cwd(), 'scenarios', 'examples');
const config = { shell: 'web' as const, appVersion: '0.0.0', scenariosDir, electronVersion: null, nodeVersion: process.versions.node, userScenariosDir: join(dir, 'user-scenarios') };
const channels = Object.keys(CHANNELS) as (keyof typeof CHANNELS)[];
const CODES = new Set(['bad-request', 'unknown-channel', 'too-large']);
/** Channels whose handler is cheap and side-effect free: valid random payloads may run for real. */
const CHEAP = new Set(['app.version', 'catalog.models', 'catalog.scenarios', 'scenario.list', 'campaign.list']);

let deep: unknown = 0;
for (let i = 0; i < 5000; i++) deep = { a: deep };
const huge = 'x'.repeat(MAX_PAYLOAD_BYTES + 10);
/** Hand-picked garbage for every channel. */
const GARBAGE: unknown[] = [null, 0, -1, 1e308, 'text', true, [], [1, 2], { unexpected: 1 }, JSON.parse('{"__proto__":{"polluted":true}}') as unknown, deep, { text: huge }, huge,
  { model: 'lenet5', array: { rows: 1e9, cols: -1 } }, { model: '../../etc/passwd' }, { id: '../../..', path: '/etc/passwd' }];

function expectTypedError(r: Reply<unknown>, channel: string): void {
  expect(r.ok, `${channel}: ${JSON.stringify(r).slice(0, 200)}`).toBe(false);
  if (r.ok) return;
  expect(CODES.has(r.error.code), `${channel}: code ${r.error.code}`).toBe(true);
  expect(r.error.message.length).toBeGreaterThan(0);
}

afterAll(async () => { await closeSimWorkers(); });

describe('IPC dispatcher: garbage on every channel (issue 8)', () => {
  const conn = connectServices(config, () => {});
  let n = 0;
  const call = (channel: unknown, payload: unknown) => conn.invoke({ id: `g${++n}`, channel, payload });

  it('hand-picked garbage: typed bad-request / too-large errors that name the channel', async () => {
    for (const ch of channels) {
      for (const g of GARBAGE) {
        if (CHANNELS[ch].request.safeParse(g).success) continue; // e.g. {} on a parameterless channel is valid
        const r = await call(ch, g);
        expectTypedError(r, ch);
        if (!r.ok && r.error.code === 'bad-request') expect(r.error.message).toContain(ch);
      }
      const big = await call(ch, { text: huge });
      expect(!big.ok && big.error.code).toBe('too-large');
    }
  }, 60_000);

  it('random JSON payloads on every channel (fast-check, 150 per channel)', async () => {
    let rejected = 0;
    let valid = 0;
    await fc.assert(fc.asyncProperty(fc.constantFrom(...channels), fc.jsonValue({ maxDepth: 5 }), async (ch, payload) => {
      const accepted = CHANNELS[ch].request.safeParse(payload).success;
      if (accepted && !CHEAP.has(ch)) { valid++; return; }
      const r = await call(ch, payload);
      if (accepted) { valid++; expect(typeof r.ok).toBe('boolean'); return; }
      rejected++;
      expectTypedError(r, ch);
    }), { numRuns: 150 * channels.length, seed: 8 });
    console.log(`dispatcher: ${rejected} random payloads rejected with typed errors, ${valid} valid by the schema`);
    expect(rejected).toBeGreaterThan(100 * channels.length);
  }, 120_000);

  it('unknown channels (prototype keys, non-strings) and malformed envelopes', async () => {
    for (const ch of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'app.version ', '', 42, null, ['app.version'], { a: 1 }]) {
      const r = await call(ch, {});
      expect(!r.ok && r.error.code, String(ch)).toBe(typeof ch === 'string' && ch !== '' ? 'unknown-channel' : r.ok ? 'x' : r.error.code);
      expectTypedError(r, String(ch));
    }
    for (const env of [null, 'x', 7, [], { channel: 'app.version' }, { id: 5, channel: 'app.version' }, { id: 'i'.repeat(MAX_ID_LENGTH + 1), channel: 'app.version', payload: {} }]) {
      expectTypedError(await conn.invoke(env), 'envelope');
    }
    const still = await call('app.version', {});
    expect(still.ok).toBe(true);
  });
});

describe('web shell WebSocket: garbage on every channel, bind address (issue 8)', () => {
  let shell: WebShell;
  beforeAll(async () => {
    const r = join(dir, 'renderer');
    mkdirSync(r);
    writeFileSync(join(r, 'index.html'), '<!doctype html><title>t</title>');
    shell = await startWebShell({ rendererDir: r, scenariosDir, appVersion: '0.0.0' });
  });
  afterAll(() => shell.close());

  /** Opens an authorised socket and returns a request/reply helper keyed by id. */
  async function open(): Promise<{ ws: WebSocket; send: (raw: string | Buffer, id: string) => Promise<ServerMessage> }> {
    const ws = new WebSocket(shell.wsUrl, { origin: shell.origin });
    await new Promise((ok, ko) => { ws.once('open', ok); ws.once('error', ko); });
    const waiting = new Map<string, (m: ServerMessage) => void>();
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as ServerMessage & { id?: string };
      waiting.get(m.id ?? '')?.(m);
      waiting.delete(m.id ?? '');
    });
    return { ws, send: (raw, id) => new Promise((ok) => { waiting.set(id, ok); ws.send(raw); }) };
  }

  it('every channel: typed errors for garbage, too-large for oversized payloads, then still serving', async () => {
    const { ws, send } = await open();
    let k = 0;
    for (const ch of channels) {
      for (const g of [...GARBAGE.filter((x) => x !== deep), { text: huge }]) {
        if (CHANNELS[ch].request.safeParse(g).success) continue;
        const id = `w${++k}`;
        const m = await send(JSON.stringify({ type: 'invoke', id, channel: ch, payload: g }), id);
        expect(m.type).toBe('reply');
        if (m.type === 'reply') expectTypedError(m.reply, ch);
      }
    }
    for (const raw of ['{not json', '[]', '{"type":"invoke"}', '{"type":"what","id":"x"}']) {
      const m = await send(raw, raw.includes('"x"') ? 'x' : '');
      expect(m.type === 'reply' && !m.reply.ok && m.reply.error.code).toBe('bad-request');
    }
    const unknown = await send(JSON.stringify({ type: 'invoke', id: 'u', channel: '__proto__', payload: {} }), 'u');
    expect(unknown.type === 'reply' && !unknown.reply.ok && unknown.reply.error.code).toBe('unknown-channel');
    const ok = await send(JSON.stringify({ type: 'invoke', id: 'v', channel: 'app.version', payload: {} }), 'v');
    expect(ok.type === 'reply' && ok.reply.ok).toBe(true);
    ws.close();
  }, 60_000);

  it('a frame over the socket limit closes that socket only (1009); the shell keeps serving', async () => {
    const { ws } = await open();
    ws.on('error', () => {}); // the client may see the close as an error too; only the server matters here
    const closed = new Promise<number>((ok) => ws.once('close', (code) => ok(code)));
    ws.send('x'.repeat(3 * MAX_PAYLOAD_BYTES));
    expect(await closed).toBe(1009);
    const again = await open();
    const m = await again.send(JSON.stringify({ type: 'invoke', id: 'z', channel: 'app.version', payload: {} }), 'z');
    expect(m.type === 'reply' && m.reply.ok).toBe(true);
    again.ws.close();
  });
});
