/**
 * Request checks of the web shell, as pure functions of the request line and headers (no I/O): the
 * request target parsed without throwing, exactly one `Host` header naming the shell, the WebSocket
 * `Origin`, and the token carried by a WebSocket handshake (subprotocol or query, never a cookie).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_PARAM, WS_PATH, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '../../ipc/wire';

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches(presented: string | null | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The request target as a URL on `origin`, or null when it is not a plain origin-form path
 * (`//[`, `http://[`, `*`, absolute URLs, over 8 KiB): such targets are refused, never parsed further.
 */
export function parseTarget(raw: string | undefined, origin: string): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 8192 || raw[0] !== '/' || raw.startsWith('//')) return null;
  try {
    const url = new URL(raw, origin);
    return url.origin === origin ? url : null;
  } catch {
    return null;
  }
}

/** All values of header `name` as sent (Node keeps only the first `Host` in `req.headers`). */
export function headerValues(req: Pick<IncomingMessage, 'rawHeaders'>, name: string): string[] {
  const out: string[] = [];
  const lower = name.toLowerCase();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === lower) out.push(req.rawHeaders[i + 1]!);
  return out;
}

/** Why the Host header is wrong, or null when there is exactly one and it is `127.0.0.1:PORT`. */
export function hostProblem(req: Pick<IncomingMessage, 'rawHeaders'>, port: number): string | null {
  const hosts = headerValues(req, 'host');
  if (hosts.length !== 1) return `expected one Host header, found ${hosts.length}`;
  return hosts[0] === `127.0.0.1:${port}` ? null : 'wrong Host header';
}

/** The subprotocols a WebSocket handshake offers (`Sec-WebSocket-Protocol`, comma separated). */
export function offeredProtocols(req: Pick<IncomingMessage, 'rawHeaders'>): string[] {
  return headerValues(req, 'sec-websocket-protocol').flatMap((v) => v.split(',').map((p) => p.trim()).filter(Boolean));
}

/**
 * Why a WebSocket handshake is refused, or null when it may proceed: path `/ws`, one right Host,
 * `Origin` exactly `origin`, and the token either as subprotocol `faultline.token.<token>` (browsers,
 * which must also offer `faultline.v1`) or as `?token=` (other clients). No cookie is read.
 */
export function upgradeProblem(req: Pick<IncomingMessage, 'rawHeaders' | 'url'>, origin: string, port: number, token: string): string | null {
  const url = parseTarget(req.url, origin);
  if (url === null) return 'bad request target';
  if (url.pathname !== WS_PATH) return 'wrong path';
  const host = hostProblem(req, port);
  if (host !== null) return host;
  const origins = headerValues(req, 'origin');
  if (origins.length !== 1 || origins[0] !== origin) return 'wrong Origin';
  const offered = offeredProtocols(req);
  const viaProtocol = offered.filter((p) => p.startsWith(WS_TOKEN_PROTOCOL_PREFIX));
  if (viaProtocol.length > 0) {
    if (viaProtocol.length !== 1 || !tokenMatches(viaProtocol[0]!.slice(WS_TOKEN_PROTOCOL_PREFIX.length), token)) return 'missing or wrong token';
    if (!offered.includes(WS_PROTOCOL)) return `subprotocol ${WS_PROTOCOL} not offered`;
    return null;
  }
  return tokenMatches(url.searchParams.get(TOKEN_PARAM), token) ? null : 'missing or wrong token';
}
