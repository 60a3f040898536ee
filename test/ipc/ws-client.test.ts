/** The renderer's WebSocket bridge against a scripted fake socket: queueing, replies, pushes, drops. */
import { describe, expect, it } from 'vitest';
import { createWsBridge, type SocketLike } from '../../ipc/ws-client';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.readyState = 3;
    this.onclose?.({});
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(msg: unknown): void {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const urls: string[] = [];
  const bridge = createWsBridge('ws://127.0.0.1:1/ws?token=t', (u) => {
    urls.push(u);
    const s = new FakeSocket();
    sockets.push(s);
    return s;
  });
  return { bridge, sockets, urls };
}

describe('createWsBridge', () => {
  it('connects lazily, queues until open, and resolves replies by id', async () => {
    const { bridge, sockets, urls } = setup();
    expect(sockets).toHaveLength(0);
    const p = bridge.invoke('catalog.models', {}, { id: 'x1' });
    expect(urls).toEqual(['ws://127.0.0.1:1/ws?token=t']);
    expect(sockets[0].sent).toEqual([]);
    sockets[0].open();
    expect(sockets[0].sent).toEqual([{ type: 'invoke', id: 'x1', channel: 'catalog.models', payload: {} }]);
    sockets[0].receive({ type: 'reply', id: 'other', reply: { ok: true, value: [] } });
    sockets[0].receive({ type: 'reply', id: 'x1', reply: { ok: true, value: [{ id: 'm' }] } });
    await expect(p).resolves.toEqual({ ok: true, value: [{ id: 'm' }] });
  });

  it('delivers pushes to listeners of that channel until they unsubscribe; ignores junk frames', () => {
    const { bridge, sockets } = setup();
    void bridge.invoke('app.version', {});
    sockets[0].open();
    const got: unknown[] = [];
    const off = bridge.on('job.progress', (p) => got.push(p));
    const payload = { id: 'j', done: 1, total: 2, message: 'half' };
    sockets[0].receive({ type: 'push', channel: 'job.progress', payload });
    sockets[0].receive({ type: 'push', channel: 'other.channel', payload: 1 });
    sockets[0].onmessage?.({ data: 'not json' });
    off();
    sockets[0].receive({ type: 'push', channel: 'job.progress', payload });
    expect(got).toEqual([payload]);
  });

  it('sends cancel only for pending ids', () => {
    const { bridge, sockets } = setup();
    void bridge.invoke('app.version', {}, { id: 'a' });
    sockets[0].open();
    bridge.cancel('a');
    bridge.cancel('unknown');
    expect(sockets[0].sent).toEqual([
      { type: 'invoke', id: 'a', channel: 'app.version', payload: {} },
      { type: 'cancel', id: 'a' },
    ]);
  });

  it('resolves pending calls with an internal error when the socket drops, and reconnects on the next call', async () => {
    const { bridge, sockets } = setup();
    const p = bridge.invoke('app.version', {});
    sockets[0].open();
    sockets[0].close();
    await expect(p).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
    void bridge.invoke('app.version', {});
    expect(sockets).toHaveLength(2);
  });
});
