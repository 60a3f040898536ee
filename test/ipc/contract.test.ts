/**
 * The IPC contract rejects bad input with typed, readable errors: every channel, unknown channels,
 * oversized payloads, and (through the real services' connection) malformed envelopes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHANNELS, NoParams, PUSHES, parseRequest, parseResponse, type Channel } from '../../ipc/contract';
import { MAX_PAYLOAD_BYTES, jsonBytes, errorReply } from '../../ipc/wire';
import { connectServices } from '../../electron/services';
import { listModels } from '../../models/registry';

const names = Object.keys(CHANNELS) as Channel[];
/** Channels whose request is `{}` (the rest take fields; their services are tested in test/electron/services). */
const parameterless = names.filter((ch) => CHANNELS[ch].request === NoParams);
/** Channels whose fields all have defaults (scenario.list paging): {} is accepted, filled in. */
const allDefaults = names.filter((ch) => CHANNELS[ch].request !== NoParams && CHANNELS[ch].request.safeParse({}).success);
const config = { shell: 'web', appVersion: '9.9.9', scenariosDir: '/nonexistent', electronVersion: null, nodeVersion: '20' } as const;

describe('parseRequest', () => {
  it.each(names)('%s: rejects payloads of the wrong type with bad-request naming the channel', (ch) => {
    for (const bad of [42, 'text', [1, 2], null, true]) {
      const r = parseRequest(CHANNELS, ch, bad);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('bad-request');
        expect(r.error.message.startsWith(`${ch}: `)).toBe(true);
        expect(r.error.message).toMatch(/expected/i);
      }
    }
  });

  it.each(names)('%s: rejects unexpected fields, naming the field', (ch) => {
    const r = parseRequest(CHANNELS, ch, { surprise: 1 });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    if (!r.ok) expect(r.error.message).toContain('surprise');
  });

  it('accepts {} and an omitted payload for parameterless channels', () => {
    expect(parameterless).toEqual(expect.arrayContaining(['app.version', 'catalog.models', 'catalog.scenarios']));
    for (const ch of parameterless) {
      expect(parseRequest(CHANNELS, ch, {})).toEqual({ ok: true, value: {} });
      expect(parseRequest(CHANNELS, ch, undefined)).toEqual({ ok: true, value: {} });
    }
  });

  it('rejects {} on channels that need fields, naming a missing field', () => {
    expect(allDefaults).toEqual(['scenario.list']);
    for (const ch of names.filter((c) => !parameterless.includes(c) && !allDefaults.includes(c))) {
      const r = parseRequest(CHANNELS, ch, {});
      expect(r).toMatchObject({ ok: false, error: { code: 'bad-request' } });
      if (!r.ok) expect(r.error.message).toMatch(/expected|required/i);
    }
  });

  it('rejects unknown channels, including prototype keys and non-strings', () => {
    for (const ch of ['nope', 'app.Version', '__proto__', 'constructor', 'toString', '', 42, undefined, null, {}]) {
      const r = parseRequest(CHANNELS, ch, {});
      expect(r).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
      if (!r.ok) expect(r.error.message).toContain('app.version');
    }
  });

  it('rejects payloads over MAX_PAYLOAD_BYTES (UTF-8 bytes, not characters) with too-large', () => {
    const big = { blob: 'x'.repeat(MAX_PAYLOAD_BYTES) };
    expect(parseRequest(CHANNELS, 'app.version', big)).toMatchObject({ ok: false, error: { code: 'too-large' } });
    const wide = { blob: 'é'.repeat(MAX_PAYLOAD_BYTES / 2 + 1) }; // < limit in chars, > limit in bytes
    expect(wide.blob.length).toBeLessThan(MAX_PAYLOAD_BYTES);
    const r = parseRequest(CHANNELS, 'catalog.models', wide);
    expect(r).toMatchObject({ ok: false, error: { code: 'too-large' } });
    if (!r.ok) expect(r.error.message).toContain(String(MAX_PAYLOAD_BYTES));
    // just under the limit: not too-large (the schema then decides)
    const under = parseRequest(CHANNELS, 'app.version', { blob: 'x'.repeat(MAX_PAYLOAD_BYTES - 100) });
    expect(under).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('never throws, whatever the channel and payload (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...names), fc.string()), fc.jsonValue(), (ch, payload) => {
        const r = parseRequest(CHANNELS, ch, payload);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.error.message.length).toBeGreaterThan(0);
      }),
    );
  });

  it('counts circular payloads as unencodable (too-large) instead of throwing', () => {
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    expect(jsonBytes(loop)).toBe(Number.POSITIVE_INFINITY);
    expect(parseRequest(CHANNELS, 'app.version', loop)).toMatchObject({ ok: false, error: { code: 'too-large' } });
  });
});

describe('parseResponse', () => {
  it('reports a handler response that breaks its schema as internal', () => {
    const r = parseResponse(CHANNELS, 'catalog.models', [{ id: 1 }]);
    expect(r).toMatchObject({ ok: false, error: { code: 'internal' } });
    if (!r.ok) expect(r.error.message).toMatch(/^catalog\.models: response failed its schema: 0\.id/);
  });
  it('defines a schema for every push channel', () => {
    expect(PUSHES['job.progress'].safeParse({ id: 'a', done: 1, total: 10, message: 'x' }).success).toBe(true);
    expect(PUSHES['job.progress'].safeParse({ id: 'a', done: -1, total: 10, message: 'x' }).success).toBe(false);
  });
});

describe('the real services behind a connection', () => {
  const conn = connectServices(config, () => {});

  it('answer every parameterless channel with a value that satisfies the contract', async () => {
    for (const [i, ch] of parameterless.entries()) {
      const r = await conn.invoke({ id: `r${i}`, channel: ch, payload: {} });
      expect(r.ok, JSON.stringify(r)).toBe(true);
      if (r.ok) expect(CHANNELS[ch].response.safeParse(r.value).success).toBe(true);
    }
  });

  it('serve the registry models and the configured version', async () => {
    const models = await conn.invoke({ id: 'm', channel: 'catalog.models', payload: {} });
    expect(models).toEqual({ ok: true, value: listModels().map((m) => ({ ...m })) });
    const version = await conn.invoke({ id: 'v', channel: 'app.version', payload: {} });
    expect(version).toMatchObject({ ok: true, value: { app: '9.9.9', shell: 'web', electron: null } });
  });

  it('turn malformed envelopes into bad-request replies', async () => {
    for (const env of [null, 7, 'x', [], {}, { id: '', channel: 'app.version' }, { id: 'x'.repeat(200), channel: 'app.version' }, { id: 5, channel: 'app.version' }]) {
      await expect(conn.invoke(env)).resolves.toMatchObject({ ok: false, error: { code: 'bad-request' } });
    }
    await expect(conn.invoke({ id: 'u', channel: 'sim.nothing', payload: {} })).resolves.toMatchObject({
      ok: false,
      error: { code: 'unknown-channel' },
    });
  });

  it('build error replies of the documented shape', () => {
    expect(errorReply('internal', 'boom')).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
  });
});
