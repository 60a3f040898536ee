/**
 * The dispatcher with a test contract: pushes reach only their caller and are validated, handler
 * exceptions and bad responses become `internal`, cancellation and disconnects become `cancelled`.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createConnection, type HandlersFor } from '../../../electron/services/dispatch';
import type { ChannelDef, ContractDef } from '../../../ipc/contract';
import type { PushEnvelope } from '../../../ipc/wire';

const def = <Q extends z.ZodType, S extends z.ZodType>(request: Q, response: S, cancellable = false): ChannelDef<Q, S> => ({
  request,
  response,
  cancellable,
  pushes: [],
  summary: 'test',
});
const TEST = {
  'test.add': def(z.strictObject({ a: z.number(), b: z.number() }), z.number()),
  'test.slow': def(z.strictObject({ steps: z.number().int().positive() }), z.string(), true),
  'test.throws': def(z.strictObject({}), z.string()),
  'test.lies': def(z.strictObject({}), z.string()),
  'test.badPush': def(z.strictObject({}), z.string()),
} satisfies ContractDef;
const PUSH = { progress: z.strictObject({ id: z.string(), done: z.number() }) };

const handlers: HandlersFor<typeof TEST> = {
  'test.add': ({ a, b }) => a + b,
  'test.slow': async ({ steps }, ctx) => {
    for (let i = 1; i <= steps; i++) {
      await new Promise((r) => setTimeout(r, 5));
      if (ctx.signal.aborted) return 'stopped';
      ctx.push('progress', { id: ctx.id, done: i });
    }
    return 'finished';
  },
  'test.throws': () => {
    throw new Error('kaboom');
  },
  'test.lies': () => 42 as unknown as string,
  'test.badPush': (_req, ctx) => {
    ctx.push('progress', { id: ctx.id, done: 'many' });
    return 'unreachable';
  },
};

function connect(): { conn: ReturnType<typeof createConnection>; pushes: PushEnvelope[] } {
  const pushes: PushEnvelope[] = [];
  return { conn: createConnection(TEST, handlers, (p) => pushes.push(p), PUSH), pushes };
}

describe('createConnection', () => {
  it('runs a handler on a validated payload', async () => {
    const { conn } = connect();
    await expect(conn.invoke({ id: '1', channel: 'test.add', payload: { a: 2, b: 3 } })).resolves.toEqual({ ok: true, value: 5 });
    const bad = await conn.invoke({ id: '2', channel: 'test.add', payload: { a: 2, b: 'three' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    if (!bad.ok) expect(bad.error.message).toMatch(/^test\.add: b: /);
  });

  it('delivers validated pushes to its own caller during the request', async () => {
    const a = connect();
    const b = connect();
    await expect(a.conn.invoke({ id: 'job', channel: 'test.slow', payload: { steps: 3 } })).resolves.toEqual({ ok: true, value: 'finished' });
    expect(a.pushes).toEqual([1, 2, 3].map((done) => ({ channel: 'progress', payload: { id: 'job', done } })));
    expect(b.pushes).toEqual([]);
  });

  it('reports handler exceptions, bad responses and bad pushes as internal errors', async () => {
    const { conn } = connect();
    await expect(conn.invoke({ id: 't', channel: 'test.throws', payload: {} })).resolves.toEqual({
      ok: false,
      error: { code: 'internal', message: 'test.throws: kaboom' },
    });
    await expect(conn.invoke({ id: 'l', channel: 'test.lies', payload: {} })).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
    const push = await conn.invoke({ id: 'p', channel: 'test.badPush', payload: {} });
    expect(push).toMatchObject({ ok: false, error: { code: 'internal' } });
    if (!push.ok) expect(push.error.message).toContain('done');
  });

  it('cancels an in-flight request by id; the reply is cancelled and pushes stop', async () => {
    const { conn, pushes } = connect();
    const running = conn.invoke({ id: 'long', channel: 'test.slow', payload: { steps: 1000 } });
    await new Promise((r) => setTimeout(r, 30));
    expect(conn.inFlight()).toBe(1);
    expect(conn.cancel('long')).toBe(true);
    await expect(running).resolves.toMatchObject({ ok: false, error: { code: 'cancelled' } });
    const seen = pushes.length;
    expect(seen).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 30));
    expect(pushes.length).toBe(seen);
    expect(conn.inFlight()).toBe(0);
    expect(conn.cancel('long')).toBe(false);
  });

  it('refuses a second request with an id still running, and close() cancels everything', async () => {
    const { conn } = connect();
    const first = conn.invoke({ id: 'same', channel: 'test.slow', payload: { steps: 1000 } });
    await expect(conn.invoke({ id: 'same', channel: 'test.add', payload: { a: 1, b: 1 } })).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    conn.close();
    await expect(first).resolves.toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });
});
