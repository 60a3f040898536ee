/**
 * The web shell: serves the built renderer and the SAME services as Electron main over a WebSocket,
 * for machines without the Electron binary. Bound to 127.0.0.1 only; a random per-launch token is
 * required on the page URL (then kept in an HttpOnly cookie for assets and reloads) and on the
 * WebSocket; the Host header and the WebSocket Origin must be the shell's own http://127.0.0.1:PORT.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectServices } from '../services';
import type { Connection } from '../services/dispatch';
import { MAX_PAYLOAD_BYTES, TOKEN_COOKIE, TOKEN_PARAM, WS_PATH, type PushEnvelope, type ServerMessage } from '../../ipc/wire';
import { CSP } from '../main/security';

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
  /** Page URL including the token: what the user opens. */
  readonly url: string;
  /** WebSocket URL including the token. */
  readonly wsUrl: string;
  /** Stops listening and closes every client. */
  close(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.wasm': 'application/wasm', '.txt': 'text/plain; charset=utf-8',
};

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches(presented: string | null | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

/** The CSP header of the shell: the app CSP with connect-src narrowed to this port. */
export function shellCsp(port: number): string {
  return CSP.replace('ws://127.0.0.1:*', `ws://127.0.0.1:${port}`);
}

/** Starts the web shell; resolves once it listens. */
export async function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const rendererDir = resolve(options.rendererDir);
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * MAX_PAYLOAD_BYTES + 4096 });
  await new Promise<void>((ok, ko) => {
    server.once('error', ko);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const origin = `http://127.0.0.1:${port}`;
  const cookieName = `${TOKEN_COOKIE}_${port}`;

  const authorised = (req: IncomingMessage, url: URL): boolean =>
    tokenMatches(url.searchParams.get(TOKEN_PARAM), token) || tokenMatches(cookieValue(req, cookieName), token);
  const hostOk = (req: IncomingMessage): boolean => req.headers.host === `127.0.0.1:${port}`;

  function refuse(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(`${text}\n`);
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      if (!hostOk(req)) return refuse(res, 403, 'forbidden: wrong Host header');
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed');
      if (!authorised(req, url)) return refuse(res, 403, 'forbidden: missing or wrong token (open the URL the shell printed)');
      let path: string;
      try {
        path = decodeURIComponent(url.pathname);
      } catch {
        return refuse(res, 400, 'bad path');
      }
      const file = resolve(join(rendererDir, path === '/' ? 'index.html' : path));
      if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return refuse(res, 403, 'forbidden path');
      let body: Buffer;
      try {
        if (!(await stat(file)).isFile()) return refuse(res, 404, 'not found');
        body = await readFile(file);
      } catch {
        const built = await stat(join(rendererDir, 'index.html')).then(() => true, () => false);
        return built ? refuse(res, 404, 'not found') : refuse(res, 503, 'renderer not built: run `npm run build`');
      }
      const headers: Record<string, string> = {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': shellCsp(port),
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Resource-Policy': 'same-origin',
        'X-Frame-Options': 'DENY',
        'Cache-Control': 'no-store',
      };
      if (tokenMatches(url.searchParams.get(TOKEN_PARAM), token)) {
        headers['Set-Cookie'] = `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      }
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    })().catch((e: unknown) => {
      if (!res.headersSent) refuse(res, 500, `internal error: ${e instanceof Error ? e.message : String(e)}`);
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', origin);
    const why =
      url.pathname !== WS_PATH ? 'wrong path'
      : !hostOk(req) ? 'wrong Host'
      : req.headers.origin !== origin ? 'wrong Origin'
      : !authorised(req, url) ? 'missing or wrong token'
      : null;
    if (why !== null) {
      socket.write(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nforbidden: ${why}\n`);
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, options));
  });

  return {
    port,
    origin,
    token,
    url: `${origin}/?${TOKEN_PARAM}=${token}`,
    wsUrl: `ws://127.0.0.1:${port}${WS_PATH}?${TOKEN_PARAM}=${token}`,
    close: () =>
      new Promise<void>((ok) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function serveSocket(ws: WebSocket, options: WebShellOptions): void {
  const send = (msg: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };
  const sendPush = (push: PushEnvelope): void => send({ type: 'push', ...push });
  const conn = options.connect
    ? options.connect(sendPush)
    : connectServices(
        { shell: 'web', appVersion: options.appVersion, scenariosDir: options.scenariosDir, electronVersion: null, nodeVersion: process.versions.node },
        sendPush,
      );
  ws.on('message', (data, isBinary) => {
    let msg: { type?: unknown; id?: unknown };
    try {
      if (isBinary) throw new Error('binary frame');
      msg = JSON.parse(String(data)) as { type?: unknown; id?: unknown };
    } catch {
      send({ type: 'reply', id: '', reply: { ok: false, error: { code: 'bad-request', message: 'message: expected JSON text' } } });
      return;
    }
    if (msg?.type === 'cancel' && typeof msg.id === 'string') {
      conn.cancel(msg.id);
    } else if (msg?.type === 'invoke') {
      const id = typeof msg.id === 'string' ? msg.id : '';
      void conn.invoke(msg).then((reply) => send({ type: 'reply', id, reply }));
    } else {
      send({ type: 'reply', id: typeof msg?.id === 'string' ? msg.id : '', reply: { ok: false, error: { code: 'bad-request', message: 'type: expected "invoke" or "cancel"' } } });
    }
  });
  ws.on('close', () => conn.close());
  // A protocol error (e.g. a frame over maxPayload, closed with 1009) must end this socket, not the process.
  ws.on('error', () => ws.terminate());
}
