/**
 * WebSocket implementation of the contract's FaultlineBridge, used when the renderer runs in a browser
 * against the web shell (no preload). Written against a minimal socket interface so tests can drive it
 * with the `ws` package in Node.
 */
import type { FaultlineBridge } from './contract';
import type { ClientMessage, Reply, ServerMessage } from './wire';

/** The subset of the browser WebSocket this client uses. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

/** Creates a socket for a URL (browser: `(u) => new WebSocket(u)`). */
export type SocketFactory = (url: string) => SocketLike;

const OPEN = 1;

/**
 * A bridge over the WebSocket at `url` (which carries the token). Connects lazily, queues requests until
 * open, reconnects on the next call after a drop; requests pending when the socket drops resolve to an
 * `internal` error reply (never reject).
 */
export function createWsBridge(url: string, factory: SocketFactory): FaultlineBridge {
  let socket: SocketLike | null = null;
  let queue: string[] = [];
  let counter = 0;
  const pending = new Map<string, (reply: Reply<unknown>) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  function failAll(message: string): void {
    for (const [id, resolve] of pending) {
      pending.delete(id);
      resolve({ ok: false, error: { code: 'internal', message } });
    }
  }

  function connect(): SocketLike {
    if (socket) return socket;
    const s = factory(url);
    socket = s;
    s.onopen = () => {
      for (const m of queue) s.send(m);
      queue = [];
    };
    s.onmessage = (ev) => {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      if (msg.type === 'reply') {
        const resolve = pending.get(msg.id);
        pending.delete(msg.id);
        resolve?.(msg.reply);
      } else if (msg.type === 'push') {
        const set = listeners.get(msg.channel);
        if (set) for (const l of set) l(msg.payload);
      }
    };
    s.onclose = () => {
      if (socket === s) socket = null;
      queue = [];
      failAll('connection to the Faultline web shell closed (is it still running? was the token right?)');
    };
    s.onerror = () => {
      /* onclose follows and reports */
    };
    return s;
  }

  function post(msg: ClientMessage): void {
    const s = connect();
    const text = JSON.stringify(msg);
    if (s.readyState === OPEN) s.send(text);
    else queue.push(text);
  }

  return {
    invoke(channel, payload, options) {
      const id = options?.id ?? `w${++counter}`;
      return new Promise((resolve) => {
        pending.set(id, resolve as (r: Reply<unknown>) => void);
        post({ type: 'invoke', id, channel, payload: payload ?? {} });
      });
    },
    cancel(id) {
      if (pending.has(id)) post({ type: 'cancel', id });
    },
    on(channel, listener) {
      const l = listener as (payload: unknown) => void;
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(l);
      return () => {
        set.delete(l);
      };
    },
  };
}
