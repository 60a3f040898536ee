/**
 * The web shell: serves the built renderer and the SAME services as Electron main over a WebSocket,
 * for machines without the Electron binary. Bound to 127.0.0.1 only. The renderer's files hold no
 * secret and are served to anyone who names the shell's own Host (electron/web/static.ts); the
 * services need the random per-launch token, which the page reads from its URL fragment (`/#token=…`,
 * never sent over HTTP), keeps in sessionStorage, and offers as a WebSocket subprotocol. No cookie is
 * set: cookies ignore ports, so every other server on 127.0.0.1 would receive it. Host and Origin must
 * be the shell's own http://127.0.0.1:PORT. No request, well formed or not, may stop the process:
 * every handler catches its errors, and each connection has a bounded number of requests in flight.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectServices } from '../services';
import type { Connection } from '../services/dispatch';
import { MAX_PAYLOAD_BYTES, TOKEN_PARAM, WS_PATH, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX, type PushEnvelope, type ServerMessage } from '../../ipc/wire';
import { CSP } from '../main/security';
import { hostProblem, parseTarget, upgradeProblem } from './auth';
import { readStatic } from './static';
import { MAX_CONNECTIONS, MAX_IN_FLIGHT } from './limits';

export { tokenMatches } from './auth';

export { MAX_CONNECTIONS, MAX_IN_FLIGHT } from './limits';

/** Options of `startWebShell`. */
export interface WebShellOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Directory of the built renderer (contains index.html). */
  readonly rendererDir: string;
  /** Directory of the example scenarios served by `catalog.scenarios`. */
  readonly scenariosDir: string;
  /** Application version shown on `app.version`. */
  readonly appVersion: string;
  /** Fixed token (tests only); default 32 random bytes, base64url. */
  readonly token?: string;
  /** Connection factory (tests only); default: the real services (`connectServices`). */
  readonly connect?: (send: (push: PushEnvelope) => void) => Connection;
}

/** A running web shell. */
export interface WebShell {
  /** TCP port it listens on (127.0.0.1). */
  readonly port: number;
  /** Its own origin, http://127.0.0.1:PORT: the only accepted Host/Origin. */
  readonly origin: string;
  /** The per-launch token. */
  readonly token: string;
  /** Page URL with the token in its fragment (`/#token=…`): what the user opens. */
  readonly url: string;
  /** WebSocket URL with the token as `?token=` (for non-browser clients; needs `Origin: origin`). */
  readonly wsUrl: string;
  /** Subprotocols a browser offers instead: `faultline.v1` and `faultline.token.<token>`. */
  readonly wsProtocols: readonly string[];
  /** Stops listening and closes every client. */
  close(): Promise<void>;
}

/** The CSP header of the shell: the app CSP with connect-src narrowed to this port. */
export function shellCsp(port: number): string {
  return CSP.replace('ws://127.0.0.1:*', `ws://127.0.0.1:${port}`);
}

/** Headers on every HTTP reply of the shell, successful or not (bytes: none; all strings). */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': shellCsp(port),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  };
}

