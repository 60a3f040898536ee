/**
 * Long jobs over the web shell: push events reach the calling browser client through the renderer's
 * WebSocket bridge, and `cancel(id)` stops the job with a `cancelled` reply. Uses a test contract.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { z } from 'zod';
import { startWebShell, type WebShell } from '../../electron/web/server';
import { createConnection } from '../../electron/services/dispatch';
import { createWsBridge, type SocketLike } from '../../ipc/ws-client';
import { JobProgress, NoParams, type FaultlineBridge } from '../../ipc/contract';

const TEST = {
  'test.count': {
    request: z.strictObject({ to: z.number().int().positive() }),
    response: z.number(),
    cancellable: true,
    pushes: ['job.progress'],
    summary: 'counts to `to`, one push per step (5 ms each)',
  },
  'test.ping': { request: NoParams, response: z.literal('pong'), cancellable: false, pushes: [], summary: 'pong' },
};

let shell: WebShell;
let bridge: FaultlineBridge;
// The bridge is typed for the real contract; this test speaks its own channels through it.
type Loose = { invoke(ch: string, p: unknown, o?: { id?: string }): Promise<unknown> };

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-jobs-'));
  shell = await startWebShell({
    rendererDir: dir,
    scenariosDir: dir,
    appVersion: '0',
    connect: (send) =>
      createConnection(
        TEST,
        {
          'test.count': async ({ to }, ctx) => {
            for (let i = 1; i <= to; i++) {
              await new Promise((r) => setTimeout(r, 5));
              if (ctx.signal.aborted) return -1;
              ctx.push('job.progress', { id: ctx.id, done: i, total: to, message: `step ${i}` });
            }
            return to;
          },
          'test.ping': () => 'pong' as const,
        },
        send,
        { 'job.progress': JobProgress },
      ),
  });
  bridge = createWsBridge(shell.wsUrl, (u) => new WebSocket(u, { origin: shell.origin }) as unknown as SocketLike);
});
afterAll(() => shell.close());

describe('jobs over the web shell', () => {
  it('streams job.progress pushes to the caller, then the reply', async () => {
    const seen: { id: string; done: number }[] = [];
    const off = bridge.on('job.progress', (p) => seen.push({ id: p.id, done: p.done }));
    const reply = await (bridge as unknown as Loose).invoke('test.count', { to: 4 }, { id: 'job-1' });
    off();
    expect(reply).toEqual({ ok: true, value: 4 });
    expect(seen).toEqual([1, 2, 3, 4].map((done) => ({ id: 'job-1', done })));
  });

  it('cancels a running job by id; other requests keep working', async () => {
    let last = 0;
    const off = bridge.on('job.progress', (p) => (last = p.done));
    const running = (bridge as unknown as Loose).invoke('test.count', { to: 10_000 }, { id: 'job-2' });
    await new Promise((r) => setTimeout(r, 50));
    bridge.cancel('job-2');
    await expect(running).resolves.toMatchObject({ ok: false, error: { code: 'cancelled' } });
    off();
    expect(last).toBeGreaterThan(0);
    expect(last).toBeLessThan(10_000);
    await expect((bridge as unknown as Loose).invoke('test.ping', {})).resolves.toEqual({ ok: true, value: 'pong' });
  });
});