/** Writes a refusal on a raw upgrade socket and closes it; never throws. */
function refuseSocket(socket: Duplex, status: string, text: string): void {
  try {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\n\r\nforbidden: ${text}\n`);
  } catch {
    /* already gone */
  }
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** Starts the web shell; resolves once it listens. */
export async function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const server = createServer({ maxHeaderSize: 16384, requestTimeout: 30_000 });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 2 * MAX_PAYLOAD_BYTES + 4096,
    // Browsers offer [faultline.v1, faultline.token.<token>]; only faultline.v1 is echoed back.
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  await new Promise<void>((ok, ko) => {
    server.once('error', ko);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const origin = `http://127.0.0.1:${port}`;
  const headers = securityHeaders(port);

  function refuse(res: ServerResponse, status: number, text: string): void {
    if (res.headersSent) return void res.destroy();
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${text}\n`);
  }

  async function serveRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = parseTarget(req.url, origin);
    if (url === null) return refuse(res, 400, 'bad request target');
    const host = hostProblem(req, port);
    if (host !== null) return refuse(res, 403, `forbidden: ${host}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed');
    if (url.pathname === WS_PATH) return refuse(res, 426, 'WebSocket endpoint: upgrade required');
    const file = await readStatic(options.rendererDir, url.pathname);
    if (!file.ok) return refuse(res, file.status, file.text);
    res.writeHead(200, { ...headers, 'Content-Type': file.type, 'Content-Length': String(file.body.length) });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    serveRequest(req, res).catch((e: unknown) => {
      try {
        refuse(res, 500, `internal error: ${e instanceof Error ? e.message : String(e)}`);
      } catch {
        res.destroy();
      }
    });
  });

  // Malformed HTTP (bad request line, oversized headers): answer 400 and drop the socket.
  server.on('clientError', (_err: Error, socket: Duplex) => {
    if (socket.writable) refuseSocket(socket, '400 Bad Request', 'malformed request');
    else socket.destroy();
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      const why = upgradeProblem(req, origin, port, token);
      if (why !== null) return refuseSocket(socket, '403 Forbidden', why);
      if (wss.clients.size >= MAX_CONNECTIONS) return refuseSocket(socket, '503 Service Unavailable', `more than ${MAX_CONNECTIONS} connections`);
      wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, options));
    } catch (e) {
      refuseSocket(socket, '400 Bad Request', e instanceof Error ? e.message : 'bad handshake');
    }
  });

  return {
    port,
    origin,
    token,
    url: `${origin}/#${TOKEN_PARAM}=${token}`,
    wsUrl: `ws://127.0.0.1:${port}${WS_PATH}?${TOKEN_PARAM}=${token}`,
    wsProtocols: [WS_PROTOCOL, `${WS_TOKEN_PROTOCOL_PREFIX}${token}`],
    close: () =>
      new Promise<void>((ok) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Serves one WebSocket client: at most MAX_IN_FLIGHT requests at once; nothing it sends can throw out. */
function serveSocket(ws: WebSocket, options: WebShellOptions): void {
  const send = (msg: ServerMessage): void => {
    try {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    } catch {
      ws.terminate();
    }
  };
  const reply = (id: string, code: 'bad-request' | 'busy' | 'internal', message: string): void =>
    send({ type: 'reply', id, reply: { ok: false, error: { code, message } } });
  const sendPush = (push: PushEnvelope): void => send({ type: 'push', ...push });
  let conn: Connection;
  try {
    conn = options.connect
      ? options.connect(sendPush)
      : connectServices(
          { shell: 'web', appVersion: options.appVersion, scenariosDir: options.scenariosDir, electronVersion: null, nodeVersion: process.versions.node },
          sendPush,
        );
  } catch {
    ws.close(1011, 'services unavailable');
    return;
  }
  let inFlight = 0;
  ws.on('message', (data, isBinary) => {
    try {
      let msg: { type?: unknown; id?: unknown };
      try {
        if (isBinary) throw new Error('binary frame');
        msg = JSON.parse(String(data)) as { type?: unknown; id?: unknown };
      } catch {
        return reply('', 'bad-request', 'message: expected JSON text');
      }
      const id = typeof msg?.id === 'string' ? msg.id : '';
      if (msg?.type === 'cancel' && typeof msg.id === 'string') {
        conn.cancel(msg.id);
      } else if (msg?.type === 'invoke') {
        if (inFlight >= MAX_IN_FLIGHT) {
          return reply(id, 'busy', `busy: this connection already has ${MAX_IN_FLIGHT} requests in flight (the limit); wait for a reply before sending more`);
        }
        inFlight++;
        Promise.resolve()
          .then(() => conn.invoke(msg))
          .then(
            (r) => send({ type: 'reply', id, reply: r }),
            (e: unknown) => reply(id, 'internal', `internal error: ${e instanceof Error ? e.message : String(e)}`),
          )
          .finally(() => inFlight--)
          .catch(() => ws.terminate());
      } else {
        reply(id, 'bad-request', 'type: expected "invoke" or "cancel"');
      }
    } catch {
      ws.terminate();
    }
  });
  ws.on('close', () => {
    try {
      conn.close();
    } catch {
      /* the client is gone either way */
    }
  });
  // A protocol error (e.g. a frame over maxPayload, closed with 1009) must end this socket, not the process.
  ws.on('error', () => ws.terminate());
}
